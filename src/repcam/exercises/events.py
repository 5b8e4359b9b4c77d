"""What analysers emit, frame by frame. Sinks (overlay, voice, log, report) consume these."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RepMetrics:
    """Everything measured about one rep. Times in ms from the source, angles in degrees."""

    index: int
    side: str
    start_ms: float
    end_ms: float
    signal: str
    start_deg: float
    peak_deg: float
    hold_ms: float
    hold_target_ms: float
    lift_ms: float
    lower_ms: float
    faults: tuple[str, ...] = ()
    extras: dict[str, float] = field(default_factory=dict)
    confidence: float = 1.0  # 0..1: how well this rep could be measured (see engine)

    @property
    def rom_deg(self) -> float:
        return abs(self.peak_deg - self.start_deg)

    @property
    def hold_met(self) -> bool:
        return self.hold_ms + 1e-6 >= self.hold_target_ms


@dataclass(frozen=True)
class Event:
    timestamp_ms: float


@dataclass(frozen=True)
class RepStarted(Event):
    rep_index: int
    side: str


@dataclass(frozen=True)
class TopReached(Event):
    """The rep counts from here (the programme's convention): the count is `rep_index`."""

    rep_index: int
    side: str


@dataclass(frozen=True)
class RepWithdrawn(Event):
    """A counted rep taken back: the video ended while the body was still on its way up."""

    rep_index: int
    side: str


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
    fault: str
    cue: str
    rep_index: int


@dataclass(frozen=True)
class PositionLost(Event):
    reason: str


@dataclass(frozen=True)
class PositionReady(Event):
    """The start position is held: counting may begin."""
