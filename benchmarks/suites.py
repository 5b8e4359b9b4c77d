"""The measurements: per-frame stages, offline analysis, live latency, memory, replay.

Each figure that is guarded is measured in pairs with its bare reference (`reference.py`),
alternating, on the same frames and threads; the pair ratios are what `--check` compares.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import cv2
import numpy as np

from benchmarks.measure import Pairs, Run, Timing, interleaved, measured, rss_mb, timed
from benchmarks.reference import BareLandmarker, bare_live, bare_offline
from repcam.core.landmarks import PoseFrame
from repcam.core.track import LandmarkTrack
from repcam.exercises import get_exercise
from repcam.exercises.events import RepCompleted
from repcam.folds.exercise_session import ExerciseSession
from repcam.folds.scoreboard import Scoreboard
from repcam.io.pose import PoseEstimator
from repcam.io.session_store import SessionLog
from repcam.sinks.overlay import Hud, draw_overlay
from repcam.synthetic import Camera, RepPlan, synthesize
from repcam.synthetic.video import write_clip

EXERCISE = "bridge"


def make_clip(folder: Path, size: tuple[int, int], fps: float, reps: int) -> Path:
    """A rendered bridge set (cached: rendering is not what is measured)."""
    path = folder / f"bridge_{size[0]}x{size[1]}_{fps:g}fps_{reps}reps.mp4"
    if not path.exists():
        plans = [RepPlan(hold_s=3.2, rest_s=1.0) for _ in range(reps)]
        clip = synthesize(EXERCISE, plans, camera=Camera(size_px=size), fps=fps, seed=11)
        write_clip(clip, path, seed=11)
    return path


def read_frames(clip: Path, limit: int) -> tuple[list[np.ndarray], list[float], Timing]:
    capture = cv2.VideoCapture(str(clip))
    frames, stamps, decode = [], [], []
    while len(frames) < limit:
        ok, frame = timed(decode, capture.read)
        if not ok:
            decode.pop()
            break
        frames.append(frame)
        stamps.append(capture.get(cv2.CAP_PROP_POS_MSEC))
    capture.release()
    return frames, stamps, Timing.of(decode)


def bare_inference(model: Path, frames: list[np.ndarray], stamps: list[float]) -> Timing:
    """MediaPipe alone on these frames (the first calls warm the graph up)."""
    samples: list[float] = []
    with BareLandmarker(model) as landmarker:
        for frame, stamp in zip(frames, stamps, strict=True):
            timed(samples, lambda frame=frame, stamp=stamp: landmarker.detect(frame, stamp))
    return Timing.of(samples[3:])


STAGES = ("bare", "pose", "core", "overlay")


def per_frame(model: Path, frames: list[np.ndarray], stamps: list[float],
              block: int) -> tuple[dict[str, Timing], dict[str, Pairs]]:
    """One live frame's stages, block by block on one thread: bare inference on a block,
    then repcam's pose stage, core (tracking, kinematics, analyser) and overlay on the same
    frames. Each block gives a pair ratio per stage against that block's bare inference."""
    spec = get_exercise(EXERCISE)
    session, board = ExerciseSession(spec), Scoreboard(spec.title, 10)
    samples: dict[str, list[float]] = {stage: [] for stage in STAGES}
    ratios: dict[str, list[float]] = {stage: [] for stage in (*STAGES[1:], "pipeline")}
    with BareLandmarker(model) as bare, PoseEstimator(model, num_poses=1) as estimator:
        bare.detect(frames[0], 0.0)
        estimator.detect(frames[0], 0.0)  # both graphs warm before the first block
        for first in range(0, len(frames) - block + 1, block):
            times = {stage: [] for stage in STAGES}
            for frame, stamp in zip(frames[first:first + block], stamps[first:first + block],
                                    strict=True):
                stamp += 1.0  # after the warm-up frame
                timed(times["bare"], lambda frame=frame, stamp=stamp: bare.detect(frame, stamp))
                pose = timed(times["pose"], lambda frame=frame, stamp=stamp: estimator.detect(
                    frame, stamp))
                angles, events = timed(times["core"], lambda pose=pose: session.process(pose))
                board.apply(events, pose.timestamp_ms)
                canvas = frame.copy()
                timed(times["overlay"], lambda canvas=canvas, angles=angles: draw_overlay(
                    canvas, angles, board, spec, hud=Hud(30.0, 40.0)))
            medians = {stage: float(np.median(values)) for stage, values in times.items()}
            for stage in STAGES[1:]:
                ratios[stage].append(medians[stage] / medians["bare"])
            ratios["pipeline"].append(sum(medians[s] for s in STAGES[1:]) / medians["bare"])
            for stage, values in times.items():
                samples[stage] += values
    timings = {stage: Timing.of(values) for stage, values in samples.items()}
    return timings, {stage: Pairs(tuple(values)) for stage, values in ratios.items()}


