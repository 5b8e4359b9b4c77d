"""reps.csv and session.json: the per-rep results and totals of one analysed set."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from repcam import __version__
from repcam.folds.records import REP_COLUMNS, SESSION_SCHEMA, rep_rows, rounded
from repcam.folds.set_analysis import AnalysisResult, camera_document
from repcam.io.files import replacing, write_text


def write_reps_csv(result: AnalysisResult, path: Path) -> None:
    rows = rep_rows(result)
    columns = list(rows[0]) if rows else list(REP_COLUMNS)
    with replacing(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def session_document(result: AnalysisResult, *, model: str, video: dict[str, object],
                     outputs: dict[str, str]) -> dict[str, object]:
    faults = [{"time_s": rounded(f.timestamp_ms / 1000, 3), "fault": f.fault, "cue": f.cue,
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
        "detection_rate": rounded(result.detection_rate, 3),
        "totals": {
            "reps": result.count,
            "counts_by_side": result.tally.by_side(),
            "target_reps": result.target_reps,
            "holds_met": sum(r.hold_met for r in timed),
            "holds_timed": len(timed),
            "faulty_reps": result.verdict.faulty_reps,  # form faults (a short hold is not)
            "half_reps": result.half_reps,
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
