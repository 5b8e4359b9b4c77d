"""Shared rich consoles and the one way a user-facing error is printed."""

from __future__ import annotations

import io
import os
import sys
from typing import NoReturn

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from repcam.errors import RepcamError


def _terminal_stderr() -> Console:
    """Messages and progress go to a copy of fd 2 taken now: MediaPipe's log silencing
    (pose.quiet_native_logs) points fd 2 at /dev/null while the model runs in threads."""
    try:
        return Console(file=os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1))
    except (OSError, ValueError, io.UnsupportedOperation):  # no real fd (captured stderr)
        return Console(stderr=True)


# Piped output (a report saved to a file, CI logs) gets full-width tables, not 80 columns.
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = _terminal_stderr()


def fail(error: RepcamError) -> NoReturn:
    err_console.print(f"[bold red]Error:[/] {error}", highlight=False, soft_wrap=True)
    sys.exit(error.exit_code)


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
        progress.console.print(message)

    return progress, on_progress, notify


def provision_model(model: str):
    """Resolve `--model` to a verified bundle, provisioning it with a progress bar if needed."""
    from repcam.models.provision import ensure_model

    progress, on_progress, notify = model_progress()
    with progress:
        return ensure_model(model, on_progress, notify)