def _same_encoder(path: Path, fps: float, size: tuple[int, int]):
    """The encoder repcam's writer uses (H.264 through PyAV, else OpenCV's best)."""
    from repcam.sinks.video_writer import open_writer

    return open_writer(path, fps, size)[0]


def offline(clip: Path, model: Path, work: Path, pairs: int) -> dict:
    """`repcam analyse --out` on a clip (no landmark cache) against the bare decode, track and
    encode of the same clip with the same threads, in alternating pairs: wall and CPU time."""
    from repcam.apps.recorded import analyse_recording
    from repcam.io.pipeline import ANALYSIS_FPS

    spec = get_exercise(EXERCISE)
    runs = {"n": 0}

    def repcam_run() -> Run:
        runs["n"] += 1
        copy = work / f"offline_{runs['n']}{clip.suffix}"  # a new file: no cache hit
        shutil.copy(clip, copy)
        return measured(lambda: analyse_recording(copy, spec, model,
                                                  out_dir=work / f"out_{runs['n']}"))


    def bare_run() -> Run:
        return measured(lambda: bare_offline(clip, model, work / "bare.mp4", encoder=_same_encoder,
                                             analysis_fps=ANALYSIS_FPS))

    wall, repcam_runs, bare_runs = interleaved(pairs, repcam_run, bare_run,
                                               lambda run: run.wall_s)
    cpu = Pairs(tuple(a.cpu_s / b.cpu_s for a, b in zip(repcam_runs, bare_runs, strict=True)))
    recorded = repcam_runs[0].value
    video_s = recorded.info.announced_s
    wall_s = float(np.median([run.wall_s for run in repcam_runs]))
    return {"frames": recorded.info.frame_count, "analysed_frames": recorded.result.frames,
            "video_s": video_s, "wall_s": wall_s, "realtime_ratio": video_s / wall_s,
            "reps": recorded.result.count, "codec": recorded.codec,
            "wall_pairs": wall, "cpu_pairs": cpu}


