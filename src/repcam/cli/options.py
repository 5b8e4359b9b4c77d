"""What several commands share: option types, choices, and checks of what a person typed."""

from __future__ import annotations

import contextlib
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from repcam.errors import InputError, output_error
from repcam.exercises.registry import AUTO, EXERCISES

ConfigOption = Annotated[Path | None, typer.Option(
    "--config", metavar="FILE", help="A settings file (TOML) overriding holds, reps and rests "
    "(default: config.toml in your user config folder, or $REPCAM_CONFIG).")]
DbOption = Annotated[Path | None, typer.Option(
    "--db", help="The session log file (default: in your user data folder; or $REPCAM_DB).")]
ExerciseName = typer.Option(
    "--exercise", "-e", help=f"'{AUTO}' to recognise it, or one of: {', '.join(EXERCISES)}.",
    show_default=False, metavar="NAME",
)


def _profile_name(name: str) -> str:
    if not name.strip():
        raise typer.BadParameter("a profile needs a name, such as 'me' or 'anna'.")
    return name.strip()


ProfileOption = Annotated[str, typer.Option(
    "--profile", "-p", callback=_profile_name,
    help="Whose sessions: several people can share one computer.")]
ModelOption = Annotated[
    str, typer.Option("--model", help="lite, full, heavy, or the path of a .task file.")
]


class LiveSide(str, Enum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


def exercise_named(name: str, stage: int | None = None):
    """The spec of an exercise a person named (any case); a typo gets "did you mean"."""
    from repcam.exercises.registry import UnknownExercise, get_exercise

    try:
        return get_exercise(name, stage)
    except UnknownExercise as error:
        raise InputError(str(error)) from None


def checked_output(path: Path, what: str) -> None:
    """Fail now, with a sentence, if `path` (a file repcam will write) cannot be written,
    rather than after the model loaded or the set began."""
    if path.is_dir():
        raise InputError(f"{path} is a folder; {what} needs a file name.")
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a"):
            pass
    except OSError as error:
        raise output_error(error, path) from None
    if not existed:
        with contextlib.suppress(OSError):
            path.unlink()


def checked_folder(path: Path) -> None:
    """The folder results go to: made now, so a file in the way or a read-only place is said
    before the analysis, not after."""
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {path} is a file; give a folder for the results.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise output_error(error, path) from None
