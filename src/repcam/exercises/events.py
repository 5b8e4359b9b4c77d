"""What analysers emit, frame by frame. Sinks (overlay, voice, log, report) consume these."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from repcam.core.kinematics import Side


class Fault(str, Enum):
    """Every form fault repcam names. The code is what logs, CSV and JSON hold (a `str`, as
    `Side` is); the words said to the person are each exercise's rule's `cue`."""

    ARCHING = "arching"
    BACK_ARCHING = "back_arching"
    BALL_ROLLING = "ball_rolling"
    FAST_RETURN = "fast_return"
    HALF_REP = "partial"  # a rep abandoned part way up: not counted
    HIP_BEND = "hip_bend"
    HIPS_DROPPING = "hips_dropping"
    KNEE_ANGLE = "knee_angle"
    KNEE_FORWARD = "knee_forward"
    KNEE_WIDTH = "knee_width"
    LEANING_FORWARD = "leaning_forward"
    LEG_DROPPED = "leg_dropped"
    PELVIS_TILT = "pelvis_tilt"
    SHORT_HOLD = "short_hold"  # the rep's hold was shorter than its target
    TRUNK_SWAY = "trunk_sway"

    def __str__(self) -> str:  # f-strings, tables and ";".join show the code
        return self.value


def faults_from(codes: str) -> tuple[Fault, ...]:
    """A rep's faults as logs and CSV hold them: codes joined by ';' ("" for none)."""
    return tuple(Fault(code) for code in codes.split(";") if code)


@dataclass(frozen=True)
class RepMetrics:
    """Everything measured about one rep. Times in ms from the source, angles in degrees."""

    index: int
    side: Side
    start_ms: float
    end_ms: float
    signal: str
    start_deg: float
    peak_deg: float
    hold_ms: float
    hold_target_ms: float
    lift_ms: float
    lower_ms: float
    faults: tuple[Fault, ...] = ()
    extras: dict[str, float] = field(default_factory=dict)
    confidence: float = 1.0  # 0..1: how well this rep could be measured (see engine)

    def __post_init__(self) -> None:  # a code read from a log or CSV becomes its Fault
        object.__setattr__(self, "faults", tuple(Fault(code) for code in self.faults))

    @property
    def rom_deg(self) -> float:
        return abs(self.peak_deg - self.start_deg)

    @property
    def hold_met(self) -> bool:
        return self.hold_ms + 1e-6 >= self.hold_target_ms


@dataclass(frozen=True)
class Tally:
    """Reps counted so far, per side. The analyser is the only one that changes it; the events
    that change it carry the new tally, so every other reader copies it, never recounts."""

    left: int = 0
    right: int = 0

    def of(self, side: Side) -> int:
        return self.left if Side(side) is Side.LEFT else self.right

    def add(self, side: Side, reps: int = 1) -> Tally:
        return replace(self, **{str(side): self.of(side) + reps})

    @property
    def total(self) -> int:
        return self.left + self.right

    def by_side(self) -> dict[str, int]:
        return {str(side): self.of(side) for side in Side}

    def describe(self) -> str:
        """"left 2, right 1"; the sides with no rep left out."""
        return ", ".join(f"{side} {self.of(side)}" for side in Side if self.of(side))


@dataclass(frozen=True)
class Event:
    timestamp_ms: float


@dataclass(frozen=True)
class RepStarted(Event):
    rep_index: int
    side: Side


@dataclass(frozen=True)
class TopReached(Event):
    """The rep counts from here (the programme's convention)."""

    rep_index: int
    side: Side
    tally: Tally  # the count, this rep included


@dataclass(frozen=True)
class RepWithdrawn(Event):
    """A counted rep taken back: the video ended while the body was still on its way up."""

    rep_index: int
    side: Side
    tally: Tally  # the count, this rep taken back


@dataclass(frozen=True)
class LegRenamed(Event):
    """A counted rep found, by its end, to be the other leg's (the feet told where the
    model's leg names had swapped): its count moves to that leg."""

    rep_index: int
    side: Side
    tally: Tally  # the count, the rep on its own leg


@dataclass(frozen=True)
class HoldProgress(Event):
    held_ms: float
    target_ms: float


@dataclass(frozen=True)
class HoldCompleted(Event):
    held_ms: float


@dataclass(frozen=True)
class RepCompleted(Event):
    metrics: RepMetrics


@dataclass(frozen=True)
class FaultDetected(Event):
    fault: Fault
    cue: str
    rep_index: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "fault", Fault(self.fault))


@dataclass(frozen=True)
class PositionLost(Event):
    reason: str


@dataclass(frozen=True)
class PositionReady(Event):
    """The start position is held: counting may begin."""