def live(clip: Path, model: Path, work: Path, pairs: int) -> dict:
    """A file played as a camera through the live coach (headless) against the bare loop on
    the same file, in alternating pairs: capture-to-display latency and drops."""
    from repcam.apps.live import LiveCoach, LiveOptions
    from repcam.sinks.voice import Voice

    spec = get_exercise(EXERCISE)
    reports = []

    def repcam_run() -> Run:
        voice = Voice(None)
        with SessionLog(work / f"live_{len(reports)}.db") as log:
            report = LiveCoach(spec, LiveOptions(camera=str(clip), reps=10, headless=True),
                               model, voice, log).run()
        voice.close()
        reports.append(report)
        return Run(0.0, 0.0, np.percentile(report.latencies_ms[10:], 95))

    def bare_run() -> Run:
        return Run(0.0, 0.0, np.percentile(bare_live(clip, model)[10:], 95))

    p95, repcam_runs, bare_runs = interleaved(pairs, repcam_run, bare_run,
                                              lambda run: float(run.value))
    latencies = np.concatenate([np.asarray(r.latencies_ms[10:]) for r in reports])
    third = max(1, len(reports[0].latencies_ms) // 3)
    first = np.asarray(reports[0].latencies_ms[10:])
    return {"frames": reports[0].frames, "dropped": reports[0].dropped,
            "latency_p50_ms": float(np.percentile(latencies, 50)),
            "latency_p95_ms": float(np.median([r.value for r in repcam_runs])),
            "bare_latency_p95_ms": float(np.median([r.value for r in bare_runs])),
            "latency_growth_ms": float(np.median(first[-third:]) - np.median(first[:third])),
            "reps": sum(reports[0].sets), "p95_pairs": p95}


def memory_over_session(model: Path, frames: list[np.ndarray], stamps: list[float],
                        minutes: float, fps: float, work: Path) -> dict:
    """The pipeline after the model (analysis, overlay, log) over a long simulated session,
    replaying real poses in a loop: resident memory must not grow."""
    with PoseEstimator(model, num_poses=1) as estimator:
        poses = [estimator.detect(f, s) for f, s in zip(frames, stamps, strict=True)]
    spec = get_exercise(EXERCISE)
    session = ExerciseSession(spec)
    board = Scoreboard(spec.title, 10)
    period_ms = (stamps[-1] - stamps[0]) + 1000.0 / fps
    total = int(minutes * 60 * fps)
    samples: list[float] = []
    with SessionLog(work / f"memory_{time.monotonic_ns()}.db") as log:
        session_id = log.start_session(profile="bench", exercise=EXERCISE, source="live",
                                       source_name="bench", model=model.name, target_sets=1,
                                       target_reps=10)
        set_id = log.start_set(session_id, 1, 10)
        for i in range(total):
            loop, index = divmod(i, len(poses))
            pose = poses[index]
            shifted = PoseFrame(pose.timestamp_ms + loop * period_ms, pose.people,
                                pose.width_px, pose.height_px)
            angles, events = session.process(shifted)
            board.apply(events, shifted.timestamp_ms)
            for event in events:
                if isinstance(event, RepCompleted):
                    log.add_rep(set_id, event.metrics, number=len(session.analyser.reps))
            draw_overlay(frames[index].copy(), angles, board, spec)
            if i % 300 == 0:
                samples.append(rss_mb())
    warm = samples[max(1, len(samples) // 10)]
    return {"simulated_minutes": minutes, "frames": total, "rss_start_mb": warm,
            "rss_end_mb": samples[-1], "rss_peak_mb": max(samples),
            "rss_growth_mb": samples[-1] - warm, "reps": len(session.analyser.reps)}


def log_rep(work: Path, repeats: int = 30) -> Timing:
    """Committing one rep to the session log (WAL, full sync)."""
    from repcam.exercises.events import RepMetrics

    rep = RepMetrics(1, "left", 0.0, 4000.0, "hip_line", 130.0, 176.0, 3000.0, 3000.0, 900.0,
                     1000.0)
    samples: list[float] = []
    with SessionLog(work / "log_rep.db") as log:
        session_id = log.start_session(profile="bench", exercise=EXERCISE, source="live",
                                       source_name="bench", model="bench", target_sets=1,
                                       target_reps=10)
        set_id = log.start_set(session_id, 1, 10)
        for number in range(1, repeats + 1):
            timed(samples, lambda number=number: log.add_rep(set_id, rep, number=number))
    return Timing.of(samples)


def auto_replay(minutes: float = 1.0, fps: float = 15.0) -> dict:
    """`--exercise auto` on a clip's cached landmarks: every exercise replays the track."""
    from repcam.folds.recognise import recognise

    reps = max(1, round(minutes * 60 / 8.0))  # a bridge rep with its rest takes about 8 s
    clip = synthesize(EXERCISE, [RepPlan(hold_s=3.0, rest_s=1.5)] * reps, fps=fps, seed=3)
    track = LandmarkTrack(clip.frames, fps, "synthetic", "none")
    run = measured(lambda: recognise(track))
    video_s = clip.frames[-1].timestamp_ms / 1000.0
    return {"video_s": video_s, "frames": len(clip.frames), "wall_s": run.wall_s,
            "per_minute_s": run.wall_s * 60.0 / video_s, "best": run.value.best.spec.name}
