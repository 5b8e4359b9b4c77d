"""`--exercise auto`: the angles measured once for every exercise score as a full replay."""

from __future__ import annotations

from collections import Counter

import pytest

from repcam.core.track import LandmarkTrack
from repcam.exercises import EXERCISES
from repcam.folds.recognise import measured_once, recognise, score_exercise, score_on_angles
from repcam.folds.set_analysis import track_camera
from repcam.synthetic import Camera, Disturbance, RepPlan, synthesize


@pytest.mark.parametrize(("exercise", "yaw"), [("bridge", 0), ("nordic", 30),
                                               ("hamstring-curl", 45), ("prone-curl", 0)])
def test_one_pass_scores_every_exercise_as_its_own_replay(exercise, yaw):
    clip = synthesize(exercise, [RepPlan()] * 3, camera=Camera(yaw_deg=yaw), fps=10, seed=3)
    track = LandmarkTrack(clip.frames, 10, "synthetic", "none")
    camera = track_camera(track)
    angles = measured_once(track, camera)
    postures = Counter(frame.posture for frame in angles if frame.present)
    for spec in EXERCISES.values():
        replayed, once = score_exercise(track, spec, camera), score_on_angles(angles, postures,
                                                                             spec)
        assert (once.score, once.reps) == (replayed.score, replayed.reps), spec.name
    assert recognise(track).best.spec.name == exercise


def test_someone_walking_past_is_left_to_each_exercise_to_follow():
    clip = synthesize("bridge", [RepPlan()] * 3, fps=10, seed=3,
                      disturbance=Disturbance(intruder=True))
    track = LandmarkTrack(clip.frames, 10, "synthetic", "none")
    assert max(len(pose.people) for pose in track.frames) == 2
    assert recognise(track).best.spec.name == "bridge"
