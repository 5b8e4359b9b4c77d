"""Write annotated frames to an .mp4 in a background thread (encoding overlaps analysis)."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import cv2
import numpy as np

from repcam.errors import InputError
from repcam.pose import quiet_native_logs

# H.264 plays everywhere but many OpenCV wheels lack an encoder; MPEG-4 Part 2 always works.
CODECS = (("avc1", "H.264"), ("mp4v", "MPEG-4 Part 2 (mp4v)"))
_END = None


def open_writer(path: Path, fps: float, size: tuple[int, int]) -> tuple[cv2.VideoWriter, str]:
    """An opened writer and the name of the codec it uses (the best this OpenCV build has)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for fourcc, name in CODECS:
        with quiet_native_logs():  # a missing encoder is reported on fd 2 by FFmpeg
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
        if writer.isOpened():
            return writer, name
        writer.release()
    raise InputError(f"Could not write a video to {path}.",
                     hint="Check that the folder is writable and the disk is not full.")


class VideoWriterThread:
    """`write(frame)` queues; a thread encodes. `close()` flushes and finishes the file."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        self.path = path
        self._writer, self.codec = open_writer(path, fps, size)
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=16)
        self._thread = threading.Thread(target=self._run, daemon=True, name="repcam-encode")
        self.frames_written = 0
        self._thread.start()

    def _run(self) -> None:
        while (frame := self._queue.get()) is not _END:
            self._writer.write(frame)
            self.frames_written += 1

    def write(self, frame: np.ndarray) -> None:
        self._queue.put(frame)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_END)
            self._thread.join()
        self._writer.release()

    def __enter__(self) -> VideoWriterThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
