"""A simple human body: sagittal-plane joint angles -> the 33 BlazePose landmarks in 3D.

Angles (degrees): `trunk_deg` is the hip->shoulder direction from vertical, positive leaning
forwards (90: lying face down, head forwards; -90: lying on the back, head backwards).
Hip flexion swings the thigh forwards, knee flexion swings the shin backwards, ankle 0 is
the foot at a right angle to the shin. X points forwards, Y up, Z to the body's right.
What only a front view shows is added across the body: the knees moving apart or together,
the pelvis rolling (one hip higher) and the feet carried sideways (a gym ball rolling).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from repcam.core.landmarks import NUM_JOINTS, Joint, Landmarks


@dataclass(frozen=True)
class Segments:
    """Segment lengths in metres (an adult of about 1.75 m)."""

    trunk: float = 0.50
    thigh: float = 0.45
    shin: float = 0.43
    foot: float = 0.20
    heel: float = 0.05
    upper_arm: float = 0.30
    forearm: float = 0.27
    neck: float = 0.20
    hip_width: float = 0.30
    shoulder_width: float = 0.38


@dataclass(frozen=True)
class Leg:
    hip_flexion_deg: float = 0.0
    knee_flexion_deg: float = 0.0
    ankle_deg: float = 0.0


@dataclass(frozen=True)
class BodyPose:
    hip_xy: tuple[float, float] = (0.0, 0.95)  # mid-hip, metres
    trunk_deg: float = 0.0
    left: Leg = field(default_factory=Leg)
    right: Leg = field(default_factory=Leg)
    shoulder_flexion_deg: float = 0.0
    elbow_flexion_deg: float = 10.0
    knee_spread_m: float = 0.0  # each knee away from the midline (negative: towards it)
    pelvis_roll_deg: float = 0.0  # positive: the right hip higher
    feet_shift_m: float = 0.0  # the feet towards the body's right (the knees follow half)

    def leg(self, side: str) -> Leg:
        return self.left if side == "left" else self.right

    def with_leg(self, side: str, leg: Leg) -> BodyPose:
        return replace(self, **{side: leg})


def direction(angle_deg: float) -> np.ndarray:
    """Unit vector at `angle_deg` from straight up, positive towards +X (forwards)."""
    a = math.radians(angle_deg)
    return np.array([math.sin(a), math.cos(a)])


def heading_deg(vector: np.ndarray) -> float:
    return math.degrees(math.atan2(vector[0], vector[1]))


SOLE_M = 0.04


def side_chain(pose: BodyPose, side: str, seg: Segments) -> dict[str, np.ndarray]:
    """2D sagittal positions of one side's joints."""
    leg = pose.leg(side)
    hip = np.array(pose.hip_xy, float)
    shoulder = hip + seg.trunk * direction(pose.trunk_deg)
    thigh_deg = pose.trunk_deg + 180.0 - leg.hip_flexion_deg
    knee = hip + seg.thigh * direction(thigh_deg)
    shin_deg = thigh_deg + leg.knee_flexion_deg
    ankle = knee + seg.shin * direction(shin_deg)
    foot_deg = shin_deg - 90.0 + leg.ankle_deg
    upper_arm_deg = pose.trunk_deg + 180.0 - pose.shoulder_flexion_deg
    elbow = shoulder + seg.upper_arm * direction(upper_arm_deg)
    wrist = elbow + seg.forearm * direction(upper_arm_deg - pose.elbow_flexion_deg)
    front = direction(pose.trunk_deg + 90.0)
    return {
        "SHOULDER": shoulder, "HIP": hip, "KNEE": knee, "ANKLE": ankle,
        # The sole runs 4 cm below the ankle: heel and toes on one line (flat on a floor).
        "HEEL": ankle - seg.heel * direction(foot_deg) + SOLE_M * direction(shin_deg),
        "FOOT_INDEX": ankle + seg.foot * direction(foot_deg) + SOLE_M * direction(shin_deg),
        "ELBOW": elbow, "WRIST": wrist,
        "PINKY": wrist + 0.08 * direction(upper_arm_deg - pose.elbow_flexion_deg),
        "INDEX": wrist + 0.09 * direction(upper_arm_deg - pose.elbow_flexion_deg) + 0.01 * front,
        "THUMB": wrist + 0.05 * direction(upper_arm_deg - pose.elbow_flexion_deg) + 0.02 * front,
    }


_HEAD: dict[Joint, tuple[float, float, float]] = {
    # (along the neck, forwards, to the right) from the mid-shoulder, metres
    Joint.NOSE: (0.20, 0.11, 0.0),
    Joint.LEFT_EYE_INNER: (0.24, 0.09, -0.015), Joint.LEFT_EYE: (0.24, 0.085, -0.03),
    Joint.LEFT_EYE_OUTER: (0.24, 0.075, -0.045), Joint.RIGHT_EYE_INNER: (0.24, 0.09, 0.015),
    Joint.RIGHT_EYE: (0.24, 0.085, 0.03), Joint.RIGHT_EYE_OUTER: (0.24, 0.075, 0.045),
    Joint.LEFT_EAR: (0.22, -0.01, -0.075), Joint.RIGHT_EAR: (0.22, -0.01, 0.075),
    Joint.MOUTH_LEFT: (0.16, 0.09, -0.025), Joint.MOUTH_RIGHT: (0.16, 0.09, 0.025),
}


_ARM = ("SHOULDER", "ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")
_FOOT = ("ANKLE", "HEEL", "FOOT_INDEX")


