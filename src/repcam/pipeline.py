"""Run frames through the pose stage (the shared first half of every app)."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2

from repcam.errors import NoPersonError
from repcam.landmark_cache import LandmarkTrack
from repcam.landmarks import PoseFrame
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
    contiguous segments, each read and tracked by its own thread and model; the results are
    handed over in frame order. A tracker restarting at a segment start only costs one
    detection.
    """
    workers = workers or min(2, os.cpu_count() or 1)
    if not frame_count or frame_count < workers * MIN_SEGMENT_FRAMES:
        workers = 1
    bounds = [round(i * (frame_count or 0) / workers) for i in range(workers)] + [None]
    outputs: list[queue.Queue] = [queue.Queue() for _ in range(workers)]
    stop = threading.Event()
    threads = [threading.Thread(target=_segment, args=(job, bounds[i], bounds[i + 1],
                                                       outputs[i], stop),
                                daemon=True, name=f"repcam-pose-{i}")
               for i in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for output in outputs:
            while (item := output.get()) is not _SEGMENT_END:
                if isinstance(item, BaseException):
                    raise item
                yield item
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5.0)


_SEGMENT_END = object()


def _segment(job: PoseJob, first: int, end: int | None, output: queue.Queue,
             stop: threading.Event) -> None:
    """Frames [first, end) of the video (to its end if `end` is None) through one model."""
    capture = cv2.VideoCapture(str(job.video))
    try:
        if first:
            capture.set(cv2.CAP_PROP_POS_FRAMES, first)
        limiter = RateLimiter(job.analysis_fps)
        with PoseEstimator(job.model_path, num_poses=job.people) as estimator:
            index = first
            while (end is None or index < end) and not stop.is_set():
                ok, image = capture.read()
                if not ok:
                    break
                stamp = capture.get(cv2.CAP_PROP_POS_MSEC)
                take = limiter.take(stamp)
                output.put(estimator.detect(image, stamp) if take else None)
                index += 1
    except BaseException as error:  # raised again in the consuming thread
        output.put(error)
    finally:
        capture.release()
        output.put(_SEGMENT_END)


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
