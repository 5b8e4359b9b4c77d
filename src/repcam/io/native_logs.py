"""Native libraries (MediaPipe's C++, FFmpeg inside OpenCV) write straight to file
descriptor 2: the one way to keep their noise off a person's terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

from repcam.io.settings import environment


class _QuietStderr:
    """fd 2 pointed at /dev/null while anyone is inside; threads share one redirection (a
    per-thread save and restore would interleave and could leave stderr silenced)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: int | None = None

    def enter(self) -> None:
        with self._lock:
            if self._depth == 0:
                sys.stderr.flush()
                self._saved = os.dup(2)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
            self._depth += 1

    def leave(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._saved is not None:
                os.dup2(self._saved, 2)
                os.close(self._saved)
                self._saved = None


_QUIET = _QuietStderr()


@contextlib.contextmanager
def quiet_native_logs() -> Iterator[None]:
    """Silence native stderr spam (MediaPipe's GLOG/TF env vars do not reach it).

    It writes straight to file descriptor 2, so we point fd 2 at /dev/null around the calls
    that talk (create, detect, close). Set REPCAM_DEBUG=1 to see it.
    """
    if environment().debug:
        yield
        return
    _QUIET.enter()
    try:
        yield
    finally:
        _QUIET.leave()


def quiet_opencv_logs() -> None:
    """OpenCV and its FFmpeg print warnings straight to the terminal (probing camera indexes,
    a stream that ends); a person gets repcam's own sentence instead. Called by the command
    before OpenCV loads (it reads these once); REPCAM_DEBUG=1 keeps them."""
    if not environment().debug:
        os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
