"""The problems a person sees: one sentence saying what went wrong and what to do, and an
exit code from one table (the README's "Exit codes" lists the same)."""

from __future__ import annotations

import errno
from pathlib import Path

EXIT_CODES: dict[int, str] = {
    0: "done",
    2: "a usage error or bad input (an unknown option, a bad value, a file that is no video)",
    3: "the pose model is missing, corrupted or could not be provisioned",
    4: "nobody was found in the video",
    5: "the video was analysed but cannot be trusted (camera angle, cut off, truncated...)",
    6: "the session log cannot be read or written",
    7: "an output file could not be written (disk full, read-only, a folder in the way)",
    8: "the camera or stream could not be opened, or was lost",
    9: "some videos of a batch could not be analysed (batch.csv says which, and why)",
    70: "an unexpected problem (a bug: the details are written to a log file)",
    129: "stopped by the terminal closing (SIGHUP); what was counted is saved",
    130: "stopped with Ctrl-C; what was counted is saved",
    143: "stopped by SIGTERM; what was counted is saved",
}


class RepcamError(Exception):
    """A problem the user can act on. The CLI prints the message and exits non-zero."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} {self.hint}".strip()


class InputError(RepcamError):
    """Bad input: a missing or unreadable file, a value out of range."""

    exit_code = 2


class ModelError(RepcamError):
    """The pose model is missing, corrupted or could not be provisioned."""

    exit_code = 3


class NoPersonError(RepcamError):
    """Nobody (or not the needed joints) was found in the footage."""

    exit_code = 4


class UnreliableVideoError(RepcamError):
    """The video was analysed, but how it was filmed makes the result untrustworthy."""

    exit_code = 5


class SessionLogError(RepcamError):
    """The session log cannot be read or written."""

    exit_code = 6


class OutputError(RepcamError):
    """A file repcam writes could not be written; what was there before is left intact."""

    exit_code = 7


class CameraError(RepcamError):
    """A camera or stream could not be opened, or stopped and did not come back."""

    exit_code = 8


class BatchError(RepcamError):
    """Some videos of a batch failed; the others were analysed."""

    exit_code = 9


class Interrupted(BaseException):
    """SIGTERM or SIGHUP: stop as Ctrl-C does, saving what was counted."""

    def __init__(self, signal_name: str, exit_code: int) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name
        self.exit_code = exit_code


def os_error_sentence(error: OSError, path: Path | str | None = None) -> str:
    """An operating-system error as a sentence: what could not be done, and why in words."""
    where = path or error.filename or "a file"
    if error.errno == errno.ENOSPC:
        return f"The disk is full: {where} could not be written."
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"Permission denied for {where}."
    if error.errno == errno.EROFS:
        return f"{where} is on a read-only disk."
    if error.errno == errno.EISDIR:
        return f"{where} is a folder, not a file."
    if error.errno in (errno.ENOTDIR, errno.EEXIST):  # a file where a folder must be made
        return f"A part of {where} is a file, not a folder."
    if error.errno == errno.ENOENT:
        return f"{where} does not exist."
    return f"{where}: {error.strerror or error}."


def output_error(error: OSError, path: Path | str) -> OutputError:
    return OutputError(os_error_sentence(error, path),
                       hint="Free some space or choose another place, and try again; nothing "
                       "that was there before was changed.")
