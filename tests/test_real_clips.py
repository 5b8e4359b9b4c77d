"""The whole pipeline on real recordings (../shared/clips, labelled in labels.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from repcam.core.filters import OneEuroFilter
from repcam.core.kinematics import Kinematics
from repcam.core.track import LandmarkTrack
from repcam.exercises import Tally, get_exercise
from repcam.folds.exercise_session import ExerciseSession
from repcam.folds.recognise import recognise
from repcam.folds.set_analysis import analyse_track
from repcam.io.landmark_cache import load_or_extract
from repcam.io.logbook import import_session, session_from_analysis
from repcam.io.session_store import SessionLog
from repcam.sinks.tables import session_document

from conftest import clip_labels
from test_cli import repcam

LABELS = clip_labels()
MORE = clip_labels("labels_more.csv")
BRIDGES = [row for row in clip_labels("labels.csv")
           if row["exercise"] == "bridge" and int(row["reps"]) > 0]
# Known misses, not tuned away: the leg-curl machine's pad hides the shins at the top (its
# holds read 0.1-0.2 s); the slow standing curl spends about 0.3 s either side of its
# plateau within the hold band, which the eye does not call holding (1.2 s for 0.6 s).
KNOWN_HOLD_MISSES = {"musclewiki_prone_machine_leg_curl_side.mp4": "shins hidden at the top",
                     "flint_band_standing_curl_side.mp4": "slow approach counted as held"}
TIMED = [pytest.param(row, marks=pytest.mark.xfail(strict=True,
                                                    reason=KNOWN_HOLD_MISSES[row["file"]]))
         if row["file"] in KNOWN_HOLD_MISSES else row for row in LABELS if row["holds_s"]]
_tracks: dict[str, LandmarkTrack] = {}


def track_of(clips_dir: Path, model_path: Path, name: str) -> LandmarkTrack:
    if name not in _tracks:
        spec = get_exercise(next(row["exercise"] for row in LABELS if row["file"] == name))
        _tracks[name] = load_or_extract(clips_dir / name, model_path, people=spec.people,
                                        analysis_fps=spec.analysis_fps)
    return _tracks[name]


@pytest.mark.parametrize("row", LABELS, ids=[r["file"] for r in LABELS])
def test_labelled_count(row, clips_dir, model_path):
    track = track_of(clips_dir, model_path, row["file"])
    result = analyse_track(track, get_exercise(row["exercise"]))
    assert result.count == int(row["reps"])


with open(Path(__file__).parent / "golden_counts.csv", newline="") as _handle:
    GOLDEN = {row["file"]: row for row in csv.DictReader(_handle)}


def test_the_golden_table_covers_every_labelled_clip():
    assert set(GOLDEN) == {row["file"] for row in LABELS}


@pytest.mark.parametrize("row", LABELS, ids=[r["file"] for r in LABELS])
def test_no_clip_gets_worse_than_the_golden_table(row, clips_dir, model_path):
    """tests/golden_counts.csv (scripts/golden_counts.py) is what repcam gave when it was
    last earned: a count no further from the label, the same legs, the same recognition."""
    golden = GOLDEN[row["file"]]
    track = track_of(clips_dir, model_path, row["file"])
    result = analyse_track(track, get_exercise(row["exercise"]))
    label = int(row["reps"])
    assert abs(result.count - label) <= abs(int(golden["count"]) - label)
    assert result.tally == Tally(int(golden["left"]), int(golden["right"]))
    recognition = recognise(track)
    assert (recognition.best.spec.name if recognition.sure else "unsure") == golden["auto"]


@pytest.mark.parametrize("row", LABELS, ids=[r["file"] for r in LABELS])
def test_exercise_auto(row, clips_dir, model_path):
    """Clips with reps are recognised (or a look-alike); clips without reps are not claimed."""
    recognition = recognise(track_of(clips_dir, model_path, row["file"]))
    if int(row["reps"]) == 0:
        assert not recognition.sure or recognition.best.spec.name != row["exercise"]
    else:
        assert recognition.sure
        assert row["exercise"] in (recognition.best.spec.name, *recognition.look_alikes)


@pytest.mark.parametrize("row", BRIDGES, ids=[r["file"] for r in BRIDGES])
def test_bridge_detection_rate_and_one_hip_rise_per_rep(row, clips_dir, model_path):
    track = track_of(clips_dir, model_path, row["file"])
    assert track.detection_rate >= 0.95
    session = ExerciseSession(get_exercise("bridge"))
    kinematics = Kinematics(OneEuroFilter)
    hip_line = []
    for frame in track.frames:
        person = session.selector.select(frame.people)
        angles = kinematics.update(person, frame.timestamp_ms, (frame.width_px, frame.height_px))
        hip_line.append(angles.near("hip_line") if person else np.nan)
    values = np.array(hip_line)
    high, low = np.nanpercentile(values, 90), np.nanpercentile(values, 10)
    assert high - low > 25  # a clear rise and fall
    up = values > (high + low) / 2
    up = up[~np.isnan(values)]
    rises = int(np.sum(up[1:] & ~up[:-1])) + int(up[0])
    assert rises == int(row["reps"]) + (1 if "opens at the top" in row["notes"] else 0)


@pytest.mark.parametrize("row", TIMED, ids=[r["file"] for r in LABELS if r["holds_s"]])
def test_holds_are_close_to_the_labels(row, clips_dir, model_path):
    """The median over the reps within half a second of the labels (approximate: 'time at
    the top', judged by eye), within 0.3 s for the newer, more carefully timed clips."""
    track = track_of(clips_dir, model_path, row["file"])
    result = analyse_track(track, get_exercise(row["exercise"]))
    labelled = [float(h) for h in row["holds_s"].split(";")]
    measured = [r.hold_ms / 1000 for r in result.reps]
    assert len(measured) == len(labelled)
    tolerance = 0.3 if row in MORE else 0.5
    assert round(float(np.median(np.abs(np.array(measured) - labelled))), 2) <= tolerance


def test_the_nordic_exerciser_is_found_beside_the_partner(clips_dir, model_path):
    track = track_of(clips_dir, model_path, "ft_nordic_partner_side.mp4")
    assert max(len(f.people) for f in track.frames) == 2
    result = analyse_track(track, get_exercise("nordic"))
    assert result.count == 2
    for rep in result.reps:
        assert 20.0 <= rep.extras["break_angle_deg"] <= 80.0


WEEK = ["physioplus_bridging.mp4", "aminran_glutebridge.mp4", "pexels_glute_bridge_miniband.mp4",
        "darebee_bridge_be23.mp4"]


def test_a_week_of_real_sessions_reads_back_and_gets_the_right_advice(clips_dir, model_path,
                                                                        tmp_path):
    """Four days of bridges, each a real analysed clip, through import, history, progress."""
    db = tmp_path / "week.db"
    counts = []
    with SessionLog(db) as log:
        for day, name in enumerate(WEEK, start=16):
            result = analyse_track(track_of(clips_dir, model_path, name), get_exercise("bridge"))
            document = session_document(result, model=model_path.name, video={}, outputs={})
            document["created"] = f"2026-11-{day}T08:30:00+00:00"
            import_session(log, session_from_analysis(document), profile="me")
            counts.append(result.count)
    shown = repcam("history", "--db", str(db), "--exercise", "bridge")
    assert shown.returncode == 0, shown.stderr
    rows = [line for line in shown.stdout.splitlines() if "2026-11-" in line]
    assert [row.strip("│ ").split()[0] for row in rows] == [f"2026-11-{d}" for d in range(16, 20)]
    assert [f"1x{n}" in row for row, n in zip(rows, counts, strict=True)] == [True] * 4
    advice = repcam("progress", "--db", str(db)).stdout
    # Nothing reached ten reps with 3 s holds: stay at one set of ten, and say why.
    assert "Next: bridge, 1 set of 10" in advice
    assert "Repeat 1x10" in advice and "short of 10" in advice
