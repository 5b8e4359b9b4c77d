"""The bare references: the same jobs done with MediaPipe and OpenCV alone, as their docs show.

Every guarded figure is divided by its reference measured in the same run, on the same
frames, with the same number of threads. The ratio is then what repcam adds to the job,
whatever the machine's speed and whatever else it is doing.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from repcam.io.native_logs import quiet_native_logs

OpenEncoder = Callable[[Path, float, tuple[int, int]], Any]  # (path, fps, size) -> .write()


class BareLandmarker:
    """PoseLandmarker in VIDEO mode, nothing else (native logs silenced as repcam does)."""

    def __init__(self, model: Path, num_poses: int = 1) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model)),
            running_mode=vision.RunningMode.VIDEO, num_poses=num_poses)
        with quiet_native_logs():
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self._last_ms = -1

    def detect(self, frame_bgr: np.ndarray, timestamp_ms: float):
        import mediapipe as mp

        stamp = max(int(timestamp_ms), self._last_ms + 1)
        self._last_ms = stamp
        image = mp.Image(image_format=mp.ImageFormat.SRGB,
                         data=cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB))
        with quiet_native_logs():
            return self._landmarker.detect_for_video(image, stamp)

    def close(self) -> None:
        with quiet_native_logs():
            self._landmarker.close()

    def __enter__(self) -> BareLandmarker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def bare_offline(video: Path, model: Path, out: Path, *, encoder: OpenEncoder,
                 analysis_fps: float, threads: int = 2) -> int:
    """Decode, track and re-encode a video the plain way, with repcam's thread layout: each
    of `threads` contiguous segments decoded and tracked by its own thread and model (at most
    `analysis_fps` poses a second), every frame decoded again and encoded by a writer thread
    with `encoder` (the same codec as repcam's, so only repcam's own work is compared).
    Returns the number of poses taken."""
    capture = cv2.VideoCapture(str(video))
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    fps = capture.get(cv2.CAP_PROP_FPS)
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    capture.release()
    bounds = [round(i * count / threads) for i in range(threads + 1)]
    taken = [0] * threads

    def segment(index: int) -> None:
        step_ms, next_ms = 1000.0 / analysis_fps, -1.0
        segment_capture = cv2.VideoCapture(str(video))
        segment_capture.set(cv2.CAP_PROP_POS_FRAMES, bounds[index])
        with BareLandmarker(model) as landmarker:
            for _ in range(bounds[index], bounds[index + 1]):
                ok, frame = segment_capture.read()
                if not ok:
                    break
                stamp = segment_capture.get(cv2.CAP_PROP_POS_MSEC)
                if stamp + 0.5 >= next_ms:
                    next_ms = max(next_ms + step_ms, stamp)
                    landmarker.detect(frame, stamp)
                    taken[index] += 1
        segment_capture.release()

    workers = [threading.Thread(target=segment, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    frames: queue.Queue = queue.Queue(maxsize=16)
    writer = encoder(out, fps, size)

    def encode() -> None:
        while (frame := frames.get()) is not None:
            writer.write(frame)

    encoding = threading.Thread(target=encode)
    encoding.start()
    capture = cv2.VideoCapture(str(video))
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.put(frame)
    capture.release()
    frames.put(None)
    for thread in (*workers, encoding):
        thread.join()
    writer.release()
    return sum(taken)


def bare_live(clip: Path, model: Path) -> list[float]:
    """A file played as a camera the plain way: a thread releases each frame at its time and
    keeps only the newest; the loop tracks it. Capture-to-result latency of each frame, ms."""
    latest: list[tuple[np.ndarray, float] | None] = [None]
    ended = threading.Event()
    ready = threading.Condition()

    def capture() -> None:
        source = cv2.VideoCapture(str(clip))
        started = time.monotonic()
        while True:
            ok, frame = source.read()
            if not ok:
                break
            delay = started + source.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            with ready:
                latest[0] = (frame, time.monotonic())
                ready.notify()
        source.release()
        ended.set()
        with ready:
            ready.notify()

    latencies: list[float] = []
    with BareLandmarker(model) as landmarker:
        landmarker.detect(np.zeros((64, 64, 3), np.uint8), 0.0)  # warmed up, as repcam is
        reader = threading.Thread(target=capture, daemon=True)
        reader.start()
        while True:
            with ready:
                while latest[0] is None and not ended.is_set():
                    ready.wait(timeout=1.0)
                item, latest[0] = latest[0], None
            if item is None:
                break
            frame, captured_at = item
            landmarker.detect(frame, captured_at * 1000.0)
            latencies.append((time.monotonic() - captured_at) * 1000.0)
        reader.join()
    return latencies
