"""Where the camera stands, and the body's own angles from wherever it stands.

Every exercise of the programme moves in the body's sagittal plane, and each side's joints
(shoulder, hip, knee, ankle, foot) lie on a plane parallel to it. Seen by a camera turned
away from side-on (yaw) or looking down (pitch), that plane is foreshortened and sheared, so
angles measured in the picture are not the body's. Knowing the plane's orientation, each
joint's viewing ray is cut with its side's plane, which gives the joint on the plane itself
(a pinhole camera, scale unknown and irrelevant); angles measured there are anatomical.

The orientation is estimated once per set from the set itself:
- segment lengths are constant: on the right plane, thigh, shin, trunk and foot keep their
  lengths however they turn (Taylor, CVIU 2000, for one picture; here over many frames);
- thigh and shin are about equally long; a foot that stays planted lies level;
- MediaPipe's world landmarks give the yaw roughly, and reliably which way it is turned.
The focal length is assumed (a phone or webcam: about 0.8 of the picture's long side); an
error of 30% in it moves the angles by about 2 degrees (measured on the synthetic body).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from repcam.core.landmarks import Joint, Landmarks

FOCAL_PER_LONG_SIDE = 0.8
SIDES = ("LEFT", "RIGHT")
PLANE_JOINTS = ("SHOULDER", "ELBOW", "WRIST", "PINKY", "INDEX", "THUMB", "HIP", "KNEE", "ANKLE",
                "HEEL", "FOOT_INDEX")
# The face lies about on the body's mid-plane (between the two sides' planes).
MID_JOINTS = tuple(j for j in Joint if j < Joint.LEFT_SHOULDER)
SEGMENTS = (("HIP", "KNEE"), ("KNEE", "ANKLE"), ("HIP", "SHOULDER"), ("HEEL", "FOOT_INDEX"))
# Pixel noise spreads a short segment's log length more than a long one's, and the foot's
# landmarks are MediaPipe's least sure: the foot (about half a shin) counts a quarter.
# Counted fully, a curling foot's jitter outweighed the thigh and shin and turned the
# estimate the wrong way (rendered sweep: 55 of 190 cells pass, 48 before).
SEGMENT_WEIGHTS = {("HEEL", "FOOT_INDEX"): 0.25}
THIGH_PER_SHIN = 1.05  # hip-knee over knee-ankle joint centres (anthropometric tables: ~1)
MAX_YAW_DEG = 80.0
PITCH_RANGE_DEG = (-4.0, 36.0)  # level to looking down (a floor, a table, a shelf)
WORLD_PRIOR_DEG = 25.0  # how far MediaPipe's own yaw is trusted
PITCH_PRIOR_DEG, PITCH_PRIOR_SPREAD_DEG = 8.0, 15.0
PRIOR_WEIGHT = 0.003  # against the fit terms: (log length spread)^2 of a few percent
AGREEMENT_DEG = 20.0  # the fit and MediaPipe's 3D must agree this well to correct angles
MIN_FRAMES = 8
MAX_FRAMES = 90  # a set is subsampled to this many frames for the estimate
SIDE_ON_DEG = 20.0  # turned less than this: the picture's angles are the body's already
END_ON_DEG = 70.0  # turned more: the plane is seen edge-on; only a front view's measures


@dataclass(frozen=True)
class CameraView:
    """The camera relative to the body. `yaw_deg`: 0 side-on, up to 90 facing the body; its
    sign says which way the body's left-right axis turns in the picture (the geometry's);
    `from_front`: the camera sees the body's front (else its back). `pitch_deg`: looking
    down."""

    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    confidence: float = 0.0  # 0..1: how well the set pinned the estimate down
    focal_px: float = 0.0  # 0: the picture's own angles are used (side-on)
    from_front: bool = True
    trusted: bool = True  # the fit and MediaPipe's own 3D agree on the yaw (else: their mean)

    @property
    def turned(self) -> float:
        return abs(self.yaw_deg)

    @property
    def rectifies(self) -> bool:
        return (self.focal_px > 0 and SIDE_ON_DEG <= self.turned < END_ON_DEG) or (
            self.focal_px > 0 and abs(self.pitch_deg) >= 10.0 and self.turned < END_ON_DEG)

    @property
    def roughly_corrected(self) -> bool:
        """The angles are corrected by an estimate that is only rough (see `trusted`)."""
        return self.rectifies and not self.trusted

    def describe(self) -> str:
        """In a person's words: 'filmed about 40 degrees from side-on, from the front'."""
        uncertain = "" if self.trusted else " (roughly: the estimate is uncertain)"
        if self.turned < 15 and abs(self.pitch_deg) < 10:
            return "filmed side-on" + uncertain
        parts = []
        if self.turned >= 15:
            towards = "the front" if self.from_front else "behind"
            parts.append(f"about {_round5(self.turned)} degrees from side-on, from {towards}")
        else:
            parts.append("side-on")
        if abs(self.pitch_deg) >= 10:
            parts.append(f"looking down about {_round5(self.pitch_deg)} degrees")
        return "filmed " + ", ".join(parts) + uncertain

    def turn_to_accept(self, max_yaw_deg: float, *, front_on: bool = False) -> int:
        """About how many degrees the camera must move round towards the body's side for an
        exercise measured up to `max_yaw_deg` (0: no need). `front_on`: the picture shows
        the body front-on (by its shape), whatever the estimate says."""
        turned = 90.0 if front_on and self.turned < END_ON_DEG else self.turned
        if turned <= max_yaw_deg:
            return 0
        return max(10, int(5 * round((turned - max_yaw_deg + 10.0) / 5)))

    @property
    def angles_measured(self) -> str:
        return "measured on the body's own plane" if self.rectifies else \
            "measured in the picture"

    def sentence(self) -> str:
        """The view and how the angles were measured, for a table's footer or a report."""
        return f"{self.describe()}; angles {self.angles_measured}"

    def on_plane(self, person: Landmarks, size_px: tuple[int, int]) -> Landmarks:
        """The person with each side's joints moved onto its sagittal plane, drawn flat (in
        pixels at the hips' scale, y down): what the signals measure."""
        return self.on_planes_of([person], size_px)[0]

    def on_planes_of(self, people: Sequence[Landmarks],
                     size_px: tuple[int, int]) -> list[Landmarks]:
        """`on_plane` of many frames' people at once (a track's, in one pass of arrays)."""
        if not self.rectifies or not people:
            return list(people)
        image = np.stack([person.image_px for person in people])
        flat = on_planes(image[..., :2], size_px, self.focal_px,
                         math.radians(self.yaw_deg), math.radians(self.pitch_deg))
        image[..., :2] = np.where(np.isfinite(flat), flat, image[..., :2])
        return [Landmarks(body, person.visibility, person.world_m)
                for body, person in zip(image, people, strict=True)]


