"""`repcam batch`: a backlog of recordings, each analysed exactly as `repcam analyse` does it,
by a pool of worker processes or by Ray tasks, resumable after any interruption.

The driver (this process) reads the jobs, skips those whose outputs are complete and
verified, hands the rest to workers, and writes `batch.csv` and (with `--log`) the session
log as results arrive: workers never open the log, so SQLite has one writer. A worker is
`run_job`: it opens its own pose model (MediaPipe objects cannot be pickled) and writes one
output folder, finishing it with `batch-done.json` (the input's fingerprint and every file's
sha256), so a folder without a valid one is redone.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Protocol

from repcam import __version__
from repcam.core.sides import SIDES, Side
from repcam.errors import InputError, RepcamError
from repcam.exercises.registry import AUTO, UnknownExercise, get_exercise
from repcam.io.files import replacing
from repcam.io.logbook import import_session, session_from_analysis
from repcam.io.models.provision import sha256_of
from repcam.io.session_store import SessionLog
from repcam.io.sources import VIDEO_SUFFIXES, VideoFileSource

DONE_FILE = "batch-done.json"
SUMMARY_FILE = "batch.csv"
MANIFEST_COLUMNS = ("video", "exercise", "person", "side", "reps")
SUMMARY_COLUMNS = ("video", "status", "exercise", "reps", "holds_met", "faults", "verdict",
                   "problem", "seconds", "out")


class Status(str, Enum):
    DONE = "done"
    SKIPPED = "skipped"  # done and verified by an earlier run
    FAILED = "failed"
    RETRYING = "retrying"  # its worker died; a fresh one runs it once more

    def __str__(self) -> str:  # batch.csv says "done"
        return self.value


@dataclass(frozen=True)
class BatchJob:
    """One video to analyse, and where its outputs go."""

    video: Path
    out_dir: Path
    exercise: str | None = None  # None: recognised from the video
    person: str = "me"
    side: Side | None = None
    reps: int | None = None
    model: str = "full"  # a variant, provisioned on whichever machine runs the job
    config: Path | None = None  # the settings file, if any (same on every machine)

    @property
    def name(self) -> str:
        return self.video.name


@dataclass(frozen=True)
class JobOutcome:
    job: BatchJob
    status: Status
    summary: dict[str, object] = field(default_factory=dict)
    document: dict | None = None  # session.json, for the session log
    problem: str = ""
    seconds: float = 0.0  # wall time of the analysis

    @property
    def failed(self) -> bool:
        return self.status is Status.FAILED

    def row(self) -> dict[str, object]:
        return {"video": str(self.job.video), "status": self.status, **self.summary,
                "problem": self.problem, "seconds": round(self.seconds, 2),
                "out": str(self.job.out_dir)}


# -- the jobs -----------------------------------------------------------------------------
def read_jobs(source: Path, out: Path, *, exercise: str | None, person: str, model: str,
              config: Path | None) -> tuple[list[BatchJob], list[str]]:
    """The jobs of a folder (every video in it) or a manifest CSV, and one sentence per
    manifest row that cannot run (the other rows run)."""
    # Absolute paths: a worker, or a cluster's node, does not share our working directory.
    out, config = out.resolve(), config.resolve() if config else None
    base = BatchJob(Path(), Path(), exercise, person, None, None, model, config)
    if not source.exists():
        raise InputError(f"{source} does not exist: give a folder of videos or a manifest "
                         "(.csv).")
    if source.is_dir():
        videos = sorted(p for p in source.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
        if not videos:
            raise InputError(f"The folder {source} holds no video files.")
        return _with_folders([replace(base, video=v.resolve()) for v in videos], out), []
    if source.suffix.lower() != ".csv":
        raise InputError(f"{source} is neither a folder of videos nor a manifest (.csv).")
    jobs, problems = _read_manifest(source, base)
    return _with_folders(jobs, out), problems


def _read_manifest(path: Path, base: BatchJob) -> tuple[list[BatchJob], list[str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"The manifest {path} cannot be read: {error}.") from error
    if not rows or "video" not in [c.strip().lower() for c in rows[0]]:
        raise InputError(f"The manifest {path} needs a header row naming its columns: "
                         f"{', '.join(MANIFEST_COLUMNS)} (only 'video' is required).")
    header = [c.strip().lower() for c in rows[0]]
    unknown = [c for c in header if c not in MANIFEST_COLUMNS]
    if unknown:
        raise InputError(f"The manifest {path} has an unknown column '{unknown[0]}'; "
                         f"the columns are {', '.join(MANIFEST_COLUMNS)}.")
    jobs, problems = [], []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        try:
            jobs.append(_job_of(dict(zip(header, cells, strict=False)),
                                len(cells) <= len(header), path.parent, base))
        except InputError as problem:
            problems.append(f"{path.name} line {line}: {problem}")
    return jobs, problems


def _job_of(row: dict[str, str], fits: bool, folder: Path, base: BatchJob) -> BatchJob:
    """A manifest row (missing cells at its end are empty) as a job, or why it cannot be."""
    if not fits:
        raise InputError("the row has more values than the header has columns")
    cell = {name: (row.get(name) or "").strip() for name in MANIFEST_COLUMNS}
    if not cell["video"]:
        raise InputError("no video named")
    video = Path(cell["video"]).expanduser()
    video = (video if video.is_absolute() else folder / video).resolve()
    if not video.is_file():
        raise InputError(f"no such video file: {video}")
    exercise = cell["exercise"].lower() or base.exercise
    if exercise == AUTO:
        exercise = None
    if exercise is not None:
        try:
            exercise = get_exercise(exercise).name
        except UnknownExercise as error:
            raise InputError(str(error).rstrip(".")) from error
    if cell["side"] and cell["side"].lower() not in SIDES:
        raise InputError(f"side must be left or right, not '{cell['side']}'")
    if cell["reps"] and not (cell["reps"].isdigit() and 1 <= int(cell["reps"]) <= 100):
        raise InputError(f"reps must be a whole number from 1 to 100, not '{cell['reps']}'")
    return replace(base, video=video, exercise=exercise, person=cell["person"] or base.person,
                   side=Side(cell["side"].lower()) if cell["side"] else None,
                   reps=int(cell["reps"]) if cell["reps"] else None)


def _with_folders(jobs: list[BatchJob], out: Path) -> list[BatchJob]:
    """One output folder per video, named after it (a second video of the same name gets
    its position in the list too)."""
    seen: set[str] = set()
    placed = []
    for number, job in enumerate(jobs, start=1):
        name = job.video.stem if job.video.stem not in seen else f"{job.video.stem}-{number}"
        seen.add(name)
        placed.append(replace(job, out_dir=out / name))
    return placed


# -- done, and verified -------------------------------------------------------------------
def fingerprint(job: BatchJob) -> dict[str, object]:
    """What the outputs were made from: the video (size, modification time), the options
    and repcam's version. Any change and the video is analysed again."""
    stat = job.video.stat()
    return {"video": str(job.video), "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns, "exercise": job.exercise, "side": job.side,
            "reps": job.reps, "model": job.model, "person": job.person,
            "config": sha256_of(job.config) if job.config else None,
            "repcam_version": __version__}


