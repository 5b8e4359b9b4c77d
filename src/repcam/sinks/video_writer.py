"""Write annotated frames to an .mp4 in a background thread (encoding overlaps analysis)."""

from __future__ import annotations

import errno
import os
import queue
import shutil
import threading
from pathlib import Path

import cv2
import numpy as np

from repcam.errors import OutputError, output_error
from repcam.io.files import temporary_beside
from repcam.io.native_logs import quiet_native_logs

# H.264 plays everywhere but many OpenCV wheels lack an encoder; MPEG-4 Part 2 always works.
CODECS = (("avc1", "H.264"), ("mp4v", "MPEG-4 Part 2 (mp4v)"))
MAX_SIDE_PX = 3840  # larger frames (8K and up) are shrunk: the encoders refuse them
MIN_FREE_BYTES = 1 << 20
_END = None


def encoded_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a video of `size` is encoded at: as it is up to 4K, else shrunk to fit (even
    sides, as the encoders need)."""
    scale = min(1.0, MAX_SIDE_PX / max(size))
    return (max(2, round(size[0] * scale / 2) * 2), max(2, round(size[1] * scale / 2) * 2))


def open_writer(path: Path, fps: float, size: tuple[int, int], *,
                shown_as: Path | None = None) -> tuple[cv2.VideoWriter, str]:
    """An opened writer and the name of the codec it uses (the best this OpenCV build has).
    `shown_as`: the name to say in a message (the file this one will be renamed to)."""
    shown_as = shown_as or path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()  # the folder is checked here, in words
        path.unlink()
    except OSError as error:
        raise output_error(error, shown_as) from None
    for fourcc, name in CODECS:
        with quiet_native_logs():  # a missing encoder is reported on fd 2 by FFmpeg
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
        if writer.isOpened():
            return writer, name
        writer.release()
        path.unlink(missing_ok=True)
    if shutil.disk_usage(path.parent).free < MIN_FREE_BYTES:  # the encoder only says "no"
        raise output_error(OSError(errno.ENOSPC, "No space left"), shown_as)
    raise OutputError(f"No video encoder here accepts {size[0]}x{size[1]} at {fps:g} fps, so "
                      f"{shown_as.name} was not written.")


class VideoWriterThread:
    """`write(frame)` queues; a thread encodes into a temporary file that `close()` renames
    to `path`, so an earlier video there is replaced only by a finished one."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        self.path = path
        self.size = encoded_size(size)
        self._resize = self.size != tuple(size)
        self._partial = temporary_beside(path)
        self._writer, self.codec = open_writer(self._partial, fps, self.size, shown_as=path)
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=16)
        self._thread = threading.Thread(target=self._run, daemon=True, name="repcam-encode")
        self.frames_written = 0
        self._thread.start()

    def _run(self) -> None:
        while (frame := self._queue.get()) is not _END:
            if self._resize:
                frame = cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA)
            self._writer.write(frame)
            self.frames_written += 1

    def write(self, frame: np.ndarray) -> None:
        self._queue.put(frame)

    def close(self) -> None:
        if self._writer is None:
            return
        if self._thread.is_alive():
            self._queue.put(_END)
            self._thread.join()
        self._writer.release()
        self._writer = None
        try:
            if not self._partial.exists() or self._partial.stat().st_size == 0:
                raise OSError(errno.ENOSPC, "nothing could be written")
            os.replace(self._partial, self.path)
        except OSError as error:
            self._partial.unlink(missing_ok=True)
            raise output_error(error, self.path) from None

    def __enter__(self) -> VideoWriterThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
