"""The per-rep row and the session document's schema: one definition for every place that
writes or reads them (reps.csv, session.json, the report, the session store)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from repcam.exercises.events import FaultDetected, RepMetrics
from repcam.exercises.spec import unit_of

if TYPE_CHECKING:
    from repcam.folds.set_analysis import AnalysisResult

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
        "start_s": rounded(rep.start_ms / 1000, 3), "end_s": rounded(rep.end_ms / 1000, 3),
        "start_deg": rounded(rep.start_deg), "peak_deg": rounded(rep.peak_deg),
        "rom_deg": rounded(rep.rom_deg), "hold_s": rounded(rep.hold_ms / 1000, 2),
        "hold_target_s": rounded(rep.hold_target_ms / 1000, 2), "hold_met": rep.hold_met,
        "lift_s": rounded(rep.lift_ms / 1000, 2), "lower_s": rounded(rep.lower_ms / 1000, 2),
        "faults": ";".join(rep.faults),
        "fault_cues": "; ".join(cues.get((rep.index, f), f.replace("_", " "))
                                for f in rep.faults),
        "confidence": rep.confidence,
    }
    for key in sorted(rep.extras) if extras is None else extras:
        row[key] = rounded(rep.extras.get(key, math.nan))
    return row


def rounded(value: float, digits: int = 1) -> float | None:
    """Rounded, or None where not finite (JSON and CSV readers have no NaN)."""
    return None if not math.isfinite(value) else round(float(value), digits)

