"""Run frames through the pose stage (the shared first half of every app)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from repcam.errors import NoPersonError
from repcam.landmark_cache import LandmarkTrack
from repcam.pose import PoseEstimator
from repcam.sources import VideoFileSource

# Physiotherapy moves over seconds: 15 poses a second time a 3 s hold to within ~70 ms, and
# a 60 fps phone clip costs a quarter of the inference. Every frame is still drawn. An
# exercise may ask for more (`ExerciseSpec.analysis_fps`).
ANALYSIS_FPS = 15.0


class RateLimiter:
    """Takes a frame when at least 1/fps has passed since the last one taken (0: every frame)."""

    def __init__(self, fps: float) -> None:
        self._interval_ms = 1000.0 / fps if fps > 0 else 0.0
        self._next_ms = -float("inf")

    def take(self, timestamp_ms: float) -> bool:
        if timestamp_ms + 0.5 < self._next_ms:  # half a millisecond of container rounding
            return False
        self._next_ms = max(self._next_ms + self._interval_ms, timestamp_ms)
        return True


def extract_track(
    video: Path,
    model_path: Path,
    *,
    num_poses: int = 2,
    analysis_fps: float = ANALYSIS_FPS,
    on_frame: Callable[[int], None] = lambda index: None,
) -> LandmarkTrack:
    """Landmarks of a video file, at most `analysis_fps` frames a second."""
    source = VideoFileSource(video)
    frames = []
    limiter = RateLimiter(analysis_fps)
    with PoseEstimator(model_path, num_poses=num_poses) as estimator:
        for frame in source:
            if limiter.take(frame.timestamp_ms):
                frames.append(estimator.detect(frame.image_bgr, frame.timestamp_ms))
            on_frame(frame.index)
    track = LandmarkTrack(tuple(frames), source.info.fps, str(video), model_path.name)
    if track.detection_rate == 0.0:
        raise NoPersonError(
            f"Nobody was found in {video.name}.",
            hint="Film the whole body, side-on, in good light, 2-3 m from the camera.",
        )
    return track
