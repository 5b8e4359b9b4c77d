"""Motion scripts for every exercise: reps with tempo, holds, faults, sides, with the truth.

A rep is a list of (seconds, progress) segments eased with a cosine; each exercise maps
progress and the rep's variation (fault, size, working side) to a body pose. The truth is
known exactly because we made it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from repcam.core.kinematics import Side
from repcam.exercises.events import Fault
from repcam.synthetic import poses
from repcam.synthetic.body import BodyPose, Leg

PoseFn = Callable[[float, "RepPlan"], BodyPose]


@dataclass(frozen=True)
class RepPlan:
    lift_s: float = 1.5
    hold_s: float = 3.0
    lower_s: float = 2.0
    rest_s: float = 1.2
    depth: float = 1.0  # below 1: a partial rep
    fault: Fault | None = None
    fault_size: float | None = None
    side: Side = Side.LEFT
    floor: float = 0.0  # progress between reps (stay up and alternate legs: 0.5)
    leg_first: bool = False  # single-leg bridge: the leg straightens before the hips rise


def fatigued(plans: list[RepPlan], amount: float = 1.0) -> list[RepPlan]:
    """Later reps of a set slower and shallower: by the last rep lifting takes
    `1 + 0.4 * amount` times as long and reaches `1 - 0.12 * amount` of the range."""
    last = max(len(plans) - 1, 1)
    return [
        replace(plan, lift_s=plan.lift_s * (1 + 0.4 * amount * i / last),
                lower_s=plan.lower_s * (1 + 0.2 * amount * i / last),
                depth=plan.depth * (1 - 0.12 * amount * i / last))
        for i, plan in enumerate(plans)
    ]


@dataclass(frozen=True)
class Prop:
    """Equipment the renderer draws: a ball or roller (circle) or a chair seat (box)."""

    kind: str  # "circle" or "box"
    centre_m: tuple[float, float]  # X, Y in the body's sagittal plane
    size_m: tuple[float, float]  # radius (circle) or width, height (box)
    under_heels: bool = False  # rolls along under the heels (a gym ball)


@dataclass(frozen=True)
class Motion:
    pose: PoseFn
    faults: dict[Fault, float]  # fault name -> default size (degrees, or a tempo factor)
    segments: Callable[[RepPlan], list[Segment]] | None = None
    props: tuple[Prop, ...] = ()

    def rep_segments(self, plan: RepPlan) -> list[Segment]:
        if self.segments is not None:
            return self.segments(plan)
        lower_s = plan.lower_s
        if plan.fault in (Fault.FAST_RETURN, Fault.LEG_DROPPED):  # tempo: lowering / lifting
            lower_s = plan.lift_s * size(plan, self.faults, plan.fault)
        return [(plan.lift_s, plan.depth, "smooth"), (plan.hold_s, plan.depth, "smooth"),
                (lower_s, plan.floor, "smooth"), (plan.rest_s, plan.floor, "smooth")]


# (seconds, progress to reach, easing): "smooth" starts and stops gently (a cosine),
# "steady" moves at constant speed, "fall" accelerates like a body giving way.
Segment = tuple[float, float, str]
EASINGS: dict[str, Callable[[float], float]] = {
    "smooth": lambda f: (1 - math.cos(math.pi * f)) / 2,
    "steady": lambda f: f,
    "fall": lambda f: f * f,
}


def size(plan: RepPlan, motion_faults: dict[Fault, float], name: Fault) -> float:
    if plan.fault != name:
        return 0.0
    return plan.fault_size if plan.fault_size is not None else motion_faults[name]


_BRIDGE, _ROLLER = poses.Bridge(), poses.Bridge(feet_height_m=0.18)


def _bridge(shape: poses.Bridge, faults: dict[Fault, float]) -> PoseFn:
    def pose(p: float, plan: RepPlan) -> BodyPose:
        top = 178.0 + size(plan, faults, Fault.ARCHING)
        body = shape.at_hip_line(poses.lerp(shape.bottom_hip_line, top, p))
        # Knees falling in towards each other as the hips rise.
        return replace(body, knee_spread_m=-size(plan, faults, Fault.KNEE_WIDTH) * p)

    return pose


BRIDGE_FAULTS = {Fault.ARCHING: 16.0, Fault.KNEE_WIDTH: 0.12}


def _single_leg_bridge(p: float, plan: RepPlan) -> BodyPose:
    up = min(p / 0.5, 1.0)
    lift = max((p - 0.5) / 0.5, 0.0)
    if plan.leg_first:  # the leg straightens lying, then the hips rise on the other foot
        up, lift = lift, up
    drop = size(plan, SINGLE_LEG_FAULTS, Fault.HIPS_DROPPING) * lift
    body = _BRIDGE.at_hip_line(poses.lerp(_BRIDGE.bottom_hip_line, 178.0, up) - drop)
    # The pelvis rolls down on the side of the lifted leg (positive roll: right hip higher).
    roll = size(plan, SINGLE_LEG_FAULTS, Fault.PELVIS_TILT) * lift
    body = replace(body, pelvis_roll_deg=roll if plan.side == "left" else -roll)
    return poses.lift_leg(body, plan.side, lift)


SINGLE_LEG_FAULTS = {Fault.HIPS_DROPPING: 18.0, Fault.PELVIS_TILT: 16.0}


def _ball_curl(stage: int) -> PoseFn:
    def pose(p: float, plan: RepPlan) -> BodyPose:
        knee = poses.lerp(3.0, 95.0, p)
        hip_flex = 5.0 + size(plan, BALL_FAULTS, Fault.HIPS_DROPPING) * min(p * 2, 1.0)
        body = poses.ball_curl(knee, stage > 1, hip_flex)
        if stage == 3:  # the other leg points at the ceiling
            raised = Side(plan.side).other
            body = body.with_leg(raised, Leg(body.leg(raised).hip_flexion_deg + 60.0, 5.0, 0.0))
        shift = size(plan, BALL_FAULTS, Fault.BALL_ROLLING) * min(p * 2, 1.0)
        return replace(body, feet_shift_m=shift)

    return pose


BALL_FAULTS = {Fault.HIPS_DROPPING: 25.0, Fault.BALL_ROLLING: 0.15}
BALL_ROLL_FAULTS = {Fault.BALL_ROLLING: BALL_FAULTS[Fault.BALL_ROLLING]}
CURL_FAULTS = {Fault.LEANING_FORWARD: 28.0, Fault.KNEE_FORWARD: 35.0}


def _standing_curl(p: float, plan: RepPlan) -> BodyPose:
    lean = size(plan, CURL_FAULTS, Fault.LEANING_FORWARD) * p
    forward = size(plan, CURL_FAULTS, Fault.KNEE_FORWARD) * p
    return poses.standing(lean, plan.side, Leg(forward, poses.lerp(2.0, 100.0, p), 20.0))


PRONE_FAULTS = {Fault.BACK_ARCHING: 22.0, Fault.LEG_DROPPED: 0.3}


def _prone_curl(p: float, plan: RepPlan) -> BodyPose:
    rise = size(plan, PRONE_FAULTS, Fault.BACK_ARCHING) * p
    return poses.prone(rise, plan.side, poses.lerp(3.0, 100.0, p))


SQUEEZE_FAULTS = {Fault.TRUNK_SWAY: 20.0}


def _ball_squeeze(p: float, plan: RepPlan) -> BodyPose:
    lean = size(plan, SQUEEZE_FAULTS, Fault.TRUNK_SWAY) * p
    return poses.standing(lean, plan.side, Leg(-5.0, poses.lerp(70.0, 100.0, p), 20.0))


def _ball_squeeze_swing(p: float, plan: RepPlan) -> BodyPose:
    lean = size(plan, SQUEEZE_FAULTS, Fault.TRUNK_SWAY) * p
    return poses.standing(lean, plan.side, Leg(poses.lerp(-25.0, 90.0, p), 95.0, 20.0))


SEATED_FAULTS = {Fault.FAST_RETURN: 0.4}


def _seated(p: float, plan: RepPlan) -> BodyPose:
    return poses.seated(plan.side, poses.lerp(25.0, 100.0, p))


HOLD_FAULTS = {Fault.KNEE_ANGLE: 58.0}


def _hamstring_set(p: float, plan: RepPlan) -> BodyPose:
    knee = plan.fault_size if plan.fault == Fault.KNEE_ANGLE and plan.fault_size else (
        HOLD_FAULTS[Fault.KNEE_ANGLE] if plan.fault == Fault.KNEE_ANGLE else 20.0)
    return poses.lying_hold(knee, plan.side)


NORDIC_FAULTS = {Fault.HIP_BEND: 28.0}
NORDIC_FLOOR_DEG = 85.0
NORDIC_BREAK_DEG = 50.0


def _nordic(p: float, plan: RepPlan) -> BodyPose:
    lean = NORDIC_FLOOR_DEG * p
    break_p = NORDIC_BREAK_DEG / NORDIC_FLOOR_DEG
    # A hip bend shows during the controlled descent; on the hands the body is long again.
    shape = min(p * 3.0, 1.0) if p <= break_p else max(0.0, (1.0 - p) / (1.0 - break_p))
    bend = size(plan, NORDIC_FAULTS, Fault.HIP_BEND) * shape
    return poses.nordic(lean - bend, bend)


def _nordic_segments(plan: RepPlan) -> list[Segment]:
    """A steady controlled descent to the break angle, a fall to the hands, a push back up."""
    break_p = NORDIC_BREAK_DEG / NORDIC_FLOOR_DEG * plan.depth
    return [(plan.lift_s, break_p, "steady"), (0.35, plan.depth, "fall"),
            (plan.hold_s, plan.depth, "smooth"), (plan.lower_s, 0.0, "smooth"),
            (plan.rest_s, 0.0, "smooth")]


# The gym ball sits where the heels are at mid-curl; they roll over its top.
BALL = (Prop("circle", (0.62, poses.BALL_TOP_M / 2), (poses.BALL_TOP_M / 2 - 0.04, 0.0),
             under_heels=True),)

# Where the programme's setup puts the camera, when it is not the working (left) leg's side:
# the single-leg ball curl is filmed from the raised leg's side (see its spec's setup).
CAMERA_SIDE: dict[str, str] = {"ball-curl-3": "right"}

MOTIONS: dict[str, Motion] = {
    "hamstring-set": Motion(_hamstring_set, HOLD_FAULTS),
    "hamstring-curl": Motion(_standing_curl, CURL_FAULTS),
    "prone-curl": Motion(_prone_curl, PRONE_FAULTS),
    "ball-squeeze": Motion(_ball_squeeze, SQUEEZE_FAULTS),
    "ball-squeeze-swing": Motion(_ball_squeeze_swing, SQUEEZE_FAULTS),
    "seated-band-curl": Motion(_seated, SEATED_FAULTS,
                               props=(Prop("box", (-0.05, 0.22), (0.45, 0.44)),)),
    "prone-band-curl": Motion(_prone_curl, PRONE_FAULTS),
    "bridge": Motion(_bridge(_BRIDGE, BRIDGE_FAULTS), BRIDGE_FAULTS),
    "single-leg-bridge": Motion(_single_leg_bridge, SINGLE_LEG_FAULTS),
    "roller-bridge": Motion(_bridge(_ROLLER, BRIDGE_FAULTS), BRIDGE_FAULTS,
                            props=(Prop("circle", (float(_ROLLER.ankle[0]), 0.06), (0.07, 0.07)),)),
    "ball-curl": Motion(_ball_curl(1), BALL_ROLL_FAULTS, props=BALL),
    "ball-curl-2": Motion(_ball_curl(2), BALL_FAULTS, props=BALL),
    "ball-curl-3": Motion(_ball_curl(3), BALL_FAULTS, props=BALL),
    "nordic": Motion(_nordic, NORDIC_FAULTS, _nordic_segments),
}


_HIP_THRUST = poses.Bridge(top_elevation_deg=2.0, shoulder_height_m=0.45, feet_height_m=0.08)


def _bench_hip_thrust(p: float, plan: RepPlan) -> BodyPose:
    return _HIP_THRUST.pose(poses.lerp(-38.0, 2.0, p))


# Movements that look like an exercise of the programme and are not: each names the one it
# mimics. They must count no rep of it (the tests' negatives).
LOOK_ALIKES: dict[str, tuple[Motion, str]] = {
    "straight-leg-raise": (Motion(lambda p, plan: poses.straight_leg_raise(70.0 * p,
                                                                           plan.side), {}),
                           "bridge"),
    "bench-hip-thrust": (Motion(_bench_hip_thrust, {}, props=(
        Prop("box", (-0.15, 0.20), (0.5, 0.40)),)), "bridge"),
    "squat": (Motion(lambda p, plan: poses.squat(p), {}), "hamstring-curl"),
    "kneeling-kickback": (Motion(lambda p, plan: poses.kneeling_kickback(p, plan.side), {}),
                          "prone-curl"),
}


def motion(name: str) -> Motion:
    """An exercise's motion, or a look-alike's."""
    return MOTIONS[name] if name in MOTIONS else LOOK_ALIKES[name][0]


@dataclass(frozen=True)
class TruthRep:
    start_ms: float
    top_ms: float
    end_ms: float
    hold_ms: float
    side: Side
    fault: Fault | None
    depth: float


@dataclass(frozen=True)
class Timeline:
    """Progress per frame and the truth about each rep."""

    times_ms: tuple[float, ...]
    progress: tuple[float, ...]
    plans: tuple[RepPlan, ...]  # the plan in force at each frame
    reps: tuple[TruthRep, ...] = field(default=())


def build_timeline(motion: Motion, reps: list[RepPlan], fps: float = 30.0,
                   lead_in_s: float = 1.5, tail_s: float = 1.0) -> Timeline:
    """Sample the reps' eased segments at the frame rate."""
    first = reps[0] if reps else RepPlan()
    knots: list[tuple[float, float, RepPlan, str]] = [(0.0, 0.0, first, "smooth")]
    if first.floor > 0:  # get up into the position first
        knots.append((lead_in_s, first.floor, first, "smooth"))
    t = knots[-1][0] + (lead_in_s if len(knots) == 1 else 0.5)
    knots.append((t, first.floor, first, "smooth"))
    truth = []
    for plan in reps:
        start, first_knot = t, len(knots)
        for duration, target, easing in motion.rep_segments(plan):
            t += duration
            knots.append((t, target, plan, easing))
        # The rep's top is the first knot at full depth; its hold the time spent there.
        at_depth = [k for k in knots[first_knot:] if abs(k[1] - plan.depth) < 1e-9]
        top_ms = at_depth[0][0] * 1000 if at_depth else start * 1000
        hold_ms = (at_depth[-1][0] - at_depth[0][0]) * 1000 if at_depth else 0.0
        end_ms = (t - plan.rest_s) * 1000
        truth.append(TruthRep(start * 1000, top_ms, end_ms, hold_ms, plan.side, plan.fault,
                              plan.depth))
    if reps and reps[-1].floor > 0:
        t += 1.5
        knots.append((t, 0.0, reps[-1], "smooth"))
    t += tail_s
    knots.append((t, knots[-1][1], knots[-1][2], "smooth"))
    times, progress, plans = [], [], []
    step = 1000.0 / fps
    n = int(t * 1000 / step)
    k = 0
    for i in range(n + 1):
        now = i * step / 1000
        while k + 1 < len(knots) - 1 and knots[k + 1][0] <= now:
            k += 1
        (t0, p0, _, _), (t1, p1, plan, easing) = knots[k], knots[k + 1]
        f = 0.0 if t1 <= t0 else min(max((now - t0) / (t1 - t0), 0.0), 1.0)
        progress.append(p0 + (p1 - p0) * EASINGS[easing](f))
        times.append(i * step)
        plans.append(plan)
    return Timeline(tuple(times), tuple(progress), tuple(plans), tuple(truth))
