"""`python -m benchmarks [--quick] [--check] [--write-baseline]`: measure, print, guard.

Every time is also given as a ratio to bare MediaPipe inference measured in the same run on
the same frames, because machines here are noisy and ratios are stable. `--check` exits 1
when a guarded ratio is worse than the stored baseline by more than the margin.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
RESULTS = HERE / "results"
# Guarded: lower is better for every one of these.
GUARDED = ("pipeline_vs_bare", "live_p95_vs_bare", "offline_wall_vs_bare")
MAX_RSS_GROWTH_MB = 30.0
TARGETS = {"pipeline overhead beyond bare inference": "<= 15%",
           "live p95 capture-to-display latency at 30 fps": "<= 45 ms",
           "offline speed, 720p 30 fps, full model": ">= 3x real time",
           "memory growth over a session": "none (< 30 MB)"}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (CI)")
    parser.add_argument("--check", action="store_true", help="fail if a ratio regressed")
    parser.add_argument("--margin", type=float, default=None,
                        help="allowed regression (default: the baseline's, or 0.5 quick)")
    parser.add_argument("--write-baseline", action="store_true")
    args = parser.parse_args()

    import platformdirs

    clips = Path(platformdirs.user_cache_dir("repcam")) / "bench"
    clips.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="repcam-bench-") as work:
        os.environ["XDG_CACHE_HOME"] = work  # landmark caches of the runs stay out of the way
        os.environ.setdefault("REPCAM_DB", str(Path(work) / "sessions.db"))
        results = run(args.quick, clips, Path(work))
    print_results(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=_plain) + "\n")
    if args.write_baseline:
        BASELINE.write_text(json.dumps({
            "written": results["when"], "machine": results["machine"],
            "margin": 0.35, "ratios": {k: results["ratios"][k] for k in GUARDED}}, indent=2)
            + "\n")
        print(f"Baseline written to {BASELINE}.")
    if args.check:
        return check(results, args.margin, args.quick)
    return 0


def run(quick: bool, clips: Path, work: Path) -> dict:
    from benchmarks import suites
    from repcam.models.provision import ensure_model

    models = {variant: ensure_model(variant) for variant in
              (("full",) if quick else ("lite", "full", "heavy"))}
    full = models["full"]
    reps = 1 if quick else 3
    vga = suites.make_clip(clips, (640, 480), 30.0, reps)
    hd = suites.make_clip(clips, (1280, 720), 30.0, reps)
    frames, stamps, decode = suites.read_frames(vga, 60 if quick else 300)
    hd_frames, hd_stamps, hd_decode = suites.read_frames(hd, 30 if quick else 150)
    bare = {v: suites.bare_inference(path, frames, stamps) for v, path in models.items()}
    bare_hd = suites.bare_inference(full, hd_frames, hd_stamps)
    stages = suites.stage_costs(full, frames, stamps)
    offline = suites.offline_speed(hd, full, work)
    live = {"30fps": suites.live_latency(vga, full, work)}
    if not quick:
        live["60fps"] = suites.live_latency(suites.make_clip(clips, (640, 480), 60.0, reps),
                                            full, work)
    memory = suites.memory_over_session(full, frames, stamps, 1.0 if quick else 10.0, 30.0,
                                        work)
    base = bare["full"].median_ms
    pipeline_ms = (stages["pose"].median_ms + stages["analysis"].median_ms
                   + stages["overlay"].median_ms)
    offline_frames = offline["analysed_frames"]
    ratios = {
        "pipeline_vs_bare": pipeline_ms / base,
        "pose_stage_vs_bare": stages["pose"].median_ms / base,
        "live_p95_vs_bare": live["30fps"]["latency_p95_ms"] / base,
        "offline_wall_vs_bare": offline["wall_s"] * 1000 / (offline_frames
                                                            * bare_hd.median_ms),
        **{f"{v}_vs_full": t.median_ms / base for v, t in bare.items() if v != "full"},
    }
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "quick": quick,
        "per_frame": {"decode_640x480": decode, "decode_1280x720": hd_decode,
                      **{f"bare_inference_{v}": t for v, t in bare.items()},
                      "bare_inference_full_1280x720": bare_hd, **stages},
        "offline_720p30": offline, "live": live, "memory": memory, "ratios": ratios,
        "targets": {
            "pipeline overhead beyond bare inference":
                f"{(ratios['pipeline_vs_bare'] - 1) * 100:.0f}%",
            "live p95 capture-to-display latency at 30 fps":
                f"{live['30fps']['latency_p95_ms']:.0f} ms",
            "offline speed, 720p 30 fps, full model": f"{offline['realtime_ratio']:.2f}x",
            "memory growth over a session": f"{memory['rss_growth_mb']:.1f} MB",
        },
    }


def check(results: dict, margin: float | None, quick: bool) -> int:
    if not BASELINE.exists():
        print("No baseline to check against: run with --write-baseline first.")
        return 1
    baseline = json.loads(BASELINE.read_text())
    allowed = margin if margin is not None else (0.5 if quick else baseline["margin"])
    failures = []
    for name, stored in baseline["ratios"].items():
        now = results["ratios"][name]
        verdict = "ok" if now <= stored * (1 + allowed) else "REGRESSED"
        print(f"  {name:24} {now:6.2f} vs baseline {stored:6.2f} (+{allowed:.0%} allowed): "
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
    table = Table(title="Per frame (ms)", title_justify="left")
    for column in ("stage", "median", "p95", "p99", "calls", "x bare full"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    base = results["per_frame"]["bare_inference_full"].median_ms
    for name, timing in results["per_frame"].items():
        if hasattr(timing, "median_ms"):
            table.add_row(name, f"{timing.median_ms:.2f}", f"{timing.p95_ms:.2f}",
                          f"{timing.p99_ms:.2f}", str(timing.calls),
                          f"{timing.median_ms / base:.2f}")
    console.print(table)
    offline = results["offline_720p30"]
    console.print(f"Offline 720p 30 fps: {offline['fps']:.1f} fps, "
                  f"{offline['realtime_ratio']:.2f}x real time ({offline['analysed_frames']} of "
                  f"{offline['frames']} frames through the model), {offline['reps']} reps.")
    for name, live in results["live"].items():
        console.print(f"Live {name}: latency p50 {live['latency_p50_ms']:.0f} ms, p95 "
                      f"{live['latency_p95_ms']:.0f} ms, growth {live['latency_growth_ms']:+.0f} "
                      f"ms, {live['frames']} shown, {live['dropped']} dropped, "
                      f"{live['reps']} reps.")
    memory = results["memory"]
    console.print(f"Memory over {memory['simulated_minutes']:g} simulated minutes: "
                  f"{memory['rss_start_mb']:.0f} -> {memory['rss_end_mb']:.0f} MB "
                  f"(growth {memory['rss_growth_mb']:+.1f} MB, peak {memory['rss_peak_mb']:.0f})."
                  f" Inference: {results['per_frame']['inference_rss_growth_mb']:+.1f} MB.")
    targets = Table(title="Targets", title_justify="left")
    for column in ("target", "wanted", "measured"):
        targets.add_column(column)
    for name, wanted in TARGETS.items():
        targets.add_row(name, wanted, results["targets"][name])
    console.print(targets)
    console.print("Ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in results["ratios"].items()))


def _plain(value: object) -> object:
    if hasattr(value, "median_ms"):
        return asdict(value)
    raise TypeError(type(value).__name__)


if __name__ == "__main__":
    sys.exit(main())
