"""Exercise analysers: specs (data + small rules) per family, one generic engine."""

from __future__ import annotations

from collections import Counter
from typing import Protocol

from repcam.core.kinematics import AngleFrame, Side
from repcam.exercises.engine import RepAnalyser
from repcam.exercises.events import Event, RepMetrics, Tally
from repcam.exercises.hold import HoldAnalyser
from repcam.exercises.registry import EXERCISES, get_exercise
from repcam.exercises.spec import ExerciseSpec, Phase, Signal


class Analyser(Protocol):
    """What apps and folds may rely on: frames in, events out, and this small state (read
    only). Counts, reps and phases are the analyser's; everything else follows its events."""

    spec: ExerciseSpec
    signal: Signal  # the side view's, or the front view's once seen from there
    phase: Phase
    tally: Tally  # the count (per side); `count` is its total
    reps: list[RepMetrics]
    progress: float  # 0 at the start position, 1 at the top (for the overlay's bar)
    look_alikes: Counter[str]  # reps refused: what they looked like instead

    @property
    def count(self) -> int: ...

    def update(self, frame: AngleFrame) -> list[Event]: ...

    def finish(self, timestamp_ms: float, *, source_ended: bool = True) -> list[Event]: ...


def make_analyser(spec: ExerciseSpec, side: Side | str | None = None) -> Analyser:
    return HoldAnalyser(spec, side) if spec.kind == "hold" else RepAnalyser(spec, side)


__all__ = ["EXERCISES", "Analyser", "ExerciseSpec", "HoldAnalyser", "RepAnalyser", "Tally",
           "get_exercise", "make_analyser"]
