"""Frame sources: a video file, a webcam or a network stream, behind one iterator.

A file is read in order, every frame, with the container's timestamps (variable frame rate
is honoured). A live camera, a stream, or a file played "as a camera" is read in its own
thread that always keeps only the newest frame, so latency never grows when processing is
slow.
"""

from __future__ import annotations

import dataclasses
import queue
import stat
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from repcam.errors import CameraError, InputError

T = TypeVar("T")
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg"})


def videos_in(folder: Path) -> list[Path]:
    """The video files in a folder, in name order (other files are left alone)."""
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
    if not found:
        raise InputError(f"The folder {folder} holds no video files.")
    return found


@dataclass(frozen=True)
class Frame:
    image_bgr: np.ndarray
    timestamp_ms: float
    index: int
    captured_at_s: float  # monotonic clock when the frame was captured (for latency)


@dataclass(frozen=True)
class SourceInfo:
    name: str
    width_px: int
    height_px: int
    fps: float
    frame_count: int | None  # None for live sources

    @property
    def announced_s(self) -> float:
        """The length the container announces (0 for live sources)."""
        return (self.frame_count or 0) / self.fps if self.fps else 0.0


IMAGE_SIGNATURES = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG photo"),
                    (b"GIF8", "a GIF image"), (b"BM", "a bitmap image"),
                    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"))
TEXT_PROBE_BYTES = 512  # every video container's first bytes hold binary (sizes, magic)
OPEN_TIMEOUT_S = 30.0  # a stream that has not answered by then is reported, not waited for


def check_video_file(path: Path) -> None:
    """A sentence for everything that is not a readable video file, before OpenCV sees it (a
    pipe would hang it, an image would pass for a one-frame video)."""
    if not str(path).strip():
        raise InputError("No video was given.", hint="Give the path of a recording.")
    if not path.exists():
        raise InputError(f"No such file: {path}.", hint="Check the path and try again.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a video file.")
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path} is not a file but a pipe, socket or device.",
                         hint="Save the recording to a file first.")
    if info.st_size == 0:
        raise InputError(f"{path} is empty (0 bytes).", hint="Copy or record the video again.")
    try:
        with path.open("rb") as handle:
            head = handle.read(TEXT_PROBE_BYTES)
    except OSError as error:
        raise InputError(f"{path} cannot be read ({error.strerror}).") from None
    if _is_text(head):  # FFmpeg would play a .txt as a video of its text
        raise InputError(f"{path} is a text file, not a video.",
                         hint="Film the exercise as a video (.mp4, .mov...).")
    for signature, kind in IMAGE_SIGNATURES:
        if head.startswith(signature) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
            kind = kind if head.startswith(signature) else "a WebP image"
            raise InputError(f"{path} is {kind}, not a video.",
                             hint="Film the exercise as a video (.mp4, .mov...).")


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as cut:  # a multi-byte character cut at the probe's end
        text = head[:cut.start].decode("utf-8") if cut.start >= len(head) - 3 else ""
    return bool(text) and all(c.isprintable() or c in "\t\n\r" for c in text)


def open_capture(target: str | int, *, timeout_s: float | None = None):
    """`cv2.VideoCapture(target)` and its first frame, opened in a helper thread so that
    Ctrl-C still works while a slow file system or stream keeps OpenCV waiting. Returns
    (capture, first frame or None), or None when it gave nothing within `timeout_s`."""
    opened: list = []

    def work() -> None:
        capture = cv2.VideoCapture(target)
        ok, first = capture.read() if capture.isOpened() else (False, None)
        opened.append((capture, first if ok else None))

    helper = threading.Thread(target=work, daemon=True, name="repcam-open")
    helper.start()
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while helper.is_alive():
        helper.join(0.1)  # a KeyboardInterrupt is raised here, between the waits
        if deadline is not None and time.monotonic() > deadline:
            return None
    return opened[0]


