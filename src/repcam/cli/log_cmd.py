"""`repcam history | progress | export | import`: the session log, read and shared."""

from __future__ import annotations

import contextlib
import json
import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from repcam.cli.console import console, err_console
from repcam.cli.options import DbOption, ProfileOption, checked_output, exercise_named
from repcam.errors import InputError
from repcam.words import plural

SinceOption = Annotated[str | None, typer.Option(
    help="Only sessions on or after this date (YYYY-MM-DD).")]


def register(app: typer.Typer) -> None:
    app.command("history")(history)
    app.command("progress")(progress)
    app.command("export")(export)
    app.command("import")(import_)


def _since(value: str | None) -> str | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"--since must be a date like 2026-11-01, not '{value}'.") from None


def history(
    exercise: Annotated[str | None, typer.Option("--exercise", "-e")] = None,
    since: SinceOption = None,
    profile: ProfileOption = "me",
    db: DbOption = None,
    plot: Annotated[Path | None, typer.Option(
        help="Also write a chart of progress over the weeks (.png or .html).")] = None,
) -> None:
    """Your sessions: sets x reps, holds met, faults per rep, range of motion and its trend."""
    from repcam.core.kinematics import UNIT_SYMBOLS
    from repcam.io.logbook import summarise
    from repcam.io.session_store import SessionLog

    name = exercise_named(exercise).name if exercise else None
    if plot is not None:
        from repcam.sinks.progress_chart import check_chart_path

        check_chart_path(plot)
    with SessionLog(db, read_only=True) as log:
        sessions = log.sessions(profile=profile, exercise=name, since=_since(since))
    if not sessions:
        console.print("No sessions logged yet" + (f" of {name}" if name else "")
                      + f" for the profile '{profile}'.", highlight=False)
        return
    summaries = summarise(sessions)
    table = Table()
    for column in ("date", "exercise", "source", "sets x reps", "target", "holds met",
                   "faults/rep", "ROM", "trend"):
        table.add_column(column, justify="left" if column in ("exercise", "source") else "right")
    for s in summaries:
        session = s.session
        unit = UNIT_SYMBOLS[s.rom_unit]
        trend = "" if math.isnan(s.rom_change_deg) else f"{s.rom_change_deg:+.0f}{unit}"
        rom = "" if math.isnan(s.mean_rom_deg) else f"{s.mean_rom_deg:.0f}{unit}"
        table.add_row(session.started[:16].replace("T", " "), session.exercise,
                      session.source + (f" ({session.band})" if session.band else ""),
                      s.sets_reps, f"{session.target_sets}x{session.target_reps}", s.holds,
                      f"{s.faults_per_rep:.1f}", rom, trend)
    console.print(f"[bold]Sessions of the profile '{profile}'[/]", highlight=False)
    console.print(table)
    if plot is not None:
        from repcam.sinks.progress_chart import write_chart

        write_chart(summaries, plot)
        console.print(f"Chart written to {plot}.", highlight=False)


def progress(
    exercise: Annotated[str | None, typer.Option(
        "--exercise", "-e", help="Default: the exercise you did last.")] = None,
    profile: ProfileOption = "me",
    db: DbOption = None,
) -> None:
    """What to do next, by the programme's rules, and why."""
    advice = next_dose(db, profile, exercise)
    console.print(f"Next: {advice.plan}.", highlight=False)
    console.print(advice.reason, highlight=False)


def next_dose(db: Path | None, profile: str, exercise: str | None):
    """The advice for `exercise` (or the last one done) from this profile's log."""
    from repcam.folds.progression import advise_next
    from repcam.io.session_store import SessionLog

    spec = exercise_named(exercise) if exercise else None
    with SessionLog(db, read_only=True) as log:
        sessions = log.sessions(profile=profile)
    return advise_next([s.record() for s in sessions], spec)


class ExportFormat(str, Enum):
    CSV = "csv"
    JSON = "json"


def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False,
                                                 help="csv: one row per rep; json: whole "
                                                 "sessions.")] = ExportFormat.CSV,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Default: print.")] = None,
    since: SinceOption = None,
    profile: ProfileOption = "me",
    db: DbOption = None,
) -> None:
    """Every rep of every session, for a clinician (csv: one row per rep; json: whole)."""
    from repcam.io.files import replacing
    from repcam.io.logbook import export_document, export_rows, write_export_csv
    from repcam.io.session_store import SessionLog

    if out is not None:
        checked_output(out, "the export")
    with SessionLog(db, read_only=True) as log:
        sessions = log.sessions(profile=profile, since=_since(since))
    with replacing(out) if out else contextlib.nullcontext(sys.stdout) as handle:
        if format is ExportFormat.JSON:
            json.dump(export_document(sessions), handle, indent=2)
            handle.write("\n")
        else:
            write_export_csv(export_rows(sessions), handle)
    if out:
        err_console.print(f"Exported {plural(len(sessions), 'session')} to {out}.",
                          highlight=False)


def import_(
    files: Annotated[list[Path], typer.Argument(
        help="session.json files of 'repcam analyse', or exports of 'repcam export -f json'.",
        show_default=False)],
    band: Annotated[str | None, typer.Option(help="The band colour used, if any.")] = None,
    profile: ProfileOption = "me",
    db: DbOption = None,
) -> None:
    """Add recorded sessions to the log, so they count in history and progress."""
    from repcam.io.logbook import import_session, read_sessions_file
    from repcam.io.session_store import SessionLog

    documents = [(path, read_sessions_file(path)) for path in files]  # all valid, or none
    added = skipped = 0
    with SessionLog(db) as log:
        for _, sessions in documents:
            for session in sessions:
                if import_session(log, session, profile=profile, band=band) is None:
                    skipped += 1
                else:
                    added += 1
    console.print(f"Imported {plural(added, 'session')} for the profile '{profile}'"
                  + (f"; {skipped} already in the log" if skipped else "") + ".",
                  highlight=False)
