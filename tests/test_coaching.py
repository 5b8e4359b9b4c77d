"""The hands-free workout, driven by made-up frames and a made-up clock (no camera, no model)."""

from __future__ import annotations

import numpy as np

from repcam.core.kinematics import AngleFrame, Side, View
from repcam.core.landmarks import NUM_JOINTS, Joint, Landmarks
from repcam.exercises import get_exercise
from repcam.exercises.events import (
    FaultDetected,
    HoldCompleted,
    HoldProgress,
    RepCompleted,
    RepMetrics,
    RepStarted,
    Tally,
    TopReached,
)
from repcam.folds.coaching import FrameCheck, Stage, Workout, view_problem

BRIDGE = get_exercise("bridge")
PERSON = Landmarks(np.zeros((NUM_JOINTS, 3)), np.ones(NUM_JOINTS))
ALL_JOINTS = frozenset(Joint)


def check(*, people: int = 1, light: float = 120.0, view: View = View.SIDE,
          in_frame: frozenset[Joint] = ALL_JOINTS) -> FrameCheck:
    angles = AngleFrame(0.0, {}, PERSON if people else None, "left", view, in_frame=in_frame)
    return FrameCheck(people, light, angles)


def texts(utterances) -> list[str]:
    return [u.text for u in utterances]


def metrics(index: int) -> RepMetrics:
    return RepMetrics(index, "left", 0.0, 1.0, "hip_line", 130.0, 176.0, 3000.0, 3000.0, 1.0, 1.0)


def test_the_view_problems_a_person_hears_about():
    assert "too dark" in view_problem(BRIDGE, check(light=15.0))
    assert "can't see you" in view_problem(BRIDGE, check(people=0))
    assert "two people" in view_problem(BRIDGE, check(people=2))
    assert "side-on" in view_problem(get_exercise("hamstring-curl"), check(view=View.FRONT))
    assert view_problem(BRIDGE, check(view=View.FRONT)) is None  # knee width is seen so
    no_feet = ALL_JOINTS - {Joint.LEFT_ANKLE}
    assert "feet are out of the picture" in view_problem(BRIDGE, check(in_frame=no_feet))
    assert view_problem(BRIDGE, check()) is None


def test_setup_guidance_is_repeated_but_not_every_frame():
    workout = Workout(BRIDGE, reps=2, sets=1, rest_s=30)
    workout.start(0.0)
    said = [t for ms in range(0, 10000, 100)
            for t in texts(workout.update(ms, check(people=2), False, []))]
    assert said.count("I can see two people: only the person exercising should be in view") == 2


def counting(workout: Workout, start_ms: float = 0.0) -> float:
    """Through setup and the countdown; returns the time counting starts."""
    workout.start(start_ms)
    assert texts(workout.update(start_ms, check(), True, [])) == ["Good. Starting in three"]
    heard = []
    t = start_ms
    while workout.stage is not Stage.COUNTING:
        t += 100
        heard += texts(workout.update(t, check(), True, []))
    assert heard == ["two", "one", "Go"]
    return t


def test_count_hold_countdown_and_a_fault_said_once():
    workout = Workout(BRIDGE, reps=2, sets=1, rest_s=30)
    t = counting(workout)
    said = texts(workout.update(t + 100, check(), True, [RepStarted(t, 1, "left"),
                                                        TopReached(t, 1, "left", Tally(left=1))]))
    assert said == ["one", "hold"]
    heard = []
    for held in range(0, 3001, 100):
        heard += texts(workout.update(t + held, check(), True,
                                      [HoldProgress(t + held, float(held), 3000.0)]))
    heard += texts(workout.update(t + 3000, check(), True, [HoldCompleted(t + 3000, 3000.0)]))
    assert heard == ["three", "two", "one", "and down, slowly"]
    fault = FaultDetected(t, "arching", "lift without arching your back", 1)
    assert texts(workout.update(t + 3100, check(), True, [fault])) == [fault.cue]
    assert texts(workout.update(t + 5000, check(), True, [fault])) == []  # cooldown
    assert texts(workout.update(t + 12000, check(), True, [fault])) == [fault.cue]


def test_sets_rest_and_the_summary():
    workout = Workout(BRIDGE, reps=1, sets=2, rest_s=20)
    t = counting(workout)
    workout.update(t, check(), True, [TopReached(t, 1, "left", Tally(left=1))])
    said = texts(workout.update(t + 5000, check(), True, [RepCompleted(t + 5000, metrics(1))]))
    assert said == ["Set 1 complete. Rest for 20 seconds."]
    assert workout.stage is Stage.REST
    rest = [t2 for ms in range(0, 20001, 500)
            for t2 in texts(workout.update(t + 5000 + ms, check(), True, []))]
    assert rest == ["Ten seconds", "Set 2. Get into the start position."]
    t += 26000  # set 2: setup and the countdown again
    assert texts(workout.update(t, check(), True, [])) == ["Good. Starting in three"]
    while workout.stage is not Stage.COUNTING:
        t += 100
        workout.update(t, check(), True, [])
    workout.update(t, check(), True, [TopReached(t, 2, "left", Tally(left=1))])
    final = texts(workout.update(t + 4000, check(), True, [RepCompleted(t + 4000, metrics(2))]))
    assert workout.stage is Stage.DONE
    assert final == ["Set complete. Set 1: 1 rep. Set 2: 1 rep. Well done."]


def test_a_rep_started_during_the_countdown_is_counted():
    workout = Workout(BRIDGE, reps=5, sets=1, rest_s=30)
    workout.start(0.0)
    workout.update(0.0, check(), True, [])
    events = [RepStarted(700.0, 1, "left"), TopReached(800.0, 1, "left", Tally(left=1))]
    said = texts(workout.update(800.0, check(), True, events))
    assert workout.stage is Stage.COUNTING and workout.count == 1
    assert said == ["one", "hold"]


def test_a_one_leg_set_ends_when_each_leg_has_its_reps():
    workout = Workout(get_exercise("single-leg-bridge"), reps=2, sets=1, rest_s=30)
    t = counting(workout)
    assert workout.board.target_reps == 4  # two a side
    heard, tally = [], Tally()
    for i, side in enumerate([Side.LEFT, Side.LEFT, Side.LEFT, Side.RIGHT, Side.RIGHT], start=1):
        t += 5000
        tally = tally.add(side)
        heard += texts(workout.update(t, check(), True, [TopReached(t, i, side, tally)]))
        heard += texts(workout.update(t + 4000, check(), True,
                                      [RepCompleted(t + 4000, metrics(i))]))
        if i < 5:
            assert workout.stage is Stage.COUNTING  # three left and one right is not done
    assert workout.stage is Stage.DONE
    counts = [h for h in heard if h != "hold"]
    assert counts[:-1] == ["left, one", "left, two", "left, three", "right, one",
                           "right, two"]


def test_a_one_leg_set_of_one_side_ends_at_that_sides_reps():
    workout = Workout(get_exercise("single-leg-bridge"), reps=2, sets=1, rest_s=30,
                      sides=("right",))
    t = counting(workout)
    for i in (1, 2):
        t += 5000
        workout.update(t, check(), True, [TopReached(t, i, "right", Tally(right=i))])
        workout.update(t + 4000, check(), True, [RepCompleted(t + 4000, metrics(i))])
    assert workout.stage is Stage.DONE
