"""One exercise, frame by frame: pick the person, measure angles, run the analyser.

The same object drives a recorded video and a live camera; it holds no drawing, speech or
storage, which are the sinks' business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from repcam.core.camera_view import SIDE_ON, CameraView, ViewTracker
from repcam.core.filters import OneEuroFilter
from repcam.core.kinematics import (
    SIDES,
    AngleFrame,
    FilterFactory,
    Kinematics,
    camera_side,
    classify_posture,
    classify_view,
    estimate_chirality,
    geometric_signals,
    mask_unseen,
)
from repcam.core.landmarks import Landmarks, PoseFrame
from repcam.core.sides import Side
from repcam.core.tracking import PersonSelector
from repcam.exercises import Analyser, ExerciseSpec, make_analyser
from repcam.exercises.events import Event
from repcam.exercises.spec import Phase, signal_value


def start_position_match(spec: ExerciseSpec):
    """0..1: how much a person looks like someone about to do this exercise."""

    def suitability(person: Landmarks) -> float:
        chirality = estimate_chirality(person) or 1.0
        geometry = geometric_signals(person, chirality)
        signals = mask_unseen(geometry, person)
        near, view = camera_side(person), classify_view(person)
        posture = classify_posture(geometry, near, chirality, person, view)
        angles = AngleFrame(0.0, signals, person, near)
        signal = spec.signal_for(view)
        sides = SIDES if signal.side_mode == "moving" else (near,)
        plausible = any(
            signal.start_min <= signal_value(angles, signal.angle, side)
            <= signal.start_max
            for side in sides
        )
        return 0.5 * (posture in spec.postures) + 0.5 * plausible

    return suitability


@dataclass
class ExerciseSession:
    """`camera`: where the camera stands, when it was estimated beforehand (a recording's
    whole set); None: estimated live, while the person gets into position."""

    spec: ExerciseSpec
    side: Side | None = None
    filter_factory: FilterFactory = OneEuroFilter
    camera: CameraView | None = None
    lying_face_up: bool | None = None  # a recording's, estimated from all of it
    kinematics: Kinematics = field(init=False)
    selector: PersonSelector = field(init=False)

    def __post_init__(self) -> None:
        self.kinematics = Kinematics(self.filter_factory, camera=self.camera or SIDE_ON,
                                     lying_face_up=self.lying_face_up,
                                     one_leg_lying=self.spec.one_leg_lying)
        self.selector = PersonSelector(start_position_match(self.spec))
        self.analyser: Analyser = make_analyser(self.spec, self.side)
        self.people_in_view = 0
        self._tracker: ViewTracker | None = None

    def process(self, pose: PoseFrame) -> tuple[AngleFrame, list[Event]]:
        self.people_in_view = len(pose.people)
        # The view is followed until the first rep begins (see `_follow_camera`).
        setting_up = self.analyser.phase in (Phase.SETUP, Phase.READY) and not (
            self.analyser.count or self.analyser.reps)
        # Before the first rep another person may prove the exerciser (the detector found a
        # kneeling partner first): then the start position is learned afresh from them.
        unproven = self.analyser.phase is Phase.SETUP or (
            self.analyser.phase is Phase.READY and not self.analyser.count)
        person = self.selector.select(pose.people, may_switch=unproven)
        if self.selector.switched and self.analyser.phase is not Phase.SETUP:
            self.analyser: Analyser = make_analyser(self.spec, self.side)
        if self.camera is None:
            self._follow_camera(person, pose, setting_up)
        angles = self.kinematics.update(person, pose.timestamp_ms,
                                        (pose.width_px, pose.height_px))
        return angles, self.analyser.update(angles)

    def _follow_camera(self, person: Landmarks | None, pose: PoseFrame,
                       setting_up: bool) -> None:
        """Live: the view is estimated while the person gets into position, then held for
        the set (its range is learned in it; a new view between reps would shift it). A new
        set (a new session object) estimates it again."""
        if self._tracker is None:
            self._tracker = ViewTracker((pose.width_px, pose.height_px),
                                        level=self.spec.level_segment, every_ms=1000.0,
                                        thin=1)
        if setting_up:
            self._tracker.add(person, pose.timestamp_ms)
            self.kinematics.camera = self._tracker.view

    def finish(self, timestamp_ms: float, *, source_ended: bool = True) -> list[Event]:
        return self.analyser.finish(timestamp_ms, source_ended=source_ended)
