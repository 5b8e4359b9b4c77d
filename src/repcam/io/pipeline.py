"""Run frames through the pose stage (the shared first half of every app)."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from repcam.core.landmarks import PoseFrame
from repcam.core.track import LandmarkTrack
from repcam.errors import NoPersonError
from repcam.io.pose import PoseEstimator
from repcam.io.sources import VideoFileSource, prefetched

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


MIN_SEGMENT_FRAMES = 90  # shorter clips are not worth a second model


@dataclass(frozen=True)
class PoseJob:
    video: Path
    model_path: Path
    people: int = 1
    analysis_fps: float = ANALYSIS_FPS


def segmented_poses(job: PoseJob, frame_count: int | None,
                    workers: int | None = None) -> Iterator[PoseFrame | None]:
    """A pose (or None for frames skipped by the rate) for every frame of the video, in order.

    MediaPipe's CPU inference uses one core and releases the GIL, so the video is cut into
    contiguous segments, each read and tracked by its own thread and model, all started at
    once; the results are handed over in frame order. A tracker restarting at a segment start
    only costs one detection.
    """
    workers = workers or min(2, os.cpu_count() or 1)
    if not frame_count or frame_count < workers * MIN_SEGMENT_FRAMES:
        workers = 1
    bounds = [round(i * (frame_count or 0) / workers) for i in range(workers)] + [None]
    cancel = threading.Event()  # a consumer that stops early stops every segment
    segments = [prefetched(_segment(job, bounds[i], bounds[i + 1]), depth=0,
                           name=f"repcam-pose-{i}", cancel=cancel) for i in range(workers)]
    try:
        yield from itertools.chain.from_iterable(segments)
    finally:
        cancel.set()


def _segment(job: PoseJob, first: int, end: int | None) -> Iterator[PoseFrame | None]:
    """Frames [first, end) of the video (to its end if `end` is None) through one model."""
    limiter = RateLimiter(job.analysis_fps)
    with PoseEstimator(job.model_path, num_poses=job.people) as estimator:
        for frame in VideoFileSource(job.video).frames(first, end):
            take = limiter.take(frame.timestamp_ms)
            yield estimator.detect(frame.image_bgr, frame.timestamp_ms) if take else None


def extract_track(
    video: Path,
    model_path: Path,
    *,
    num_poses: int = 1,
    analysis_fps: float = ANALYSIS_FPS,
    on_frame: Callable[[int], None] = lambda index: None,
) -> LandmarkTrack:
    """Landmarks of a video file, at most `analysis_fps` frames a second."""
    source = VideoFileSource(video)
    job = PoseJob(video, model_path, num_poses, analysis_fps)
    frames = []
    for index, pose in enumerate(segmented_poses(job, source.info.frame_count)):
        if pose is not None:
            frames.append(pose)
        on_frame(index)
    track = LandmarkTrack(tuple(frames), source.info.fps, str(video), model_path.name)
    if track.detection_rate == 0.0:
        raise NoPersonError(
            f"Nobody was found in {video.name}.",
            hint="Film the whole body, side-on, in good light, 2-3 m from the camera.",
        )
    return track
