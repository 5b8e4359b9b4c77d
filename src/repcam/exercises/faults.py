"""Debounced fault detection shared by every analyser."""

from __future__ import annotations

from repcam.core.kinematics import AngleFrame
from repcam.exercises.events import Fault, FaultDetected, RepMetrics
from repcam.exercises.spec import ExerciseSpec, Phase, RepContext

HOLD_TOLERANCE_MS = 250.0  # landmark timing is only this exact


class FaultMonitor:
    """Reports each fault at most once per rep, after it has lasted `min_duration_ms`."""

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self._since_ms: dict[Fault, float] = {}
        self._reported: list[Fault] = []

    def new_rep(self) -> None:
        self._since_ms.clear()
        self._reported = []

    def rep_faults(self) -> tuple[Fault, ...]:
        return tuple(self._reported)

    def check_frame(self, frame: AngleFrame, phase: Phase, context: RepContext,
                    rep_index: int) -> list[FaultDetected]:
        events = []
        # Form is judged on the body's angles: not where they were corrected by a rough
        # camera estimate (read 20 degrees off, a clean bridge's hip line passed the arching
        # limit).
        judged = not frame.camera.roughly_corrected
        for rule in self.spec.faults:
            active = judged and (
                phase in rule.phases and frame.view in rule.views and rule.check(frame, context)
            )
            if not active:
                self._since_ms.pop(rule.name, None)
                continue
            since = self._since_ms.setdefault(rule.name, frame.timestamp_ms)
            lasted = frame.timestamp_ms - since >= rule.min_duration_ms
            if lasted and rule.name not in self._reported:
                self._reported.append(rule.name)
                events.append(FaultDetected(frame.timestamp_ms, rule.name, rule.cue, rep_index))
        return events

    def check_rep(self, metrics: RepMetrics) -> list[FaultDetected]:
        events = []
        if metrics.hold_target_ms > 0 and metrics.hold_ms + HOLD_TOLERANCE_MS < (
            metrics.hold_target_ms
        ):
            seconds = metrics.hold_target_ms / 1000
            events.append(FaultDetected(metrics.end_ms, Fault.SHORT_HOLD,
                                        f"hold for {seconds:g} seconds", metrics.index))
        for rule in self.spec.rep_rules:
            if rule.check(metrics):
                events.append(FaultDetected(metrics.end_ms, rule.name, rule.cue, metrics.index))
        return events
