"""Which leg worked, from where the feet rested: the foot still standing where one foot
rested between reps belongs to the leg that stayed down, whatever the pose model calls it
at the top.

Filmed turned 30 degrees from side-on, MediaPipe names a lying person's knees rightly all
through a single-leg bridge, but its two ankle names meet on the lifting foot and come out
the other way round for the whole hold (benchmarks.leg_names: 25% of such frames swapped).
At rest, feet planted, the names are right; so the rest is the reference, not the top.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from repcam.core.kinematics import joint_of
from repcam.core.landmarks import Landmarks
from repcam.core.sides import SIDES, Side

APART_SHIN = 0.12  # rested feet closer than this share of a shin: the picture cannot tell them
STANCE_SHARE = 0.5  # the standing foot: within this share of the rested feet's distance
LIFTED_SHIN = 0.3  # the working foot: at least this share of a shin from both rested feet
REST_FRAMES = 20  # the rest is where the feet stood over this many still frames (a median:
# the model's ankle already wanders off a foot that is only about to lift)


@dataclass(frozen=True)
class _Rest:
    """Where the rested feet stood: the ankles (left, right), a shin's length and how far
    apart the feet were, in picture pixels."""

    ankles: np.ndarray  # (2, 2)
    shin_px: float
    apart_px: float


@dataclass
class RestingFeet:
    """Where each named foot rested of late, and the leg those places say is working."""

    # Per still frame: the left and the right ankle, then the knees, (4, 2) picture points.
    frames: deque[np.ndarray] = field(default_factory=lambda: deque(maxlen=REST_FRAMES))
    _rest: _Rest | None = field(default=None, init=False, repr=False)

    def rest(self, person: Landmarks) -> None:
        """Both feet are down and still (the body at its start): remember where."""
        points = np.array([person.xy(joint_of(side, name))
                           for name in ("ANKLE", "KNEE") for side in SIDES])
        if np.all(np.isfinite(points)):
            self.frames.append(points)
            self._rest = None

    def _rested(self) -> _Rest:
        """The median of the still frames, worked out once per rest (a rep asks each frame)."""
        if self._rest is None:
            median = np.median(np.stack(self.frames), axis=0)
            ankles, knees = median[:2], median[2:]
            self._rest = _Rest(ankles, float(np.linalg.norm(knees - ankles, axis=1).mean()),
                               float(np.linalg.norm(ankles[0] - ankles[1])))
        return self._rest

    def working_leg(self, person: Landmarks) -> Side | None:
        """The leg off the floor, named by the rested foot the other one still stands on;
        None where the picture cannot say (feet rested one behind the other, both names on
        the lifted foot, no foot lifted clearly, no rest seen)."""
        if not self.frames:
            return None
        rest = self._rested()
        if rest.apart_px < APART_SHIN * rest.shin_px:
            return None
        feet = np.array([person.xy(joint_of(side, "ANKLE")) for side in SIDES])
        # distance[i][j]: the foot named SIDES[i] now from where SIDES[j]'s foot rested.
        distance = np.linalg.norm(feet[:, None, :] - rest.ankles[None, :, :], axis=2)
        if not np.all(np.isfinite(distance)):
            return None
        lifted = int(np.argmax(distance.min(axis=1)))
        standing = distance[1 - lifted]
        stood_on = int(np.argmin(standing))
        clearly_lifted = distance[lifted].min() >= max(LIFTED_SHIN * rest.shin_px, rest.apart_px)
        clearly_standing = standing[stood_on] <= STANCE_SHARE * rest.apart_px \
            and standing[stood_on] <= STANCE_SHARE * standing[1 - stood_on]
        if not (clearly_lifted and clearly_standing):
            return None
        return SIDES[stood_on].other
