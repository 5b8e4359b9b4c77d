"""A guided, timed hold with no visible movement (hamstring sets).

Nothing moves, so the rep is timed, not seen: once the position is held still the hold
clock runs ("press the heel down"), the rep counts when the target time is reached, then a
relax pause, then the next hold. Leaving the position during a hold breaks that hold.
"""

from __future__ import annotations

import math

from repcam.core.kinematics import AngleFrame, Side
from repcam.exercises.engine import AnalyserState, position_ok
from repcam.exercises.events import (
    Event,
    FaultDetected,
    HoldCompleted,
    HoldProgress,
    PositionReady,
    RepCompleted,
    RepMetrics,
    RepStarted,
    TopReached,
)
from repcam.exercises.spec import ExerciseSpec, Phase, RepContext, signal_value

RELAX_MS = 3000.0
MAX_DRIFT_DEG = 10.0  # moving the knee more than this during a hold leaves the position
LEFT_POSITION = "left_position"


class HoldAnalyser(AnalyserState):
    def __init__(self, spec: ExerciseSpec, side: Side | str | None = None) -> None:
        super().__init__(spec, side)
        self._since_ms = 0.0
        self._last_ms: float | None = None
        self._held_ms = 0.0
        self._anchor_deg = math.nan

    def _value(self, frame: AngleFrame) -> float:
        return signal_value(frame, self.signal.angle, self._side)

    def _in_range(self, value: float) -> bool:
        return self.signal.start_min <= value <= self.signal.start_max

    def update(self, frame: AngleFrame) -> list[Event]:
        t = frame.timestamp_ms
        ok = position_ok(self.spec, frame)
        if ok and self.phase in (Phase.SETUP, Phase.READY):
            self._side = self.forced_side or frame.near_side
        value = self._value(frame) if ok else math.nan
        events: list[Event] = []
        if ok:
            context = RepContext({}, self._side, value)
            events += self._faults.check_frame(frame, self.phase, context, self.count + 1)
        events += self._step(t, ok and self._in_range(value), value)
        self._last_ms = t
        return events

    def _step(self, t: float, in_position: bool, value: float) -> list[Event]:
        if self.phase is Phase.SETUP:
            if not in_position:
                self._since_ms = t
            elif t - self._since_ms >= self.spec.thresholds.settle_ms:
                self.phase, self._since_ms = Phase.READY, t
                return [PositionReady(t)]
            return []
        if self.phase is Phase.READY:
            if not in_position:
                self.phase, self._since_ms = Phase.SETUP, t
                return []
            self.phase, self._since_ms, self._held_ms = Phase.TOP, t, 0.0
            self._anchor_deg = value
            self._faults.new_rep()
            return [RepStarted(t, self.count + 1, self._side)]
        if self.phase is Phase.TOP:
            return self._holding(t, in_position, value)
        if t - self._since_ms >= RELAX_MS:  # BACK: relaxing between holds
            self.phase, self._since_ms = Phase.SETUP, t
        return []

    def _holding(self, t: float, in_position: bool, value: float) -> list[Event]:
        if not in_position or abs(value - self._anchor_deg) > MAX_DRIFT_DEG:
            self.phase, self._since_ms = Phase.SETUP, t
            return [FaultDetected(t, LEFT_POSITION, "stay in position", self.count + 1)]
        self._held_ms += t - (self._last_ms if self._last_ms is not None else t)
        self.progress = min(self._held_ms / self.spec.hold_ms, 1.0)
        events: list[Event] = [HoldProgress(t, self._held_ms, self.spec.hold_ms)]
        if self._held_ms >= self.spec.hold_ms:
            events += self._complete(t)
        return events

    def _complete(self, t: float) -> list[Event]:
        self.tally = self.tally.add(self._side)
        metrics = RepMetrics(
            index=self.count, side=self._side, start_ms=self._since_ms, end_ms=t,
            signal=self.signal.angle, start_deg=self._anchor_deg,
            peak_deg=self._anchor_deg, hold_ms=self._held_ms,
            hold_target_ms=self.spec.hold_ms, lift_ms=0.0, lower_ms=0.0,
            faults=self._faults.rep_faults(),
        )
        self.reps.append(metrics)
        self.phase, self._since_ms, self.progress = Phase.BACK, t, 0.0
        return [
            TopReached(t, self.count, self._side, self.tally),
            HoldCompleted(t, self._held_ms),
            RepCompleted(t, metrics),
        ]

    def finish(self, timestamp_ms: float, *, source_ended: bool = True) -> list[Event]:
        return []  # an unfinished hold is not a rep
