"""reps.csv and session.json: the per-rep results and totals of one analysed set."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from repcam import __version__
from repcam.analysis import AnalysisResult, camera_document
from repcam.exercises.events import FaultDetected, RepMetrics
from repcam.exercises.spec import unit_of
from repcam.files import replacing, write_text

SESSION_SCHEMA = "repcam.session/1"
# The *_deg columns are in the rep's `unit`: degrees, or percent of the hip width for the
# heights a front view measures (`signal` says which measure it was).
# `faults` holds the fault codes (for programs), `fault_cues` the same in the words said to
# the person.
REP_COLUMNS = ("rep", "side", "signal", "unit", "start_s", "end_s", "start_deg", "peak_deg",
               "rom_deg", "hold_s", "hold_target_s", "hold_met", "lift_s", "lower_s", "faults",
               "fault_cues", "confidence")


def rep_rows(result: AnalysisResult) -> list[dict[str, object]]:
    extras = sorted({key for rep in result.reps for key in rep.extras})
    cues = cues_of(result.faults)
    return [rep_row(rep, extras, cues) for rep in result.reps]


def cues_of(faults: Iterable[FaultDetected]) -> dict[tuple[int, str], str]:
    """(rep, fault code) -> the cue said for it."""
    return {(f.rep_index, f.fault): f.cue for f in faults}


def rep_row(rep: RepMetrics, extras: list[str] | None = None,
            cues: dict[tuple[int, str], str] | None = None) -> dict[str, object]:
    """One rep as a flat row (seconds and degrees, rounded); `extras` fixes extra columns,
    `cues` (see `cues_of`) words the faults."""
    cues = cues or {}
    row: dict[str, object] = {
        "rep": rep.index, "side": rep.side, "signal": rep.signal,
        "unit": unit_of(rep.signal),
        "start_s": _round(rep.start_ms / 1000, 3), "end_s": _round(rep.end_ms / 1000, 3),
        "start_deg": _round(rep.start_deg), "peak_deg": _round(rep.peak_deg),
        "rom_deg": _round(rep.rom_deg), "hold_s": _round(rep.hold_ms / 1000, 2),
        "hold_target_s": _round(rep.hold_target_ms / 1000, 2), "hold_met": rep.hold_met,
        "lift_s": _round(rep.lift_ms / 1000, 2), "lower_s": _round(rep.lower_ms / 1000, 2),
        "faults": ";".join(rep.faults),
        "fault_cues": "; ".join(cues.get((rep.index, f), f.replace("_", " "))
                                for f in rep.faults),
        "confidence": rep.confidence,
    }
    for key in sorted(rep.extras) if extras is None else extras:
        row[key] = _round(rep.extras.get(key, math.nan))
    return row


def write_reps_csv(result: AnalysisResult, path: Path) -> None:
    rows = rep_rows(result)
    columns = list(rows[0]) if rows else list(REP_COLUMNS)
    with replacing(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def session_document(result: AnalysisResult, *, model: str, video: dict[str, object],
                     outputs: dict[str, str]) -> dict[str, object]:
    faults = [{"time_s": _round(f.timestamp_ms / 1000, 3), "fault": f.fault, "cue": f.cue,
               "rep": f.rep_index} for f in result.faults]
    timed = [r for r in result.reps if r.hold_target_ms > 0]
    return {
        "schema": SESSION_SCHEMA,
        "repcam_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "exercise": result.exercise,
        "title": result.title,
        "source": result.source,
        "model": model,
        "video": video,
        "view": result.view,
        "camera": camera_document(result.camera),
        "detection_rate": _round(result.detection_rate, 3),
        "totals": {
            "reps": result.count,
            "counts_by_side": result.counts_by_side,
            "target_reps": result.target_reps,
            "holds_met": sum(r.hold_met for r in timed),
            "holds_timed": len(timed),
            "faulty_reps": result.verdict.faulty_reps,  # form faults (a short hold is not)
            "half_reps": sum(f.fault == "partial" for f in result.faults),
        },
        "verdict": {**asdict(result.verdict), "sentence": result.verdict.sentence()},
        "problem": asdict(result.problem) if result.problem else None,
        "warnings": list(result.warnings),
        "reps": rep_rows(result),
        "faults": faults,
        "outputs": outputs,
    }


def write_session_json(document: dict[str, object], path: Path) -> None:
    write_text(path, json.dumps(document, indent=2) + "\n")


def _round(value: float, digits: int = 1) -> float | None:
    return None if not math.isfinite(value) else round(float(value), digits)

