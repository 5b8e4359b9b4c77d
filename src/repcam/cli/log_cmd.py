"""`repcam history | progress | export | import`: the session log, read and shared."""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from repcam.cli.console import console, err_console
from repcam.errors import InputError

DbOption = Annotated[Path | None, typer.Option(
    "--db", help="The session log file (default: in your user data folder; or $REPCAM_DB).")]
ProfileOption = Annotated[str, typer.Option(
    "--profile", "-p", help="Whose sessions: several people can share one computer.")]
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
    from repcam.kinematics import UNIT_SYMBOLS
    from repcam.logbook import summarise
    from repcam.sessionlog import SessionLog

    with SessionLog(db) as log:
        sessions = log.sessions(profile=profile, exercise=exercise, since=_since(since))
    if not sessions:
        console.print(f"No sessions logged for {profile}"
                      + (f" of {exercise}" if exercise else "") + " yet.", highlight=False)
        return
    summaries = summarise(sessions)
    table = Table(title=f"Sessions of {profile}", title_justify="left")
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
    console.print(f"Next: [bold]{advice.exercise}[/], {advice.dose.sets} set(s) of "
                  f"{advice.dose.reps}" + (f" with the {advice.band} band" if advice.band else "")
                  + ".", highlight=False)
    console.print(advice.reason, highlight=False)


def next_dose(db: Path | None, profile: str, exercise: str | None):
    """The advice for `exercise` (or the last one done) from this profile's log."""
    from repcam.exercises.registry import EXERCISES, UnknownExercise, get_exercise
    from repcam.progression import advise
    from repcam.sessionlog import SessionLog

    with SessionLog(db) as log:
        sessions = log.sessions(profile=profile)
    if exercise is None:
        exercise = sessions[-1].exercise if sessions else next(iter(EXERCISES))
    try:
        spec = get_exercise(exercise)
    except UnknownExercise as error:
        raise InputError(str(error)) from None
    return advise(spec, [s.record() for s in sessions])


def export(
    format: Annotated[str, typer.Option("--format", "-f", help="csv or json.")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Default: print.")] = None,
    since: SinceOption = None,
    profile: ProfileOption = "me",
    db: DbOption = None,
) -> None:
    """Every rep of every session, for a clinician (csv: one row per rep; json: whole)."""
    from repcam.logbook import export_document, export_rows
    from repcam.sessionlog import SessionLog

    if format not in ("csv", "json"):
        raise InputError(f"--format must be csv or json, not '{format}'.")
    with SessionLog(db) as log:
        sessions = log.sessions(profile=profile, since=_since(since))
    handle = out.open("w", newline="") if out else sys.stdout
    try:
        if format == "json":
            json.dump(export_document(sessions), handle, indent=2)
            handle.write("\n")
        else:
            rows = export_rows(sessions)
            columns = list(dict.fromkeys(k for row in rows for k in row))
            writer = csv.DictWriter(handle, fieldnames=columns or ["session"])
            writer.writeheader()
            writer.writerows(rows)
    finally:
        if out:
            handle.close()
    if out:
        err_console.print(f"Exported {len(sessions)} session(s) to {out}.", highlight=False)


def import_(
    files: Annotated[list[Path], typer.Argument(
        help="session.json files of 'repcam analyse', or exports of 'repcam export -f json'.")],
    band: Annotated[str | None, typer.Option(help="The band colour used, if any.")] = None,
    profile: ProfileOption = "me",
    db: DbOption = None,
) -> None:
    """Add recorded sessions to the log, so they count in history and progress."""
    from repcam.logbook import import_session, read_sessions_file
    from repcam.sessionlog import SessionLog

    documents = [(path, read_sessions_file(path)) for path in files]  # all valid, or none
    added = skipped = 0
    with SessionLog(db) as log:
        for _, sessions in documents:
            for session in sessions:
                if import_session(log, session, profile=profile, band=band) is None:
                    skipped += 1
                else:
                    added += 1
    console.print(f"Imported {added} session(s) for {profile}"
                  + (f"; {skipped} already in the log" if skipped else "") + ".",
                  highlight=False)
