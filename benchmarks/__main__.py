"""`python -m benchmarks [--quick] [--check] [--write-baseline]`: measure, print, guard.

Every guarded figure is a ratio to a bare reference doing the same job with MediaPipe and
OpenCV alone (`reference.py`), measured in the same run in alternating pairs, on the same
frames and with the same number of threads; the median of the pair ratios is what `--check`
compares with `benchmarks/baseline.json`. A busy machine slows a figure and its reference
alike, so only a real regression fails the check. Targets (speed and latency the product
wants) are reported MET or MISSED; a miss is shown, not a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.measure import Timing

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
RESULTS = HERE / "results"
# Guarded ratios (lower is better) and the regression against the baseline each may show.
# The core and the overlay are a few percent of inference: only a gross slowdown of them
# (a stray sleep, a quadratic loop) matters, and their noise is relatively large.
GUARDED: dict[str, float] = {
    "pose_stage_vs_bare": 0.25,
    "core_vs_bare": 1.0,
    "overlay_vs_bare": 1.0,
    "offline_wall_vs_bare": 0.35,
    "offline_cpu_vs_bare": 0.35,
    "live_p95_vs_bare": 0.5,
}
MAX_RSS_GROWTH_MB = 30.0
LIVE_FPS = 30.0


def live_keeps_pace(stages: list[Timing]) -> bool:
    """Whether the pipeline's slow frames (p95: model, analysis and overlay) fit a live
    frame's interval. Where they do not, frames queue and are dropped, and the live latency
    ratio jumps with how far over the machine is: measured on an idle 2-core machine whose
    model took 36 ms at p95 against 33 ms, the same code gave 1.27-2.29 (a baseline of 1.09
    from a day it kept pace). That measures the machine, not repcam."""
    slow_ms = sum(stage.p95_ms for stage in stages)
    return slow_ms <= 1000.0 / LIVE_FPS


@dataclass(frozen=True)
class Target:
    name: str
    wanted: str
    measure: Callable[[dict], float]
    met: Callable[[float], bool]
    shown: str  # format of the measured figure


TARGETS = (
    Target("pipeline overhead beyond bare inference", "<= 15%",
           lambda r: (r["ratios"]["pipeline_vs_bare"] - 1) * 100, lambda v: v <= 15, "{:.0f}%"),
    Target("tracking + kinematics + analyser per frame", "<= 10% of bare inference",
           lambda r: r["ratios"]["core_vs_bare"] * 100, lambda v: v <= 10, "{:.1f}%"),
    Target("live p95 capture-to-display latency at 30 fps", "<= 45 ms",
           lambda r: r["live"]["30fps"]["latency_p95_ms"], lambda v: v <= 45, "{:.0f} ms"),
    Target("offline speed, 720p 30 fps, full model", ">= 3x real time",
           lambda r: r["offline_720p30"]["realtime_ratio"], lambda v: v >= 3, "{:.2f}x"),
    Target("memory growth over a session", "< 30 MB",
           lambda r: r["memory"]["rss_growth_mb"], lambda v: v < MAX_RSS_GROWTH_MB, "{:.1f} MB"),
    Target("--exercise auto on a minute of cached landmarks", "<= 1 s",
           lambda r: r["auto_replay"]["per_minute_s"], lambda v: v <= 1.0, "{:.2f} s"),
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run (CI)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a ratio regressed")
    parser.add_argument("--margin", type=float, default=None,
                        help="allowed regression for every ratio (default: per ratio)")
    parser.add_argument("--write-baseline", action="store_true",
                        help="store this run's ratios as the baseline of its mode")
    args = parser.parse_args()

    import platformdirs

    from repcam.io.models.provision import ensure_model

    variants = ("full",) if args.quick else ("lite", "full", "heavy")
    models = {variant: ensure_model(variant) for variant in variants}
    clips = Path(platformdirs.user_cache_dir("repcam")) / "bench"
    clips.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="repcam-bench-") as work:
        os.environ["XDG_CACHE_HOME"] = work  # the runs' landmark caches stay out of the way
        os.environ.setdefault("REPCAM_DB", str(Path(work) / "sessions.db"))
        results = run(args.quick, models, clips, Path(work))
    print_results(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=_plain) + "\n")
    mode = "quick" if args.quick else "full"
    if args.write_baseline:
        write_baseline(results, mode)
    if args.check:
        return check(results, mode, args.margin)
    return 0


def run(quick: bool, models: dict[str, Path], clips: Path, work: Path) -> dict:
    from benchmarks import suites
    from benchmarks.measure import OtherLoad, load_average

    load_before, others = load_average(), OtherLoad()
    full = models["full"]
    reps = 1 if quick else 3
    vga = suites.make_clip(clips, (640, 480), 30.0, reps)
    hd = suites.make_clip(clips, (1280, 720), 30.0, reps)
    frames, stamps, decode = suites.read_frames(vga, 90 if quick else 300)
    _, _, hd_decode = suites.read_frames(hd, 30 if quick else 150)
    timings, pairs = suites.per_frame(full, frames, stamps, block=15)
    variants = {f"bare_inference_{v}": suites.bare_inference(path, frames, stamps)
                for v, path in models.items() if v != "full"}
    offline = suites.offline(hd, full, work, pairs=3 if quick else 5)
    live = {"30fps": suites.live(vga, full, work, pairs=2 if quick else 3)}
    stages = [timings[stage] for stage in ("pose", "core", "overlay")]
    live["30fps"]["keeps_pace"] = live_keeps_pace(stages)
    if not quick:
        live["60fps"] = suites.live(suites.make_clip(clips, (640, 480), 60.0, reps), full,
                                    work, pairs=1)
    memory = suites.memory_over_session(full, frames, stamps, 1.0 if quick else 10.0, 30.0,
                                        work)
    bare = timings["bare"].median_ms
    ratios = {
        "pose_stage_vs_bare": pairs["pose"].median,
        "core_vs_bare": pairs["core"].median,
        "overlay_vs_bare": pairs["overlay"].median,
        "pipeline_vs_bare": pairs["pipeline"].median,
        "offline_wall_vs_bare": offline["wall_pairs"].median,
        "offline_cpu_vs_bare": offline["cpu_pairs"].median,
        "live_p95_vs_bare": live["30fps"]["p95_pairs"].median,
        **{f"{name.removeprefix('bare_inference_')}_vs_full": t.median_ms / bare
           for name, t in variants.items()},
    }
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "processor": platform.processor() or platform.machine(),
                    "load_average_before": load_before, "load_average_after": load_average(),
                    "other_processes_cpus": others.cpus()},
        "quick": quick,
        "per_frame": {"decode_640x480": decode, "decode_1280x720": hd_decode,
                      "bare_inference_full": timings["bare"], **variants,
                      "pose_stage": timings["pose"], "core": timings["core"],
                      "overlay": timings["overlay"], "log_rep": suites.log_rep(work)},
        "pairs": {"per_frame": pairs, "offline_wall": offline["wall_pairs"],
                  "offline_cpu": offline["cpu_pairs"], "live_p95": live["30fps"]["p95_pairs"]},
        "offline_720p30": offline, "live": live, "memory": memory,
        "auto_replay": suites.auto_replay(), "ratios": ratios,
    }
    results["targets"] = {t.name: t.measure(results) for t in TARGETS}
    return results


def write_baseline(results: dict, mode: str) -> None:
    stored = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    stored = {k: v for k, v in stored.items() if k in ("quick", "full")}
    stored[mode] = {"written": results["when"], "machine": results["machine"],
                    "ratios": {name: results["ratios"][name] for name in GUARDED}}
    BASELINE.write_text(json.dumps(stored, indent=2) + "\n")
    print(f"Baseline ({mode}) written to {BASELINE}.")


def check(results: dict, mode: str, margin: float | None) -> int:
    baseline = json.loads(BASELINE.read_text()).get(mode) if BASELINE.exists() else None
    if baseline is None:
        print(f"No {mode} baseline to check against: run with --write-baseline first.")
        return 1
    failures = []
    print(f"Guarded ratios against the {mode} baseline of {baseline['written'][:10]}:")
    for name, stored in baseline["ratios"].items():
        allowed = margin if margin is not None else GUARDED[name]
        now = results["ratios"][name]
        if name == "live_p95_vs_bare" and not results["live"]["30fps"]["keeps_pace"]:
            print(f"  {name:22} {now:7.3f} not compared: this machine's slow frames do not "
                  f"fit {LIVE_FPS:.0f} fps, so the latency measures its queueing")
            continue
        verdict = "ok" if now <= stored * (1 + allowed) else "REGRESSED"
        print(f"  {name:22} {now:7.3f} vs baseline {stored:7.3f} (+{allowed:.0%} allowed): "
              f"{verdict}")
        if verdict != "ok":
            failures.append(name)
    growth = results["memory"]["rss_growth_mb"]
    if growth > MAX_RSS_GROWTH_MB:
        failures.append(f"memory grew {growth:.1f} MB")
    if failures:
        print(f"Benchmark check failed: {', '.join(failures)}.")
        return 1
    print("Benchmark check passed.")
    return 0


def print_results(results: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=110)
    machine = results["machine"]
    console.print(f"Machine: {machine['cpus']} CPUs ({machine['processor']}), Python "
                  f"{machine['python']}; load average {_load(machine)}.", highlight=False)
    table = Table(title="Per frame (ms)", title_justify="left")
    for column in ("stage", "median", "p95", "p99", "calls", "x bare full"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    base = results["per_frame"]["bare_inference_full"].median_ms
    for name, timing in results["per_frame"].items():
        table.add_row(name, f"{timing.median_ms:.2f}", f"{timing.p95_ms:.2f}",
                      f"{timing.p99_ms:.2f}", str(timing.calls),
                      f"{timing.median_ms / base:.3f}")
    console.print(table)
    offline = results["offline_720p30"]
    console.print(f"Offline 720p 30 fps: {offline['realtime_ratio']:.2f}x real time "
                  f"({offline['analysed_frames']} of {offline['frames']} frames through the "
                  f"model, {offline['codec']}), {offline['reps']} reps.", highlight=False)
    for name, live in results["live"].items():
        console.print(f"Live {name}: latency p50 {live['latency_p50_ms']:.0f} ms, p95 "
                      f"{live['latency_p95_ms']:.0f} ms (bare loop "
                      f"{live['bare_latency_p95_ms']:.0f} ms), growth "
                      f"{live['latency_growth_ms']:+.0f} ms, {live['frames']} shown, "
                      f"{live['dropped']} dropped, {live['reps']} reps"
                      + ("" if live.get("keeps_pace", True) else
                         "; the pipeline's slow frames do not fit the frame interval") + ".",
                      highlight=False)
    memory = results["memory"]
    console.print(f"Memory over {memory['simulated_minutes']:g} simulated minutes: "
                  f"{memory['rss_start_mb']:.0f} -> {memory['rss_end_mb']:.0f} MB "
                  f"(growth {memory['rss_growth_mb']:+.1f} MB, peak "
                  f"{memory['rss_peak_mb']:.0f}).", highlight=False)
    auto = results["auto_replay"]
    console.print(f"--exercise auto on {auto['video_s']:.0f} s of cached landmarks: "
                  f"{auto['wall_s']:.2f} s ({auto['best']}).", highlight=False)
    pairs = Table(title="Pair ratios (figure / bare reference, measured alternately)",
                  title_justify="left")
    for column in ("ratio", "median", "pairs", "spread"):
        pairs.add_column(column, justify="left" if column == "ratio" else "right")
    for name, value in _pair_rows(results):
        pairs.add_row(name, f"{value.median:.3f}", str(len(value.ratios)), f"±{value.spread:.0%}")
    console.print(pairs)
    targets = Table(title="Targets", title_justify="left")
    for column in ("target", "wanted", "measured", ""):
        targets.add_column(column)
    for target in TARGETS:
        value = results["targets"][target.name]
        targets.add_row(target.name, target.wanted, target.shown.format(value),
                        "MET" if target.met(value) else "[bold red]MISSED[/]")
    console.print(targets)


def _pair_rows(results: dict):
    per_frame = results["pairs"]["per_frame"]
    yield from ((f"{stage}_vs_bare", pairs) for stage, pairs in per_frame.items())
    for name in ("offline_wall", "offline_cpu", "live_p95"):
        yield f"{name}_vs_bare", results["pairs"][name]


def _load(machine: dict) -> str:
    before, after = machine["load_average_before"], machine["load_average_after"]
    text = "unknown" if before is None else f"{before:.2f} before the run, {after:.2f} after"
    others = machine["other_processes_cpus"]
    if others is not None:
        text += f"; other processes kept {others:.2f} of {machine['cpus']} CPUs busy during it"
    return text


def _plain(value: object) -> object:
    if hasattr(value, "median_ms"):
        return asdict(value)
    if hasattr(value, "ratios"):
        return {"median": value.median, "ratios": list(value.ratios)}
    if hasattr(value, "result"):  # a RecordedAnalysis kept by a run
        return None
    raise TypeError(type(value).__name__)


if __name__ == "__main__":
    sys.exit(main())
