"""Write tests/golden_counts.csv: what repcam gives today on each labelled real clip
(../shared/clips): its count, per side, and what `--exercise auto` recognises. Names and
numbers only, never footage. The suite checks each clip against it: a change that makes a
clip worse fails; one that makes it better updates this table (rerun this script) with the
commit that earns it.

    python scripts/golden_counts.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from repcam.exercises import get_exercise
from repcam.folds.recognise import recognise
from repcam.folds.set_analysis import analyse_track
from repcam.io.landmark_cache import load_or_extract
from repcam.io.models.provision import ensure_model

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT.parent / "shared" / "clips"
GOLDEN = ROOT / "tests" / "golden_counts.csv"
COLUMNS = ("file", "exercise", "count", "left", "right", "auto")


def golden_row(clip: Path, exercise: str, model: Path) -> dict[str, object]:
    spec = get_exercise(exercise)
    track = load_or_extract(clip, model, people=spec.people, analysis_fps=spec.analysis_fps)
    result = analyse_track(track, spec)
    recognition = recognise(track)
    auto = recognition.best.spec.name if recognition.sure else "unsure"
    return {"file": clip.name, "exercise": exercise, "count": result.count,
            "left": result.counts_by_side.get("left", 0),
            "right": result.counts_by_side.get("right", 0), "auto": auto}


def main() -> int:
    model = ensure_model("full")
    rows = []
    for labels in ("labels.csv", "labels_more.csv"):
        with open(CLIPS / labels, newline="") as handle:
            for label in csv.DictReader(handle):
                rows.append(golden_row(CLIPS / label["file"], label["exercise"], model))
                print(rows[-1], flush=True)
    with open(GOLDEN, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
