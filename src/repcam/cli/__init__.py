"""The `repcam` command. Heavy libraries are imported inside commands so `--help` is instant."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from repcam import __version__
from repcam.cli import (
    analyse_cmd,
    batch_cmd,
    live_cmd,
    log_cmd,
    models_cmd,
    pose_cmd,
    render_cmd,
    serve_cmd,
)
from repcam.cli.console import INTERRUPTED_EXIT, console, err_console, report_problem
from repcam.cli.signals import stop_signals_raise
from repcam.io.native_logs import quiet_opencv_logs
from repcam.io.settings import environment

app = typer.Typer(
    name="repcam",
    help="Counts reps, times holds and spots form faults in hamstring exercises, "
    "from a webcam or a video.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help: flags without a type tag, lines that wrap in any terminal.
    rich_markup_mode=None,
)
app.add_typer(models_cmd.app, name="models")
pose_cmd.register(app)
analyse_cmd.register(app)
batch_cmd.register(app)
render_cmd.register(app)
log_cmd.register(app)
live_cmd.register(app)
serve_cmd.register(app)


def _version(value: bool) -> None:
    if value:
        console.print(f"repcam {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """repcam: your physiotherapy exercises, counted and coached."""


def main() -> None:
    """Entry point of the console script."""
    sys.exit(run(sys.argv[1:]))


def run(args: list[str]) -> int:
    """Run one command; every way it can end becomes an exit code of `errors.EXIT_CODES`,
    with one sentence for anything but success (never a traceback on screen)."""
    with stop_signals_raise():
        try:
            environment()  # a malformed REPCAM_* variable is said before anything runs
            quiet_opencv_logs()
            code = app(args=args, prog_name="repcam", standalone_mode=False)
        except BaseException as problem:  # sorted into sentences there
            return report_problem(problem)
    if code == INTERRUPTED_EXIT:  # typer turned a Ctrl-C inside a command into this code
        err_console.print("Stopped.")
    return code if isinstance(code, int) else 0
