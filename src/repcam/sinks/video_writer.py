"""Write annotated frames to an .mp4 in a background thread (encoding overlaps analysis)."""

from __future__ import annotations

import errno
import os
import queue
import shutil
import threading
from fractions import Fraction
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from repcam.errors import OutputError, output_error
from repcam.io.files import temporary_beside
from repcam.io.native_logs import quiet_native_logs

# H.264 through PyAV plays in every browser and QuickTime; OpenCV's writer is the fallback
# (its wheels mostly lack an H.264 encoder; MPEG-4 Part 2 always works but browsers refuse it).
PYAV_H264 = "H.264 (PyAV libx264, yuv420p, faststart)"
CODECS = (("avc1", "H.264"), ("mp4v", "MPEG-4 Part 2 (mp4v)"))
H264_CRF, H264_PRESET = 23, "veryfast"  # the encoder's default quality; twice as fast as 'medium'
BT601, LIMITED_RANGE = 6, 1  # FFmpeg's codes for SMPTE 170M (BT.601) and the 16-235 range
MAX_SIDE_PX = 3840  # larger frames (8K and up) are shrunk: the encoders refuse them
MIN_FREE_BYTES = 1 << 20
_END = None


def encoded_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a video of `size` is encoded at: as it is up to 4K, else shrunk to fit (even
    sides, as the encoders need)."""
    scale = min(1.0, MAX_SIDE_PX / max(size))
    return (max(2, round(size[0] * scale / 2) * 2), max(2, round(size[1] * scale / 2) * 2))


def _disk_full(folder: Path) -> bool:
    return shutil.disk_usage(folder).free < MIN_FREE_BYTES


class Encoder(Protocol):
    def write(self, image_bgr: np.ndarray) -> None: ...

    def release(self) -> None: ...


class PyAvH264:
    """H.264 High profile, yuv420p, its index at the front (+faststart), through the FFmpeg
    that PyAV's wheels bundle: a video every browser plays, and streams from a page."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        import av

        self._av = av
        rate = Fraction(fps).limit_denominator(1001)
        self._container = av.open(str(path), mode="w", format="mp4",
                                  options={"movflags": "+faststart"})
        try:
            self._stream = self._container.add_stream("libx264", rate=rate)
            self._stream.width, self._stream.height = size
            self._stream.pix_fmt = "yuv420p"
            self._stream.options = {"crf": str(H264_CRF), "preset": H264_PRESET}
            # OpenCV converts to YUV (ten times faster than PyAV here) as BT.601, limited
            # range: say so, or players guess BT.709 for HD and shift the colours.
            context = self._stream.codec_context
            context.colorspace = context.color_primaries = context.color_trc = BT601
            context.color_range = LIMITED_RANGE
        except Exception:
            self._container.close()
            raise
        self._time_base, self._frames = 1 / rate, 0
        self._failed = False  # after a failed write FFmpeg's muxer must not be touched again

    def write(self, image_bgr: np.ndarray) -> None:
        yuv = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2YUV_I420)
        frame = self._av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts, frame.time_base = self._frames, self._time_base
        self._frames += 1
        try:
            self._container.mux(self._stream.encode(frame))
        except Exception:
            self._failed = True
            raise

    def release(self) -> None:
        """Flushes what the encoder still holds and closes the file; after a failed write it
        only closes it (flushing then crashes PyAV 18: measured on a full disk)."""
        try:
            if not self._failed:
                self._container.mux(self._stream.encode(None))
        finally:
            self._container.close()


def _pyav_h264(path: Path, fps: float, size: tuple[int, int]) -> PyAvH264 | None:
    try:
        return PyAvH264(path, fps, size)
    except Exception:  # no PyAV, or its FFmpeg lacks libx264 or refuses this size: fall back
        path.unlink(missing_ok=True)
        return None


def open_writer(path: Path, fps: float, size: tuple[int, int], *,
                shown_as: Path | None = None) -> tuple[Encoder, str]:
    """An opened writer and the name of the codec it uses (H.264 through PyAV, else the best
    OpenCV's build has). `shown_as`: the name to say in a message (the file this one will be
    renamed to)."""
    shown_as = shown_as or path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()  # the folder is checked here, in words
        path.unlink()
    except OSError as error:
        raise output_error(error, shown_as) from None
    encoder = _pyav_h264(path, fps, size)
    if encoder is not None:
        return encoder, PYAV_H264
    for fourcc, name in CODECS:
        with quiet_native_logs():  # a missing encoder is reported on fd 2 by FFmpeg
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
        if writer.isOpened():
            return writer, name
        writer.release()
        path.unlink(missing_ok=True)
    if _disk_full(path.parent):  # the encoder only says "no"
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
        self._failure: Exception | None = None  # the encoder's, said by close()
        self._thread.start()

    def _run(self) -> None:
        while (frame := self._queue.get()) is not _END:
            if self._failure is not None:
                continue  # keep taking frames, so that write() never waits on a full queue
            try:
                if self._resize:
                    frame = cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA)
                self._writer.write(frame)
                self.frames_written += 1
            except Exception as error:  # a full disk, the encoder refusing a frame
                self._failure = error

    def write(self, frame: np.ndarray) -> None:
        """Queues the frame. A failed encoder is said by `close()`, not here: a live set goes
        on when its recording fails (the disk filled), as it did with OpenCV's writer."""
        if self._failure is None:
            self._queue.put(frame)

    def close(self) -> None:
        if self._writer is None:
            return
        if self._thread.is_alive():
            self._queue.put(_END)
            self._thread.join()
        try:
            self._writer.release()
        except Exception as error:  # the last frames and the index, on a disk just filled
            self._failure = self._failure or error
        self._writer = None
        try:
            if self._failure is not None:
                raise self._output_error()
            if not self._partial.exists() or self._partial.stat().st_size == 0:
                raise OSError(errno.ENOSPC, "nothing could be written")
            os.replace(self._partial, self.path)
        except OSError as error:
            self._partial.unlink(missing_ok=True)
            raise output_error(error, self.path) from None
        except OutputError:
            self._partial.unlink(missing_ok=True)
            raise

    def _output_error(self) -> OutputError:
        """The encoder's failure in words: a full disk is said as one (FFmpeg's errors carry
        the errno; OpenCV's writer only ever says "no")."""
        error = self._failure
        if isinstance(error, OSError) and error.errno:
            return output_error(error, self.path)
        if _disk_full(self._partial.parent):
            return output_error(OSError(errno.ENOSPC, "No space left"), self.path)
        return OutputError(f"{self.path.name} could not be encoded: {error}.")

    def __enter__(self) -> VideoWriterThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
