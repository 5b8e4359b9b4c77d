"""The whole pipeline on rendered synthetic patients: video -> MediaPipe -> analyser.

Each clip has a clean rep, a rep with the exercise's first fault, and a clean rep, so one
clip checks the count, the fault on the right rep, no fault elsewhere, and the hold time.
"""

from __future__ import annotations

import pytest
from benchmarks.sweep import injectable_faults

from repcam.exercises import EXERCISES, get_exercise
from repcam.folds.set_analysis import analyse_track
from repcam.io.landmark_cache import load_or_extract
from repcam.synthetic import CAMERA_SIDE, Camera, RepPlan, synthesize
from repcam.synthetic.video import write_clip

from synthetic_helpers import true_holds_ms

MOVING = [name for name, spec in EXERCISES.items() if spec.kind == "reps"]
FPS = 10.0  # the analysers are frame-rate independent; fewer frames keep CI short

# The renderer draws a body for side views: seen from its feet it is not a person to
# MediaPipe, so the front view's faults are tested on landmarks only.
CASES = [(exercise, fault) for exercise in MOVING
         for fault in injectable_faults(exercise) or [None]]


@pytest.mark.parametrize(("exercise", "fault"), CASES, ids=[f"{e}-{f}" for e, f in CASES])
def test_rendered_clip_through_mediapipe(exercise, fault, model_path, tmp_path):
    plans = [RepPlan(hold_s=1.5, rest_s=0.8), RepPlan(hold_s=1.5, rest_s=0.8, fault=fault),
             RepPlan(hold_s=1.5, rest_s=0.8)]
    camera = Camera(side=CAMERA_SIDE.get(exercise, "left"), size_px=(640, 360))
    clip = synthesize(exercise, plans, camera=camera, fps=FPS, seed=5)
    video = tmp_path / f"{exercise}.mp4"
    write_clip(clip, video, seed=5)
    track = load_or_extract(video, model_path, people=1)
    assert track.detection_rate >= 0.95
    spec = get_exercise(exercise)
    result = analyse_track(track, spec)
    assert result.count == 3
    form = [f for f in result.faults if f.fault not in ("short_hold", "partial")]
    if fault:
        assert {f.fault for f in form} == {fault}
        assert {f.rep_index for f in form} == {2}
    else:
        assert form == []
    if spec.hold_ms:
        true_holds = true_holds_ms(clip, spec, result.reps[0].side)
        for true_hold, rep in zip(true_holds, result.reps, strict=True):
            assert abs(rep.hold_ms - true_hold) <= 300, (rep.hold_ms, true_hold)

def test_rendered_hamstring_set_counts_timed_holds(model_path, tmp_path):
    clip = synthesize("hamstring-set", [RepPlan(lift_s=0.5, hold_s=12.0, lower_s=0.5)],
                      camera=Camera(size_px=(640, 360)), fps=FPS, seed=5)
    video = tmp_path / "set.mp4"
    write_clip(clip, video, seed=5)
    result = analyse_track(load_or_extract(video, model_path, people=1),
                           get_exercise("hamstring-set"))
    # ~16 s in position: a 5 s hold, 3 s relax, a second 5 s hold, then too little time left
    assert result.count == 2