def _across(pose: BodyPose, name: str, sign: float, seg: Segments) -> tuple[float, float]:
    """(height, sideways) offsets of one side's joint for the out-of-plane movements."""
    if name == "HIP":
        return sign * seg.hip_width / 2 * math.sin(math.radians(pose.pelvis_roll_deg)), 0.0
    if name == "KNEE":
        return 0.0, sign * pose.knee_spread_m + pose.feet_shift_m / 2
    return 0.0, pose.feet_shift_m if name in _FOOT else 0.0


def world_points(pose: BodyPose, seg: Segments = Segments()) -> np.ndarray:
    """(33, 3) joint positions in metres: X forwards, Y up, Z to the body's right."""
    points = np.zeros((NUM_JOINTS, 3))
    for side, sign in (("left", -1.0), ("right", 1.0)):
        chain = side_chain(pose, side, seg)
        for name, xy in chain.items():
            half = seg.shoulder_width / 2 if name in _ARM else seg.hip_width / 2
            up, sideways = _across(pose, name, sign, seg)
            points[Joint[f"{side.upper()}_{name}"]] = (xy[0], xy[1] + up, sign * half + sideways)
    neck_base = (points[Joint.LEFT_SHOULDER, :2] + points[Joint.RIGHT_SHOULDER, :2]) / 2
    up, front = direction(pose.trunk_deg), direction(pose.trunk_deg + 90.0)
    for joint, (along, forwards, right) in _HEAD.items():
        points[joint] = (*(neck_base + along * up + forwards * front), right)
    return points


@dataclass(frozen=True)
class Camera:
    """A pinhole camera aimed at `target`, `distance_m` away on the body's `side`.

    `yaw_deg` turns it round the vertical axis (0: a true side view, 90: facing the body's
    front, negative: towards its back); `pitch_deg` raises it to look down at the target by
    that much (None: at `height_m`); `mirror` flips the picture as a selfie camera does.
    """

    side: str = "left"
    distance_m: float = 3.0
    yaw_deg: float = 0.0
    height_m: float = 0.5
    target: tuple[float, float] = (0.0, 0.5)
    focal_px: float = 700.0
    size_px: tuple[int, int] = (640, 480)
    mirror: bool = False
    pitch_deg: float | None = None

    def basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The camera's position and its look, right and up directions, in the world."""
        side_sign = -1.0 if self.side == "left" else 1.0
        yaw = math.radians(self.yaw_deg)
        across, height = self.distance_m, self.height_m
        if self.pitch_deg is not None:
            pitch = math.radians(self.pitch_deg)
            across = self.distance_m * math.cos(pitch)
            height = self.target[1] + self.distance_m * math.sin(pitch)
        # Camera position: on the chosen side, turned by yaw towards the body's front.
        offset = np.array([math.sin(yaw), 0.0, side_sign * math.cos(yaw)]) * across
        eye = np.array([self.target[0], height, 0.0]) + offset
        look = np.array([self.target[0], self.target[1], 0.0]) - eye
        look /= np.linalg.norm(look)
        right = np.cross(look, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        return eye, look, right, np.cross(right, look)

    def project(self, world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Image (x_px, y_px) and depth (metres) of world points."""
        eye, look, right, cam_up = self.basis()
        rel = world - eye
        depth = rel @ look
        x = self.focal_px * (rel @ right) / depth
        y = self.focal_px * (rel @ cam_up) / depth
        width, height = self.size_px
        image_x = width / 2 + (-x if self.mirror else x)
        image_y = height / 2 - y
        return np.stack([image_x, image_y], axis=1), depth


def to_landmarks(pose: BodyPose, camera: Camera, seg: Segments = Segments()) -> Landmarks:
    """What an ideal pose detector would report for this body seen by this camera."""
    world = world_points(pose, seg)
    image_xy, depth = camera.project(world)
    # MediaPipe's z: depth relative to the hips, in the same scale as x.
    hip_depth = depth[[Joint.LEFT_HIP, Joint.RIGHT_HIP]].mean()
    image = np.column_stack([image_xy, (depth - hip_depth) * camera.focal_px / hip_depth])
    # The far side is partly hidden in a side view: MediaPipe reports it less visible.
    near_depth, far_depth = np.percentile(depth, 10), np.percentile(depth, 90)
    spread = max(far_depth - near_depth, 1e-6)
    visibility = np.clip(0.99 - 0.35 * (depth - near_depth) / spread, 0.55, 0.99)
    if abs(camera.yaw_deg) > 60:
        visibility = np.full(NUM_JOINTS, 0.95)
    hips = (world[Joint.LEFT_HIP] + world[Joint.RIGHT_HIP]) / 2
    # MediaPipe's world landmarks: metres from the hips, in the camera's axes (x right,
    # y down, z away from the camera).
    _, look, right, up = camera.basis()
    axes = np.stack([-right if camera.mirror else right, -up, look])
    return Landmarks(image, visibility, (world - hips) @ axes.T)


SAGITTAL_PX_PER_M = 1000.0


def sagittal_landmarks(pose: BodyPose, seg: Segments = Segments()) -> Landmarks:
    """The body drawn flat on its own sagittal plane, seen from its left (front to the right
    of the picture, up at the top), in millimetres: what every signal measures anatomically,
    whatever camera filmed it. Depth is the body's left-right axis."""
    world = world_points(pose, seg)
    hips = (world[Joint.LEFT_HIP] + world[Joint.RIGHT_HIP]) / 2
    image = np.column_stack([world[:, 0], -world[:, 1], world[:, 2]]) * SAGITTAL_PX_PER_M
    return Landmarks(image, np.ones(NUM_JOINTS), world - hips)
