"""Theraband: seated and prone band curls."""

from __future__ import annotations

from dataclasses import replace

from repcam.core.kinematics import Posture
from repcam.exercises.beginners import PRONE_CURL
from repcam.exercises.events import Fault
from repcam.exercises.spec import ExerciseSpec, RepRule, Signal

SEATED_BAND_CURL = ExerciseSpec(
    level_segment=("HEEL", "FOOT_INDEX"),
    name="seated-band-curl",
    title="Seated theraband hamstring curl",
    family="theraband",
    stage=1,
    setup="Sit on a chair side-on to the camera, band from the ankle to a table leg in front.",
    postures=frozenset({Posture.SITTING}),
    signal=Signal("knee_flexion", "moving", start_min=0.0, start_max=55.0,
                  min_rom=35.0, typical_rom=70.0, max_rom=130.0),
    hold_ms=3000.0,
    rep_rules=(
        RepRule(Fault.FAST_RETURN, "bring the foot back slowly",
                # A clear difference: tempo is measured to about a frame at each end.
                lambda rep: rep.lower_ms < 0.75 * rep.lift_ms),
    ),
    partial_cue="slide your heel further back",
    stance_foot_stays=True,
)

# The prone curl with a band: the same movement and faults, and a band that can snap the
# leg down.
PRONE_BAND_CURL = replace(
    PRONE_CURL,
    name="prone-band-curl",
    title="Prone theraband knee flexion",
    family="theraband",
    setup="Lie on your stomach side-on to the camera, band looped round both feet.",
    rep_rules=(
        RepRule(Fault.LEG_DROPPED, "lower the leg slowly",
                lambda rep: rep.lower_ms < max(0.7 * rep.lift_ms, 600.0)),
    ),
    partial_cue="bring your heel closer to your bottom",
)

SPECS = (SEATED_BAND_CURL, PRONE_BAND_CURL)
