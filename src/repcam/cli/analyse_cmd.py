"""`repcam analyse VIDEO... --exercise NAME [--out DIR]`: what happened, rep by rep."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from repcam.cli.console import console, err_console, provision_model
from repcam.cli.options import (
    AUTO,
    ConfigOption,
    DbOption,
    ExerciseName,
    ModelOption,
    ProfileOption,
    checked_folder,
    exercise_named,
)
from repcam.core.kinematics import DEGREES, UNIT_SYMBOLS
from repcam.core.sides import Side
from repcam.errors import InputError
from repcam.exercises.spec import ExerciseSpec, unit_of
from repcam.io.models.catalog import DEFAULT_VARIANT
from repcam.words import plural

if TYPE_CHECKING:
    from repcam.io.settings import Config


def register(app: typer.Typer) -> None:
    app.command("analyse")(analyse)


def analyse(
    videos: Annotated[list[Path], typer.Argument(help="Recorded videos, or folders of them.",
                                                 show_default=False, metavar="VIDEO")],
    exercise: Annotated[str, ExerciseName],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Write annotated.mp4, reps.csv, session.json and "
        "report.html here (one sub-folder per video when there are several).")] = None,
    stage: Annotated[int | None, typer.Option(min=1, max=3,
                                              help="Ball curls: stage 1, 2 or 3.")] = None,
    side: Annotated[Side | None, typer.Option(case_sensitive=False,
                                              help="The working leg.")] = None,
    reps: Annotated[int | None, typer.Option(min=1, max=100,
                                             help="Target reps of the set.")] = None,
    model: ModelOption = DEFAULT_VARIANT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    log: Annotated[bool, typer.Option(
        "--log", help="Also add the session to the session log (see 'repcam history').")] = False,
    band: Annotated[str | None, typer.Option(help="The band colour used, if any.")] = None,
    profile: ProfileOption = "me",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Count reps, time holds and list form faults in recorded videos."""
    from repcam.errors import RepcamError
    from repcam.io.settings import load_config

    settings = load_config(config)

    if stage is not None and exercise.strip().lower() != "ball-curl":
        raise InputError("--stage is for the ball curl (-e ball-curl --stage 1, 2 or 3).")
    spec = None if exercise.strip().lower() == AUTO else exercise_named(exercise, stage)
    if out is not None:
        checked_folder(out)
    files = expand_videos(videos)
    one_folder_each = len(files) > 1 or any(path.is_dir() for path in videos)
    model_path = provision_model(model)
    failures: list[RepcamError] = []
    for video in files:
        target = out / video.stem if out is not None and one_folder_each else out
        try:
            recorded = analyse_one(video, spec, side, reps, model_path,
                                   target, as_json, settings)
            if log:
                log_recording(recorded.document, db, profile, band)
        except RepcamError as error:
            if len(files) == 1:
                raise
            message = str(error).removeprefix(f"{video.name}: ")
            named = "" if video.name in message else f"[bold red]{video.name}:[/] "
            err_console.print(f"{named}{message}", highlight=False)
            failures.append(error)
    if failures:
        worst = max(failures, key=lambda e: e.exit_code)
        raise worst.__class__(f"{len(failures)} of {len(files)} videos had a problem (see "
                              "above); the others were analysed.")


def expand_videos(paths: list[Path]) -> list[Path]:
    """Files as given; folders become the videos inside them, in name order."""
    from repcam.io.sources import videos_in

    files: list[Path] = []
    for path in paths:
        files += videos_in(path) if path.is_dir() else [path]
    return files


def log_recording(document: dict, db: Path | None, profile: str, band: str | None) -> None:
    from repcam.io.logbook import import_session, session_from_analysis
    from repcam.io.session_store import SessionLog

    with SessionLog(db) as session_log:
        added = import_session(session_log, session_from_analysis(document), profile=profile,
                               band=band)
    err_console.print(f"Added to the session log of {profile}." if added else
                      "Already in the session log.", highlight=False)


