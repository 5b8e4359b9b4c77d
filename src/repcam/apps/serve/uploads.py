"""An uploaded video: streamed to disk as it arrives (never whole in memory), refused past
the size limit, and checked to be a video repcam can read before it is analysed."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from repcam.errors import InputError
from repcam.io.sources import VideoFileSource

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 100
DRAIN_LIMIT = 256_000_000  # past this, a refused upload's connection is just closed


class UploadRefused(Exception):
    """Why an upload was not taken, in a sentence for the page; `status` its HTTP code."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Upload:
    path: Path
    name: str  # as the person's file was called
    size: int
    frames: int


def safe_name(name: str) -> str:
    """A file name that stays inside its folder whatever the browser sent."""
    stem = SAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).strip("._") or "video"
    return stem[-MAX_NAME:]


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


async def receive(chunks: AsyncIterator[bytes], name: str, folder: Path, *,
                  announced: int | None, max_bytes: int) -> Path:
    """Write the body to `folder`/`name` as it arrives; nothing is left behind if refused."""
    if announced is not None and announced > max_bytes:
        await _drain(chunks)
        raise UploadRefused(_too_large(name, max_bytes), 413)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe_name(name)
    partial = target.with_name(f".{target.name}.part")
    size = 0
    try:
        with partial.open("wb") as handle:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    await _drain(chunks)
                    raise UploadRefused(_too_large(name, max_bytes), 413)
                handle.write(chunk)
        if size == 0:
            raise UploadRefused(f"{name} is empty (0 bytes): choose the video again.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


async def _drain(chunks: AsyncIterator[bytes]) -> None:
    """Take the rest of a refused body (up to a bound) without keeping it: a client still
    sending when the answer comes gets a broken connection instead of the sentence."""
    taken = 0
    async for chunk in chunks:
        taken += len(chunk)
        if taken > DRAIN_LIMIT:
            return


def checked_video(path: Path, name: str) -> Upload:
    """The upload, if it is a video repcam can read; else it is deleted and refused."""
    try:
        info = VideoFileSource(path).info
    except InputError as error:
        path.unlink(missing_ok=True)
        reason = str(error).replace(str(path), name)  # the person's name, not the server's
        raise UploadRefused(f"{reason}", 415) from None
    frames = info.frame_count or 1  # unknown: the progress jumps at the end
    return Upload(path, name, path.stat().st_size, frames)


def _too_large(name: str, max_bytes: int) -> str:
    return (f"{name} is larger than the {megabytes(max_bytes)} this repcam takes. Trim the "
            "video to the set, or start repcam serve with a larger --max-upload-mb.")
