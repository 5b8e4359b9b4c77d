"""`python -m benchmarks.leg_names [--exercise NAME...]`: how MediaPipe names the legs of
the sweep's rendered patient, frame by frame, against the body's own legs.

For each camera (the sweep's yaws and pitches, its cached tracks) and each frame where the
true knees and ankles stand clearly apart, the model's left and right knee and ankle are put on the
body's legs: named right, swapped (each on the other leg), both on one leg (the other leg
unnamed), or neither (far from both). A share of swapped or one-leg frames is a leg-naming
fault no angle rule downstream can repair: the numbers say where and how often.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks.sweep import PITCHES, YAWS, clip_of, rendered_track, tracks_folder

NAMINGS = ("right", "swapped", "one leg", "neither")
APART_PX = 40.0  # true knees and ankles this far apart (summed): the legs can be told apart
NEITHER_SHARE = 0.6  # the best pairing is off by more than this share of the legs' distance


def _leg_points(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The left and the right leg's knee and ankle, (2, 2) each."""
    from repcam.core.kinematics import joint_of
    from repcam.core.sides import SIDES

    left, right = (xy[[joint_of(side, "KNEE"), joint_of(side, "ANKLE")]] for side in SIDES)
    return left, right


def naming(model_xy: np.ndarray, true_xy: np.ndarray) -> str | None:
    """How the model's legs sit on the true legs in one frame (None: the true legs are too
    close together to tell). Both arguments are (33, 2) picture points."""
    true_left, true_right = _leg_points(true_xy)
    apart = float(np.linalg.norm(true_left - true_right, axis=1).sum())
    if apart < APART_PX:
        return None
    left, right = _leg_points(model_xy)

    def off(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.linalg.norm(a - b, axis=1).sum())

    costs = {
        "right": off(left, true_left) + off(right, true_right),
        "swapped": off(left, true_right) + off(right, true_left),
        "one leg": min(off(left, true_left) + off(right, true_left),
                       off(left, true_right) + off(right, true_right)),
    }
    best = min(costs, key=costs.__getitem__)
    return "neither" if costs[best] > NEITHER_SHARE * 2 * apart else best


def audit(job: tuple[str, int, int, str]) -> tuple[str, int, int, Counter]:
    exercise, yaw, pitch, folder = job
    clip = clip_of(exercise, yaw, pitch)
    track = rendered_track(clip, Path(folder))
    counts: Counter = Counter()
    for seen, true in zip(track.frames, clip.frames, strict=True):
        if not seen.people or not true.people:
            continue
        kind = naming(seen.people[0].image_px[:, :2], true.people[0].image_px[:, :2])
        if kind is not None:
            counts[kind] += 1
    return exercise, yaw, pitch, counts


def _cell_text(yaw: int, counts: Counter) -> str:
    total = sum(counts.values())
    if not total:
        return f"{yaw:+d}: -"
    swapped, one_leg = counts["swapped"] / total, counts["one leg"] / total
    return f"{yaw:+d}: {swapped:4.0%} {one_leg:4.0%}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.leg_names", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exercise", nargs="*",
                        help="default: the one-leg exercises the sweep renders")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from repcam.exercises import EXERCISES

    names = args.exercise or [n for n, s in EXERCISES.items()
                              if s.kind == "reps" and s.signal.side_mode == "moving"]
    folder = tracks_folder()
    jobs = [(n, y, p, str(folder)) for n in names for y in YAWS for p in PITCHES]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(audit, jobs))
    print("MediaPipe's leg names on the rendered patient, frames with the legs apart. "
          "Per camera yaw: share swapped, share with both names on one leg")
    totals: Counter = Counter()
    for exercise in names:
        print(exercise)
        for pitch in PITCHES:
            cells = [(y, c) for e, y, p, c in results if e == exercise and p == pitch]
            print(f"  pitch {pitch:2d}:  " + "  ".join(_cell_text(y, c) for y, c in cells))
            for _y, counts in cells:
                totals.update(counts)
    total = max(sum(totals.values()), 1)
    print("All: " + ", ".join(f"{kind} {totals[kind] / total:.0%}" for kind in NAMINGS)
          + f" of {sum(totals.values())} frames")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
