"""Bridging: simple, single-leg and roller bridges."""

from __future__ import annotations

import dataclasses

from repcam.core.kinematics import Posture, View
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

_UP = frozenset({Phase.TOP})
_LYING = frozenset({Posture.LYING_SUPINE})
_FRONT = frozenset({View.FRONT})
FRONT_SETUP = (" For knee width and a level pelvis, film from your feet instead: camera at "
               "the end of the mat at knee height, 2-3 m away, your whole body in view.")

ARCHING = FaultRule(
    Fault.ARCHING, "lift without arching your back",
    lambda f, c: f.near("hip_line") > 190.0, phases=_UP, min_duration_ms=400.0,
)
KNEE_WIDTH = FaultRule(
    # Knee centres a fist apart are about one hip width apart: under 0.6 the knees are
    # falling in towards each other, over 2 they are falling out.
    Fault.KNEE_WIDTH, "knees a fist apart",
    lambda f, c: not 0.6 <= f.signals["knee_width_ratio"] <= 2.0,
    phases=MOVING, views=_FRONT, min_duration_ms=500.0,
)
HIPS_DROP = FaultRule(
    # Compared with the two-foot bridge: the highest the hips were in this rep.
    Fault.HIPS_DROPPING, "keep your hips up and level",
    lambda f, c: f.near("hip_line") < c.highest(f"hip_line_{f.near_side}") - 10.0,
    phases=_UP,
)
PELVIS_LEVEL = FaultRule(
    # Against the pelvis at rest, so a camera not quite level is not a fault.
    Fault.PELVIS_TILT, "keep your hips up and level",
    lambda f, c: abs(f.signals["pelvis_tilt"] - c.start_signals["pelvis_tilt"]) > 10.0,
    phases=_UP, views=_FRONT,
)

# What makes a bridge a bridge (seen from the side): the knees stay bent, feet planted, and
# the shoulders rest on the floor while the hips rise.
KNEES_BENT = (
    Requirement("knees_bent", lambda f, side: at_least(f.near("knee_flexion"), 40.0),
                "a straight-leg raise (knees straight, the leg lifts, not the hips)",
                at="start"),
    Requirement("knees_bent_up", lambda f, side: at_least(f.near("knee_flexion"), 40.0),
                "a straight-leg raise (knees straight, the leg lifts, not the hips)"),
)
SHOULDERS_DOWN = Requirement(
    # Lying flat the trunk is level; shoulders on a bench raise it well above the hips.
    "shoulders_down", lambda f, side: at_most(f.near("trunk_rise"), 25.0),
    "a hip thrust with the shoulders raised on a bench", at="start")
HIPS_UP = Requirement(
    "hips_up", lambda f, side: any(at_least(f.side("hip_line", s), 155.0)
                                   for s in ("left", "right")),
    "a leg lift without the hips raised")

BRIDGE = ExerciseSpec(
    level_segment=("HEEL", "FOOT_INDEX"),
    name="bridge",
    title="Bridge",
    family="bridging",
    stage=1,
    setup="Lie on your back, knees bent, feet flat hip-width apart. Camera side-on at hip "
    "height, 2-3 m away, whole body in view." + FRONT_SETUP,
    postures=_LYING,
    # Hips down: shoulder-hip-knee ~120-140; up: a straight line (~170-180).
    signal=Signal("hip_line", "near", start_min=90.0, start_max=158.0,
                  min_rom=18.0, typical_rom=45.0, max_rom=80.0),
    # From the feet the hips rise about one hip width above where they rest; where they
    # rest against the feet depends on the camera's height (about 0-3 hip widths).
    front_signal=Signal("hip_rise", "near", start_min=-60.0, start_max=320.0,
                        min_rom=30.0, typical_rom=80.0, max_rom=250.0,
                        hold_band=9.0, settle_range=12.0),
    hold_ms=3000.0,
    max_yaw_deg=45.0,
    faults=(ARCHING, KNEE_WIDTH),
    requirements=(*KNEES_BENT, SHOULDERS_DOWN),
    partial_cue="lift higher",
)

SINGLE_LEG_BRIDGE = ExerciseSpec(
    level_segment=("HEEL", "FOOT_INDEX"),
    name="single-leg-bridge",
    title="Single-leg bridge",
    family="bridging",
    stage=2,
    setup=BRIDGE.setup + " Bridge up, then lift one foot and straighten that knee.",
    postures=_LYING,
    # The lifted leg straightens: knee extension from ~90 (foot on the floor) to ~160+.
    signal=Signal("knee_extension", "moving", start_min=40.0, start_max=125.0,
                  min_rom=35.0, typical_rom=70.0, max_rom=130.0),
    # From the feet: the lifted foot rises well above the other (1-3 hip widths).
    front_signal=Signal("foot_rise", "moving", start_min=-40.0, start_max=40.0,
                        min_rom=40.0, typical_rom=120.0, max_rom=400.0,
                        hold_band=15.0, settle_range=12.0),
    hold_ms=3000.0,
    faults=(HIPS_DROP, PELVIS_LEVEL),
    # A rep is the hips up with the other leg straight, in either order (leg first or
    # bridge first): the leg's rise counts only with the hips up.
    requirements=(HIPS_UP, SHOULDERS_DOWN),
    form_signals=("hip_line",),
    partial_cue="straighten the lifted leg",
    per_side=True,
    stance_foot_stays=True,
    notes="Counted per side; staying up and alternating legs counts each leg's lift.",
)

ROLLER_BRIDGE = dataclasses.replace(
    BRIDGE,
    name="roller-bridge",
    title="Roller bridge",
    stage=3,
    setup="As the bridge, with your feet on a roller.",
    default_reps=6,
    notes="Harder than the floor bridge: expect fewer reps at first.",
)

SPECS = (BRIDGE, SINGLE_LEG_BRIDGE, ROLLER_BRIDGE)