class VideoFileSource:
    """Every frame of a video file, timestamped by the container."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        check_video_file(self.path)
        capture, first = open_capture(str(self.path))
        opened = capture.isOpened()
        if first is None:
            capture.release()
            if opened:
                raise InputError(f"{self.path} has no frames (an empty or broken recording).",
                                 hint="Record the set again.")
            raise InputError(f"{self.path} is not a video that can be read.",
                             hint="Use an .mp4, .mov, .avi or .mkv recording.")
        height, width = first.shape[:2]
        fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or None
        capture.release()
        self.info = SourceInfo(self.path.name, width, height, fps if fps > 0 else 30.0, count)
        self.dropped_frames = 0

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def frames(self, first: int = 0, end: int | None = None) -> Iterator[Frame]:
        """Frames [first, end) (to the end of the file when `end` is None)."""
        capture = cv2.VideoCapture(str(self.path))
        if first:
            capture.set(cv2.CAP_PROP_POS_FRAMES, first)
        frame_ms = 1000.0 / self.info.fps
        last_ms = -1.0
        index = first
        try:
            while end is None or index < end:
                ok, image = capture.read()
                if not ok:
                    break
                stamp = capture.get(cv2.CAP_PROP_POS_MSEC)
                # Some containers report 0 or repeat stamps; keep time strictly increasing.
                timestamp_ms = stamp if stamp > last_ms else last_ms + frame_ms
                if index == first == 0 and stamp <= 0:
                    timestamp_ms = 0.0
                last_ms = timestamp_ms
                yield Frame(image, timestamp_ms, index, time.monotonic())
                index += 1
        finally:
            capture.release()


def _parse_camera(spec: str | int) -> int | str:
    if isinstance(spec, int):
        return spec
    return int(spec) if spec.isdigit() else spec


class LiveSource:
    """A camera, a stream URL, or a file played as a camera, read in a thread that keeps only
    the newest frame: a slow consumer skips frames (counted) instead of falling behind.

    A camera or stream is read as it delivers, timestamped by the clock; a file (`paced`) is
    released at its own frame times, timestamped by the container.
    """

    def __init__(self, spec: str | int | Path, *, paced: bool = False,
                 list_cameras: bool = True) -> None:
        self.spec = spec if paced else _parse_camera(str(spec) if isinstance(spec, Path)
                                                        else spec)
        self.finished = False  # the source reached its end (a file, a recorded stream)
        self._local_file = paced
        opened = open_capture(str(self.spec) if paced else self.spec,
                              timeout_s=None if paced else OPEN_TIMEOUT_S)
        if opened is None or opened[1] is None:
            if opened is not None:
                opened[0].release()
            raise _not_opened(self.spec, answered=opened is not None,
                              list_cameras=list_cameras)
        self._capture, first = opened
        # A stream with a known length is a recording served over the network: it plays at
        # its own pace like a file, and its end is the end of the set, not a dropped camera
        # to reconnect (that would play it again).
        self._length = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.paced = paced or (isinstance(self.spec, str) and "://" in self.spec
                               and self._length > 0)
        height, width = first.shape[:2]
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.info = SourceInfo(str(self.spec), width, height, fps if 0 < fps < 240 else 30.0, None)
        self.dropped_frames = 0
        self._epoch = time.monotonic()
        self._latest: Frame | None = Frame(first, 0.0, 0, self._epoch)
        self._condition = threading.Condition()
        self._stopped = False
        self._ended = False
        # Reading starts with the first frame asked for, so a slow start (loading the model)
        # does not eat the beginning of a file played as a camera.
        self._thread = threading.Thread(target=self._reader, daemon=True, name="repcam-capture")

    def _reader(self) -> None:
        index = 1
        while not self._stopped:
            ok, image = self._capture.read()
            stamp_ms = self._capture.get(cv2.CAP_PROP_POS_MSEC) if self.paced else 0.0
            if ok and self.paced:  # a file: wait until this frame's moment comes
                delay = self._epoch + stamp_ms / 1000.0 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            now = time.monotonic()
            with self._condition:
                if not ok:
                    self.finished = self._local_file or self._at_end()
                    self._ended = True
                    self._condition.notify_all()
                    return
                if self._latest is not None:
                    self.dropped_frames += 1  # the pipeline never took the previous frame
                timestamp_ms = stamp_ms if self.paced else (now - self._epoch) * 1000.0
                self._latest = Frame(image, timestamp_ms, index, now)
                self._condition.notify_all()
            index += 1

    def __iter__(self) -> Iterator[Frame]:
        if not self._thread.is_alive() and not self._ended:
            self._epoch = time.monotonic()
            self._latest = dataclasses.replace(self._latest, captured_at_s=self._epoch)
            self._thread.start()
        try:
            while True:
                with self._condition:
                    while self._latest is None and not self._ended:
                        self._condition.wait(timeout=1.0)
                    if self._latest is None:
                        return
                    frame, self._latest = self._latest, None
                yield frame
        finally:
            self.close()

    def close(self) -> None:
        self._stopped = True
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2.0)
        self._capture.release()


    def _at_end(self) -> bool:
        if self._length <= 0:  # a live camera or stream: no end is known
            return False
        position = self._capture.get(cv2.CAP_PROP_POS_FRAMES)
        return position >= self._length - 2


def _not_opened(spec: str | int, *, answered: bool, list_cameras: bool) -> CameraError:
    if isinstance(spec, str) and "://" in spec:
        problem = "could not be opened" if answered else (
            f"did not answer within {OPEN_TIMEOUT_S:.0f} s")
        return CameraError(f"The stream {spec} {problem}.",
                           hint="Check the address, and that the camera or server is "
                           "streaming (a browser can test an http:// address).")
    return CameraError(f"Camera {spec!r} could not be opened.",
                       hint=_camera_hint() if list_cameras else "")


def _camera_hint() -> str:
    working = [i for i in range(4) if _opens(i)]
    if working:
        return f"Cameras that do open: {', '.join(map(str, working))}. Pass --camera N."
    return "No camera was found. Plug one in, or pass a video file or stream URL with --camera."


def _opens(index: int) -> bool:
    capture = cv2.VideoCapture(index)
    try:
        return capture.isOpened()
    finally:
        capture.release()


def open_source(spec: str | int | Path, *, as_camera: bool = False):
    """A file path (read fully, or played like a camera), a camera index, a device such as
    /dev/video0, or a stream URL."""
    text = str(spec)
    if not text.strip():
        raise InputError("No camera or video was given.",
                         hint="Give a camera number (0, 1...), a stream URL or a video file.")
    device = Path(text)
    if isinstance(spec, int) or text.isdigit() or "://" in text or (
            device.exists() and stat.S_ISCHR(device.stat().st_mode)):
        return LiveSource(spec if isinstance(spec, int) else text)
    file = VideoFileSource(text)  # checks the file, with a clear message if it is no video
    return LiveSource(file.path, paced=True) if as_camera else file


_END = object()


def prefetched(items: Iterable[T], depth: int = 8, name: str = "repcam-prefetch", *,
               cancel: threading.Event | None = None) -> Iterator[T]:
    """Run `items` ahead in a thread that starts now (OpenCV and MediaPipe release the GIL),
    handing them over in order; `depth` 0 buffers without bound. Errors are raised here.

    The thread stops when the consumer closes the iterator, or when `cancel` is set (for an
    iterator the consumer may never start, such as a later segment)."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    iterator = iter(items)

    def stopped() -> bool:
        return stop.is_set() or (cancel is not None and cancel.is_set())

    def produce() -> None:
        try:
            for item in iterator:
                while not stopped():
                    try:
                        buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stopped():
                    return
            buffer.put(_END)
        except BaseException as error:  # handed to the consumer, raised there
            buffer.put(error)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()  # a generator's resources (a model, a capture) go now, not at GC

    thread = threading.Thread(target=produce, daemon=True, name=name)
    thread.start()
    return _handed_over(buffer, stop, thread)


def _handed_over(buffer: queue.Queue, stop: threading.Event,
                 thread: threading.Thread) -> Iterator:
    try:
        while (item := buffer.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=2.0)
