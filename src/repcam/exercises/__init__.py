"""Exercise analysers: specs (data + small rules) per family, one generic engine."""

from repcam.exercises.engine import RepAnalyser
from repcam.exercises.hold import HoldAnalyser
from repcam.exercises.registry import EXERCISES, get_exercise
from repcam.exercises.spec import ExerciseSpec


def make_analyser(spec: ExerciseSpec, side: str | None = None) -> RepAnalyser | HoldAnalyser:
    return HoldAnalyser(spec, side) if spec.kind == "hold" else RepAnalyser(spec, side)


__all__ = ["EXERCISES", "ExerciseSpec", "HoldAnalyser", "RepAnalyser", "get_exercise",
           "make_analyser"]
