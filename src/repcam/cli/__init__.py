"""The `repcam` command. Heavy libraries are imported inside commands so `--help` is instant."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from repcam import __version__
from repcam.cli import analyse_cmd, live_cmd, log_cmd, models_cmd, pose_cmd, render_cmd
from repcam.cli.console import console, fail
from repcam.errors import RepcamError

app = typer.Typer(
    name="repcam",
    help="Counts reps, times holds and spots form faults in hamstring exercises, "
    "from a webcam or a video.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(models_cmd.app, name="models")
pose_cmd.register(app)
analyse_cmd.register(app)
render_cmd.register(app)
log_cmd.register(app)
live_cmd.register(app)


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
    """Entry point: a RepcamError becomes one clear sentence and a non-zero exit."""
    try:
        app(standalone_mode=False)
    except RepcamError as error:
        fail(error)
    except KeyboardInterrupt:
        console.print("Stopped.")
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as error:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        raise
