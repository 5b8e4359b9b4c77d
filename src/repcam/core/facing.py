"""Lying on the back or face down: the evidence in one frame, and the decision held over a set.

The face is a weak witness: from a raised camera MediaPipe's world landmarks turn a body
lying face down with straight legs into one facing the camera about half the time (seen
on rendered prone curls, camera 15-45 degrees round and 20 degrees down), though it knows
the same body the moment a knee bends. A bent leg is the strong witness: on the back the
feet stay below the knees (bridges, ball curls), face down the foot rises above the knee.
Nobody rolls over between two reps, so the decision is held: the face overturns what the
legs said only after `ROLL_MS` of saying otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from repcam.core.landmarks import Joint, Landmarks
from repcam.core.sides import SIDES

BENT_KNEE_DEG = 50.0  # knee flexion from which the shin tells back from front
SHIN_DOWN_DEG = 70.0  # shin within this of pointing down from the knee: the foot is below it
SHIN_UP_DEG = 110.0  # shin beyond this from down: the foot is above the knee
FLIP_MS = 200.0  # evidence as strong as the decision's changes it after this long
ROLL_MS = 4000.0  # the face alone overturns the legs' decision only after this long


def faces_up(person: Landmarks) -> bool | None:
    """Does the face point at the ceiling? From MediaPipe's world landmarks (camera axes,
    y down), which know front from back by the face, from any side: the nose points up or
    down from between the ears. None where they are missing or the head is turned to the
    side (lying face down, many rest on a cheek)."""
    world = person.world_m
    face = world[Joint.NOSE] - (world[Joint.LEFT_EAR] + world[Joint.RIGHT_EAR]) / 2
    length = float(np.linalg.norm(face))
    if not np.isfinite(length) or length < 1e-6 or abs(face[1]) < 0.5 * length:
        return None
    return bool(face[1] < 0)


def legs_face_up(signals: Mapping[str, float]) -> bool | None:
    """Lying with a knee bent: True on the back (foot below the knee), False face down
    (foot above it), None when no knee is bent or the shin lies level."""
    votes = []
    for side in SIDES:
        flexion, shin = signals[f"knee_flexion_{side}"], signals[f"shin_angle_{side}"]
        if not (math.isfinite(flexion) and math.isfinite(shin)) or flexion < BENT_KNEE_DEG:
            continue
        if shin < SHIN_DOWN_DEG:
            votes.append(True)
        elif shin > SHIN_UP_DEG:
            votes.append(False)
    return votes[0] if votes and len(set(votes)) == 1 else None


def majority_face_up(votes: Sequence[bool | None]) -> bool | None:
    """A set's facing from its frames' legs: the more common answer, None if none."""
    ups, downs = sum(v is True for v in votes), sum(v is False for v in votes)
    return None if ups == downs else ups > downs


@dataclass
class LyingFacing:
    """The facing of a lying body, held over a set. `face_up` may start from what the whole
    recording's legs said (`majority_face_up`), as if the legs had said it."""

    face_up: bool | None = None
    from_legs: bool = False
    _contrary_since_ms: float | None = None

    def __post_init__(self) -> None:
        self.from_legs = self.face_up is not None

    def update(self, legs: bool | None, face: bool | None, timestamp_ms: float) -> bool | None:
        """The facing after this frame's evidence (None: nothing has told yet)."""
        seen, strong = (legs, True) if legs is not None else (face, False)
        if seen is None:
            return self.face_up
        if self.face_up is None or seen == self.face_up:
            if self.face_up is None:
                self.face_up = seen
            self.from_legs |= strong
            self._contrary_since_ms = None
            return self.face_up
        if self._contrary_since_ms is None:
            self._contrary_since_ms = timestamp_ms
        needed = ROLL_MS if self.from_legs and not strong else FLIP_MS
        if timestamp_ms - self._contrary_since_ms >= needed:
            self.face_up, self.from_legs, self._contrary_since_ms = seen, strong, None
        return self.face_up
