"""Pure numpy kinematics: landmarks -> named, smoothed body signals (a frame or a track).

Signals are a table of per-side definitions. Most are angles of the side view; a few are
distances for the front view (a person lying end-on to the camera), measured in percent of
the hip width so they do not depend on how far away the camera is. In a side view a
body seen from its left is the mirror image of one seen from its right, so every signed
angle uses the body's "anterior sense" (`chirality`): which rotation of a segment's
proximal->distal direction points to the body's front. It is estimated from the nose (in
front of the trunk) and the toes (in front of the shin) and then held steady.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from repcam.core.camera_view import SIDE_ON, CameraView
from repcam.core.facing import LyingFacing, faces_up, legs_face_up
from repcam.core.filters import OneEuroFilter, SignalFilter
from repcam.core.landmarks import Joint, Landmarks
from repcam.core.sides import SIDES, Side
from repcam.core.tracking import (
    head_to_the_left,
    keep_legs_consistent,
    lying_near_side,
    mirrored,
)

VISIBLE = 0.5  # MediaPipe visibility above which a joint counts as seen


class View(str, Enum):
    SIDE = "side"
    FRONT = "front"
    OBLIQUE = "oblique"
    UNKNOWN = "unknown"


class Posture(str, Enum):
    STANDING = "standing"
    SITTING = "sitting"
    KNEELING = "kneeling"
    LYING_SUPINE = "lying on the back"
    LYING_PRONE = "lying face down"
    UNKNOWN = "unknown"


LYING = frozenset({Posture.LYING_SUPINE, Posture.LYING_PRONE})
LYING_TRUNK_DEG = 55.0  # the trunk's lean from vertical beyond which the body lies


def joint_of(side: Side, name: str) -> Joint:
    """`name` on `side`; "OTHER_HIP" is the hip of the other side."""
    if name.startswith("OTHER_"):
        return Joint[f"{Side(side).other.upper()}_{name.removeprefix('OTHER_')}"]
    return Joint[f"{side.upper()}_{name}"]


def angle_deg(a: np.ndarray, vertex: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unsigned angle a-vertex-c in degrees, 0..180; works on (..., 2) arrays."""
    u, v = a - vertex, c - vertex
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    return np.degrees(np.arctan2(np.abs(cross), dot))


def perp(v: np.ndarray) -> np.ndarray:
    return np.stack([-v[..., 1], v[..., 0]], axis=-1)


