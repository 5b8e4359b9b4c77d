"""`--exercise auto`: which programme exercise a clip shows, and how sure we are.

Every registered exercise replays the clip's landmarks (cheap: no video, no model). An
exercise fits when the person holds its posture and its analyser counts reps of a plausible
range. Exercises with the same posture and movement (a bridge on the floor or on a roller)
cannot be told apart from landmarks: they are reported together, the easier one first.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from repcam.core.camera_view import SIDE_ON, CameraView
from repcam.core.kinematics import AngleFrame, Kinematics, Posture
from repcam.core.track import LandmarkTrack
from repcam.exercises import Analyser, make_analyser
from repcam.exercises.registry import EXERCISES
from repcam.exercises.spec import ExerciseSpec
from repcam.folds.set_analysis import (
    SetAnalysis,
    followed_people,
    track_camera,
    track_face_up,
)

SURE_SCORE = 0.45
SURE_MARGIN = 0.15


@dataclass(frozen=True)
class Candidate:
    spec: ExerciseSpec
    score: float  # 0..1
    reps: int
    posture_share: float


@dataclass(frozen=True)
class Recognition:
    candidates: tuple[Candidate, ...]  # best first
    look_alikes: tuple[str, ...]  # exercises moving exactly like the best one

    @property
    def best(self) -> Candidate:
        return self.candidates[0]

    @property
    def margin(self) -> float:
        others = [c.score for c in self.candidates[1:] if c.spec.name not in self.look_alikes]
        return self.best.score - max(others, default=0.0)

    @property
    def sure(self) -> bool:
        return self.best.score >= SURE_SCORE and self.margin >= SURE_MARGIN


def _movement(spec: ExerciseSpec) -> tuple:
    return (spec.signal, spec.postures, spec.kind, spec.hold_ms)


def score_exercise(track: LandmarkTrack, spec: ExerciseSpec,
                   camera: CameraView = SIDE_ON) -> Candidate:
    """The exercise replays the whole track, picking its own person among several."""
    analysis = SetAnalysis.of_track(track, spec, camera=camera)
    for pose in track.frames:
        analysis.process(pose)
    analysis.finish()
    return _candidate(spec, analysis.session.analyser, analysis.postures)


def score_on_angles(angles: list[AngleFrame], postures: Counter[Posture],
                    spec: ExerciseSpec) -> Candidate:
    """The exercise's analyser on angles measured once for every exercise. An exercise
    whose posture is never seen scores 0 whatever it counts: it is not replayed."""
    analyser = make_analyser(spec)
    if any(postures[p] for p in spec.postures):
        for frame in angles:
            analyser.update(frame)
        analyser.finish(angles[-1].timestamp_ms)
    return _candidate(spec, analyser, postures)


def _candidate(spec: ExerciseSpec, analyser: Analyser,
               postures: Counter[Posture]) -> Candidate:
    reps, signal = analyser.reps, analyser.signal
    seen = sum(postures.values())
    share = sum(postures[p] for p in spec.postures) / seen if seen else 0.0
    plausible = 1.0
    if reps:
        rom = statistics.median(r.rom_deg for r in reps)
        plausible = 1.0 if signal.min_rom <= rom <= signal.max_rom else 0.5
    movement = 0.4 + 0.6 * min(len(reps), 3) / 3
    return Candidate(spec, share * movement * plausible, len(reps), share)


def measured_once(track: LandmarkTrack, camera: CameraView) -> list[AngleFrame]:
    """With at most one person in each frame every exercise follows the same person, so the
    kinematics (most of a replay's cost) are the same for all: measured once."""
    people = followed_people(track)
    kinematics = Kinematics(camera=camera, lying_face_up=track_face_up(track, camera, people))
    return kinematics.measure(people, [pose.timestamp_ms for pose in track.frames],
                              track.image_size_px)


def recognise(track: LandmarkTrack) -> Recognition:
    camera = track_camera(track)  # once: the camera does not depend on the exercise
    if track.frames and max(len(pose.people) for pose in track.frames) <= 1:
        angles = measured_once(track, camera)
        postures = Counter(frame.posture for frame in angles if frame.present)
        scored = [score_on_angles(angles, postures, spec) for spec in EXERCISES.values()]
    else:
        scored = [score_exercise(track, spec, camera) for spec in EXERCISES.values()]
    ranked = sorted(scored, key=lambda c: -c.score)  # stable: programme order breaks ties
    best = ranked[0].spec
    twins = tuple(c.spec.name for c in ranked[1:]
                  if _movement(c.spec) == _movement(best) and c.score == ranked[0].score)
    return Recognition(tuple(ranked), twins)
