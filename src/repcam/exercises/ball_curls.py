"""Gym-ball curls, stages 1 to 3."""

from __future__ import annotations

from repcam.exercises.spec import MOVING, ExerciseSpec, FaultRule, Signal
from repcam.kinematics import Posture

HIPS_UP = FaultRule(
    "hips_dropping", "keep your hips up",
    lambda f, c: f.near("hip_line") < c.start_signals[f"hip_line_{f.near_side}"] - 15.0,
    phases=MOVING,
)

_BASE = dict(
    family="ball curls",
    postures=frozenset({Posture.LYING_SUPINE}),
    hold_ms=1000.0,
    partial_cue="curl the ball closer",
)

BALL_CURL_1 = ExerciseSpec(
    name="ball-curl",
    title="Ball curl (stage 1)",
    stage=1,
    setup="Lie on your back, calves on a gym ball, arms crossed. Camera side-on.",
    signal=Signal("knee_flexion", "near", 0.0, 35.0, 40.0, 80.0, 140.0),
    **_BASE,
)
BALL_CURL_2 = ExerciseSpec(
    name="ball-curl-2",
    title="Ball curl with hips raised (stage 2)",
    stage=2,
    setup=BALL_CURL_1.setup + " Lift your hips and keep them up through the curl.",
    signal=BALL_CURL_1.signal,
    faults=(HIPS_UP,),
    form_signals=("hip_line",),
    **_BASE,
)
BALL_CURL_3 = ExerciseSpec(
    name="ball-curl-3",
    title="Single-leg ball curl (stage 3)",
    stage=3,
    # Measured on rendered clips: filmed from the working leg's side, MediaPipe mixes up the
    # legs while the raised one crosses it and holds read 0.3-1.1 s for 2 s; from the raised
    # leg's side they read within 0.1 s.
    setup=BALL_CURL_2.setup + " One leg off the ball; put the camera on the side of the "
    "raised leg.",
    signal=Signal("knee_flexion", "moving", 0.0, 35.0, 40.0, 80.0, 140.0),
    faults=(HIPS_UP,),
    form_signals=("hip_line",),
    per_side=True,
    **_BASE,
)

SPECS = (BALL_CURL_1, BALL_CURL_2, BALL_CURL_3)
