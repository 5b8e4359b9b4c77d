"""What a person should see right now, folded from the analyser's events (pure, no drawing).

The overlay of a recorded video and of the live window both draw a `Scoreboard`; keeping
the folding here means they can never disagree about the count, the hold or the cue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from repcam.exercises.events import (
    Event,
    FaultDetected,
    HoldCompleted,
    HoldProgress,
    LegRenamed,
    PositionLost,
    PositionReady,
    RepCompleted,
    RepMetrics,
    RepStarted,
    RepWithdrawn,
    Tally,
    TopReached,
)

CUE_SHOW_MS = 2500.0  # a fault cue stays on screen this long
LOST_SHOW_MS = 2000.0


@dataclass
class Scoreboard:
    title: str
    target_reps: int = 0
    set_number: int = 1
    sets: int = 1
    tally: Tally = field(default_factory=Tally)  # copied from the analyser's events
    hold_ms: float = 0.0
    hold_target_ms: float = 0.0
    holding: bool = False
    cue: str = ""
    cue_until_ms: float = -1.0
    last_rep: RepMetrics | None = None
    status: str = ""  # setup guidance or a pause, shown when no cue is

    def apply(self, events: list[Event], now_ms: float) -> None:
        for event in events:
            self._apply(event)
        if self.cue and now_ms > self.cue_until_ms:
            self.cue = ""

    def _apply(self, event: Event) -> None:
        match event:
            case PositionReady():
                self.status = ""
            case RepStarted():
                self.hold_ms, self.holding, self.last_rep = 0.0, False, None
            case TopReached(tally=tally) | RepWithdrawn(tally=tally) | LegRenamed(tally=tally):
                self.tally = tally
            case HoldProgress(held_ms=held, target_ms=target):
                self.hold_ms, self.hold_target_ms, self.holding = held, target, True
            case HoldCompleted(held_ms=held):
                self.hold_ms = held
            case RepCompleted(metrics=metrics):
                self.last_rep, self.holding = metrics, False
            case FaultDetected(cue=cue, timestamp_ms=t):
                self.show_cue(cue, t, CUE_SHOW_MS)
            case PositionLost(timestamp_ms=t):
                self.holding = False
                self.show_cue("Get back into the start position", t, LOST_SHOW_MS)

    def show_cue(self, text: str, now_ms: float, for_ms: float = CUE_SHOW_MS) -> None:
        self.cue, self.cue_until_ms = text, now_ms + for_ms

    def start_set(self, set_number: int) -> None:
        self.set_number = set_number
        self.tally = Tally()
        self.hold_ms, self.holding, self.last_rep = 0.0, False, None

    @property
    def count(self) -> int:
        return self.tally.total

    @property
    def hold_fraction(self) -> float:
        return min(1.0, self.hold_ms / self.hold_target_ms) if self.hold_target_ms else 0.0
