"""One exercise, frame by frame: pick the person, measure angles, run the analyser.

The same object drives a recorded video and a live camera; it holds no drawing, speech or
storage, which are the sinks' business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from repcam.exercises import ExerciseSpec, make_analyser
from repcam.exercises.events import Event
from repcam.filters import OneEuroFilter
from repcam.kinematics import (
    AngleFrame,
    FilterFactory,
    Kinematics,
    camera_side,
    classify_posture,
    estimate_chirality,
    raw_signals,
)
from repcam.landmarks import Landmarks, PoseFrame
from repcam.tracking import PersonSelector


def posture_match(spec: ExerciseSpec):
    def suitability(person: Landmarks) -> float:
        chirality = estimate_chirality(person) or 1.0
        signals = raw_signals(person, chirality)
        posture = classify_posture(signals, camera_side(person), chirality, person)
        return 1.0 if posture in spec.postures else 0.0

    return suitability


@dataclass
class ExerciseSession:
    spec: ExerciseSpec
    side: str | None = None
    filter_factory: FilterFactory = OneEuroFilter
    kinematics: Kinematics = field(init=False)
    selector: PersonSelector = field(init=False)

    def __post_init__(self) -> None:
        self.kinematics = Kinematics(self.filter_factory)
        self.selector = PersonSelector(posture_match(self.spec))
        self.analyser = make_analyser(self.spec, self.side)
        self.people_in_view = 0

    def process(self, pose: PoseFrame) -> tuple[AngleFrame, list[Event]]:
        self.people_in_view = len(pose.people)
        person = self.selector.select(pose.people)
        angles = self.kinematics.update(person, pose.timestamp_ms,
                                        (pose.width_px, pose.height_px))
        return angles, self.analyser.update(angles)

    def finish(self, timestamp_ms: float) -> list[Event]:
        return self.analyser.finish(timestamp_ms)
