"""Between the session log and the rest: recorded sessions in, summaries and exports out."""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from repcam.errors import InputError
from repcam.exercises.events import FaultDetected, RepMetrics
from repcam.exercises.spec import unit_of
from repcam.kinematics import DEGREES
from repcam.sessionlog import LoggedSession, SessionLog
from repcam.sinks.tables import REP_COLUMNS, SESSION_SCHEMA, rep_row


def rep_from_row(row: dict) -> RepMetrics:
    """A rep of session.json (seconds, rounded) back into the analysers' units."""
    def ms(key: str) -> float:
        return float(row[key] or 0.0) * 1000.0

    extras = {k: float(v) for k, v in row.items() if k not in REP_COLUMNS and v is not None}
    return RepMetrics(index=int(row["rep"]), side=row["side"], start_ms=ms("start_s"),
                      end_ms=ms("end_s"), signal=row.get("signal", ""),
                      start_deg=float(row["start_deg"]), peak_deg=float(row["peak_deg"]),
                      hold_ms=ms("hold_s"), hold_target_ms=ms("hold_target_s"),
                      lift_ms=ms("lift_s"), lower_ms=ms("lower_s"),
                      faults=tuple(f for f in row["faults"].split(";") if f), extras=extras)


EXPORT_SCHEMA = "repcam.export/1"


def read_sessions_file(path: Path) -> list[dict]:
    """The sessions in a session.json of 'repcam analyse' or an export of 'repcam export',
    each as {exercise, source, source_name, model, started, band, target_sets, target_reps,
    origin, sets: [{number, target_reps, reps, faults}]}."""
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"No such file: {path}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        document = None
    schema = document.get("schema") if isinstance(document, dict) else None
    if schema == SESSION_SCHEMA:
        return [session_from_analysis(document)]
    if schema == EXPORT_SCHEMA:
        return list(document["sessions"])
    raise InputError(f"{path} is neither a session.json of 'repcam analyse' nor an export of "
                     f"'repcam export --format json'.")


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
    with log.transaction():  # a session arrives whole or not at all
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
                  "reps": [rep_row(r) for r in st.reps],
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
        reps = [(s.number, r) for s in session.sets for r in s.reps]
        if not reps:
            rows.append({**base, "set": "", "rep": ""})
        for set_number, rep in reps:
            rows.append({**base, "set": set_number, **rep_row(rep)})
    return rows
