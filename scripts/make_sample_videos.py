"""Regenerate sample_videos/: one short rendered clip per exercise, and one with a fault.

Run from the repository root: `python scripts/make_sample_videos.py`. Deterministic (seeded).
"""

from __future__ import annotations

from pathlib import Path

from repcam.synthetic import CAMERA_SIDE, MOTIONS, Camera, RepPlan, synthesize
from repcam.synthetic.video import write_clip

OUT = Path(__file__).resolve().parents[1] / "sample_videos"
FPS = 15.0
SIZE = (640, 360)


def plans(exercise: str, fault: str | None = None) -> list[RepPlan]:
    if exercise == "hamstring-set":
        return [RepPlan(lift_s=0.5, hold_s=12.0, lower_s=0.5, fault=fault)]
    reps = [RepPlan(hold_s=3.2, rest_s=0.8) for _ in range(3 if fault else 2)]
    if fault:
        reps[1] = RepPlan(hold_s=3.2, rest_s=0.8, fault=fault)
    return reps


def main() -> None:
    OUT.mkdir(exist_ok=True)
    jobs = [(name, None) for name in MOTIONS] + [("bridge", "arching")]
    for exercise, fault in jobs:
        name = f"{exercise}-{fault}" if fault else exercise
        camera = Camera(side=CAMERA_SIDE.get(exercise, "left"), size_px=SIZE)
        clip = synthesize(exercise, plans(exercise, fault), camera=camera, fps=FPS, seed=7)
        write_clip(clip, OUT / f"{name}.mp4", seed=7)
        print(f"sample_videos/{name}.mp4: {len(clip.frames)} frames, {len(clip.truth)} reps")


if __name__ == "__main__":
    main()
