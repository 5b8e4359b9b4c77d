"""`repcam pose VIDEO`: landmarks of every frame, saved as a reusable .npz cache."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from repcam.cli.console import console, err_console, provision_model
from repcam.cli.options import ModelOption
from repcam.io.models.catalog import DEFAULT_VARIANT


def register(app: typer.Typer) -> None:
    app.command("pose")(pose)


def pose(
    video: Annotated[Path, typer.Argument(help="A video file.")],
    out: Annotated[
        Path | None, typer.Option(help="Where to write the landmark cache (.npz).")
    ] = None,
    model: ModelOption = DEFAULT_VARIANT,
    people: Annotated[int, typer.Option(min=1, max=4, help="How many people to look for.")] = 2,
) -> None:
    """Extract pose landmarks from a video; print the detection rate and speed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from repcam.core.landmarks import Joint
    from repcam.io.landmark_cache import save_track
    from repcam.io.pipeline import extract_track
    from repcam.io.sources import VideoFileSource

    info = VideoFileSource(video).info
    model_path = provision_model(model)
    started = time.perf_counter()
    with Progress(
        "{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err_console, transient=True,
    ) as progress:
        task = progress.add_task(video.name, total=info.frame_count)
        track = extract_track(
            video, model_path, num_poses=people,
            on_frame=lambda i: progress.update(task, completed=i + 1),
        )
    elapsed = time.perf_counter() - started
    n = len(track.frames)
    console.print(
        f"{video.name}: {info.width_px}x{info.height_px} @ {info.fps:.1f} fps, {n} frames; "
        f"person found in {track.detection_rate:.1%}; {n / elapsed:.1f} frames/s "
        f"({model_path.name})",
        highlight=False,
    )
    step = max(1, n // 10)
    joints = (Joint.LEFT_SHOULDER, Joint.LEFT_HIP, Joint.LEFT_KNEE, Joint.LEFT_ANKLE)
    console.print("time_s  " + "  ".join(f"{j.name.lower():>14}" for j in joints))
    for frame in track.frames[::step]:
        if frame.people:
            person = frame.people[0]
            cells = [f"{person.xy(j)[0]:.0f},{person.xy(j)[1]:.0f}" for j in joints]
            row = "  ".join(f"{c:>14}" for c in cells)
            console.print(f"{frame.timestamp_ms / 1000:6.2f}  {row}")
    if out is not None:
        save_track(track, out)
        console.print(f"Landmarks written to {out}", highlight=False)
