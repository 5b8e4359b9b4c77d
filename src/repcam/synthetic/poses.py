"""Each exercise as a function of progress p (0 start .. 1 top) -> `BodyPose`.

Closed chains are solved, not faked: in a bridge the shoulders and feet stay on the floor
while the hips rise; on a gym ball the heels stay on the ball while the knees bend.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from repcam.synthetic.body import BodyPose, Leg, Segments, heading_deg, side_chain

SEG = Segments()
FLOOR_SHOULDER = np.array([0.0, 0.10])  # shoulder height when lying on the back


def lerp(a: float, b: float, p: float) -> float:
    return a + (b - a) * p


def wrap(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


def bisect(f: Callable[[float], float], target: float, lo: float, hi: float) -> float:
    """x in [lo, hi] with f(x) = target, for f monotonic on the interval."""
    rising = f(hi) > f(lo)
    for _ in range(50):
        mid = (lo + hi) / 2
        if (f(mid) < target) == rising:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _circle_meet(c0: np.ndarray, r0: float, c1: np.ndarray, r1: float) -> np.ndarray:
    """The upper intersection of two circles (the knee above hip and ankle)."""
    d = float(np.linalg.norm(c1 - c0))
    d = min(max(d, abs(r0 - r1) + 1e-9), r0 + r1 - 1e-9)
    a = (r0**2 - r1**2 + d**2) / (2 * d)
    h = math.sqrt(max(r0**2 - a**2, 0.0))
    base = c0 + a * (c1 - c0) / d
    normal = np.array([-(c1 - c0)[1], (c1 - c0)[0]]) / d
    options = (base + h * normal, base - h * normal)
    return max(options, key=lambda p: p[1])


@dataclass(frozen=True)
class Bridge:
    """Lying on the back, head towards -X, shoulders and feet on the floor."""

    feet_height_m: float = 0.08  # 0.18 on a roller
    top_elevation_deg: float = 25.0
    shoulder_height_m: float = float(FLOOR_SHOULDER[1])  # 0.45: the shoulders on a bench

    @property
    def shoulder(self) -> np.ndarray:
        return np.array([FLOOR_SHOULDER[0], self.shoulder_height_m])

    @property
    def ankle(self) -> np.ndarray:
        direction = np.array([math.cos(math.radians(self.top_elevation_deg)),
                              math.sin(math.radians(self.top_elevation_deg))])
        knee_top = self.shoulder + (SEG.trunk + SEG.thigh) * direction
        dy = knee_top[1] - self.feet_height_m
        return np.array([knee_top[0] + math.sqrt(max(SEG.shin**2 - dy**2, 0.0)),
                         self.feet_height_m])

    def pose(self, elevation_deg: float) -> BodyPose:
        e = math.radians(elevation_deg)
        hip = self.shoulder + SEG.trunk * np.array([math.cos(e), math.sin(e)])
        trunk = -(90.0 + elevation_deg)
        knee = _circle_meet(hip, SEG.thigh, self.ankle, SEG.shin)
        thigh, shin = heading_deg(knee - hip), heading_deg(self.ankle - knee)
        leg = Leg(wrap(trunk + 180.0 - thigh), wrap(shin - thigh), wrap(180.0 - shin))
        # The arms stay on the floor beside the body, reaching towards the feet.
        return BodyPose(tuple(hip), trunk, leg, leg, shoulder_flexion_deg=-elevation_deg - 5.0,
                        elbow_flexion_deg=5.0)

    def hip_line(self, elevation_deg: float) -> float:
        return 180.0 - self.pose(elevation_deg).left.hip_flexion_deg

    @cached_property
    def _hip_line_table(self) -> tuple[np.ndarray, np.ndarray]:
        # hip line rises monotonically with the hips: tabulate once, interpolate after.
        elevations = np.linspace(0.0, 60.0, 1201)
        return np.array([self.hip_line(e) for e in elevations]), elevations

    def at_hip_line(self, hip_line_deg: float) -> BodyPose:
        lines, elevations = self._hip_line_table
        return self.pose(float(np.interp(hip_line_deg, lines, elevations)))

    @property
    def bottom_hip_line(self) -> float:
        return self.hip_line(3.0)


def lift_leg(pose: BodyPose, side: str, q: float) -> BodyPose:
    """Single-leg bridge: that knee straightens, its thigh stays level with the other."""
    leg = pose.leg(side)
    return pose.with_leg(side, Leg(leg.hip_flexion_deg, lerp(leg.knee_flexion_deg, 8.0, q),
                                   lerp(leg.ankle_deg, 20.0, q)))


BALL_TOP_M = 0.50


def ball_curl(knee_deg: float, hips_up: bool, hip_flexion_deg: float) -> BodyPose:
    """Calves on a gym ball: the heels stay at the ball's height as the knees bend."""
    if not hips_up:
        hip = np.array([0.0, 0.12])

        def ankle_y(flex: float) -> float:
            thigh = 90.0 - flex
            return hip[1] + SEG.thigh * math.cos(math.radians(thigh)) + SEG.shin * math.cos(
                math.radians(thigh + knee_deg))

        flex = bisect(ankle_y, BALL_TOP_M, 0.0, 89.0)
        leg = Leg(flex, knee_deg, 10.0)
        return BodyPose(tuple(hip), -90.0, leg, leg, shoulder_flexion_deg=150.0,
                        elbow_flexion_deg=120.0)

    def ankle_height(elevation: float) -> float:
        e = math.radians(elevation)
        thigh = math.radians(elevation + hip_flexion_deg)
        return (FLOOR_SHOULDER[1] + SEG.trunk * math.sin(e) + SEG.thigh * math.sin(thigh)
                + SEG.shin * math.sin(thigh - math.radians(knee_deg)))

    elevation = bisect(ankle_height, BALL_TOP_M, -5.0, 60.0)
    e = math.radians(elevation)
    hip = FLOOR_SHOULDER + SEG.trunk * np.array([math.cos(e), math.sin(e)])
    leg = Leg(hip_flexion_deg, knee_deg, 10.0)
    return BodyPose(tuple(hip), -(90.0 + elevation), leg, leg, shoulder_flexion_deg=150.0,
                    elbow_flexion_deg=120.0)


