"""`repcam render EXERCISE --out clip.mp4`: a synthetic patient with exact truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from repcam.cli.console import console
from repcam.core.sides import Side
from repcam.errors import InputError
from repcam.exercises.events import Fault


def register(app: typer.Typer) -> None:
    app.command("render")(render)


def parse_fault(text: str | None) -> tuple[str | None, float | None]:
    if not text:
        return None, None
    name, _, size = text.partition(":")
    try:
        return name, float(size) if size else None
    except ValueError:
        raise InputError(f"--fault takes NAME or NAME:SIZE, not '{text}'.") from None


def render(
    exercise: Annotated[str, typer.Argument(help="The exercise to perform.")],
    out: Annotated[Path, typer.Option(help="The video to write (.mp4).")],
    reps: Annotated[int, typer.Option(min=1, max=30)] = 3,
    hold: Annotated[float, typer.Option(help="Seconds held at the top.")] = 3.0,
    fault: Annotated[str | None, typer.Option(help="NAME[:SIZE], on the middle rep.")] = None,
    partial: Annotated[bool, typer.Option(help="Make the last rep a half-rep.")] = False,
    fatigue: Annotated[float, typer.Option(min=0, max=2, help="Later reps slower and "
                                           "shallower (0 none, 1 typical).")] = 0.0,
    side: Annotated[Side, typer.Option(case_sensitive=False, help="The working leg.")
                    ] = Side.LEFT,
    camera_side: Annotated[Side, typer.Option(case_sensitive=False,
                                              help="Which side the camera films.")] = Side.LEFT,
    view_yaw: Annotated[float, typer.Option("--view-yaw", min=-90, max=90,
                                            help="Degrees off side-on (+ towards the front).")
                        ] = 0.0,
    view_pitch: Annotated[float, typer.Option("--view-pitch", min=-10, max=60,
                                              help="Degrees the camera looks down.")] = 0.0,
    fps: Annotated[float, typer.Option(min=5, max=120)] = 30.0,
    width: Annotated[int, typer.Option(min=160, max=3840)] = 640,
    height: Annotated[int, typer.Option(min=120, max=2160)] = 360,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Render a synthetic patient doing an exercise; writes the clip and CLIP.truth.json."""
    from repcam.synthetic import LOOK_ALIKES, MOTIONS, Camera, RepPlan, fatigued, synthesize
    from repcam.synthetic.motions import motion
    from repcam.synthetic.video import write_clip

    if exercise not in MOTIONS and exercise not in LOOK_ALIKES:
        raise InputError(f"Unknown exercise '{exercise}'. Choose one of: {', '.join(MOTIONS)}; "
                         f"or a look-alike: {', '.join(LOOK_ALIKES)}.")
    fault_name, fault_size = parse_fault(fault)
    if fault_name and fault_name not in motion(exercise).faults:
        known = ", ".join(motion(exercise).faults) or "none"
        raise InputError(f"'{fault_name}' is not a fault of {exercise}. Faults: {known}.")
    plans = [RepPlan(hold_s=hold, side=side) for _ in range(reps)]
    if fault_name:
        middle = reps // 2
        plans[middle] = RepPlan(hold_s=hold, side=side, fault=Fault(fault_name),
                                fault_size=fault_size)
    if partial:
        plans[-1] = RepPlan(hold_s=hold, side=side, depth=0.5)
    plans = fatigued(plans, fatigue) if fatigue else plans
    camera = Camera(side=camera_side, yaw_deg=view_yaw, pitch_deg=view_pitch,
                    size_px=(width, height))
    clip = synthesize(exercise, plans, camera=camera, fps=fps, seed=seed)
    truth = write_clip(clip, out, seed=seed)
    console.print(f"Wrote {out} ({len(clip.frames)} frames) and {truth}", highlight=False)
