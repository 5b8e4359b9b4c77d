"""`python -m benchmarks.batch [--clips N] [--no-ray]`: how fast a backlog goes through.

The same clips (N bundled samples, 8 by default, each with its exercise in a manifest)
analysed four ways, each from a cold landmark cache (every video tracked by the pose model,
as new videos are): serially in one process (what `repcam analyse` does for each file, one
after another), `repcam batch MANIFEST --workers 1`, `--workers 2`, and `repcam batch --ray`
on a local Ray cluster. Printed: video-seconds analysed per second of
wall time, and each as a ratio to serial; written to benchmarks/results/batch.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "sample_videos"
REPCAM = str(Path(sys.executable).with_name("repcam"))
CLIPS = ("bridge", "hamstring-curl", "hamstring-set", "nordic", "prone-curl", "seated-band-curl",
         "single-leg-bridge", "ball-curl", "ball-squeeze", "roller-bridge")


def video_seconds(folder: Path) -> float:
    total = 0.0
    for video in folder.glob("*.mp4"):
        capture = cv2.VideoCapture(str(video))
        total += capture.get(cv2.CAP_PROP_FRAME_COUNT) / capture.get(cv2.CAP_PROP_FPS)
        capture.release()
    return total


def cold_cache(scratch: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(Path(tempfile.mkdtemp(dir=scratch))),
            "RAY_USAGE_STATS_ENABLED": "0"}


def timed(args: list[str], scratch: Path) -> float:
    started = time.monotonic()
    done = subprocess.run([REPCAM, *args], capture_output=True, text=True,
                          env=cold_cache(scratch))
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    return time.monotonic() - started


def run_serially(manifest: Path, out: Path, scratch: Path) -> float:
    """Each job in turn in this process, as `repcam analyse VIDEO --out DIR` runs it."""
    from repcam.apps.batch import read_jobs, run_job

    os.environ.update(cold_cache(scratch))
    jobs, _ = read_jobs(manifest, out, exercise=None, person="me", model="full", config=None)
    started = time.monotonic()
    for job in jobs:
        if run_job(job).failed:
            raise SystemExit(f"{job.name} failed")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="repcam-batch-"))
    clips = scratch / "clips"
    clips.mkdir()
    manifest = scratch / "manifest.csv"
    lines = ["video,exercise"]
    for name in CLIPS[:args.clips]:
        shutil.copy(SAMPLES / f"{name}.mp4", clips)
        lines.append(f"clips/{name}.mp4,{name}")
    manifest.write_text("\n".join(lines) + "\n")
    seconds = video_seconds(clips)
    runs = {"batch, 1 worker": ["batch", str(manifest), "--workers", "1", "--out"],
            "batch, 2 workers": ["batch", str(manifest), "--workers", "2", "--out"]}
    if not args.no_ray:
        runs["batch, local Ray cluster"] = ["batch", str(manifest), "--ray", "--out"]
    wall = run_serially(manifest, scratch / "out-serial", scratch)
    results = {"serial (one process)": {"wall_s": round(wall, 1),
                                        "video_s_per_s": round(seconds / wall, 3)}}
    for name, command in runs.items():
        wall = timed([*command, str(scratch / f"out-{len(results)}")], scratch)
        results[name] = {"wall_s": round(wall, 1), "video_s_per_s": round(seconds / wall, 3)}
    serial = next(iter(results.values()))["video_s_per_s"]
    print(f"{len(list(clips.glob('*.mp4')))} clips, {seconds:.0f} s of video, "
          f"{os.cpu_count()} cores")
    for name, figures in results.items():
        figures["vs_serial"] = round(figures["video_s_per_s"] / serial, 2)
        print(f"  {name:32} {figures['wall_s']:7.1f} s  {figures['video_s_per_s']:5.2f} "
              f"video-s/s  {figures['vs_serial']:4.2f}x serial")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "batch.json").write_text(json.dumps(
        {"clips": args.clips, "video_s": round(seconds, 1), "cores": os.cpu_count(),
         "runs": results}, indent=2))
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
