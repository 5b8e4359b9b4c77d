"""Shared rich consoles, and the one place a problem becomes a sentence and an exit code."""

from __future__ import annotations

import io
import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from repcam.errors import Interrupted, RepcamError, os_error_sentence
from repcam.io.settings import environment

UNEXPECTED_EXIT = 70
INTERRUPTED_EXIT = 130
FILE_EXIT = 7


def _terminal_stderr() -> Console:
    """Messages and progress go to a copy of fd 2 taken now: MediaPipe's log silencing
    (native_logs.quiet_native_logs) points fd 2 at /dev/null while the model runs in threads."""
    try:
        stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1)
    except (OSError, ValueError, io.UnsupportedOperation):  # no real fd (captured stderr)
        stream = sys.stderr
    return _console(stream)


def _console(stream=None) -> Console:
    """In a terminal, rich wraps to its width; piped into a file or another program, lines
    are never broken mid-sentence and tables take the width they need. No `stream`: whatever
    sys.stdout is at each write (a caller that redirects it is heard)."""
    if (stream or sys.stdout).isatty():
        return Console(file=stream)
    return Console(file=stream, width=1000, soft_wrap=True)


console = _console()
err_console = _terminal_stderr()


def say_error(message: str) -> None:
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, markup=True,
                      soft_wrap=True)


def report_problem(problem: BaseException) -> int:
    """How a command ended, told in one sentence; returns its exit code."""
    if isinstance(problem, RepcamError):
        say_error(str(problem))
        return problem.exit_code
    if isinstance(problem, KeyboardInterrupt):
        err_console.print("Stopped.")
        return INTERRUPTED_EXIT
    if isinstance(problem, Interrupted):
        err_console.print(f"Stopped ({problem.signal_name}).")
        return problem.exit_code
    if isinstance(problem, SystemExit):
        return problem.code if isinstance(problem.code, int) else int(problem.code is not None)
    usage = _usage_error(problem)
    if usage is not None:
        return usage
    if isinstance(problem, OSError):
        say_error(os_error_sentence(problem))
        return FILE_EXIT
    if isinstance(problem, MemoryError):
        say_error("Not enough memory for this video. Close other programs, or analyse a "
                  "shorter or smaller recording.")
        return UNEXPECTED_EXIT
    return _unexpected(problem)


def _usage_error(problem: BaseException) -> int | None:
    """Typer's own usage errors ("No such command 'brdge'. Did you mean 'bridge'?"), shown
    as typer shows them. Duck-typed: typer vendors click from 0.26 on, earlier ones use it."""
    show, code = getattr(problem, "show", None), getattr(problem, "exit_code", None)
    if callable(show) and isinstance(code, int):
        show()
        return code
    if type(problem).__name__ == "Abort":  # typer's Ctrl-C at a prompt
        err_console.print("Stopped.")
        return INTERRUPTED_EXIT
    return None


def _unexpected(problem: BaseException) -> int:
    """A bug: one sentence on screen, the traceback in a log file (or on screen with
    REPCAM_DEBUG=1)."""
    details = "".join(traceback.format_exception(problem))
    if environment().debug:
        err_console.print(details, highlight=False, markup=False)
    where = _save_details(details)
    saved = f"the details are in {where}" if where else "the details could not be saved"
    say_error(f"repcam stopped on an unexpected problem ({type(problem).__name__}: "
              f"{problem}); {saved}. Please report it with the command you ran.")
    return UNEXPECTED_EXIT


def error_log_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("repcam")) / "errors.log"


def _save_details(details: str) -> Path | None:
    import tempfile

    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    record = f"--- {stamp} repcam {' '.join(sys.argv[1:])}\n{details}\n"
    for path in (error_log_path(), Path(tempfile.gettempdir()) / "repcam-errors.log"):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a") as handle:
                handle.write(record)
            return path
        except OSError:
            continue
    return None


def model_progress():
    """A progress bar for model provisioning, and the callbacks that drive it."""
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=err_console, transient=True,
    )
    tasks: dict[str, int] = {}

    def on_progress(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    def notify(message: str) -> None:
        progress.console.print(message, highlight=False)

    return progress, on_progress, notify


def provision_model(model: str):
    """Resolve `--model` to a verified bundle, provisioning it with a progress bar if needed."""
    from repcam.io.models.provision import ensure_model

    progress, on_progress, notify = model_progress()
    with progress:
        return ensure_model(model, on_progress, notify)
