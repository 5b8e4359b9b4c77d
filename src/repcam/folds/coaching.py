"""A guided workout, hands-free: setup checks, countdown, counting, holds, sets and rests.

Pure: `Workout.update(...)` takes what the pipeline saw at time t and returns what to show
and what to say. The live loop turns those into a window and a voice; tests drive it with
made-up frames and clocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

from repcam.core.kinematics import SIDES, AngleFrame, View
from repcam.core.sides import Side
from repcam.exercises.events import (
    Event,
    Fault,
    FaultDetected,
    HoldCompleted,
    HoldProgress,
    PositionLost,
    RepCompleted,
    RepStarted,
    TopReached,
)
from repcam.exercises.spec import ExerciseSpec
from repcam.folds.scoreboard import Scoreboard

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen")
COUNTDOWN_S = 3
FAULT_COOLDOWN_MS = 8000.0  # the same correction is not repeated sooner than this
SETUP_REPEAT_MS = 7000.0  # setup guidance is repeated this often while it still applies
PROBLEM_PERSISTS_MS = 1500.0  # a view problem during the countdown must last this long
DARK_LEVEL = 40.0  # mean brightness (0-255) under which the picture is too dark


class Stage(str, Enum):
    SETUP = "setup"  # waiting for a good view and the start position
    COUNTDOWN = "countdown"
    COUNTING = "counting"
    REST = "rest"
    DONE = "done"


@dataclass(frozen=True)
class Utterance:
    text: str
    urgent: bool = False  # counts and hold countdowns go ahead of queued speech


@dataclass(frozen=True)
class FrameCheck:
    """What the camera view looks like this frame (from the frame and the pose stage)."""

    people: int
    brightness: float
    angles: AngleFrame


def view_problem(spec: ExerciseSpec, check: FrameCheck) -> str | None:
    """The first thing wrong with the camera view, as it is said to the person."""
    if check.brightness < DARK_LEVEL:
        return "It's too dark: turn on a light or face a window"
    if check.people == 0 or not check.angles.present:
        return "I can't see you: step into the picture, side-on to the camera"
    if check.people > 1 + spec.helpers:
        return "I can see two people: only the person exercising should be in view"
    camera = check.angles.camera
    front_on = check.angles.view not in spec.views and check.angles.view is not View.UNKNOWN
    turn = camera.turn_to_accept(spec.max_yaw_deg, front_on=front_on) if (
        front_on or camera.trusted) else 0
    if turn:
        return f"Turn side-on: move the camera about {turn} degrees round, towards your side"
    missing = spec.joints_out_of_frame(check.angles)
    if missing:
        part = "feet" if missing[-1] in ("ANKLE", "HEEL", "FOOT_INDEX") else \
            f"{missing[-1].lower()}s"
        return f"Move back, your {part} are out of the picture"
    return None


@dataclass
class Workout:
    spec: ExerciseSpec
    reps: int
    sets: int
    rest_s: float
    sides: tuple[Side, ...] = SIDES  # the legs a one-leg exercise works in every set
    stage: Stage = Stage.SETUP
    reps_done: list[int] = field(default_factory=list)  # completed reps per finished set
    board: Scoreboard = field(init=False)  # what the window shows: count, hold, cue, status
    _stage_since_ms: float = 0.0
    _last_said: dict[str, float] = field(default_factory=dict)
    _hold_said: int = -1
    _problem_since_ms: float | None = None

    def __post_init__(self) -> None:
        per_set = self.reps * len(self.sides) if self.spec.per_side else self.reps
        self.board = Scoreboard(self.spec.title, per_set, sets=self.sets)

    @property
    def count(self) -> int:
        return self.board.count

    @property
    def set_number(self) -> int:
        return self.board.set_number

    @property
    def status(self) -> str:
        return self.board.status

    @status.setter
    def status(self, text: str) -> None:
        self.board.status = text

    @property
    def sets_done(self) -> list[int]:
        """Reps of each set so far, the one under way included."""
        under_way = self.stage in (Stage.COUNTDOWN, Stage.COUNTING) and self.count
        return self.reps_done + ([self.count] if under_way else [])

    def start(self, now_ms: float) -> list[Utterance]:
        self._enter(Stage.SETUP, now_ms)
        return [Utterance(f"{self.spec.title}. {self.sets} set{'s' if self.sets > 1 else ''} "
                          f"of {self.reps}. {self.spec.setup}")]

    def _enter(self, stage: Stage, now_ms: float) -> None:
        self.stage, self._stage_since_ms, self._problem_since_ms = stage, now_ms, None

    # -- per frame ---------------------------------------------------------------------------
    def update(self, now_ms: float, check: FrameCheck, ready: bool,
               events: list[Event]) -> list[Utterance]:
        """`ready`: the analyser holds the start position. Returns what to say now."""
        counting = self.stage in (Stage.COUNTDOWN, Stage.COUNTING)
        self.board.apply(events if counting else [], now_ms)  # also lets old cues expire
        if self.stage is Stage.SETUP:
            return self._setup(now_ms, check, ready)
        if self.stage is Stage.COUNTDOWN:
            return self._countdown(now_ms, check, events)
        if self.stage is Stage.COUNTING:
            return self._counting(now_ms, events)
        if self.stage is Stage.REST:
            return self._rest(now_ms)
        return []

    def _setup(self, now_ms: float, check: FrameCheck, ready: bool) -> list[Utterance]:
        problem = view_problem(self.spec, check)
        if problem is None and ready:
            self._enter(Stage.COUNTDOWN, now_ms)
            self.status = "Get ready"
            return [Utterance(f"Good{_camera_words(check.angles.camera)}. Starting in three",
                              urgent=True)]
        self.status = problem or "Get into the start position and keep still"
        return self._say_every(self.status, now_ms, SETUP_REPEAT_MS)

    def _countdown(self, now_ms: float, check: FrameCheck,
                   events: list[Event]) -> list[Utterance]:
        if any(isinstance(e, RepStarted | TopReached) for e in events):
            self._enter(Stage.COUNTING, now_ms)  # an early start is counted, not ignored
            self.status = ""
            return self._counting(now_ms, events)
        if view_problem(self.spec, check) is None:
            self._problem_since_ms = None
        elif self._problem_since_ms is None:
            self._problem_since_ms = now_ms
        elif now_ms - self._problem_since_ms > PROBLEM_PERSISTS_MS:
            self._enter(Stage.SETUP, now_ms)  # a lasting problem, not one odd frame
            return []
        elapsed_s = (now_ms - self._stage_since_ms) / 1000.0
        remaining = COUNTDOWN_S - math.floor(elapsed_s)
        if remaining <= 0:
            self._enter(Stage.COUNTING, now_ms)
            self.status = ""
            return [Utterance("Go", urgent=True)]
        self.status = f"Starting in {remaining}"
        key = f"countdown {remaining}"
        if remaining < COUNTDOWN_S and key not in self._last_said:
            self._last_said[key] = now_ms
            return [Utterance(NUMBER_WORDS[remaining], urgent=True)]
        return []

    def _counting(self, now_ms: float, events: list[Event]) -> list[Utterance]:
        said: list[Utterance] = []
        for event in events:
            said += self._on_event(event, now_ms)
            if self.stage is not Stage.COUNTING:
                break  # the set ended on this event
        return said

    def _on_event(self, event: Event, now_ms: float) -> list[Utterance]:
        match event:
            case TopReached(side=side, tally=tally):
                self._hold_said = -1
                # One-leg exercises say the side: "left, three"; each leg has its own ten.
                text = (f"{side}, {_number(tally.of(side))}"
                        if self.spec.per_side else _number(self.count))
                number = Utterance(text, urgent=True)
                return [number, Utterance("hold")] if self.spec.hold_ms > 0 else [number]
            case HoldProgress(held_ms=held, target_ms=target):
                remaining = math.ceil((target - held) / 1000.0)
                if 0 < remaining <= 3 and remaining != self._hold_said:
                    self._hold_said = remaining
                    return [Utterance(NUMBER_WORDS[remaining], urgent=True)]
            case HoldCompleted():
                self._hold_said = 0
                return [Utterance("and down, slowly", urgent=True)]
            case RepCompleted():
                if self._target_met():  # the last rep is back down: the set is done
                    return self._finish_set(now_ms)
            case FaultDetected(fault=fault, cue=cue):
                if fault is Fault.SHORT_HOLD:
                    return []  # said as the hold countdown; not nagged again after the rep
                return self._say_every(cue, now_ms, FAULT_COOLDOWN_MS, key=fault)
            case PositionLost():
                return self._say_every("Get back into the start position", now_ms,
                                       SETUP_REPEAT_MS)
        return []

    def _target_met(self) -> bool:
        if self.spec.per_side:
            return all(self.board.tally.of(side) >= self.reps for side in self.sides)
        return self.count >= self.reps

    def _finish_set(self, now_ms: float) -> list[Utterance]:
        self.reps_done.append(self.count)
        if self.set_number >= self.sets:
            self._enter(Stage.DONE, now_ms)
            self.status = "Workout complete"
            return [Utterance(f"Set complete. {self.summary()} Well done.")]
        self._enter(Stage.REST, now_ms)
        return [Utterance(f"Set {self.set_number} complete. Rest for "
                          f"{round(self.rest_s)} seconds.")]

    def _rest(self, now_ms: float) -> list[Utterance]:
        remaining = self.rest_s - (now_ms - self._stage_since_ms) / 1000.0
        self.status = f"Rest {math.ceil(max(0.0, remaining))} s"
        if remaining > 0:
            if 0 < remaining <= 10 and "rest 10" not in self._last_said:
                self._last_said["rest 10"] = now_ms
                return [Utterance("Ten seconds")]
            return []
        self._last_said.pop("rest 10", None)
        self.board.start_set(self.set_number + 1)
        self._hold_said = -1
        self._enter(Stage.SETUP, now_ms)
        return [Utterance(f"Set {self.set_number}. Get into the start position.")]

    def reset_set(self, now_ms: float) -> list[Utterance]:
        self.board.start_set(self.set_number)
        self._hold_said = -1
        self._enter(Stage.SETUP, now_ms)
        return [Utterance(f"Set {self.set_number} starts again.")]

    def summary(self) -> str:
        done = self.sets_done
        if not done:
            return "No reps were counted."
        return " ".join(f"Set {i}: {n} rep{'s' if n != 1 else ''}."
                        for i, n in enumerate(done, start=1))

    def _say_every(self, text: str, now_ms: float, every_ms: float,
                   key: str | None = None) -> list[Utterance]:
        key = key or text
        last = self._last_said.get(key)
        if last is not None and now_ms - last < every_ms:
            return []
        self._last_said[key] = now_ms
        return [Utterance(text)]


def _camera_words(camera) -> str:
    """', the camera is about 40 degrees round': said when it is turned (repcam corrects)."""
    if not camera.trusted or camera.turned < 15:
        return ""
    return f", the camera is about {int(5 * round(camera.turned / 5))} degrees round"


def _number(count: int) -> str:
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
