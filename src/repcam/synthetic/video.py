"""Write a synthetic patient's clip as a video file plus its truth (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import cv2
import numpy as np

from repcam.errors import InputError
from repcam.filters import NoFilter
from repcam.kinematics import Kinematics
from repcam.landmarks import PoseFrame
from repcam.synthetic.clip import SyntheticClip
from repcam.synthetic.motions import motion
from repcam.synthetic.render import Renderer


def truth_path(video: Path) -> Path:
    return video.with_suffix(".truth.json")


def write_clip(clip: SyntheticClip, out: Path, *, seed: int = 0) -> Path:
    """Render every frame to `out` (mp4) and the truth next to it; returns the truth path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    width, height = clip.camera.size_px
    fps = 1000.0 / (clip.frames[1].timestamp_ms - clip.frames[0].timestamp_ms)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise InputError(f"Cannot write a video to {out}.",
                         hint="Give an .mp4 file name in a folder you can write to.")
    renderer = Renderer(clip.camera, seed=seed, props=motion(clip.exercise).props)
    kinematics = Kinematics(NoFilter)
    try:
        for pose in clip.poses:
            writer.write(renderer.render(pose))
    finally:
        writer.release()
    truth = {
        "exercise": clip.exercise,
        "fps": fps,
        "size_px": [width, height],
        "camera": asdict(clip.camera),
        "reps": [asdict(rep) for rep in clip.truth],
        "frames": [
            {
                "t_ms": frame.timestamp_ms,
                "progress": progress,
                "angles_deg": _true_angles(kinematics, frame),
                "landmarks_px": np.round(frame.people[0].image_px[:, :2], 1).tolist()
                if frame.people else None,
            }
            for frame, progress in zip(clip.frames, clip.timeline.progress, strict=True)
        ],
    }
    path = truth_path(out)
    path.write_text(json.dumps(truth))
    return path


TRUTH_ANGLES = ("knee_flexion_left", "knee_flexion_right", "hip_line_left", "hip_line_right",
                "trunk_lean_left", "line_lean_left")


def _true_angles(kinematics: Kinematics, frame: PoseFrame) -> dict[str, float] | None:
    """The named angles of the exact body (the renderer's input), unfiltered."""
    if not frame.people:
        return None
    angles = kinematics.update(frame.people[0], frame.timestamp_ms,
                               (frame.width_px, frame.height_px))
    return {name: round(float(angles.signals[name]), 1) for name in TRUTH_ANGLES}
