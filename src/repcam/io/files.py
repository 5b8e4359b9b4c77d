"""Every file repcam writes is written whole or not at all: into a temporary file beside the
target, flushed to the disk, then renamed over it. A full disk, a crash or Ctrl-C leaves the
previous file as it was (or no file), never a partial one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from repcam.errors import output_error

_UMASK = os.umask(0)
os.umask(_UMASK)  # read once, at import: os.umask can only be read by setting it


@contextlib.contextmanager
def replacing(path: Path, mode: str = "w", **open_kwargs) -> Iterator[IO]:
    """A handle to write `path` through; the file appears (or is replaced) on success only.
    Missing parent folders are made. OS errors become one `OutputError` sentence."""
    path = Path(path)
    if "b" not in mode:
        open_kwargs.setdefault("newline", "")
        open_kwargs.setdefault("encoding", "utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                                 dir=path.parent)
    except OSError as error:
        raise output_error(error, path) from None
    try:
        os.fchmod(descriptor, 0o666 & ~_UMASK)  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(descriptor, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise output_error(error, path) from None
    except BaseException:
        _remove(temporary)
        raise


def write_text(path: Path, text: str) -> None:
    with replacing(path) as handle:
        handle.write(text)


def write_bytes(path: Path, data: bytes) -> None:
    with replacing(path, "wb") as handle:
        handle.write(data)


def temporary_beside(path: Path) -> Path:
    """A name next to `path` with the same suffix, for writers that need a path (a video
    encoder picks its container from the suffix); `os.replace` it over `path` when done."""
    return path.with_name(f".{path.stem}.part{path.suffix}")


def _remove(path: str | Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
