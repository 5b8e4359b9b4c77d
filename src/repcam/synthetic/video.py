"""Write a synthetic patient's clip as a video file plus its truth (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import cv2
import numpy as np

from repcam.core.filters import NoFilter
from repcam.core.kinematics import Kinematics
from repcam.core.landmarks import PoseFrame
from repcam.errors import InputError
from repcam.io.files import write_text
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
                # The body's own angles, whatever the camera (what repcam must measure);
                # the angles of the picture, as filmed, beside them.
                "angles_deg": {name: _rounded(clip.anatomical(name)[i]) for name in TRUTH_ANGLES},
                "projected_angles_deg": _projected(kinematics, frame),
                "landmarks_px": np.round(frame.people[0].image_px[:, :2], 1).tolist()
                if frame.people else None,
            }
            for i, (frame, progress) in enumerate(zip(clip.frames, clip.timeline.progress,
                                                      strict=True))
        ],
    }
    path = truth_path(out)
    write_text(path, json.dumps(truth))
    return path


TRUTH_ANGLES = ("knee_flexion_left", "knee_flexion_right", "hip_line_left", "hip_line_right",
                "trunk_lean_left", "line_lean_left", "thigh_angle_left", "thigh_angle_right")


def _rounded(value: float) -> float | None:
    return round(float(value), 1) if np.isfinite(value) else None


def _projected(kinematics: Kinematics, frame: PoseFrame) -> dict[str, float | None] | None:
    """The named angles of the exact body as this camera pictures it, unfiltered."""
    if not frame.people:
        return None
    angles = kinematics.update(frame.people[0], frame.timestamp_ms,
                               (frame.width_px, frame.height_px))
    return {name: _rounded(angles.signals[name]) for name in TRUTH_ANGLES}
