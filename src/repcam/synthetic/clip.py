"""A synthetic patient's session as landmarks: the body, a camera, noise, and the truth."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from repcam.landmarks import Landmarks, PoseFrame
from repcam.synthetic.body import BodyPose, Camera, Leg, to_landmarks, world_points
from repcam.synthetic.motions import MOTIONS, RepPlan, Timeline, TruthRep, build_timeline


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

    @property
    def truth(self) -> tuple[TruthRep, ...]:
        return self.timeline.reps


def fit_camera(poses: list[BodyPose], camera: Camera) -> Camera:
    """Aim at the middle of the movement and zoom so the body fills most of the frame, as
    wide and tall as it is across this camera's view (a body seen from its feet is narrow)."""
    points = np.concatenate([world_points(p) for p in poses[:: max(len(poses) // 40, 1)]])
    low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    centre = (low + high) / 2
    aimed = replace(camera, height_m=float(centre[1]),
                    target=(float(centre[0]), float(centre[1])))
    _, _, right, up = aimed.basis()
    width, height = camera.size_px
    extent = max(float(np.ptp(points @ right)), float(np.ptp(points @ up)) * width / height)
    return replace(aimed, focal_px=0.8 * width * camera.distance_m / max(extent, 0.5))


def _walker(t_s: float, duration_s: float) -> BodyPose:
    swing = 25.0 * np.sin(t_s * 4.0)
    x = -2.5 + 5.0 * t_s / duration_s
    return BodyPose((x, 0.93), 0.0, Leg(swing, 10.0), Leg(-swing, 10.0))


def synthesize(exercise: str, reps: list[RepPlan], *, camera: Camera | None = None,
               fps: float = 30.0, disturbance: Disturbance | None = None,
               seed: int = 0) -> SyntheticClip:
    motion = MOTIONS[exercise]
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
            far = Camera(camera.side, camera.distance_m + 2.5, camera.yaw_deg, camera.height_m,
                         camera.target, camera.focal_px, camera.size_px, camera.mirror)
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
