"""Theraband: seated and prone band curls."""

from __future__ import annotations

from repcam.exercises.beginners import BACK_ARCHING, THIGHS_DOWN
from repcam.exercises.spec import ExerciseSpec, RepRule, Signal
from repcam.kinematics import Posture

SEATED_BAND_CURL = ExerciseSpec(
    level_segment=("HEEL", "FOOT_INDEX"),
    name="seated-band-curl",
    title="Seated theraband hamstring curl",
    family="theraband",
    stage=1,
    setup="Sit on a chair side-on to the camera, band from the ankle to a table leg in front.",
    postures=frozenset({Posture.SITTING}),
    signal=Signal("knee_flexion", "moving", 0.0, 55.0, 35.0, 70.0, 130.0),
    hold_ms=3000.0,
    rep_rules=(
        RepRule("fast_return", "bring the foot back slowly",
                # A clear difference: tempo is measured to about a frame at each end.
                lambda rep: rep.lower_ms < 0.75 * rep.lift_ms),
    ),
    partial_cue="slide your heel further back",
)

PRONE_BAND_CURL = ExerciseSpec(
    name="prone-band-curl",
    title="Prone theraband knee flexion",
    family="theraband",
    stage=2,
    setup="Lie on your stomach side-on to the camera, band looped round both feet.",
    postures=frozenset({Posture.LYING_PRONE}),
    signal=Signal("knee_flexion", "moving", 0.0, 40.0, 40.0, 90.0, 150.0),
    hold_ms=3000.0,
    level_segment=("HIP", "SHOULDER"),  # lying face down, the trunk rests level
    max_yaw_deg=45.0,
    faults=(BACK_ARCHING,),
    requirements=THIGHS_DOWN,
    form_signals=("trunk_rise",),
    rep_rules=(
        RepRule("leg_dropped", "lower the leg slowly",
                lambda rep: rep.lower_ms < max(0.7 * rep.lift_ms, 600.0)),
    ),
    partial_cue="bring your heel closer to your bottom",
)

SPECS = (SEATED_BAND_CURL, PRONE_BAND_CURL)
