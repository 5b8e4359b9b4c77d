"""`--exercise auto`: which programme exercise a clip shows, and how sure we are.

Every registered exercise replays the clip's landmarks (cheap: no video, no model). An
exercise fits when the person holds its posture and its analyser counts reps of a plausible
range. Exercises with the same posture and movement (a bridge on the floor or on a roller)
cannot be told apart from landmarks: they are reported together, the easier one first.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from repcam.analysis import SetAnalysis, track_camera
from repcam.camera_view import SIDE_ON, CameraView
from repcam.exercises.registry import EXERCISES
from repcam.exercises.spec import ExerciseSpec
from repcam.landmark_cache import LandmarkTrack

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
    analysis = SetAnalysis(spec, camera=camera)
    for pose in track.frames:
        analysis.process(pose)
    analysis.finish()
    analyser = analysis.session.analyser
    reps, signal = analyser.reps, analyser.signal
    seen = sum(analysis.postures.values())
    share = sum(analysis.postures[p] for p in spec.postures) / seen if seen else 0.0
    plausible = 1.0
    if reps:
        rom = statistics.median(r.rom_deg for r in reps)
        plausible = 1.0 if signal.min_rom_deg <= rom <= signal.max_rom_deg else 0.5
    movement = 0.4 + 0.6 * min(len(reps), 3) / 3
    return Candidate(spec, share * movement * plausible, len(reps), share)


def recognise(track: LandmarkTrack) -> Recognition:
    camera = track_camera(track)  # once: the camera does not depend on the exercise
    ranked = sorted((score_exercise(track, spec, camera) for spec in EXERCISES.values()),
                    key=lambda c: -c.score)  # stable: programme order breaks ties
    best = ranked[0].spec
    twins = tuple(c.spec.name for c in ranked[1:]
                  if _movement(c.spec) == _movement(best) and c.score == ranked[0].score)
    return Recognition(tuple(ranked), twins)
