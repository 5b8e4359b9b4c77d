"""What an exercise is, as data: its signal, thresholds, hold, position and fault rules.

Every threshold lives here, in degrees and milliseconds. Specs are validated when built, so
a bad one fails at import, not in the middle of someone's set.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from enum import Enum

from repcam.core.kinematics import (
    DEGREES,
    LYING,
    SIDE_SIGNALS,
    AngleFrame,
    Posture,
    Side,
    SideSignal,
    View,
    joint_of,
)
from repcam.core.landmarks import Joint
from repcam.exercises.events import Fault, RepMetrics


class Phase(str, Enum):
    SETUP = "setup"  # waiting for the start position
    READY = "ready"  # in the start position
    OUT = "out"  # moving away from the start (lifting; the Nordic descent)
    TOP = "top"  # at the far position (where holds are timed)
    BACK = "back"  # returning to the start (lowering)


MOVING = frozenset({Phase.OUT, Phase.TOP, Phase.BACK})


@dataclass(frozen=True)
class RepContext:
    """What fault rules may compare against: the signals at rest before this rep, and the
    highest value of each signal so far in the rep."""

    start_signals: Mapping[str, float]
    side: Side
    peak_deg: float
    highest_signals: Mapping[str, float] = field(default_factory=dict)

    def highest(self, name: str) -> float:
        return self.highest_signals.get(name, float("nan"))


@dataclass(frozen=True)
class FaultRule:
    """A form fault seen while moving: a predicate that must hold for `min_duration_ms`."""

    name: Fault
    cue: str
    check: Callable[[AngleFrame, RepContext], bool]
    phases: frozenset[Phase] = MOVING
    min_duration_ms: float = 300.0
    views: frozenset[View] = frozenset({View.SIDE, View.OBLIQUE})

    def __post_init__(self) -> None:
        _check_code(self.name)


def _check_code(name: object) -> None:
    """A fault is named by a `Fault` code, so a typo fails when the spec is built."""
    if not isinstance(name, Fault):
        known = ", ".join(f"Fault.{code.name}" for code in Fault)
        raise ValueError(f"fault {name!r} must be a Fault code: {known}")


def at_most(value: float, limit: float) -> bool:
    """For requirements: an unmeasured value (NaN: the joint not seen) does not refuse."""
    return not value > limit


def at_least(value: float, limit: float) -> bool:
    return not value < limit


@dataclass(frozen=True)
class Requirement:
    """What a rep must show besides its signal's rise: the exercise's defining posture, so a
    movement that only looks alike (a squat for a standing curl) is not counted. `check(frame,
    side)` is judged `at` the top (when the count would be made) or at the start (at rest,
    as the rep begins); `instead` names the look-alike, said when it is seen."""

    name: str
    check: Callable[[AngleFrame, str], bool]
    instead: str
    at: str = "top"
    views: frozenset[View] = frozenset({View.SIDE, View.OBLIQUE})

    def __post_init__(self) -> None:
        if self.at not in ("top", "start"):
            raise ValueError(f"{self.name}: a requirement is judged at 'top' or 'start'")


@dataclass(frozen=True)
class Metric:
    """A per-rep measure an exercise adds to the standard ones (the Nordic's break angle):
    its key in `RepMetrics.extras` and how every table, report and CSV shows it."""

    key: str
    label: str  # in words, for the report: "break angle"
    column: str  # a table's header: "break °"
    unit: str  # what is shown: "deg" or "s"
    per_unit: float = 1.0  # stored value / per_unit = the shown value (ms -> s: 1000)

    def shown(self, value: float) -> float:
        return value / self.per_unit


@dataclass(frozen=True)
class RepRule:
    """A fault judged on a completed rep (tempo, for example)."""

    name: Fault
    cue: str
    check: Callable[[RepMetrics], bool]

    def __post_init__(self) -> None:
        _check_code(self.name)


@dataclass(frozen=True)
class Thresholds:
    """Hysteresis on progress = (value - start) / range, range learned per person.

    A rep starts when progress rises past `leave_start`, counts when it reaches `enter_top`,
    leaves the top below `exit_top` and ends back under `at_start`. The gaps (0.3 vs 0.2,
    0.8 vs 0.6) are wider than landmark jitter, so noise at a threshold cannot double count.
    """

    at_start: float = 0.2
    leave_start: float = 0.3
    exit_top: float = 0.6
    enter_top: float = 0.8
    partial: float = 0.35  # a rep abandoned above this is a half-rep ("lift higher")
    settle_ms: float = 250.0  # the start position must be held this long before counting
    confirm_ms: float = 100.0  # back at the start this long ends a rep (one odd frame does not)
    gap_ms: float = 1000.0  # longer without a person: the position is lost

    def __post_init__(self) -> None:
        order = (self.at_start, self.leave_start, self.exit_top, self.enter_top)
        if not all(0 < a < b for a, b in itertools.pairwise(order)) or order[-1] > 1:
            raise ValueError(f"thresholds must rise strictly within 0..1, got {order}")
        if not 0 < self.partial < self.enter_top:
            raise ValueError("partial must lie between 0 and enter_top")


@dataclass(frozen=True)
class Signal:
    """The measure whose rise and fall is one rep, and the person's plausible range of it.

    Values are in the measure's unit (`unit`): degrees for the side view's angles, percent
    of the hip width for the front view's heights.
    """

    angle: str  # a per-side measure of `repcam.core.kinematics.SIDE_SIGNALS`, or a derived one
    side_mode: str  # "near": the side facing the camera; "moving": the side that moves
    _: KW_ONLY  # every number by name, in the signal's unit
    start_min: float  # the start position lies between these
    start_max: float
    min_rom: float  # the first rep must move at least this far to count
    typical_rom: float
    max_rom: float
    hold_band: float = 7.0  # "in the top position": within this of the rep's peak
    settle_range: float = 8.0  # the start position is still while it varies less

    @property
    def unit(self) -> str:
        return unit_of(self.angle)

    def __post_init__(self) -> None:
        if self.side_mode not in ("near", "moving"):
            raise ValueError(f"side_mode must be 'near' or 'moving', got {self.side_mode!r}")
        if not self.start_min <= self.start_max:
            raise ValueError("start_min must not exceed start_max")
        if not 0 < self.min_rom <= self.typical_rom <= self.max_rom:
            raise ValueError("need 0 < min_rom <= typical_rom <= max_rom")
        if _measure(self.angle) is None:
            raise ValueError(f"no such signal: {self.angle!r}")


# Angles that are not in the kinematics table but are its supplements, per side.
SUPPLEMENT_OF: dict[str, str] = {"knee_extension": "knee_flexion", "hip_flexion": "hip_line"}


def signal_value(frame: AngleFrame, angle: str, side: Side, *, raw: bool = False) -> float:
    signals = frame.raw_signals if raw else frame.signals
    base = SUPPLEMENT_OF.get(angle)
    value = signals.get(f"{base or angle}_{side}", math.nan)
    return 180.0 - value if base else value


def _measure(angle: str) -> SideSignal | None:
    base = SUPPLEMENT_OF.get(angle, angle)
    return next((m for m in SIDE_SIGNALS if m.name == base), None)


def signal_vertex(angle: str) -> str:
    """The joint (e.g. "KNEE") at which a signal is measured and drawn."""
    measure = _measure(angle)
    if measure is None:
        raise KeyError(f"no such signal: {angle!r}")
    return measure.vertex


def signal_joints(angle: str) -> tuple[str, ...]:
    """The joints a signal is measured from ("HIP", "KNEE", ...; "OTHER_HIP" the other side's)."""
    measure = _measure(angle)
    return measure.joints if measure else ()


def unit_of(angle: str) -> str:
    """The unit of a signal; degrees for a rep logged before reps named their signal."""
    measure = _measure(angle)
    return measure.unit if measure else DEGREES


@dataclass(frozen=True)
class ExerciseSpec:
    name: str
    title: str
    family: str
    stage: int
    setup: str  # the camera and body setup, in the words we say to the person
    postures: frozenset[Posture]
    signal: Signal
    hold_ms: float
    kind: str = "reps"  # "reps" or "hold" (a guided, timed hold with no movement)
    front_signal: Signal | None = None  # the rep seen from the front, where that works
    required_joints: tuple[str, ...] = ("SHOULDER", "HIP", "KNEE", "ANKLE")
    faults: tuple[FaultRule, ...] = ()
    rep_rules: tuple[RepRule, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    partial_cue: str = "go further"
    out_label: str = "lift"
    back_label: str = "lower"
    per_side: bool = False
    default_reps: int = 10
    max_reps: int = 10
    thresholds: Thresholds = field(default_factory=Thresholds)
    # Measures of a whole rep from its unsmoothed (time, value) samples (fits smooth), and
    # how each is shown.
    extras: Callable[[list[tuple[float, float]]], dict[str, float]] | None = None
    metrics: tuple[Metric, ...] = ()
    form_signals: tuple[str, ...] = ()  # per-side angles the faults watch (plotted in reports)
    progresses_to: str | None = None  # the next exercise, when it is not simply the next stage
    helpers: int = 0  # people who may be in view besides the exerciser (a partner's hands)
    analysis_fps: float = 15.0  # poses a second analysed in a recording (0: every frame)
    max_yaw_deg: float = 60.0  # how far from side-on the camera may be turned
    # A segment that rests level on the floor (it levels the camera's estimate): a planted
    # foot ("HEEL", "FOOT_INDEX"), kneeling shins, the trunk lying face down.
    level_segment: tuple[str, str] | None = None
    # The working foot leaves the floor while the other stays where both rested: which leg
    # worked is read from where the feet rested (`leg_roles`), not only the model's names.
    stance_foot_stays: bool = False
    notes: str = ""

    @property
    def views(self) -> frozenset[View]:
        """The camera views this exercise can be counted from."""
        side = frozenset({View.SIDE, View.OBLIQUE})
        return side | {View.FRONT} if self.front_signal else side

    @property
    def one_leg_lying(self) -> bool | None:
        """One leg works lying on the back (True) or face down (False); None otherwise."""
        if self.signal.side_mode != "moving" or len(self.postures) != 1:
            return None
        posture = next(iter(self.postures))
        return posture is Posture.LYING_SUPINE if posture in LYING else None

    def signal_for(self, view: View) -> Signal:
        if view is View.FRONT and self.front_signal is not None:
            return self.front_signal
        return self.signal

    @property
    def people(self) -> int:
        """How many people the pose model looks for while counting."""
        return 1 + self.helpers

    def joints_out_of_frame(self, frame: AngleFrame) -> list[str]:
        """The required joints (e.g. "ANKLE") of the side facing the camera not in frame."""
        return [name for name in self.required_joints
                if joint_of(frame.near_side, name) not in frame.in_frame]

    def __post_init__(self) -> None:
        if self.kind not in ("reps", "hold"):
            raise ValueError(f"{self.name}: kind must be 'reps' or 'hold'")
        if self.hold_ms < 0:
            raise ValueError(f"{self.name}: hold_ms must be >= 0")
        if not self.postures:
            raise ValueError(f"{self.name}: at least one posture is needed")
        if self.metrics and self.extras is None:
            raise ValueError(f"{self.name}: metrics are shown from `extras`, which is missing")
        names = [rule.name for rule in (*self.faults, *self.rep_rules)]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: fault names must be unique, got {names}")
        joints = (*self.required_joints, *(self.level_segment or ()))
        unknown = [j for j in joints if f"LEFT_{j}" not in Joint.__members__]
        if unknown:
            raise ValueError(f"{self.name}: no such joint {unknown[0]!r} (one side's joint "
                             "names, e.g. 'KNEE')")
        unmeasured = [name for name in self.form_signals if _measure(name) is None]
        if unmeasured:
            raise ValueError(f"{self.name}: no such signal {unmeasured[0]!r} in form_signals")