def completed(job: BatchJob) -> JobOutcome | None:
    """The earlier run's outcome if its outputs are all there, unchanged, for this input."""
    try:
        done = json.loads((job.out_dir / DONE_FILE).read_text())
        if done["input"] != json.loads(json.dumps(fingerprint(job))):
            return None
        if any(sha256_of(job.out_dir / name) != sha for name, sha in done["files"].items()):
            return None
        document = json.loads((job.out_dir / "session.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return JobOutcome(job, Status.SKIPPED, summary_of(document), document)


def _seal(job: BatchJob, outputs: Iterable[Path]) -> None:
    files = {path.name: sha256_of(path) for path in outputs}
    with replacing(job.out_dir / DONE_FILE) as handle:
        json.dump({"input": fingerprint(job), "files": files}, handle, indent=1, default=str)


# -- one job (in a worker) ----------------------------------------------------------------
def run_job(job: BatchJob,
            on_progress: Callable[[str, int], None] = lambda stage, done: None) -> JobOutcome:
    """Analyse one video as `repcam analyse VIDEO --out DIR` does. Never raises for a bad
    video: its problem is the outcome (whatever was analysed is saved). `on_progress` hears
    the frames of the video done at each stage (recognising, tracking, drawing)."""
    from repcam.apps.recorded import RECOGNISING, analyse_recording, recognise_video
    from repcam.io.models.provision import ensure_model
    from repcam.io.settings import load_config

    started = time.monotonic()
    try:
        model_path = ensure_model(job.model)
        settings = load_config(job.config)
        spec = get_exercise(job.exercise) if job.exercise else recognise_video(
            job.video, model_path, on_frame=lambda index: on_progress(RECOGNISING, index + 1),
        ).best.spec
        spec = settings.spec(spec)
        recorded = analyse_recording(job.video, spec, model_path, out_dir=job.out_dir,
                                     side=job.side, target_reps=job.reps or settings.reps(spec),
                                     on_progress=on_progress)
    except RepcamError as error:
        return JobOutcome(job, Status.FAILED, problem=str(error),
                          seconds=time.monotonic() - started)
    except Exception as error:  # one bad video never stops the others
        return JobOutcome(job, Status.FAILED, problem=f"unexpected {type(error).__name__}: {error}",
                          seconds=time.monotonic() - started)
    document, problem = recorded.document, recorded.result.problem
    if problem is not None:
        return JobOutcome(job, Status.FAILED, summary_of(document), None, problem.message,
                          time.monotonic() - started)
    _seal(job, recorded.outputs.values())
    return JobOutcome(job, Status.DONE, summary_of(document), document, "",
                      time.monotonic() - started)


def summary_of(document: dict) -> dict[str, object]:
    """batch.csv's columns for a video, read from its session.json."""
    totals = document["totals"]
    held = f"{totals['holds_met']}/{totals['holds_timed']}" if totals["holds_timed"] else ""
    return {"exercise": document["exercise"], "reps": totals["reps"], "holds_met": held,
            "faults": len(document["faults"]), "verdict": document["verdict"]["sentence"]}


# -- the driver ---------------------------------------------------------------------------
class Runner(Protocol):
    def run(self, jobs: list[BatchJob]) -> Iterator[JobOutcome]: ...


@dataclass
class BatchProgress:
    """Videos done of all, and the speed in video-seconds per second (for the bar and ETA)."""

    total: int
    video_s_total: float
    done: int = 0
    video_s_done: float = 0.0
    started_s: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started_s
        return self.video_s_done / elapsed if elapsed > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        left = self.video_s_total - self.video_s_done
        return left / self.rate if self.rate > 0 else None


OnOutcome = Callable[[JobOutcome, BatchProgress], None]


class BatchRun:
    """The driver: skips what an earlier run finished, runs the rest on `runner`, and
    keeps `batch.csv` (and the session log, when given) up to date as results arrive."""

    def __init__(self, jobs: list[BatchJob], out: Path, runner: Runner, *,
                 log: SessionLog | None = None) -> None:
        self.jobs, self.out, self.runner, self.log = jobs, out, runner, log
        self.outcomes: dict[BatchJob, JobOutcome] = {}
        self._video_s: dict[BatchJob, float] = {}  # the length of each video to analyse

    def run(self, on_outcome: OnOutcome = lambda outcome, progress: None) -> list[JobOutcome]:
        done, todo = pending(self.jobs)
        self._video_s = {job: video_seconds(job) for job in todo}  # each file probed once
        progress = BatchProgress(len(self.jobs), sum(self._video_s.values()))
        try:
            for outcome in done:
                self._record(outcome, progress, on_outcome)
            for outcome in self.runner.run(todo):
                self._record(outcome, progress, on_outcome)
        finally:
            write_summary(self.finished(), self.out / SUMMARY_FILE)
        return self.finished()

    def finished(self) -> list[JobOutcome]:
        """The outcomes so far, in the jobs' order (the folder's or the manifest's)."""
        return [self.outcomes[job] for job in self.jobs if job in self.outcomes]

    def _record(self, outcome: JobOutcome, progress: BatchProgress,
                on_outcome: OnOutcome) -> None:
        if outcome.status is not Status.RETRYING:
            self.outcomes[outcome.job] = outcome
            progress.done += 1
            progress.video_s_done += self._video_s.get(outcome.job, 0.0)  # skipped: 0
            if self.log is not None and outcome.document is not None:
                import_session(self.log, session_from_analysis(outcome.document),
                               profile=outcome.job.person)
            write_summary(self.finished(), self.out / SUMMARY_FILE)
        on_outcome(outcome, progress)


def write_summary(outcomes: Iterable[JobOutcome], path: Path) -> None:
    with replacing(path, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        writer.writerows(outcome.row() for outcome in outcomes)


def pending(jobs: list[BatchJob]) -> tuple[list[JobOutcome], list[BatchJob]]:
    """(outcomes of the jobs already done and verified, the jobs still to run)."""
    done, todo = [], []
    for job in jobs:
        outcome = completed(job)
        if outcome is None:
            todo.append(job)
        else:
            done.append(outcome)
    return done, todo


def video_seconds(job: BatchJob) -> float:
    try:
        return VideoFileSource(job.video).info.announced_s
    except RepcamError:  # unreadable: its worker says so
        return 0.0
