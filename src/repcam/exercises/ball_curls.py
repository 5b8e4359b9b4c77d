"""Gym-ball curls, stages 1 to 3."""

from __future__ import annotations

from repcam.core.kinematics import AngleFrame, Posture, View
from repcam.exercises.events import Fault
from repcam.exercises.spec import MOVING, ExerciseSpec, FaultRule, RepContext, Signal

HIPS_UP = FaultRule(
    Fault.HIPS_DROPPING, "keep your hips up",
    lambda f, c: f.near("hip_line") < c.start_signals[f"hip_line_{f.near_side}"] - 15.0,
    phases=MOVING,
)

SIDEWAYS_ROLL = 40.0  # the feet carried this far sideways (% of the hip width)
SQUARE_ON = 40.0  # feet at rest within this of the hips' midline: the camera faces the feet


def _ball_rolling(frame: AngleFrame, context: RepContext) -> bool:
    """Seen from the feet, a ball rolling sideways carries the feet off the hips' midline.

    Only judged with the camera square to the feet: from further round, the feet coming in
    as the knees bend also move sideways in the picture (measured on the synthetic body:
    by half to three quarters of their offset at rest, so within 40% the curl stays under
    the 40% a roll must reach; that is a camera within about 10 degrees of straight on).
    """
    at_rest = context.start_signals["feet_offset"]
    moved = frame.signals["feet_offset"] - at_rest
    return abs(at_rest) <= SQUARE_ON and abs(moved) > SIDEWAYS_ROLL


BALL_ROLLING = FaultRule(
    Fault.BALL_ROLLING, "keep the ball straight, don't let it roll to the side", _ball_rolling,
    phases=MOVING, views=frozenset({View.FRONT}),
)
FRONT_SETUP = (" To see the ball roll sideways, film from your feet instead: camera raised "
               "at the end of the mat, in line with your body, 2-3 m away, looking down over "
               "the ball.")


def _front_signal(side_mode: str) -> Signal:
    # From the feet the knees rise past the heels as they bend: from about one hip width
    # below them (legs long on the ball) to one above.
    return Signal("knee_rise", side_mode, start_min=-160.0, start_max=60.0,
                  min_rom=40.0, typical_rom=100.0, max_rom=300.0,
                  hold_band=12.0, settle_range=12.0)


_BASE = dict(
    family="ball curls",
    max_yaw_deg=45.0,
    postures=frozenset({Posture.LYING_SUPINE}),
    hold_ms=1000.0,
    partial_cue="curl the ball closer",
)

BALL_CURL_1 = ExerciseSpec(
    name="ball-curl",
    title="Ball curl (stage 1)",
    stage=1,
    setup="Lie on your back, calves on a gym ball, arms crossed. Camera side-on." + FRONT_SETUP,
    signal=Signal("knee_flexion", "near", start_min=0.0, start_max=35.0,
                  min_rom=40.0, typical_rom=80.0, max_rom=140.0),
    front_signal=_front_signal("near"),
    level_segment=("HIP", "SHOULDER"),  # hips down: the trunk rests level
    faults=(BALL_ROLLING,),
    **_BASE,
)
BALL_CURL_2 = ExerciseSpec(
    name="ball-curl-2",
    title="Ball curl with hips raised (stage 2)",
    stage=2,
    setup=BALL_CURL_1.setup + " Lift your hips and keep them up through the curl.",
    signal=BALL_CURL_1.signal,
    front_signal=BALL_CURL_1.front_signal,
    faults=(HIPS_UP, BALL_ROLLING),
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
    signal=Signal("knee_flexion", "moving", start_min=0.0, start_max=35.0,
                  min_rom=40.0, typical_rom=80.0, max_rom=140.0),
    front_signal=_front_signal("moving"),
    faults=(HIPS_UP, BALL_ROLLING),
    form_signals=("hip_line",),
    per_side=True,
    **{**_BASE, "max_yaw_deg": 30.0},  # one leg in the air: measured within 5 deg to 30
)

SPECS = (BALL_CURL_1, BALL_CURL_2, BALL_CURL_3)