def from_direction_deg(segment: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Unsigned angle between a segment vector and a reference direction, 0..180."""
    cross = segment[..., 0] * reference[1] - segment[..., 1] * reference[0]
    return np.degrees(np.arctan2(np.abs(cross), segment @ reference))


UP = np.array([0.0, -1.0])  # image y grows downwards
DOWN = np.array([0.0, 1.0])
DEGREES = "deg"
HIP_WIDTHS = "% hip width"
UNIT_SYMBOLS = {DEGREES: "°", HIP_WIDTHS: " %hw"}  # after a number in a table


@dataclass(frozen=True)
class SideSignal:
    """A per-side measure: `compute(points, chirality)` gets {joint name: (..., 2) xy} for
    one side, the other side's joints named "OTHER_HIP" and so on, and the chirality as
    (..., 1) or a number: one frame or a whole track alike."""

    name: str
    joints: tuple[str, ...]
    compute: Callable[[dict[str, np.ndarray], Chirality], np.ndarray]
    vertex: str  # the joint where the value is drawn
    unit: str = DEGREES


Points = dict[str, np.ndarray]
Chirality = float | np.ndarray


def _knee_flexion(p: Points, c: Chirality) -> np.ndarray:
    return 180.0 - angle_deg(p["HIP"], p["KNEE"], p["ANKLE"])


def _hip_line(p: Points, c: Chirality) -> np.ndarray:
    """Shoulder-hip-knee angle, above 180 when the hip passes the line on the body's front."""
    theta = angle_deg(p["SHOULDER"], p["HIP"], p["KNEE"])
    anterior = c * perp(p["KNEE"] - p["SHOULDER"])
    in_front = ((p["HIP"] - p["SHOULDER"]) * anterior).sum(axis=-1) > 0
    return np.where(in_front, 360.0 - theta, theta)


def _trunk_lean(p: Points, c: Chirality) -> np.ndarray:
    return from_direction_deg(p["SHOULDER"] - p["HIP"], UP)


def _thigh_angle(p: Points, c: Chirality) -> np.ndarray:
    return from_direction_deg(p["KNEE"] - p["HIP"], DOWN)


def _shin_angle(p: Points, c: Chirality) -> np.ndarray:
    return from_direction_deg(p["ANKLE"] - p["KNEE"], DOWN)


def _line_lean(p: Points, c: Chirality) -> np.ndarray:
    """Lean of the knee-shoulder line from vertical (Nordic: 0 upright, 90 flat)."""
    return from_direction_deg(p["SHOULDER"] - p["KNEE"], UP)


def _trunk_rise(p: Points, c: Chirality) -> np.ndarray:
    """Elevation of the hip->shoulder segment above horizontal (lying: 0 flat, + chest up)."""
    return 90.0 - _trunk_lean(p, c)


def _height_above(upper: str, lower: str) -> Callable[[Points, Chirality], np.ndarray]:
    """How far `upper` is above `lower` in the image, in percent of the hip width.

    Seen end-on (camera at the feet of a person lying on their back), height off the floor
    shows as height in the picture; the hips are all at one depth, so dividing by their
    width cancels the camera's distance and zoom.
    """

    def compute(p: Points, c: Chirality) -> np.ndarray:
        hip_width = np.linalg.norm(p["HIP"] - p["OTHER_HIP"], axis=-1)
        hip_width = np.where(hip_width < 1e-6, np.nan, hip_width)
        return 100.0 * (p[lower][..., 1] - p[upper][..., 1]) / hip_width

    return compute


SIDE_SIGNALS: tuple[SideSignal, ...] = (
    SideSignal("knee_flexion", ("HIP", "KNEE", "ANKLE"), _knee_flexion, "KNEE"),
    SideSignal("hip_line", ("SHOULDER", "HIP", "KNEE"), _hip_line, "HIP"),
    SideSignal("trunk_lean", ("SHOULDER", "HIP"), _trunk_lean, "HIP"),
    SideSignal("trunk_rise", ("SHOULDER", "HIP"), _trunk_rise, "HIP"),
    SideSignal("thigh_angle", ("HIP", "KNEE"), _thigh_angle, "HIP"),
    SideSignal("shin_angle", ("KNEE", "ANKLE"), _shin_angle, "KNEE"),
    SideSignal("line_lean", ("SHOULDER", "KNEE"), _line_lean, "KNEE"),
    # Front view (end-on): the hips lifting off the floor (bridges), a foot lifting off the
    # floor (single-leg bridge), a knee rising as it bends over a gym ball (ball curls).
    SideSignal("hip_rise", ("HIP", "OTHER_HIP", "ANKLE"), _height_above("HIP", "ANKLE"),
               "HIP", HIP_WIDTHS),
    SideSignal("foot_rise", ("HIP", "OTHER_HIP", "ANKLE", "OTHER_ANKLE"),
               _height_above("ANKLE", "OTHER_ANKLE"), "ANKLE", HIP_WIDTHS),
    SideSignal("knee_rise", ("HIP", "OTHER_HIP", "KNEE", "ANKLE"),
               _height_above("KNEE", "ANKLE"), "KNEE", HIP_WIDTHS),
)
_SIGNAL_JOINTS = frozenset(n for measure in SIDE_SIGNALS for n in measure.joints)
_SIGNAL_JOINT_INDICES = {f"{measure.name}_{side}": [joint_of(side, n) for n in measure.joints]
                         for measure in SIDE_SIGNALS for side in SIDES}
SIGNAL_NAMES: tuple[str, ...] = (
    *(f"{a.name}_{s}" for a in SIDE_SIGNALS for s in SIDES),
    "pelvis_tilt",
    "knee_width_ratio",
    "feet_offset",
)


def estimate_chirality(person: Landmarks) -> float:
    """+1 or -1: the rotation sense of the body's front in the image (0 when unknown)."""
    return float(chirality_of(person.image_px[:, :2], person.visibility))


def chirality_of(xy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """`estimate_chirality` of (..., 33, 2) points and (..., 33) visibilities."""
    def vote(tip: np.ndarray, base: np.ndarray, along: np.ndarray) -> np.ndarray:
        value = ((tip - base) * perp(along)).sum(axis=-1)
        return np.where(np.isfinite(value), np.sign(value), 0.0)

    shoulder = (xy[..., Joint.LEFT_SHOULDER, :] + xy[..., Joint.RIGHT_SHOULDER, :]) / 2
    hip = (xy[..., Joint.LEFT_HIP, :] + xy[..., Joint.RIGHT_HIP, :]) / 2
    nose_seen = vis[..., Joint.NOSE] > VISIBLE
    # The face is the clearest front, the toes (in front of each shin) the next.
    votes = 2.0 * nose_seen * vote(xy[..., Joint.NOSE, :], shoulder, hip - shoulder)
    for side in SIDES:
        at = {n: xy[..., joint_of(side, n), :] for n in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")}
        votes = votes + vote(at["FOOT_INDEX"], at["HEEL"], at["ANKLE"] - at["KNEE"]) \
            * vis[..., joint_of(side, "FOOT_INDEX")]
    return np.sign(votes)


def side_visibility(person: Landmarks, side: Side) -> float:
    names = ("SHOULDER", "HIP", "KNEE", "ANKLE")
    return float(np.mean([person.visibility[joint_of(side, n)] for n in names]))


def camera_side(person: Landmarks) -> Side:
    """The side of the body nearer the camera: more visible, else smaller depth."""
    left, right = side_visibility(person, Side.LEFT), side_visibility(person, Side.RIGHT)
    if abs(left - right) > 0.05:
        return Side.LEFT if left > right else Side.RIGHT
    z = person.image_px[:, 2]
    left_z = z[[Joint.LEFT_HIP, Joint.LEFT_KNEE, Joint.LEFT_SHOULDER]].mean()
    right_z = z[[Joint.RIGHT_HIP, Joint.RIGHT_KNEE, Joint.RIGHT_SHOULDER]].mean()
    return Side.LEFT if left_z <= right_z else Side.RIGHT


def classify_view(person: Landmarks) -> View:
    """Side or front, from shoulder width against torso length (both in the image)."""
    xy = person.image_px[:, :2]
    shoulders = np.linalg.norm(xy[Joint.LEFT_SHOULDER] - xy[Joint.RIGHT_SHOULDER])
    hips = np.linalg.norm(xy[Joint.LEFT_HIP] - xy[Joint.RIGHT_HIP])
    torso = np.linalg.norm(
        (xy[Joint.LEFT_SHOULDER] + xy[Joint.RIGHT_SHOULDER]) / 2
        - (xy[Joint.LEFT_HIP] + xy[Joint.RIGHT_HIP]) / 2
    )
    if not np.isfinite(shoulders + hips + torso) or torso < 1e-6:
        return View.UNKNOWN
    ratio = max(shoulders, hips) / torso
    if ratio < 0.45:
        return View.SIDE
    return View.FRONT if ratio > 0.65 else View.OBLIQUE


END_ON_TRUNK = 0.75  # trunk length in the picture, in shoulder widths, below which it lies


def lying_end_on(person: Landmarks) -> Posture | None:
    """A body seen from its feet. Upright (standing, sitting, kneeling) the trunk looks
    longer than the shoulders are wide (about 1.3 times); lying on the floor it is
    foreshortened to a fraction of that, from a low or a raised camera alike. The face
    tells back from front."""
    xy = person.image_px[:, :2]
    shoulder_width = float(np.linalg.norm(xy[Joint.LEFT_SHOULDER] - xy[Joint.RIGHT_SHOULDER]))
    trunk = float(np.linalg.norm((xy[Joint.LEFT_SHOULDER] + xy[Joint.RIGHT_SHOULDER]) / 2
                                 - (xy[Joint.LEFT_HIP] + xy[Joint.RIGHT_HIP]) / 2))
    if not trunk < END_ON_TRUNK * shoulder_width:
        return None
    face_up = person.visibility[Joint.NOSE] > VISIBLE
    return Posture.LYING_SUPINE if face_up else Posture.LYING_PRONE


def classify_posture(signals: Mapping[str, float], near: Side, chirality: float,
                     person: Landmarks, view: View) -> Posture:
    if view is View.FRONT and (end_on := lying_end_on(person)):
        return end_on
    trunk = signals[f"trunk_lean_{near}"]
    if not math.isfinite(trunk):
        return Posture.UNKNOWN
    if trunk > LYING_TRUNK_DEG:
        facing_up = faces_up(person)
        if facing_up is None:  # no 3D: the body's front in the picture
            xy = person.image_px[:, :2]
            trunk_dir = xy[joint_of(near, "HIP")] - xy[joint_of(near, "SHOULDER")]
            facing_up = float((chirality * perp(trunk_dir))[1]) < 0
        return Posture.LYING_SUPINE if facing_up else Posture.LYING_PRONE
    thighs = [signals[f"thigh_angle_{s}"] for s in SIDES]
    shins = [signals[f"shin_angle_{s}"] for s in SIDES]
    if min(thighs) > 50:
        return Posture.SITTING
    if min(shins) > 55 and max(thighs) < 45:
        return Posture.KNEELING
    return Posture.STANDING


def shins_tell(seen_as: View) -> bool:
    """Seen from the feet or the head, a shin's direction in the picture is its depth, not
    its height: it says nothing of the facing."""
    return seen_as is not View.FRONT


def legs_tell_facing(people: Sequence[Landmarks],
                     bodies: Sequence[Landmarks]) -> list[bool | None]:
    """What each frame's legs say of a lying body's facing (None: not lying, or they do not
    tell); `bodies` are the `people` on their own planes where the camera is corrected. A
    whole recording's frames vote for the facing its set starts from."""
    if not people:
        return []
    xy = np.stack([body.image_px[:, :2] for body in bodies])
    visibility = np.stack([body.visibility for body in bodies])
    rows = signal_rows(signals_of(xy, chirality_of(xy, visibility)))
    return [legs_face_up(geometry)
            if shins_tell(classify_view(person))
            and geometry[f"trunk_lean_{camera_side(body)}"] > LYING_TRUNK_DEG else None
            for person, body, geometry in zip(people, bodies, rows, strict=True)]


def mask_unseen(geometry: Mapping[str, float], person: Landmarks,
                min_visibility: float = VISIBLE) -> dict[str, float]:
    return {name: float(value) for name, value in
            unseen_masked(geometry, person.visibility, min_visibility).items()}


def unseen_masked(geometry: Mapping[str, np.ndarray], visibility: np.ndarray,
                  min_visibility: float = VISIBLE) -> dict[str, np.ndarray]:
    """The signals with NaN wherever one of their joints was hardly seen (a joint the model
    can hardly see is a guess: the value is lost, not trusted); (..., 33) visibilities."""
    signals = dict(geometry)
    for name, joints in _SIGNAL_JOINT_INDICES.items():
        unseen = (visibility[..., joints] < min_visibility).any(axis=-1)
        signals[name] = np.where(unseen, np.nan, signals[name])
    return signals


def geometric_signals(person: Landmarks, chirality: float) -> dict[str, float]:
    """Every named signal of one person in one frame (NaN where a joint is missing)."""
    signals = signals_of(person.image_px[:, :2], np.asarray(chirality))
    return {name: float(value) for name, value in signals.items()}


def signal_rows(signals: Mapping[str, np.ndarray]) -> list[dict[str, float]]:
    """A track's signals (one array per name) as one row of floats per frame."""
    names = list(signals)
    columns = [np.asarray(signals[name]).tolist() for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def signals_of(xy: np.ndarray, chirality: np.ndarray) -> dict[str, np.ndarray]:
    """Every named signal of (..., 33, 2) points, one frame or a whole track at once, with
    the body's anterior sense per frame (0 taken as +1)."""
    sign = np.where(chirality == 0, 1.0, chirality)[..., None]
    signals: dict[str, np.ndarray] = {}
    for side in SIDES:
        points = {n: xy[..., joint_of(side, n), :] for n in _SIGNAL_JOINTS}
        for measure in SIDE_SIGNALS:
            signals[f"{measure.name}_{side}"] = measure.compute(points, sign)
    return signals | front_signals(xy)


def front_signals(xy: np.ndarray) -> dict[str, np.ndarray]:
    """What only a front view shows: the pelvis's tilt (degrees from level), the knees'
    spacing (in hip widths) and how far the feet sit to one side of the hips (percent of
    the hip width: a gym ball rolling sideways carries the feet with it)."""
    def at(joint: Joint) -> np.ndarray:
        return xy[..., joint, :]

    hip_vec = at(Joint.RIGHT_HIP) - at(Joint.LEFT_HIP)
    tilt = np.degrees(np.arctan2(hip_vec[..., 1], hip_vec[..., 0]))
    hip_width = np.linalg.norm(hip_vec, axis=-1)
    hip_width = np.where(hip_width > 1e-6, hip_width, np.nan)  # NaN too where it is NaN
    knee_width = np.linalg.norm(at(Joint.RIGHT_KNEE) - at(Joint.LEFT_KNEE), axis=-1)
    feet = (at(Joint.LEFT_ANKLE) + at(Joint.RIGHT_ANKLE)) / 2
    hips = (at(Joint.LEFT_HIP) + at(Joint.RIGHT_HIP)) / 2
    across = hip_vec / hip_width[..., None]
    nan = np.isnan(hip_width)
    return {
        "pelvis_tilt": np.where(nan, np.nan, (tilt + 90.0) % 180.0 - 90.0),
        "knee_width_ratio": knee_width / hip_width,
        "feet_offset": 100.0 * ((feet - hips) * across).sum(axis=-1) / hip_width,
    }


def joints_in_frame(person: Landmarks, width_px: int, height_px: int,
                    margin: float = 0.01) -> frozenset[Joint]:
    xy, vis = person.image_px[:, :2], person.visibility
    inside = (
        (xy[:, 0] >= -margin * width_px) & (xy[:, 0] <= (1 + margin) * width_px)
        & (xy[:, 1] >= -margin * height_px) & (xy[:, 1] <= (1 + margin) * height_px)
        & (vis >= VISIBLE)
    )
    return frozenset(Joint(i) for i in np.flatnonzero(inside))


@dataclass(frozen=True)
class AngleFrame:
    """What the analysers see each frame. `person` is None when nobody is tracked."""

    timestamp_ms: float
    signals: Mapping[str, float]
    person: Landmarks | None = None
    near_side: Side = Side.LEFT
    view: View = View.UNKNOWN
    posture: Posture = Posture.UNKNOWN
    in_frame: frozenset[Joint] = frozenset()
    image_size_px: tuple[int, int] = (0, 0)
    camera: CameraView = SIDE_ON  # where the camera stands; the signals are the body's own
    # Unsmoothed: for measures fitted over a whole rep (the Nordic's break), which smooth by
    # fitting and would be moved by the filter's lag.
    raw_signals: Mapping[str, float] = field(default_factory=dict)

    @property
    def present(self) -> bool:
        return self.person is not None

    def near(self, name: str) -> float:
        """A per-side signal on the side facing the camera."""
        return self.signals[f"{name}_{self.near_side}"]

    def side(self, name: str, side: Side) -> float:
        return self.signals[f"{name}_{side}"]


@dataclass(frozen=True)
class _Measured:
    """One present frame's geometry, before smoothing."""

    person: Landmarks
    body: Landmarks  # the person on its own planes
    chirality: float
    near: Side
    geometry: dict[str, float]
    raw: dict[str, float]  # the geometry with hardly seen joints' signals lost


FilterFactory = Callable[[], SignalFilter]

@dataclass
class Kinematics:
    """Turns each frame's tracked person into a smoothed `AngleFrame`.

    Holds only slowly-changing state: the body's anterior sense and the near side are
    voted over recent frames (they flip only when the person turns round), one filter per
    signal smooths jitter using the frames' own timestamps, and `camera` says where the
    camera stands: the signals are measured on the body's own planes (see `camera_view`),
    the picture itself (in frame, the overlay) stays as it was filmed.
    """

    filter_factory: FilterFactory = OneEuroFilter
    vote_frames: int = 15
    camera: CameraView = SIDE_ON
    lying_face_up: bool | None = None  # what a whole recording's legs said, if known
    # One leg works lying on the back (True) or face down (False): the legs are named as
    # that body lies (`_named_anatomically`); None: as the model names them.
    one_leg_lying: bool | None = None
    _filters: dict[str, SignalFilter] = field(default_factory=dict, init=False)
    _chirality_votes: list[float] = field(default_factory=list, init=False)
    _side_votes: list[str] = field(default_factory=list, init=False)
    _previous: Landmarks | None = field(default=None, init=False)
    _camera_seen: CameraView | None = field(default=None, init=False)
    _facing: LyingFacing = field(init=False)

    def __post_init__(self) -> None:
        self._facing = LyingFacing(self.lying_face_up)

    def update(self, person: Landmarks | None, timestamp_ms: float,
               image_size_px: tuple[int, int]) -> AngleFrame:
        return self.measure([person], [timestamp_ms], image_size_px)[0]

    def measure(self, people: Sequence[Landmarks | None], timestamps_ms: Sequence[float],
                image_size_px: tuple[int, int]) -> list[AngleFrame]:
        """`update` frame after frame, with the geometry of all the frames computed at once
        (a recording's whole track: arrays, not a loop of small ones)."""
        if self.camera is not self._camera_seen:  # a new view: its angles start afresh
            self._chirality_votes.clear()
            self._reset_filters()
            self._camera_seen = self.camera
        people = [self._consistent(person) for person in people]
        measured = iter(self._measured([p for p in people if p is not None], image_size_px))
        return [self._angle_frame(next(measured), timestamp_ms, image_size_px)
                if person is not None else self._absent(timestamp_ms, image_size_px)
                for person, timestamp_ms in zip(people, timestamps_ms, strict=True)]

    def _consistent(self, person: Landmarks | None) -> Landmarks | None:
        if person is not None:
            person = keep_legs_consistent(self._named_anatomically(person), self._previous)
        self._previous = person
        return person

    def _named_anatomically(self, person: Landmarks) -> Landmarks:
        """MediaPipe names the sides of a body lying turned from the camera the wrong way
        round in many frames (a prone curl filmed 45 degrees round: the near leg it sees
        best called 'right' in 9 frames of 10, the curl reported for the resting leg).
        Lying as the exercise is done, the side the body's own geometry shows nearer the
        camera (which way its head points) is the side the model finds nearer: where they
        differ, the model's names are swapped."""
        if self.one_leg_lying is None:
            return person
        head_left = head_to_the_left(person)
        if head_left is None:
            return person
        near = lying_near_side(head_left, self.one_leg_lying)
        return person if camera_side(person) is near else mirrored(person)

    def _measured(self, people: list[Landmarks],
                  image_size_px: tuple[int, int]) -> list[_Measured]:
        """The present frames' geometry: bodies on their planes (where the camera is
        corrected), the held anterior sense and near side, the signals as rows."""
        if not people:
            return []
        bodies = self.camera.on_planes_of(people, image_size_px)
        xy = np.stack([body.image_px[:, :2] for body in bodies])
        visibility = np.stack([person.visibility for person in people])
        chirality = [self._vote(self._chirality_votes, sense)
                     for sense in chirality_of(xy, visibility).tolist()]
        near = [self._vote(self._side_votes, camera_side(person)) for person in people]
        # The coarse posture may use faintly seen joints (a guess is good enough for it);
        # the measured angles may not.
        geometry = signals_of(xy, np.array(chirality))
        raw = unseen_masked(geometry, visibility)
        return [_Measured(*frame) for frame in zip(
            people, bodies, chirality, near, signal_rows(geometry), signal_rows(raw),
            strict=True)]

    def _absent(self, timestamp_ms: float, image_size_px: tuple[int, int]) -> AngleFrame:
        self._reset_filters()
        return AngleFrame(timestamp_ms, dict.fromkeys(SIGNAL_NAMES, math.nan),
                          image_size_px=image_size_px, camera=self.camera)

    def _angle_frame(self, frame: _Measured, timestamp_ms: float,
                     image_size_px: tuple[int, int]) -> AngleFrame:
        smoothed = {name: self._filter(name)(value, timestamp_ms)
                    for name, value in frame.raw.items()}
        # The camera's estimate, where trusted, says the view (a body lying turned 45 degrees
        # looks front-on by its shape); seen end-on its planes are edge-on: not corrected.
        seen_as = classify_view(frame.person)
        view = View.OBLIQUE if self.camera.rectifies else seen_as
        posture = classify_posture(frame.geometry, frame.near, frame.chirality or 1.0,
                                   frame.body, view)
        return AngleFrame(
            timestamp_ms=timestamp_ms,
            signals=smoothed,
            person=frame.person,
            near_side=frame.near,
            view=view,
            posture=self._held_facing(posture, frame.geometry, seen_as, timestamp_ms),
            in_frame=joints_in_frame(frame.person, *image_size_px),
            image_size_px=image_size_px,
            camera=self.camera,
            raw_signals=frame.raw,
        )

    def _reset_filters(self) -> None:
        for smoother in self._filters.values():
            smoother.reset()

    def _held_facing(self, posture: Posture, geometry: Mapping[str, float], seen_as: View,
                     timestamp_ms: float) -> Posture:
        """A lying posture's facing as held over the set (see `facing`)."""
        if posture not in LYING:
            return posture
        legs = legs_face_up(geometry) if shins_tell(seen_as) else None
        face_up = self._facing.update(legs, posture is Posture.LYING_SUPINE, timestamp_ms)
        return Posture.LYING_SUPINE if face_up else Posture.LYING_PRONE

    def _filter(self, name: str) -> SignalFilter:
        if name not in self._filters:
            self._filters[name] = self.filter_factory()
        return self._filters[name]

    def _vote(self, votes: list, value):
        if value != 0:
            votes.append(value)
            del votes[: -self.vote_frames]
        if not votes:
            return 1.0 if isinstance(value, float) else value
        return max(set(votes), key=votes.count)
