"""Which leg worked, named by where the feet rested (not only by the model's names)."""

from __future__ import annotations

import numpy as np

from repcam.core.landmarks import NUM_JOINTS, Joint, Landmarks
from repcam.core.sides import Side
from repcam.exercises.leg_roles import RestingFeet

SHIN_PX = 120.0


def body(left_ankle: tuple[float, float], right_ankle: tuple[float, float]) -> Landmarks:
    """Knees 30 px apart above the feet (a body lying turned from side-on)."""
    xy = np.full((NUM_JOINTS, 3), np.nan)
    xy[Joint.LEFT_KNEE, :2], xy[Joint.RIGHT_KNEE, :2] = (260.0, 160.0), (230.0, 160.0)
    xy[Joint.LEFT_ANKLE, :2], xy[Joint.RIGHT_ANKLE, :2] = left_ankle, right_ankle
    xy[:, 2] = 0.0
    return Landmarks(xy, np.ones(NUM_JOINTS))


def rested(left_ankle=(260.0, 285.0), right_ankle=(225.0, 265.0)) -> RestingFeet:
    feet = RestingFeet()
    for _ in range(10):
        feet.rest(body(left_ankle, right_ankle))
    return feet


def test_the_foot_still_on_a_rested_place_names_the_other_leg_as_working():
    feet = rested()
    # The model's names swapped as the left foot lifted: its "left" ankle is the right foot.
    assert feet.working_leg(body((222.0, 268.0), (140.0, 100.0))) is Side.LEFT
    assert feet.working_leg(body((140.0, 100.0), (222.0, 268.0))) is Side.LEFT
    assert feet.working_leg(body((262.0, 283.0), (140.0, 100.0))) is Side.RIGHT


def test_the_feet_say_nothing_where_the_picture_cannot_tell():
    assert RestingFeet().working_leg(body((222.0, 268.0), (140.0, 100.0))) is None
    # Side-on, one foot rested behind the other.
    behind = rested((240.0, 280.0), (243.0, 281.0))
    assert behind.working_leg(body((241.0, 280.0), (140.0, 100.0))) is None
    feet = rested()
    assert feet.working_leg(body((150.0, 110.0), (140.0, 100.0))) is None  # both names lifted
    assert feet.working_leg(body((240.0, 275.0), (230.0, 262.0))) is None  # no foot lifted
    assert feet.working_leg(body((242.0, 275.0), (140.0, 100.0))) is None  # between the two


def test_a_rest_is_where_the_feet_stood_over_many_frames_not_the_last_one():
    feet = rested()
    feet.rest(body((236.0, 279.0), (228.0, 270.0)))  # the foot about to lift, names wandering
    assert feet.working_leg(body((222.0, 268.0), (140.0, 100.0))) is Side.LEFT
