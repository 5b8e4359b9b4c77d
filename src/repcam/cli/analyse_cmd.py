"""`repcam analyse VIDEO --exercise NAME`: what happened, rep by rep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from repcam.cli.console import console, err_console, provision_model
from repcam.cli.pose_cmd import ModelOption
from repcam.exercises.registry import EXERCISES
from repcam.models.catalog import DEFAULT_VARIANT

ExerciseName = typer.Option(
    "--exercise", "-e", help=f"One of: {', '.join(EXERCISES)}.", show_default=False
)


def register(app: typer.Typer) -> None:
    app.command("analyse")(analyse)


def analyse(
    video: Annotated[Path, typer.Argument(help="A recorded video of one set.")],
    exercise: Annotated[str, ExerciseName],
    stage: Annotated[int | None, typer.Option(help="Ball curls: stage 1, 2 or 3.")] = None,
    side: Annotated[str | None, typer.Option(help="left or right: the working leg.")] = None,
    model: ModelOption = DEFAULT_VARIANT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Count reps, time holds and list form faults in a recorded video."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from repcam.analysis import analyse_track, load_or_extract
    from repcam.errors import InputError
    from repcam.exercises.registry import UnknownExercise, get_exercise
    from repcam.sources import VideoFileSource

    try:
        spec = get_exercise(exercise, stage)
    except UnknownExercise as error:
        raise InputError(str(error)) from None
    if side not in (None, "left", "right"):
        raise InputError(f"--side must be left or right, not '{side}'.")
    info = VideoFileSource(video).info
    model_path = provision_model(model)
    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err_console, transient=True, disable=as_json) as progress:
        task = progress.add_task(f"pose: {video.name}", total=info.frame_count)
        track = load_or_extract(
            video, model_path, on_frame=lambda i: progress.update(task, completed=i + 1)
        )
    result = analyse_track(track, spec, side=side)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, default=str))
        return
    print_result(result, spec)


EXTRA_COLUMNS = {"break_angle_deg": ("break °", 1.0), "controlled_ms": ("control s", 1000.0)}


def print_result(result, spec) -> None:
    table = Table(title=f"{result.title}: {result.source}", title_justify="left")
    extras = [k for k in EXTRA_COLUMNS if any(k in r.extras for r in result.reps)]
    columns = ["rep", "side", "start s", "ROM °", "peak °", "hold s", f"{spec.out_label} s",
               f"{spec.back_label} s", *(EXTRA_COLUMNS[k][0] for k in extras), "faults"]
    for column in columns:
        table.add_column(column, justify="left" if column in ("side", "faults") else "right")
    for rep in result.reps:
        hold = f"{rep.hold_ms / 1000:.1f}/{rep.hold_target_ms / 1000:g}" if rep.hold_target_ms \
            else "-"
        extra_cells = [f"{rep.extras[k] / EXTRA_COLUMNS[k][1]:.1f}" if k in rep.extras else ""
                       for k in extras]
        table.add_row(str(rep.index), rep.side, f"{rep.start_ms / 1000:.1f}",
                      f"{rep.rom_deg:.0f}", f"{rep.peak_deg:.0f}", hold,
                      f"{rep.lift_ms / 1000:.1f}", f"{rep.lower_ms / 1000:.1f}", *extra_cells,
                      ", ".join(rep.faults))
    console.print(table)
    sides = ", ".join(f"{s} {n}" for s, n in result.counts_by_side.items() if n)
    partial = sum(f.fault == "partial" for f in result.faults)
    console.print(
        f"[bold]{result.count} reps[/] ({sides or 'none'})"
        + (f", {partial} half-rep(s) not counted" if partial else "")
        + f"; {result.duration_s:.1f} s of video, person found in "
        f"{result.detection_rate:.0%} of frames, {result.view} view.",
        highlight=False,
    )
    cues = {f.fault: f.cue for f in result.faults}
    for fault, cue in cues.items():
        console.print(f"  {fault}: \"{cue}\"", highlight=False)
    for warning in result.warnings:
        console.print(f"[yellow]Note:[/] {warning}", highlight=False)