def analyse_one(video: Path, spec: ExerciseSpec | None, side: Side | None, reps: int | None,
                model_path: Path, out: Path | None, as_json: bool, settings: Config):
    """One video; `spec` None means recognise the exercise first; `settings` may set its
    hold target and reps. Returns the analysis, or raises (after saving what it can) when
    the video cannot be trusted."""
    from repcam.apps.recorded import analyse_recording
    from repcam.errors import NoPersonError, UnreliableVideoError
    from repcam.io.sources import VideoFileSource

    info = VideoFileSource(video).info  # an unreadable file fails here, before any work
    if spec is None:
        spec = recognise_or_ask(video, model_path, info.frame_count)
    spec, reps = settings.spec(spec), reps or settings.reps(spec)
    with pose_progress(video, info.frame_count, info.fps, quiet=as_json) as on_progress:
        recorded = analyse_recording(video, spec, model_path, out_dir=out, side=side,
                                     target_reps=reps, on_progress=on_progress)
    result = recorded.result
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        print_result(result, spec)
        if recorded.outputs:
            console.print(f"Wrote {', '.join(p.name for p in recorded.outputs.values())} to "
                          f"{out} (video codec: {recorded.codec}).", highlight=False)
    if result.problem is not None:
        error_type = NoPersonError if result.problem.kind == "nobody" else UnreliableVideoError
        saved = " Results for what was analysed are saved." if recorded.outputs else ""
        raise error_type(f"{video.name}: {result.problem.message}{saved}")
    return recorded


def recognise_or_ask(video: Path, model_path: Path, frame_count: int | None):
    from repcam.apps.recorded import recognise_video

    with pose_progress(video, frame_count, None, quiet=False) as on_progress:
        recognition = recognise_video(video, model_path,
                                      on_frame=lambda index: on_progress("tracking", index + 1))
    best = recognition.best
    alike = f" (or {', '.join(recognition.look_alikes)}: it moves the same)" \
        if recognition.look_alikes else ""
    err_console.print(f"Recognised [bold]{best.spec.name}[/]{alike}: fit {best.score:.0%}, "
                      f"{recognition.margin:.0%} ahead of the next exercise.", highlight=False)
    return best.spec


@contextlib.contextmanager
def pose_progress(video: Path, total: int | None, fps: float | None,
                  *, quiet: bool) -> Iterator[Callable[[str, int], None]]:
    """A progress bar for one file and stage (tracking, drawing): frames done, frames per
    second, speed against real time, time left."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                        console=err_console, transient=True, disable=quiet)
    tasks: dict[str, int] = {}

    def on_progress(stage: str, done: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(f"{video.name}: {stage}", total=total, rate="")
        speed = progress.tasks[tasks[stage]].speed or 0.0
        rate = f"{speed:.1f} fps" + (f" ({speed / fps:.1f}x real time)" if fps and speed else "")
        progress.update(tasks[stage], completed=done, rate=rate)

    with progress:
        yield on_progress


def print_result(result, spec) -> None:
    extras = [m for m in spec.metrics if any(m.key in r.extras for r in result.reps)]
    unit = UNIT_SYMBOLS[unit_of(result.reps[0].signal) if result.reps else DEGREES].strip()
    columns = ["rep", "side", "start s", f"ROM {unit}", f"peak {unit}", "hold s",
               f"{spec.out_label} s",
               f"{spec.back_label} s", *(m.column for m in extras), "conf",
               "faults"]
    cues = fault_cues(result)
    table = Table()
    for column in columns:
        table.add_column(column, justify="left" if column in ("side", "faults") else "right")
    for rep in result.reps:
        hold = f"{rep.hold_ms / 1000:.1f}/{rep.hold_target_ms / 1000:g}" if rep.hold_target_ms \
            else "-"
        extra_cells = [f"{m.shown(rep.extras[m.key]):.1f}" if m.key in rep.extras else ""
                       for m in extras]
        table.add_row(str(rep.index), rep.side, f"{rep.start_ms / 1000:.1f}",
                      f"{rep.rom_deg:.0f}", f"{rep.peak_deg:.0f}", hold,
                      f"{rep.lift_ms / 1000:.1f}", f"{rep.lower_ms / 1000:.1f}", *extra_cells,
                      f"{rep.confidence:.0%}", "; ".join(cues.get(f, f) for f in rep.faults))
    console.print(f"[bold]{result.title}[/]: {result.source}", highlight=False)
    if result.reps:
        console.print(table)
    else:
        console.print("No rep was counted.", highlight=False)
    sides = result.tally.describe()
    partial = result.half_reps
    console.print(
        f"[bold]{plural(result.count, 'rep')}[/] ({sides or 'none'})"
        + (f", {plural(partial, 'half-rep')} not counted" if partial else "")
        + f"; {result.duration_s:.1f} s of video, person found in "
        f"{result.detection_rate:.0%} of frames.",
        highlight=False,
    )
    console.print(f"Camera: {result.camera.sentence()}.", highlight=False)
    console.print(f"Dosage: {result.verdict.sentence()}", highlight=False)
    for warning in result.warnings:
        console.print(f"[yellow]Note:[/] {warning}", highlight=False)


def fault_cues(result) -> dict[str, str]:
    """Each fault of the set in the words said to the person."""
    return {f.fault: f.cue for f in result.faults}
