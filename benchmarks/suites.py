"""The measurements: per-stage costs, offline speed, live latency, memory over a session."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from benchmarks.measure import Timing, rss_mb, timed
from repcam.exercises import get_exercise
from repcam.exercises.events import RepCompleted
from repcam.landmarks import PoseFrame
from repcam.pose import PoseEstimator, quiet_native_logs
from repcam.scoreboard import Scoreboard
from repcam.session import ExerciseSession
from repcam.sessionlog import SessionLog
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


def bare_inference(model: Path, frames: list[np.ndarray], stamps: list[float],
                   num_poses: int = 1) -> Timing:
    """MediaPipe alone, as its docs show it: the baseline every ratio is taken against."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(model)),
                                           running_mode=vision.RunningMode.VIDEO,
                                           num_poses=num_poses)
    samples: list[float] = []
    with quiet_native_logs():
        landmarker = vision.PoseLandmarker.create_from_options(options)
    for frame, stamp in zip(frames, stamps, strict=True):
        image = mp.Image(image_format=mp.ImageFormat.SRGB,
                         data=cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        timed(samples, lambda image=image, stamp=stamp: landmarker.detect_for_video(
            image, int(stamp) + 1))
    with quiet_native_logs():
        landmarker.close()
    return Timing.of(samples[3:])  # the first calls warm the graph up


def stage_costs(model: Path, frames: list[np.ndarray], stamps: list[float]) -> dict:
    """Each stage of one live frame, alone: colour, pose, analysis, overlay, logging."""
    spec = get_exercise(EXERCISE)
    colour, pose_ms, analysis_ms, overlay_ms, log_ms = [], [], [], [], []
    poses: list[PoseFrame] = []
    rss_before = rss_mb()
    with PoseEstimator(model, num_poses=1) as estimator:
        for frame, stamp in zip(frames, stamps, strict=True):
            timed(colour, lambda frame=frame: cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            poses.append(timed(pose_ms, lambda frame=frame, stamp=stamp: estimator.detect(
                frame, stamp)))
    session = ExerciseSession(spec)
    board = Scoreboard(spec.title, 10)
    for frame, pose in zip(frames, poses, strict=True):
        angles, events = timed(analysis_ms, lambda pose=pose: session.process(pose))
        board.apply(events, pose.timestamp_ms)
        canvas = frame.copy()
        timed(overlay_ms, lambda canvas=canvas, angles=angles: draw_overlay(
            canvas, angles, board, spec, hud=Hud(30.0, 40.0)))
    with tempfile.TemporaryDirectory() as folder, SessionLog(Path(folder) / "b.db") as log:
        session_id = log.start_session(profile="bench", exercise=EXERCISE, source="live",
                                       source_name="bench", model=model.name, target_sets=1,
                                       target_reps=10)
        set_id = log.start_set(session_id, 1, 10)
        rep = next((r for r in session.analyser.reps), None)
        if rep is not None:
            for number in range(1, 31):
                timed(log_ms, lambda number=number: log.add_rep(set_id, rep, number=number))
    return {
        "colour": Timing.of(colour), "pose": Timing.of(pose_ms[3:]),
        "analysis": Timing.of(analysis_ms), "overlay": Timing.of(overlay_ms),
        "log_rep": Timing.of(log_ms) if log_ms else None,
        "inference_rss_growth_mb": rss_mb() - rss_before,
    }


def offline_speed(clip: Path, model: Path, work: Path) -> dict:
    """`repcam analyse --out` on a clip, landmarks not cached: speed against real time."""
    from repcam.recorded import analyse_recording

    copy = work / f"offline_{time.monotonic_ns()}{clip.suffix}"  # a new file: no cache hit
    shutil.copy(clip, copy)
    started = time.perf_counter()
    recorded = analyse_recording(copy, get_exercise(EXERCISE), model, out_dir=work / "out")
    wall = time.perf_counter() - started
    duration = recorded.info.frame_count / recorded.info.fps if recorded.info.frame_count else 0
    return {"frames": recorded.info.frame_count, "analysed_frames": recorded.result.frames,
            "wall_s": wall, "video_s": duration, "realtime_ratio": duration / wall,
            "fps": (recorded.info.frame_count or 0) / wall, "reps": recorded.result.count}


def live_latency(clip: Path, model: Path, work: Path) -> dict:
    """A file played as a camera through the live coach (headless): latency and drops."""
    from repcam.live import LiveCoach, LiveOptions
    from repcam.sinks.voice import Voice

    options = LiveOptions(camera=str(clip), reps=10, sets=1, headless=True)
    voice = Voice(None)
    with SessionLog(work / f"live_{time.monotonic_ns()}.db") as log:
        report = LiveCoach(get_exercise(EXERCISE), options, model, voice, log).run()
    voice.close()
    latencies = np.asarray(report.latencies_ms[10:])  # past the first, warm-up frames
    third = max(1, len(latencies) // 3)
    p50, p95 = np.percentile(latencies, [50, 95])
    return {"frames": report.frames, "dropped": report.dropped, "latency_p50_ms": float(p50),
            "latency_p95_ms": float(p95),
            "latency_growth_ms": float(np.median(latencies[-third:])
                                       - np.median(latencies[:third])),
            "reps": sum(report.sets)}


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
