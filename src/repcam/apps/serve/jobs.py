"""The analyses `repcam serve` runs: one job per uploaded video, kept on disk so a restart
loses none of them, run one at a time in the background (one analysis already keeps every
core busy), each with a progress the pages can follow."""

from __future__ import annotations

import json
import queue
import threading
import uuid
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path

from repcam.apps.batch import BatchJob, run_job
from repcam.errors import RepcamError
from repcam.exercises.registry import AUTO
from repcam.io.files import write_text
from repcam.io.logbook import import_session, session_from_analysis
from repcam.io.session_store import SessionLog, now_iso

# Where the video's frames are counted at each stage, as a share of the whole job.
STAGE_SPAN = {"tracking": (0.0, 0.85), "drawing": (0.85, 1.0)}
AUTO_SPAN = {"recognising": (0.0, 0.3), "tracking": (0.3, 0.85), "drawing": (0.85, 1.0)}


class JobState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the server stopped while it ran: re-run it

    def __str__(self) -> str:
        return self.value


UNFINISHED = frozenset({JobState.QUEUED, JobState.RUNNING})
INTERRUPTED_MESSAGE = "The server stopped while this video was being analysed: nothing of it " \
                      "was logged. Re-run it."


@dataclass(frozen=True)
class Job:
    """One uploaded video to analyse for one person. `message` is the verdict when done and
    the problem when not."""

    id: str
    video_name: str  # as the physiotherapist's file was called
    upload: Path
    out_dir: Path
    profile: str
    exercise: str  # a name, or "auto"
    frames: int  # the video's frames, for the progress
    created: str = field(default_factory=now_iso)
    state: JobState = JobState.QUEUED
    message: str = ""
    session_id: int | None = None
    progress: float = 0.0  # 0..1, kept in memory only (a restarted job starts again)

    def public(self) -> dict[str, object]:
        """What the pages and the API show (no paths of the server's disk)."""
        return {"id": self.id, "video": self.video_name, "profile": self.profile,
                "exercise": self.exercise, "state": str(self.state),
                "progress": round(self.progress, 3), "message": self.message,
                "session": self.session_id, "created": self.created}


class JobStore:
    """Every job as a small JSON file in `folder`, rewritten whole at each change of state."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.version = 0  # counts the changes: a listener compares it to see one
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(folder.glob("*.json")):
            job = _read_job(path)
            if job is not None:
                self._jobs[job.id] = _recovered(job)
        for job in self._jobs.values():
            if job.state is JobState.INTERRUPTED:
                self._write(job)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]

    def all(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda job: job.created, reverse=True)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def put(self, job: Job, *, durable: bool = True) -> Job:
        """Store `job`; `durable` False for a progress tick (kept in memory only)."""
        with self._lock:
            self._jobs[job.id] = job
            if durable:
                self._write(job)
            self.version += 1
        return job

    def update(self, job_id: str, *, durable: bool = True, **changes: object) -> Job:
        with self._lock:
            job = replace(self._jobs[job_id], **changes)
        return self.put(job, durable=durable)

    def of_session(self, session_id: int) -> Job | None:
        return next((job for job in self.all() if job.session_id == session_id), None)

    def remove(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)
            (self.folder / f"{job_id}.json").unlink(missing_ok=True)
            self.version += 1

    def _write(self, job: Job) -> None:
        document = asdict(job) | {"upload": str(job.upload), "out_dir": str(job.out_dir),
                                  "state": str(job.state)}
        document.pop("progress")
        write_text(self.folder / f"{job.id}.json", json.dumps(document, indent=1))


def _read_job(path: Path) -> Job | None:
    """A job file, or None for one that is not (left on disk: it may be someone's)."""
    try:
        document = json.loads(path.read_text())
        return Job(**document | {"upload": Path(document["upload"]),
                                 "out_dir": Path(document["out_dir"]),
                                 "state": JobState(document["state"])})
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _recovered(job: Job) -> Job:
    """A job the server was running (or had queued) when it stopped."""
    if job.state in UNFINISHED:
        return replace(job, state=JobState.INTERRUPTED, message=INTERRUPTED_MESSAGE)
    return job


class AnalysisQueue:
    """Runs the jobs one after another on a background thread and logs each result."""

    def __init__(self, store: JobStore, db: Path | None, model: str) -> None:
        self.store, self.db, self.model = store, db, model
        self._waiting: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="repcam-serve-jobs", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> Job:
        job = self.store.put(replace(job, state=JobState.QUEUED, message="", progress=0.0))
        self._waiting.put(job.id)
        return job

    def _work(self) -> None:
        while True:
            self._run(self._waiting.get())

    def _run(self, job_id: str) -> None:
        job = self.store.update(job_id, state=JobState.RUNNING, progress=0.0)
        spans = AUTO_SPAN if job.exercise == AUTO else STAGE_SPAN
        shown = [0.0]

        def progress(stage: str, done: int) -> None:
            low, high = spans.get(stage, (0.0, 1.0))
            share = low + (high - low) * min(done / max(job.frames, 1), 1.0)
            if share - shown[0] >= 0.01:  # a tick per percent, not per frame
                shown[0] = share
                self.store.update(job_id, durable=False, progress=share)

        batch_job = BatchJob(job.upload, job.out_dir, None if job.exercise == AUTO
                             else job.exercise, job.profile, model=self.model)
        try:
            outcome = run_job(batch_job, progress)
            session_id = self._log(outcome.document, job.profile) if not outcome.failed \
                else None
        except RepcamError as error:  # the log could not take it: said, nothing half-written
            self.store.update(job_id, state=JobState.FAILED, message=str(error))
            return
        except Exception as error:  # a job's failure is the job's, never the server's
            self.store.update(job_id, state=JobState.FAILED,
                              message=f"unexpected {type(error).__name__}: {error}")
            return
        if outcome.failed:
            self.store.update(job_id, state=JobState.FAILED, message=outcome.problem)
        else:
            self.store.update(job_id, state=JobState.DONE, progress=1.0, session_id=session_id,
                              exercise=outcome.document["exercise"],
                              message=outcome.document["verdict"]["sentence"])

    def _log(self, document: dict, profile: str) -> int | None:
        with SessionLog(self.db) as log:
            return import_session(log, session_from_analysis(document), profile=profile)
