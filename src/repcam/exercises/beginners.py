"""Beginners: hamstring sets, hamstring curls (standing and prone), ball squeezes."""

from __future__ import annotations

from repcam.core.kinematics import Posture, Side
from repcam.exercises.events import Fault
from repcam.exercises.spec import (
    MOVING,
    ExerciseSpec,
    FaultRule,
    Phase,
    Requirement,
    Signal,
    at_least,
    at_most,
)

STAY_UPRIGHT = FaultRule(
    Fault.LEANING_FORWARD, "stay upright, don't lean forwards",
    lambda f, c: f.near("trunk_lean") > 15.0,
)
KNEES_IN_LINE = FaultRule(
    Fault.KNEE_FORWARD, "keep your knees in line",
    lambda f, c: f.side("thigh_angle", c.side) > 20.0,
)
BACK_ARCHING = FaultRule(
    # Lying face down: the chest rising from the floor shows as the trunk lifting.
    Fault.BACK_ARCHING, "don't let your back arch",
    lambda f, c: f.near("trunk_rise") - c.start_signals[f"trunk_rise_{f.near_side}"] > 12.0,
)
UPPER_BODY_STILL = FaultRule(
    Fault.TRUNK_SWAY, "keep your upper body still",
    lambda f, c: abs(f.near("trunk_lean") - c.start_signals[f"trunk_lean_{f.near_side}"]) > 10.0
    or f.near("trunk_lean") > 20.0,
)

# Standing on one straight leg, the working thigh hangs near vertical while the knee bends;
# in a squat both knees bend and the thighs go towards level (a forward knee is a fault of a
# real curl up to 20 degrees: the requirement lies well beyond it).
ONE_LEG_BENDS = Requirement(
    "one_leg_bends", lambda f, side: at_most(f.side("thigh_angle", side), 45.0)
    and at_most(f.side("knee_flexion", side.other), 35.0),
    "a squat (both knees bend with the hips)")
# Lying face down both thighs rest on the floor, in line with the trunk; on hands and knees
# the supporting hip is bent to a right angle (the working thigh may be stretched back).
def _thighs_down(frame, side: Side) -> bool:
    return all(at_least(frame.side("hip_line", s), 140.0) for s in Side)


THIGHS_DOWN = (
    Requirement("thighs_down", _thighs_down, "a kickback on hands and knees", at="start"),
    Requirement("thighs_down_up", _thighs_down, "a kickback on hands and knees"),
)

HAMSTRING_SET = ExerciseSpec(
    name="hamstring-set",
    title="Hamstring set",
    family="beginners",
    stage=1,
    setup="Lie on your back or prop yourself up, knee slightly bent, heel on the floor. "
    "Camera side-on at hip height, 2-3 m away.",
    postures=frozenset({Posture.LYING_SUPINE, Posture.SITTING}),
    # The working knee: slightly bent. There is no movement to see, only the position.
    signal=Signal("knee_flexion", "near", start_min=5.0, start_max=45.0,
                  min_rom=1.0, typical_rom=1.0, max_rom=1.0),
    hold_ms=5000.0,
    kind="hold",
    required_joints=("HIP", "KNEE", "ANKLE"),
    faults=(
        FaultRule(
            Fault.KNEE_ANGLE, "keep a small bend in the knee",
            lambda f, c: not 5.0 <= f.side("knee_flexion", c.side) <= 45.0,
            phases=frozenset({Phase.SETUP, Phase.READY, Phase.TOP}), min_duration_ms=500.0,
        ),
    ),
    notes="Press the heel down and hold; repcam times the hold and checks the knee bend.",
)

HAMSTRING_CURL = ExerciseSpec(
    level_segment=("HEEL", "FOOT_INDEX"),
    name="hamstring-curl",
    title="Standing hamstring curl",
    family="beginners",
    stage=2,
    setup="Stand side-on to the camera holding a chair, whole body in view.",
    postures=frozenset({Posture.STANDING}),
    signal=Signal("knee_flexion", "moving", start_min=0.0, start_max=35.0,
                  min_rom=45.0, typical_rom=90.0, max_rom=150.0),
    hold_ms=3000.0,
    faults=(STAY_UPRIGHT, KNEES_IN_LINE),
    requirements=(ONE_LEG_BENDS,),
    stance_foot_stays=True,
    form_signals=("trunk_lean", "thigh_angle"),
    partial_cue="bring your heel higher",
)

PRONE_CURL = ExerciseSpec(
    name="prone-curl",
    title="Prone hamstring curl",
    family="beginners",
    stage=2,
    setup="Lie on your stomach, legs straight, side-on to the camera.",
    postures=frozenset({Posture.LYING_PRONE}),
    signal=Signal("knee_flexion", "moving", start_min=0.0, start_max=40.0,
                  min_rom=40.0, typical_rom=90.0, max_rom=150.0),
    hold_ms=3000.0,
    required_joints=("HIP", "KNEE"),
    level_segment=("HIP", "SHOULDER"),  # lying face down, the trunk rests level
    max_yaw_deg=45.0,
    faults=(BACK_ARCHING,),
    requirements=THIGHS_DOWN,
    stance_foot_stays=True,
    form_signals=("trunk_rise",),
    partial_cue="bring your heel higher",
)

BALL_SQUEEZE = ExerciseSpec(
    level_segment=("HEEL", "FOOT_INDEX"),
    name="ball-squeeze",
    title="Ball squeeze",
    family="beginners",
    stage=3,
    setup="Stand side-on holding a chair, a soft ball behind the knee, leg bent behind you.",
    postures=frozenset({Posture.STANDING}),
    signal=Signal("knee_flexion", "moving", start_min=40.0, start_max=110.0,
                  min_rom=10.0, typical_rom=20.0, max_rom=60.0),
    hold_ms=3000.0,
    faults=(UPPER_BODY_STILL,),
    requirements=(ONE_LEG_BENDS,),
    form_signals=("trunk_lean",),
    progresses_to="ball-squeeze-swing",
    partial_cue="squeeze the ball harder",
    notes="A small squeeze: the heel moves towards the glutes by 10-30 degrees.",
)

BALL_SQUEEZE_SWING = ExerciseSpec(
    level_segment=("HEEL", "FOOT_INDEX"),
    name="ball-squeeze-swing",
    max_yaw_deg=30.0,  # the whole leg swings through the view: measured within 8 deg to 30
    title="Ball squeeze with leg swing",
    family="beginners",
    stage=3,
    setup=BALL_SQUEEZE.setup,
    postures=frozenset({Posture.STANDING}),
    signal=Signal("hip_flexion", "moving", start_min=-40.0, start_max=25.0,
                  min_rom=45.0, typical_rom=90.0, max_rom=130.0),
    hold_ms=0.0,
    faults=(
        FaultRule(UPPER_BODY_STILL.name, UPPER_BODY_STILL.cue, UPPER_BODY_STILL.check,
                  phases=MOVING),
    ),
    form_signals=("trunk_lean",),
    partial_cue="bring your knee up to hip height",
    out_label="swing forward",
    back_label="swing back",
    notes="Keep the squeeze on the ball while the whole leg swings forward to hip height.",
)

SPECS = (HAMSTRING_SET, HAMSTRING_CURL, PRONE_CURL, BALL_SQUEEZE, BALL_SQUEEZE_SWING)
