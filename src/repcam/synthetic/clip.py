"""A synthetic patient's session as landmarks: the body, a camera, noise, and the truth."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from repcam.core.landmarks import Landmarks, PoseFrame
from repcam.synthetic import motions
from repcam.synthetic.body import (
    BodyPose,
    Camera,
    Leg,
    sagittal_landmarks,
    to_landmarks,
    world_points,
)
from repcam.synthetic.motions import RepPlan, Timeline, TruthRep, build_timeline


@dataclass(frozen=True)
class Disturbance:
    noise_px: float = 0.0  # landmark jitter, standard deviation
    dropout_rate: float = 0.0  # frames where nobody is detected
    dropout_block_s: tuple[float, float] | None = None  # a stretch with nobody detected
    intruder: bool = False  # someone walks across the back of the room


@dataclass(frozen=True)
class SyntheticClip:
    exercise: str
    frames: tuple[PoseFrame, ...]
    poses: tuple[BodyPose, ...]
    timeline: Timeline
    camera: Camera
    _anatomical: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @property
    def truth(self) -> tuple[TruthRep, ...]:
        return self.timeline.reps

    def anatomical(self, name: str) -> np.ndarray:
        """A named per-side signal (e.g. "knee_flexion_left") of the body itself, frame by
        frame: measured on its own sagittal plane, so the same whatever the camera."""
        if name not in self._anatomical:
            from repcam.core.filters import NoFilter
            from repcam.core.kinematics import Kinematics

            kinematics = Kinematics(NoFilter)
            self._anatomical[name] = np.array([
                kinematics.update(sagittal_landmarks(pose), frame.timestamp_ms,
                                  (0, 0)).signals[name]
                for pose, frame in zip(self.poses, self.frames, strict=True)])
        return self._anatomical[name]


FOCAL_PER_WIDTH = 0.8  # a phone's or a webcam's field of view (about 65 degrees across)


def fit_camera(poses: list[BodyPose], camera: Camera) -> Camera:
    """Aim at the middle of the movement and stand the camera as far back as a person would
    to fit the whole body in the picture (a real camera's field of view, not a zoom): as
    the body is seen from there, near parts larger when it is turned, none cut off."""
    points = np.concatenate([world_points(p) for p in poses[:: max(len(poses) // 40, 1)]])
    low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    centre = (low + high) / 2
    aimed = replace(camera, height_m=float(centre[1]), target=(float(centre[0]),
                    float(centre[1])), focal_px=FOCAL_PER_WIDTH * camera.size_px[0])
    near, far = 0.3, 30.0  # metres: the nearest distance that fits, by bisection
    for _ in range(30):
        middle = (near + far) / 2
        near, far = (near, middle) if _fits(points, replace(aimed, distance_m=middle)) \
            else (middle, far)
    return replace(aimed, distance_m=far)


def _fits(points: np.ndarray, camera: Camera, margin: float = 0.42) -> bool:
    """Every point in front of the camera and within `margin` of the picture's centre."""
    projected, depth = camera.project(points)
    width, height = camera.size_px
    return bool((depth > 0.2).all()
                and (np.abs(projected[:, 0] - width / 2) <= margin * width).all()
                and (np.abs(projected[:, 1] - height / 2) <= margin * height).all())


def _walker(t_s: float, duration_s: float) -> BodyPose:
    swing = 25.0 * np.sin(t_s * 4.0)
    x = -2.5 + 5.0 * t_s / duration_s
    return BodyPose((x, 0.93), 0.0, Leg(swing, 10.0), Leg(-swing, 10.0))


def synthesize(exercise: str, reps: list[RepPlan], *, camera: Camera | None = None,
               fps: float = 30.0, disturbance: Disturbance | None = None,
               seed: int = 0) -> SyntheticClip:
    motion = motions.motion(exercise)
    timeline = build_timeline(motion, reps, fps)
    body = [motion.pose(p, plan) for p, plan in zip(timeline.progress, timeline.plans,
                                                     strict=True)]
    camera = fit_camera(body, camera or Camera())
    disturbance = disturbance or Disturbance()
    rng = np.random.default_rng(seed)
    duration_s = timeline.times_ms[-1] / 1000
    frames = []
    for t_ms, pose in zip(timeline.times_ms, body, strict=True):
        people = [_noisy(to_landmarks(pose, camera), disturbance.noise_px, rng)]
        if disturbance.intruder:
            far = replace(camera, distance_m=camera.distance_m + 2.5)
            people.append(_noisy(to_landmarks(_walker(t_ms / 1000, duration_s), far),
                                 disturbance.noise_px, rng))
            rng.shuffle(people)  # the detector's order means nothing
        if _dropped(t_ms, disturbance, rng):
            people = []
        frames.append(PoseFrame(t_ms, tuple(people), *camera.size_px))
    return SyntheticClip(exercise, tuple(frames), tuple(body), timeline, camera)


def _noisy(person: Landmarks, noise_px: float, rng: np.random.Generator) -> Landmarks:
    if noise_px <= 0:
        return person
    jitter = rng.normal(0.0, noise_px, person.image_px.shape)
    jitter[:, 2] = 0.0
    return Landmarks(person.image_px + jitter, person.visibility, person.world_m)


def _dropped(t_ms: float, disturbance: Disturbance, rng: np.random.Generator) -> bool:
    block = disturbance.dropout_block_s
    if block and block[0] * 1000 <= t_ms < block[1] * 1000:
        return True
    return bool(disturbance.dropout_rate and rng.random() < disturbance.dropout_rate)
