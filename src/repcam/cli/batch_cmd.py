"""`repcam batch`: a folder or manifest of videos, on local worker processes or on Ray."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from repcam.cli.console import err_console, provision_model
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
from repcam.errors import BatchError
from repcam.io.models.catalog import DEFAULT_VARIANT

if TYPE_CHECKING:
    from repcam.apps.batch import BatchProgress, JobOutcome, OnOutcome


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


def batch(
    source: Annotated[Path, typer.Argument(
        metavar="FOLDER|MANIFEST.csv", show_default=False,
        help="A folder of videos, or a CSV naming each video and, optionally, its exercise, "
        "person, side and target reps (columns: video, exercise, person, side, reps).")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar="DIR", show_default=False,
        help="One folder per video here, and batch.csv with a row per video.")],
    exercise: Annotated[str, ExerciseName] = AUTO,
    workers: Annotated[int | None, typer.Option(
        min=1, max=64, metavar="N", help="Worker processes (default: one per two cores).")
    ] = None,
    ray: Annotated[bool, typer.Option(
        "--ray", help="Run on Ray: the cluster at --address or $RAY_ADDRESS, else a local "
        "one (pip install 'repcam[cluster]').")] = False,
    address: Annotated[str | None, typer.Option(
        metavar="HOST:PORT", help="A Ray cluster's address (implies --ray).")] = None,
    model: ModelOption = DEFAULT_VARIANT,
    log: Annotated[bool, typer.Option(
        "--log", help="Add each analysed video to the session log as it finishes (of the "
        "manifest's person, else --profile).")] = False,
    profile: ProfileOption = "me",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Analyse many videos, each as 'repcam analyse' would: resumable (a rerun skips what is
    done and verified), and one bad video never stops the others."""
    from repcam.apps.batch import BatchRun, Status, read_jobs
    from repcam.apps.workers import LocalPool, RayCluster, default_workers
    from repcam.io.session_store import SessionLog
    from repcam.io.settings import load_config

    load_config(config)  # a bad settings file is said before any work
    name = None if exercise.strip().lower() == AUTO else exercise_named(exercise).name
    jobs, problems = read_jobs(source, out, exercise=name, person=profile, model=model,
                               config=config)
    checked_folder(out)
    provision_model(model)  # once here, with its progress bar; workers find it installed
    for problem in problems:
        err_console.print(problem, highlight=False)
    runner = RayCluster(address) if ray or address else LocalPool(workers or default_workers())
    with contextlib.ExitStack() as stack:
        session_log = stack.enter_context(SessionLog(db)) if log else None
        show = stack.enter_context(_progress(len(jobs)))
        outcomes = BatchRun(jobs, out, runner, log=session_log).run(on_outcome=show)
    failed = sum(o.failed for o in outcomes)
    skipped = sum(o.status is Status.SKIPPED for o in outcomes)
    err_console.print(f"{len(outcomes) - failed} of {len(jobs)} videos analysed"
                      + (f" ({skipped} done by an earlier run)" if skipped else "")
                      + f"; a row per video in {out / 'batch.csv'}.", highlight=False)
    if failed or problems:
        raise BatchError(f"{failed + len(problems)} of {len(jobs) + len(problems)} videos "
                         "could not be analysed (see above and batch.csv); the others were.")


@contextlib.contextmanager
def _progress(total: int) -> Iterator[OnOutcome]:
    """The overall bar (videos done, video-seconds analysed per second, time left) and one
    line per video that failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from repcam.apps.batch import Status

    progress = Progress(TextColumn("videos"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[speed]}"), console=err_console,
                        transient=True)
    task = progress.add_task("batch", total=total, speed="")

    def show(outcome: JobOutcome, state: BatchProgress) -> None:
        if outcome.status in (Status.FAILED, Status.RETRYING):
            progress.console.print(f"[bold red]{outcome.job.name}:[/] {outcome.problem}",
                                   highlight=False)
        eta = "" if state.eta_s is None else f", {_duration(state.eta_s)} left"
        progress.update(task, completed=state.done,
                        speed=f"{state.rate:.1f} video-s/s{eta}" if state.rate else "")

    with progress:
        yield show


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