def nordic(lean_deg: float, hip_bend_deg: float) -> BodyPose:
    """Kneeling, shins on the floor behind, leaning forwards about the knees."""
    knee = np.array([0.0, 0.06])
    hip = knee + SEG.thigh * np.array([math.sin(math.radians(lean_deg)),
                                       math.cos(math.radians(lean_deg))])
    leg = Leg(hip_bend_deg, wrap(90.0 - lean_deg), 60.0)
    arms = 90.0 * max(0.0, (lean_deg - 50.0) / 35.0)  # hands come forward to catch
    return BodyPose(tuple(hip), lean_deg + hip_bend_deg, leg, leg,
                    shoulder_flexion_deg=arms, elbow_flexion_deg=10.0)


def standing(trunk_deg: float, working: str, working_leg: Leg) -> BodyPose:
    """Upright on one leg; a forward lean bends at the hips (the thighs stay where they are)."""
    stance = Leg(trunk_deg, 0.0, 0.0)
    leaned = Leg(working_leg.hip_flexion_deg + trunk_deg, working_leg.knee_flexion_deg,
                 working_leg.ankle_deg)
    pose = BodyPose((0.0, 0.93), trunk_deg, stance, stance, shoulder_flexion_deg=20.0,
                    elbow_flexion_deg=60.0)
    return pose.with_leg(working, leaned)


def prone(trunk_rise_deg: float, working: str, knee_deg: float) -> BodyPose:
    """Lying face down, head towards +X; the chest may rise (an arched back)."""
    rest = Leg(-trunk_rise_deg, 2.0, 40.0)
    pose = BodyPose((0.0, 0.12), 90.0 - trunk_rise_deg, rest, rest,
                    shoulder_flexion_deg=160.0, elbow_flexion_deg=100.0)
    return pose.with_leg(working, Leg(-trunk_rise_deg, knee_deg, 10.0))


def seated(working: str, knee_deg: float) -> BodyPose:
    rest = Leg(90.0, 85.0, 0.0)
    pose = BodyPose((0.0, 0.50), 0.0, rest, rest, shoulder_flexion_deg=30.0,
                    elbow_flexion_deg=70.0)
    return pose.with_leg(working, Leg(90.0, knee_deg, 0.0))


def lying_hold(knee_deg: float, working: str) -> BodyPose:
    rest = Leg(8.0, 8.0, 0.0)
    pose = BodyPose((0.0, 0.12), -90.0, rest, rest, shoulder_flexion_deg=15.0)
    return pose.with_leg(working, Leg(8.0 + knee_deg / 2, knee_deg, 0.0))


# -- movements that look like an exercise of the programme but are not (negatives) --------
def straight_leg_raise(lift_deg: float, working: str) -> BodyPose:
    """Lying on the back, legs straight: one straight leg lifts (hip flexion)."""
    rest = Leg(0.0, 3.0, 0.0)
    pose = BodyPose((0.0, 0.12), -90.0, rest, rest, shoulder_flexion_deg=-5.0,
                    elbow_flexion_deg=5.0)
    return pose.with_leg(working, Leg(lift_deg, 3.0, 0.0))


def squat(p: float) -> BodyPose:
    """Both knees and hips bend together, the trunk leans forward, the feet stay flat."""
    trunk, thigh, shin = 35.0 * p, -80.0 * p, 25.0 * p  # from vertical; thigh forward
    leg = Leg(trunk - thigh, shin - thigh, -shin)
    pose = BodyPose((0.0, 0.0), trunk, leg, leg, shoulder_flexion_deg=80.0,
                    elbow_flexion_deg=10.0)
    ankle = side_chain(pose, "left", SEG)["ANKLE"]  # the hip placed over planted feet
    return replace(pose, hip_xy=(float(-ankle[0]), float(0.09 - ankle[1])))


def kneeling_kickback(p: float, working: str) -> BodyPose:
    """On hands and knees: the working leg, thigh stretched back level with the trunk,
    bends its knee (heel towards the ceiling) like a prone curl, but kneeling."""
    support = Leg(90.0, 90.0, 60.0)
    pose = BodyPose((0.0, 0.48), 90.0, support, support, shoulder_flexion_deg=90.0,
                    elbow_flexion_deg=0.0)
    return pose.with_leg(working, Leg(-5.0, lerp(8.0, 100.0, p), 10.0))
