"""Run the analysers on synthetic patients and compare with the truth."""

from __future__ import annotations

from dataclasses import dataclass

from repcam.core.filters import NoFilter
from repcam.core.kinematics import Kinematics
from repcam.core.track import LandmarkTrack
from repcam.exercises import get_exercise
from repcam.exercises.events import Event, FaultDetected, PositionLost, TopReached
from repcam.folds.exercise_session import ExerciseSession
from repcam.folds.set_analysis import SetAnalysis
from repcam.synthetic import SyntheticClip


@dataclass
class Run:
    session: ExerciseSession
    events: list[Event]

    @property
    def count(self) -> int:
        return self.session.analyser.count

    @property
    def reps(self):
        return self.session.analyser.reps

    def faults(self, name: str | None = None) -> list[FaultDetected]:
        return [e for e in self.events if isinstance(e, FaultDetected)
                and (name is None or e.fault == name)]

    def form_faults(self) -> list[FaultDetected]:
        """Faults a physio would correct, leaving out the tempo of the hold itself."""
        return [f for f in self.faults() if f.fault != "short_hold"]

    @property
    def tops(self) -> list[TopReached]:
        return [e for e in self.events if isinstance(e, TopReached)]

    @property
    def lost(self) -> list[PositionLost]:
        return [e for e in self.events if isinstance(e, PositionLost)]


def run(clip: SyntheticClip, exercise: str | None = None, side: str | None = None,
        *, live: bool = False) -> Run:
    """The clip's landmarks through one exercise, as a recording is analysed (the camera
    estimated from the whole set first) or `live` (estimated as the frames come)."""
    spec = get_exercise(exercise or clip.exercise)
    track = LandmarkTrack(clip.frames, 30.0, clip.exercise, "synthetic")
    session = ExerciseSession(spec, side) if live else \
        SetAnalysis.of_track(track, spec, side=side).session
    events: list[Event] = []
    for frame in clip.frames:
        events += session.process(frame)[1]
    events += session.finish(clip.frames[-1].timestamp_ms)
    return Run(session, events)


def true_signal(clip: SyntheticClip, angle: str, side: str) -> list[float]:
    """The exercise angle from the exact (noise-free) landmarks, unfiltered."""
    from repcam.exercises.spec import signal_value

    kinematics = Kinematics(NoFilter)
    values = []
    for frame in clip.frames:
        person = frame.people[0] if frame.people else None
        angles = kinematics.update(person, frame.timestamp_ms, (frame.width_px, frame.height_px))
        values.append(signal_value(angles, angle, side) if person else float("nan"))
    return values


def true_holds_ms(clip: SyntheticClip, spec, side: str, signal=None) -> list[float]:
    """Per rep, how long the exact angle stays in the top position (within the signal's
    hold band of where the rep settles at the top): the analyser's definition."""
    from repcam.exercises.engine import held_ms, top_level

    signal = signal or spec.signal
    values = true_signal(clip, signal.angle, side)
    times = [f.timestamp_ms for f in clip.frames]
    holds = []
    for truth in clip.truth:
        inside = [(t, v) for t, v in zip(times, values, strict=True)
                  if truth.start_ms <= t <= truth.end_ms]
        inside_times, inside_values = [t for t, _ in inside], [v for _, v in inside]
        top = top_level(inside_values, signal.hold_band)
        holds.append(held_ms(inside_times, inside_values, top - signal.hold_band))
    return holds
