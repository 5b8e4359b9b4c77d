"""`python -m benchmarks.sweep [--rendered] [--exercise NAME...]`: every exercise filmed from
every likely camera, against the body's own (anatomical) angles.

Yaw 0 / 15 / 30 / 45 / 60 both ways and pitch 0 / 20 (looking down), a synthetic patient
doing three clean reps. `--rendered` films it (MediaPipe on the rendered video; about 6 s a
clip, the tracks cached); without, the analysers get its exact landmarks with 1.5 px of
noise. Per cell: the count (3 is right) and the error of each rep's peak and range of motion
against the anatomical truth: median over the reps / worst rep, in degrees. A cell passes at
an exact count, median <= 5 and worst <= 8 (the camera-angle issue's bar).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

YAWS = (0, 15, 30, 45, 60, -15, -30, -45, -60)
PITCHES = (0, 20)
REPS = 3
FPS = 10.0
SIZE = (640, 360)
MEDIAN_MAX_DEG, WORST_MAX_DEG = 5.0, 8.0


@dataclass(frozen=True)
class Cell:
    exercise: str
    yaw: int
    pitch: int
    count: int
    peak_median: float
    peak_worst: float
    rom_median: float
    rom_worst: float
    measured_on_plane: bool
    within_range: bool  # the exercise accepts this camera (its max_yaw_deg)

    @property
    def passes(self) -> bool:
        return self.count == REPS and max(self.peak_median, self.rom_median) <= MEDIAN_MAX_DEG \
            and max(self.peak_worst, self.rom_worst) <= WORST_MAX_DEG


def clip_of(exercise: str, yaw: float, pitch: float, *, noise_px: float = 0.0):
    from repcam.synthetic import CAMERA_SIDE, Camera, Disturbance, RepPlan, synthesize

    camera = Camera(side=CAMERA_SIDE.get(exercise, "left"), yaw_deg=yaw, pitch_deg=pitch,
                    size_px=SIZE)
    return synthesize(exercise, [RepPlan(hold_s=1.5, rest_s=0.8)] * REPS, camera=camera,
                      fps=FPS, disturbance=Disturbance(noise_px=noise_px), seed=5)


def rendered_track(clip, folder: Path):
    """MediaPipe's landmarks of the clip, rendered (cached by the clip's name)."""
    from repcam.analysis import load_or_extract
    from repcam.landmark_cache import LandmarkTrack
    from repcam.models.provision import ensure_model
    from repcam.synthetic.video import write_clip

    camera = clip.camera
    name = f"{clip.exercise}_y{camera.yaw_deg:+.0f}_p{camera.pitch_deg:.0f}.npz"
    cached = folder / name
    if cached.exists():
        return LandmarkTrack.load(cached)
    video = folder / name.replace(".npz", ".mp4")
    write_clip(clip, video, seed=5)
    track = load_or_extract(video, ensure_model("full"), people=1, analysis_fps=0.0)
    track.save(cached)
    video.unlink()
    video.with_suffix(".truth.json").unlink()
    return track


def errors(clip, result) -> tuple[list[float], list[float]]:
    """Per rep: |peak - true peak| and |range - true range|, the truth on the body itself."""
    from repcam.exercises.spec import SUPPLEMENT_OF

    times = np.array([frame.timestamp_ms for frame in clip.frames])
    peaks, ranges = [], []
    for rep, truth in zip(result.reps, clip.truth, strict=False):
        base = SUPPLEMENT_OF.get(rep.signal, rep.signal)
        true = clip.anatomical(f"{base}_{truth.side}")  # the leg that really worked
        true = 180.0 - true if base != rep.signal else true
        during = (times >= truth.start_ms - 300) & (times <= truth.end_ms + 300)
        peaks.append(abs(rep.peak_deg - float(np.nanmax(true[during]))))
        ranges.append(abs(rep.rom_deg - float(np.nanmax(true[during]) - np.nanmin(true[during]))))
    return peaks, ranges


def measure(job: tuple[str, int, int, bool, str]) -> Cell:
    from repcam.analysis import analyse_track
    from repcam.exercises import get_exercise
    from repcam.landmark_cache import LandmarkTrack

    exercise, yaw, pitch, rendered, folder = job
    spec = get_exercise(exercise)
    clip = clip_of(exercise, yaw, pitch, noise_px=0.0 if rendered else 1.5)
    track = rendered_track(clip, Path(folder)) if rendered else \
        LandmarkTrack(clip.frames, FPS, exercise, "synthetic")
    result = analyse_track(track, spec)
    peaks, ranges = errors(clip, result)

    def summary(values: list[float]) -> tuple[float, float]:
        return (statistics.median(values), max(values)) if values else (math.nan, math.nan)

    return Cell(exercise, yaw, pitch, result.count, *summary(peaks), *summary(ranges),
                result.camera.rectifies, abs(yaw) <= spec.max_yaw_deg)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sweep", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rendered", action="store_true", help="MediaPipe on rendered video")
    parser.add_argument("--exercise", nargs="*", help="default: every moving exercise")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    import platformdirs

    from repcam.exercises import EXERCISES

    names = args.exercise or [n for n, s in EXERCISES.items() if s.kind == "reps"]
    folder = Path(platformdirs.user_cache_dir("repcam")) / "bench" / "sweep"
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(n, y, p, args.rendered, str(folder)) for n in names for y in YAWS for p in PITCHES]
    with ProcessPoolExecutor(args.workers) as pool:
        cells = list(pool.map(measure, jobs))
    print_table(cells, "rendered through MediaPipe" if args.rendered else
                "exact landmarks + 1.5 px noise")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    kind = "rendered" if args.rendered else "landmarks"
    (out / f"sweep_{kind}.json").write_text(json.dumps(
        [{**c.__dict__, "passes": c.passes} for c in cells], indent=1) + "\n")
    return 0


def print_table(cells: list[Cell], what: str) -> None:
    print(f"Camera sweep, {what}: count / peak error median,worst / ROM error median,worst "
          "(degrees); * fails; (x) outside what the exercise accepts")
    for exercise in dict.fromkeys(c.exercise for c in cells):
        print(exercise)
        for pitch in PITCHES:
            row = [c for c in cells if c.exercise == exercise and c.pitch == pitch]
            print(f"  pitch {pitch:2d}: " + "  ".join(
                f"{c.yaw:+3d}:{c.count} {c.peak_median:.0f},{c.peak_worst:.0f} "
                f"{c.rom_median:.0f},{c.rom_worst:.0f}{'' if c.passes else '*'}"
                f"{'' if c.within_range else '(x)'}" for c in row))
    accepted = [c for c in cells if c.within_range]
    print(f"Passing: {sum(c.passes for c in accepted)} of {len(accepted)} cells within each "
          f"exercise's accepted camera range; counts exact in "
          f"{sum(c.count == REPS for c in accepted)}.")


if __name__ == "__main__":
    raise SystemExit(main())
