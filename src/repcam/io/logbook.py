"""Between the session log and the rest: recorded sessions in, summaries and exports out."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import stat
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from repcam.core.kinematics import DEGREES
from repcam.core.sides import SIDES, Side
from repcam.errors import InputError
from repcam.exercises.events import Fault, FaultDetected, RepMetrics, faults_from
from repcam.exercises.spec import unit_of
from repcam.folds.records import REP_COLUMNS, SESSION_SCHEMA, cues_of, rep_row
from repcam.io.session_store import LoggedSession, SessionLog


def rep_from_row(row: dict) -> RepMetrics:
    """A rep of session.json (seconds, rounded) back into the analysers' units."""
    def ms(key: str) -> float:
        return float(row[key] or 0.0) * 1000.0

    extras = {k: float(v) for k, v in row.items() if k not in REP_COLUMNS and v is not None}
    return RepMetrics(index=int(row["rep"]), side=Side(row["side"]), start_ms=ms("start_s"),
                      end_ms=ms("end_s"), signal=row.get("signal", ""),
                      start_deg=float(row["start_deg"]), peak_deg=float(row["peak_deg"]),
                      hold_ms=ms("hold_s"), hold_target_ms=ms("hold_target_s"),
                      lift_ms=ms("lift_s"), lower_ms=ms("lower_s"),
                      faults=faults_from(row["faults"]), extras=extras)


EXPORT_SCHEMA = "repcam.export/1"
MAX_IMPORT_BYTES = 200 << 20  # years of sessions are a few MB; more is not an export


def read_sessions_file(path: Path) -> list[dict]:
    """The sessions in a session.json of 'repcam analyse' or an export of 'repcam export',
    each as {exercise, source, source_name, model, started, band, target_sets, target_reps,
    origin, sets: [{number, target_reps, reps, faults}]}. Every field is checked: a file with
    any problem is refused whole, with the first problem named."""
    if not path.exists():
        raise InputError(f"No such file: {path}.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a session.json or export file.")
    if not stat.S_ISREG(path.stat().st_mode) or path.stat().st_size > MAX_IMPORT_BYTES:
        raise InputError(f"{path} is not a session.json or export file (a device, a pipe, "
                         "or far too large).")
    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        document = None
    schema = document.get("schema") if isinstance(document, dict) else None
    problems: list[str] = []
    sessions: list[dict] = []
    if schema == SESSION_SCHEMA:
        problems = session_json_problems(document)
        sessions = [] if problems else [session_from_analysis(document)]
    elif schema == EXPORT_SCHEMA:
        listed = document.get("sessions")
        if not isinstance(listed, list):
            problems = ["'sessions' is not a list"]
        else:
            sessions = listed
    else:
        raise InputError(f"{path} is neither a session.json of 'repcam analyse' nor an export "
                         "of 'repcam export --format json'.")
    for number, session in enumerate(sessions, start=1):
        problems += [f"session {number}: {p}" for p in session_problems(session)]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(f"{path} was not imported: {problems[0]}{more}. Nothing from it was "
                         "added to the log.")
    return sessions


def session_json_problems(document: dict) -> list[str]:
    """What a session.json must hold to become a logged session."""
    problems = _fields(document, {"source": str, "created": str, "exercise": str,
                                  "model": str, "reps": list, "faults": list, "totals": dict})
    if not problems:
        problems = _fields(document["totals"], {"target_reps": int}, "totals")
    return problems


def session_problems(session: object) -> list[str]:
    """Every field of one session to import, checked: names, dates, numbers, reps, faults."""
    from repcam.exercises.registry import EXERCISES

    if not isinstance(session, dict):
        return ["is not an object"]
    problems = _fields(session, {"exercise": str, "source": str, "source_name": str,
                                 "model": str, "started": str, "target_sets": int,
                                 "target_reps": int, "origin": str, "sets": list})
    if problems:
        return problems
    if session["exercise"] not in EXERCISES:
        problems.append(f"unknown exercise '{session['exercise']}'")
    if session["source"] not in ("live", "video"):
        problems.append(f"source must be live or video, not '{session['source']}'")
    if not _is_iso_time(session["started"]):
        problems.append(f"'started' is not a date and time: '{session['started']}'")
    if session.get("band") is not None and not isinstance(session["band"], str):
        problems.append("'band' is not text")
    for name in ("target_sets", "target_reps"):
        if session[name] < 1:
            problems.append(f"'{name}' must be at least 1")
    for number, logged_set in enumerate(session["sets"], start=1):
        problems += [f"set {number}: {p}" for p in _set_problems(logged_set)]
    return problems


