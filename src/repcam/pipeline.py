"""Run frames through the pose stage (the shared first half of every app)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from repcam.errors import NoPersonError
from repcam.landmark_cache import LandmarkTrack
from repcam.pose import PoseEstimator
from repcam.sources import VideoFileSource


def extract_track(
    video: Path,
    model_path: Path,
    *,
    num_poses: int = 2,
    on_frame: Callable[[int], None] = lambda index: None,
) -> LandmarkTrack:
    """Landmarks of every frame of a video file."""
    source = VideoFileSource(video)
    frames = []
    with PoseEstimator(model_path, num_poses=num_poses) as estimator:
        for frame in source:
            frames.append(estimator.detect(frame.image_bgr, frame.timestamp_ms))
            on_frame(frame.index)
    track = LandmarkTrack(tuple(frames), source.info.fps, str(video), model_path.name)
    if track.detection_rate == 0.0:
        raise NoPersonError(
            f"Nobody was found in {video.name}.",
            hint="Film the whole body, side-on, in good light, 2-3 m from the camera.",
        )
    return track