SIDE_ON = CameraView()


def _round5(value: float) -> int:
    return int(5 * round(abs(value) / 5))


def focal_for(size_px: tuple[int, int]) -> float:
    return FOCAL_PER_LONG_SIDE * max(size_px)


def _axes(yaw: np.ndarray, pitch: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """World up, the body's left-right axis and its forward axis in camera coordinates (x
    right, y down, z forward), for a camera with no roll; arrays of angles broadcast."""
    yaw, pitch = np.broadcast_arrays(np.asarray(yaw, float), np.asarray(pitch, float))
    zero = np.zeros_like(yaw)
    up = np.stack([zero, -np.cos(pitch), -np.sin(pitch)], -1)
    level_forward = np.stack([zero, -np.sin(pitch), np.cos(pitch)], -1)
    right = np.stack([np.ones_like(yaw), zero, zero], -1)
    across = np.cos(yaw)[..., None] * level_forward + np.sin(yaw)[..., None] * right
    return up, across, np.cross(up, across)


def _rays(xy: np.ndarray, size_px: tuple[int, int], focal_px: float) -> np.ndarray:
    width, height = size_px
    return np.stack([(xy[..., 0] - width / 2) / focal_px, (xy[..., 1] - height / 2) / focal_px,
                     np.ones(xy.shape[:-1])], -1)


_PLANES = {**{side: np.array([Joint[f"{side}_{name}"] for name in PLANE_JOINTS])
              for side in SIDES}, "MID": np.array(MID_JOINTS)}


def _points_on_planes(rays: np.ndarray, across: np.ndarray,
                      groups: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """(..., frames, 33, 3): each side's joints where their rays meet the plane through that
    side's hip with normal `across` (..., 3), the face on the plane half way between; the
    hips at depth 1. `groups`: which joints, by plane (default: all of them)."""
    groups = groups or _PLANES
    out = np.full((*across.shape[:-1], *rays.shape), np.nan)
    normal = across[..., None, None, :]
    offset = {side: (rays[:, Joint[f"{side}_HIP"]][:, None, :] * normal).sum(-1)
              for side in SIDES}
    offset["MID"] = (offset["LEFT"] + offset["RIGHT"]) / 2
    for plane, joints in groups.items():
        on = rays[:, joints]  # (frames, k, 3)
        out[..., joints, :] = (offset[plane] / (on * normal).sum(-1))[..., None] * on
    return _trunk_from_mid_plane(out, rays, across, offset["MID"][..., 0])


def _trunk_from_mid_plane(points: np.ndarray, rays: np.ndarray, across: np.ndarray,
                          mid_offset: np.ndarray) -> np.ndarray:
    """Shoulders sit several centimetres outside the hips' planes (the shoulders are wider),
    so cut with a hip's plane they slide along their rays: about 7 degrees of false trunk
    lean at 60 degrees of yaw, opposite on the two sides. The mid-shoulder and the mid-hip
    both lie on the body's mid-plane: each shoulder is put at its hip plus that trunk."""
    left, right = Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER
    mid_ray = (rays[:, left] + rays[:, right]) / 2  # (frames, 3)
    depth = mid_offset / (mid_ray * across[..., None, :]).sum(-1)  # (..., frames)
    mid_shoulder = depth[..., None] * mid_ray
    mid_hip = (points[..., Joint.LEFT_HIP, :] + points[..., Joint.RIGHT_HIP, :]) / 2
    trunk = mid_shoulder - mid_hip
    for shoulder, hip in ((left, Joint.LEFT_HIP), (right, Joint.RIGHT_HIP)):
        placed = points[..., hip, :] + trunk
        points[..., shoulder, :] = np.where(np.isfinite(placed), placed,
                                            points[..., shoulder, :])
    return points


def on_planes(xy: np.ndarray, size_px: tuple[int, int], focal_px: float, yaw: float,
              pitch: float) -> np.ndarray:
    """(frames, 33, 2) image points -> the same joints drawn flat on the sagittal plane, in
    pixels at the hips' scale, y down (joints off the planes, the head, stay NaN)."""
    up, across, forward = _axes(np.array(yaw), np.array(pitch))
    points = _points_on_planes(_rays(xy, size_px, focal_px), across)
    # The body's forward points the way it does in the picture: the flat drawing keeps the
    # picture's handedness (a mirrored one would flip every signed angle's sense).
    facing = 1.0 if forward[0] >= 0 else -1.0
    flat = np.stack([facing * (points @ forward), -(points @ up)], -1) * focal_px
    hips = (flat[:, Joint.LEFT_HIP] + flat[:, Joint.RIGHT_HIP]) / 2
    picture_hips = (xy[:, Joint.LEFT_HIP] + xy[:, Joint.RIGHT_HIP]) / 2
    return flat - hips[:, None] + picture_hips[:, None]  # where the person is in the picture


Segment = tuple[str, str]  # ("HEEL", "FOOT_INDEX"): a segment of each side, by joint names


def estimate_view(people: Sequence[Landmarks | None], size_px: tuple[int, int], *,
                  level: Segment | None = None) -> CameraView:
    """The camera's yaw and pitch relative to the body over a set (see the module's notes).
    `level`: a segment that rests level on the floor in this exercise (a planted foot, shins
    kneeling, the trunk lying face down): on the right plane it lies level, which pins down
    how far the camera looks down."""
    seen = [p for p in people if p is not None]
    if len(seen) < MIN_FRAMES:
        return SIDE_ON
    step = max(1, len(seen) // MAX_FRAMES)
    sample = seen[::step]
    xy = np.array([p.image_px[:, :2] for p in sample])
    focal = focal_for(size_px)
    world_yaw = _world_yaw(sample)
    resting = _resting(xy, level) if level else None
    rays, moving = _fit_rays(xy, size_px, focal), _moving(xy)
    yaws, pitches, costs = _search(rays, moving, world_yaw, resting)
    best = int(np.argmin(costs))
    yaw, pitch = float(np.degrees(yaws[best])), float(np.degrees(pitches[best]))
    if world_yaw is not None and abs(yaw - math.degrees(world_yaw)) > AGREEMENT_DEG:
        # The fit and MediaPipe's own 3D disagree: the landmarks do not sit on planes (a
        # limb hidden, guessed) and the 3D has a depth bias of its own. Each is off its own
        # way: on the rendered sweep's 36 such sets the fit was 19 degrees off (median), the
        # 3D 13, their mean 7 (within 10 in 22, against 8 and 10), so the mean is taken.
        yaw = (yaw + math.degrees(world_yaw)) / 2
        pitch = _best_pitch(rays, math.radians(yaw), moving, world_yaw, resting)
        return CameraView(yaw, pitch, 0.0, focal, _faces_camera(sample), trusted=False)
    return CameraView(yaw, pitch, _confidence(costs, best), focal, _faces_camera(sample))


def _fit_rays(xy: np.ndarray, size_px: tuple[int, int], focal: float) -> np.ndarray:
    """The fitted joints' viewing rays (the other joints NaN)."""
    rays = np.full((*xy.shape[:-1], 3), np.nan)
    rays[:, _FIT_JOINTS] = _rays(xy[:, _FIT_JOINTS], size_px, focal)
    return rays


def _pitch_grid(moving: bool, step_deg: float) -> np.ndarray:
    """How far the camera looks down shows in how limbs foreshorten as they turn: a still
    body (getting into position) shows none, and is taken as filmed level."""
    return np.radians(np.arange(*PITCH_RANGE_DEG, step_deg)) if moving else np.zeros(1)


def _search(rays: np.ndarray, moving: bool, world_yaw: float | None,
            resting: tuple[Segment, str, np.ndarray] | None,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A coarse grid, then a fine one round the best: (yaws, pitches, costs) of the fine."""
    def costs_at(yaws: np.ndarray, pitches: np.ndarray) -> np.ndarray:
        return _cost(rays, yaws, pitches, resting, world_yaw)

    low = math.radians(-MAX_YAW_DEG)
    high = -low
    if world_yaw is not None and abs(world_yaw) > math.radians(12.0):  # which way: trusted
        low, high = (0.0, high) if world_yaw > 0 else (low, 0.0)
    pitches = _pitch_grid(moving, 4.0)
    yaw_grid, pitch_grid = np.meshgrid(np.arange(low, high + 1e-9, math.radians(5.0)), pitches)
    coarse = costs_at(yaw_grid.ravel(), pitch_grid.ravel())
    first = int(np.argmin(coarse))
    fine_yaw, fine_pitch = np.meshgrid(
        yaw_grid.ravel()[first] + np.radians(np.arange(-4.0, 4.01, 1.0)),
        np.maximum(pitch_grid.ravel()[first] + np.radians(np.arange(-3.0, 3.01, 1.0)),
                   math.radians(PITCH_RANGE_DEG[0])) if len(pitches) > 1 else np.zeros(1))
    fine = costs_at(fine_yaw.ravel(), fine_pitch.ravel())
    return fine_yaw.ravel(), fine_pitch.ravel(), fine


def _best_pitch(rays: np.ndarray, yaw: float, moving: bool, world_yaw: float | None,
                resting: tuple[Segment, str, np.ndarray] | None) -> float:
    """The pitch that fits best at a given yaw (radians in, degrees out)."""
    pitches = _pitch_grid(moving, 1.0)
    costs = _cost(rays, np.full_like(pitches, yaw), pitches, resting, world_yaw)
    return float(np.degrees(pitches[int(np.argmin(costs))]))


_FIT = {side: np.array(sorted({Joint[f"{side}_{name}"] for segment in SEGMENTS
                               for name in segment})) for side in SIDES}
_FIT_JOINTS = np.concatenate(list(_FIT.values()))


def _cost(rays: np.ndarray, yaws: np.ndarray, pitches: np.ndarray,
          resting: tuple[Segment, str, np.ndarray] | None,
          world_yaw: float | None) -> np.ndarray:
    up, across, _ = _axes(yaws, pitches)
    points = _points_on_planes(rays, across, _FIT)  # (grid, frames, 33, 3): fitted joints
    total = np.zeros(len(yaws))
    for side in SIDES:
        lengths = {}
        for a, b in SEGMENTS:
            vector = points[:, :, Joint[f"{side}_{b}"]] - points[:, :, Joint[f"{side}_{a}"]]
            lengths[a, b] = np.linalg.norm(vector, axis=-1)
            total += SEGMENT_WEIGHTS.get((a, b), 1.0) * _robust_variance(np.log(lengths[a, b]))
        ratio = np.log(lengths["HIP", "KNEE"] / lengths["KNEE", "ANKLE"])
        total += (np.nanmedian(ratio, axis=1) - math.log(THIGH_PER_SHIN)) ** 2
    if resting is not None:
        (start, end), side, frames = resting
        vector = (points[:, frames, Joint[f"{side}_{end}"]]
                  - points[:, frames, Joint[f"{side}_{start}"]])
        rise = (vector * up[:, None, :]).sum(-1) / np.linalg.norm(vector, axis=-1)
        total += np.nanmedian(rise, axis=1) ** 2
    if world_yaw is not None:
        total += PRIOR_WEIGHT * ((yaws - world_yaw) / math.radians(WORLD_PRIOR_DEG)) ** 2
    # Cameras stand level or look down a little (a table, a shelf): a weak pull there.
    total += PRIOR_WEIGHT * ((pitches - math.radians(PITCH_PRIOR_DEG))
                             / math.radians(PITCH_PRIOR_SPREAD_DEG)) ** 2
    return np.where(np.isfinite(total), total, np.inf)


def _moving(xy: np.ndarray, turning_deg: float = 15.0) -> bool:
    """Some fitted segment turns by `turning_deg` or more over the frames."""
    for side in SIDES:
        for start, end in SEGMENTS:
            vector = xy[:, Joint[f"{side}_{end}"]] - xy[:, Joint[f"{side}_{start}"]]
            heading = np.degrees(np.arctan2(vector[:, 1], vector[:, 0]))
            heading = heading[np.isfinite(heading)]
            if len(heading) and np.ptp(np.unwrap(heading, period=360.0)) >= turning_deg:
                return True
    return False


def _robust_variance(values: np.ndarray) -> np.ndarray:
    """Per row, the squared MAD of the finite values (landmark glitches do not count)."""
    median = np.nanmedian(values, axis=1, keepdims=True)
    return (1.4826 * np.nanmedian(np.abs(values - median), axis=1)) ** 2


def _resting(xy: np.ndarray, level: Segment) -> tuple[Segment, str, np.ndarray] | None:
    """The side whose `level` segment stays put over the set (its direction in the picture
    steady): it rests on the floor, so on the right plane it lies level."""
    start, end = level
    best = None
    for side in SIDES:
        vector = xy[:, Joint[f"{side}_{end}"]] - xy[:, Joint[f"{side}_{start}"]]
        seen = np.isfinite(vector).all(-1) & (np.linalg.norm(vector, axis=-1) > 2.0)
        if seen.sum() < MIN_FRAMES:
            continue
        heading = np.degrees(np.arctan2(vector[seen, 1], vector[seen, 0]))
        spread = float(np.median(np.abs(heading - np.median(heading))))
        if spread < 6.0 and (best is None or spread < best[0]):
            best = (spread, side, seen)
    return None if best is None else (level, best[1], best[2])


def _world_yaw(sample: Sequence[Landmarks]) -> float | None:
    """MediaPipe's world landmarks (camera-aligned): the hips' and shoulders' left-right axis
    gives the yaw, roughly (radians; None where they are missing)."""
    angles = []
    for person in sample:
        world = person.world_m
        for left, right in ((Joint.LEFT_HIP, Joint.RIGHT_HIP),
                            (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER)):
            across = world[right] - world[left]
            if np.all(np.isfinite(across)):
                across = across if across[2] >= 0 else -across  # a plane has no sign
                angles.append(math.atan2(across[0], across[2]))
    return float(np.median(angles)) if angles else None


def _faces_camera(sample: Sequence[Landmarks]) -> bool:
    """The nose nearer the camera than the ears (MediaPipe's relative depth; both at the
    head's height, so a camera looking down does not tip it): the camera sees the front."""
    ahead = [p.image_px[Joint.NOSE, 2] - (p.image_px[Joint.LEFT_EAR, 2]
                                         + p.image_px[Joint.RIGHT_EAR, 2]) / 2
             for p in sample]
    ahead = [a for a in ahead if np.isfinite(a)]
    return not ahead or float(np.median(ahead)) < 0


def _confidence(costs: np.ndarray, best: int) -> float:
    """How sharply the estimate stands out from its neighbourhood (0 flat, 1 sharp)."""
    finite = costs[np.isfinite(costs)]
    if len(finite) < 2:
        return 0.0
    spread = float(np.median(finite) - costs[best])
    return float(min(1.0, spread / max(float(costs[best]), 1e-6)))


@dataclass
class ViewTracker:
    """The camera view followed live: frames are kept (thinned) and the view re-estimated
    now and then, so it is known before the first rep and refined as reps show more. Once
    two estimates agree the next waits twice as long (a camera rarely moves mid-set; an
    estimate costs tens of milliseconds)."""

    size_px: tuple[int, int]
    level: Segment | None = None
    every_ms: float = 2000.0
    at_most_every_ms: float = 16000.0
    first_every_ms: float = field(init=False)
    keep: int = MAX_FRAMES
    thin: int = 3  # keep one frame in this many
    view: CameraView = SIDE_ON
    _people: list[Landmarks] = field(default_factory=list)
    _seen: int = 0
    _next_ms: float = -math.inf

    def __post_init__(self) -> None:
        self.first_every_ms = self.every_ms

    def add(self, person: Landmarks | None, timestamp_ms: float) -> None:
        if person is None:
            return
        self._seen += 1
        if self._seen % self.thin == 0:
            self._people.append(person)
            del self._people[:-self.keep]
        if timestamp_ms < self._next_ms or len(self._people) < MIN_FRAMES:
            return
        before = self.view
        self.view = estimate_view(self._people, self.size_px, level=self.level)
        steady = abs(self.view.yaw_deg - before.yaw_deg) < 3.0 and \
            self.view.rectifies == before.rectifies
        self.every_ms = min(self.every_ms * 2, self.at_most_every_ms) if steady else \
            self.first_every_ms
        self._next_ms = timestamp_ms + self.every_ms