_REP_NUMBERS = ("start_s", "end_s", "start_deg", "peak_deg")
_REP_TIMES = ("hold_s", "hold_target_s", "lift_s", "lower_s")  # None (unmeasured) is 0


def _set_problems(logged_set: object) -> list[str]:
    if not isinstance(logged_set, dict):
        return ["is not an object"]
    problems = _fields(logged_set, {"number": int, "target_reps": int, "reps": list,
                                    "faults": list})
    if problems:
        return problems
    for number, row in enumerate(logged_set["reps"], start=1):
        where = f"rep {number}"
        if not isinstance(row, dict):
            problems.append(f"{where} is not an object")
            continue
        times = {name: float for name in _REP_TIMES if row.get(name, 0) is not None}
        found = _fields(row, {"rep": int, "side": str, "faults": str}, where) + _fields(
            row, dict.fromkeys(_REP_NUMBERS, float) | times, where)
        if not found and row["side"] not in SIDES:
            found.append(f"{where}: side must be left or right, not '{row['side']}'")
        if not found:
            found += _unknown_faults(row["faults"].split(";"), where)
        extras = {k: float for k, v in row.items() if k not in REP_COLUMNS and v is not None}
        found += _fields(row, extras, where)  # exercise measures: numbers
        problems += found
    for number, fault in enumerate(logged_set["faults"], start=1):
        if not isinstance(fault, dict):
            problems.append(f"fault {number} is not an object")
            continue
        found = _fields(fault, {"time_s": float, "fault": str, "cue": str, "rep": int},
                        f"fault {number}")
        problems += found or _unknown_faults([fault["fault"]], f"fault {number}")
    return problems


def _unknown_faults(codes: list[str], where: str) -> list[str]:
    known = {code.value for code in Fault}
    return [f"{where}: '{code}' is not a fault repcam knows ({', '.join(sorted(known))})"
            for code in codes if code and code not in known]


def _fields(document: dict, kinds: dict[str, type], where: str = "") -> list[str]:
    """Each named field present with its kind (a float field takes any finite number)."""
    prefix = f"{where}: " if where else ""
    problems = []
    for name, kind in kinds.items():
        if name not in document:
            problems.append(f"{prefix}'{name}' is missing")
            continue
        value = document[name]
        if kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(
                value)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, kind)
        if not ok:
            problems.append(f"{prefix}'{name}' is not {_KIND_WORDS[kind]}")
    return problems


_KIND_WORDS = {str: "text", int: "a whole number", float: "a number", list: "a list",
               dict: "an object"}


def _is_iso_time(text: str) -> bool:
    from datetime import datetime

    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return len(text) >= 10


def session_from_analysis(document: dict) -> dict:
    target = document["totals"]["target_reps"]
    identity = json.dumps([document["source"], document["created"], document["exercise"],
                           document["reps"]], sort_keys=True)
    return {"exercise": document["exercise"], "source": "video",
            "source_name": Path(document["source"]).name, "model": document["model"],
            "started": document["created"], "band": None, "target_sets": 1,
            "target_reps": target, "origin": hashlib.sha256(identity.encode()).hexdigest()[:24],
            "sets": [{"number": 1, "target_reps": target, "reps": document["reps"],
                      "faults": document["faults"]}]}


