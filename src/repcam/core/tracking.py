"""Follow the person doing the exercise when several are in view.

The pick prefers someone who looks like the exerciser (in the exercise's start position)
and large in the frame; after that we follow the same person by overlap, so someone
walking past is not picked up halfway through a set. Before the set starts, a person who
has looked more suitable than ours for `switch_frames` in a row takes over: the detector
may have found a partner holding the ankles first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from repcam.core.landmarks import Joint, Landmarks
from repcam.core.sides import Side

Box = tuple[float, float, float, float]


def iou(a: Box, b: Box) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


@dataclass
class PersonSelector:
    """`suitability(person) -> 0..1` says how much someone looks like the exerciser."""

    suitability: Callable[[Landmarks], float] = lambda person: 1.0
    min_overlap: float = 0.2
    forget_after_frames: int = 30
    switch_frames: int = 15
    _box: Box | None = field(default=None, init=False)
    _missed: int = field(default=0, init=False)
    _challenged: int = field(default=0, init=False)
    switched: bool = field(default=False, init=False)  # this frame took another person

    def select(self, people: tuple[Landmarks, ...], *, may_switch: bool = True) -> Landmarks | None:
        self.switched = False
        if not people:
            self._missed += 1
            return None
        chosen = self._follow(people) if self._box is not None else None
        if chosen is not None and may_switch and len(people) > 1:
            chosen = self._maybe_switch(chosen, people)
        if chosen is None:
            if self._box is not None and self._missed < self.forget_after_frames:
                # Our person is not among these: better nobody than the wrong person.
                self._missed += 1
                return None
            chosen = max(people, key=self._score)
        self._box, self._missed = chosen.bbox_px, 0
        return chosen

    def _follow(self, people: tuple[Landmarks, ...]) -> Landmarks | None:
        assert self._box is not None
        best = max(people, key=lambda p: iou(p.bbox_px, self._box))
        return best if iou(best.bbox_px, self._box) >= self.min_overlap else None

    def _maybe_switch(self, current: Landmarks, people: tuple[Landmarks, ...]) -> Landmarks:
        best = max(people, key=self._score)
        if best is current or self.suitability(best) <= self.suitability(current):
            self._challenged = 0
            return current
        self._challenged += 1
        if self._challenged < self.switch_frames:
            return current
        self._challenged = 0
        self.switched = True
        return best

    def _score(self, person: Landmarks) -> float:
        return self.suitability(person) * 10.0 + area(person.bbox_px) ** 0.5 / 1000.0


_LEG = ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")
_LEFT_LEG = [Joint[f"LEFT_{n}"] for n in _LEG]
_RIGHT_LEG = [Joint[f"RIGHT_{n}"] for n in _LEG]


def _twin(joint: Joint) -> Joint:
    """The same joint on the other side (MOUTH_LEFT and LEFT_HIP alike)."""
    words = joint.name.split("_")
    swapped = [{"LEFT": "RIGHT", "RIGHT": "LEFT"}.get(word, word) for word in words]
    return Joint["_".join(swapped)]


_MIRROR_ORDER = np.array([_twin(joint) for joint in Joint])
ACROSS_PICTURE = 0.5  # trunk's sideways share in the picture from which it lies across it


def mirrored(person: Landmarks) -> Landmarks:
    """The same points with every left joint named right and every right one left."""
    return person.renamed(_MIRROR_ORDER)


def head_to_the_left(person: Landmarks) -> bool | None:
    """Which way a body lying across the picture points its head (None: the trunk does not
    lie across it, seen from the head or the feet, or is missing)."""
    xy = person.image_px[:, :2]
    superior = (xy[Joint.LEFT_SHOULDER] + xy[Joint.RIGHT_SHOULDER]) / 2 \
        - (xy[Joint.LEFT_HIP] + xy[Joint.RIGHT_HIP]) / 2
    length = float(np.linalg.norm(superior))
    if not np.isfinite(length) or abs(superior[0]) < ACROSS_PICTURE * length:
        return None
    return bool(superior[0] < 0)


def lying_near_side(head_left: bool, face_up: bool) -> Side:
    """The side of a lying body that faces a camera looking across it (level or from
    above): on the back with the head to the left of the picture its right side, face
    down its left."""
    return Side.RIGHT if head_left == face_up else Side.LEFT


def keep_legs_consistent(person: Landmarks, previous: Landmarks | None) -> Landmarks:
    """Undo a left/right leg swap by the model (common in side views) using the last frame.

    If each leg now sits where the other leg was a frame ago, the labels were swapped.
    """
    if previous is None:
        return person
    now, before = person.image_px[:, :2], previous.image_px[:, :2]
    tips = [1, 2]  # knee and ankle: the hips are too close together to tell
    left_now, right_now = now[_LEFT_LEG][tips], now[_RIGHT_LEG][tips]
    left_before, right_before = before[_LEFT_LEG][tips], before[_RIGHT_LEG][tips]
    same = np.linalg.norm(left_now - left_before) + np.linalg.norm(right_now - right_before)
    swapped = np.linalg.norm(left_now - right_before) + np.linalg.norm(right_now - left_before)
    if not swapped < 0.5 * same:
        return person
    order = np.arange(len(now))
    order[_LEFT_LEG], order[_RIGHT_LEG] = _RIGHT_LEG, _LEFT_LEG
    return person.renamed(order)