def import_session(log: SessionLog, session: dict, *, profile: str,
                   band: str | None = None) -> int | None:
    """Add one session (see `read_sessions_file`) to the log; None if it is already there."""
    if log.has_origin(session["origin"]):
        return None
    with log.transaction("importing the session"):  # whole or not at all
        session_id = log.start_session(
            profile=profile, exercise=session["exercise"], source=session["source"],
            source_name=session["source_name"], model=session["model"],
            target_sets=session["target_sets"], target_reps=session["target_reps"],
            band=band or session["band"], started=session["started"], origin=session["origin"])
        for logged_set in session["sets"]:
            set_id = log.start_set(session_id, logged_set["number"], logged_set["target_reps"])
            for row in logged_set["reps"]:
                log.add_rep(set_id, rep_from_row(row))
            for fault in logged_set["faults"]:
                log.add_fault(set_id, FaultDetected(fault["time_s"] * 1000, fault["fault"],
                                                    fault["cue"], fault["rep"]))
            log.end_set(set_id)
        log.end_session(session_id)
    return session_id


def export_document(sessions: list[LoggedSession]) -> dict:
    """Every session whole, in the form `read_sessions_file` reads back."""
    return {"schema": EXPORT_SCHEMA, "sessions": [{
        "profile": s.profile, "exercise": s.exercise, "source": s.source,
        "source_name": s.source_name, "model": s.model, "started": s.started,
        "ended": s.ended, "band": s.band, "target_sets": s.target_sets,
        "target_reps": s.target_reps, "origin": s.origin or f"{s.profile}|{s.started}|{s.id}",
        "sets": [{"number": st.number, "target_reps": st.target_reps,
                  "reps": [rep_row(r, cues=cues_of(st.faults)) for r in st.reps],
                  "faults": [{"time_s": f.timestamp_ms / 1000, "fault": f.fault, "cue": f.cue,
                              "rep": f.rep_index} for f in st.faults]}
                 for st in s.sets],
    } for s in sessions]}


@dataclass(frozen=True)
class SessionSummary:
    session: LoggedSession
    sets_reps: str  # "3x10" or "10+8+6"
    reps: int
    holds: str  # "9/10" or "-"
    faults_per_rep: float
    mean_rom_deg: float  # in `rom_unit`
    rom_change_deg: float  # against the previous session measured alike (NaN if none)
    rom_unit: str = DEGREES


def summarise(sessions: list[LoggedSession]) -> list[SessionSummary]:
    summaries, last_rom = [], {}
    for session in sessions:
        reps = [r for s in session.sets for r in s.reps]
        counts = [len(s.reps) for s in session.sets]
        if counts and len(set(counts)) == 1:
            sets_reps = f"{len(counts)}x{counts[0]}"
        else:
            sets_reps = "+".join(map(str, counts)) or "0"
        timed = [r for r in reps if r.hold_target_ms > 0]
        holds = f"{sum(r.hold_met for r in timed)}/{len(timed)}" if timed else "-"
        faults = sum(len(r.faults) for r in reps)
        rom = statistics.fmean(r.rom_deg for r in reps) if reps else math.nan
        # A side view's degrees and a front view's hip widths are not compared.
        measured_as = (session.exercise, reps[0].signal if reps else "")
        previous = last_rom.get(measured_as, math.nan)
        summaries.append(SessionSummary(session, sets_reps, len(reps), holds,
                                        faults / len(reps) if reps else 0.0, rom,
                                        rom - previous, unit_of(measured_as[1])))
        if reps:
            last_rom[measured_as] = rom
    return summaries


def export_rows(sessions: list[LoggedSession]) -> list[dict[str, object]]:
    """One row per rep (a session without reps still gets one row), for a clinician's sheet."""
    rows: list[dict[str, object]] = []
    for session in sessions:
        base = {"profile": session.profile, "session": session.id, "started": session.started,
                "exercise": session.exercise, "source": session.source,
                "source_name": session.source_name, "band": session.band or "",
                "target": f"{session.target_sets}x{session.target_reps}"}
        reps = [(s, r) for s in session.sets for r in s.reps]
        if not reps:
            rows.append({**base, "set": "", "rep": ""})
        for logged_set, rep in reps:
            rows.append({**base, "set": logged_set.number,
                         **rep_row(rep, cues=cues_of(logged_set.faults))})
    return rows


def write_export_csv(rows: list[dict[str, object]], handle: IO[str]) -> None:
    """`export_rows` as CSV: every column any row has, in the order first seen."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.DictWriter(handle, fieldnames=columns or ["session"])
    writer.writeheader()
    writer.writerows(rows)
