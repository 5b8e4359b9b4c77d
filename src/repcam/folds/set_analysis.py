"""Analysis of one recorded set: landmarks -> session -> per-rep results, angle trace, verdict."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np

from repcam.core.camera_view import SIDE_ON, CameraView, estimate_view
from repcam.core.facing import majority_face_up
from repcam.core.kinematics import SIDES, AngleFrame, Posture, View, legs_tell_facing
from repcam.core.landmarks import Landmarks, PoseFrame
from repcam.core.sides import Side
from repcam.core.track import LandmarkTrack
from repcam.core.tracking import PersonSelector
from repcam.exercises import ExerciseSpec
from repcam.exercises.events import (
    Event,
    Fault,
    FaultDetected,
    PositionLost,
    RepMetrics,
    RepWithdrawn,
    Tally,
)
from repcam.exercises.spec import signal_value
from repcam.folds.exercise_session import ExerciseSession, start_position_match
from repcam.folds.progression import SetVerdict, judge_set


@dataclass(frozen=True)
class Problem:
    """Why a result cannot be trusted: `kind` is nobody, wrong_view, cut_off or no_start."""

    kind: str
    message: str


@dataclass(frozen=True)
class AngleTrace:
    """The angles a report plots, per frame (NaN where nobody was tracked)."""

    times_s: np.ndarray
    series: dict[str, np.ndarray]  # e.g. "hip_line_left" -> degrees per frame


@dataclass(frozen=True)
class AnalysisResult:
    exercise: str
    title: str
    source: str
    duration_s: float
    frames: int
    detection_rate: float
    reps: tuple[RepMetrics, ...]
    faults: tuple[FaultDetected, ...]
    view: str
    target_reps: int
    verdict: SetVerdict
    camera: CameraView = SIDE_ON
    problem: Problem | None = None  # why the result cannot be trusted, if it cannot
    warnings: tuple[str, ...] = field(default=())
    trace: AngleTrace | None = field(default=None, compare=False, repr=False)

    @property
    def half_reps(self) -> int:
        return sum(f.fault is Fault.HALF_REP for f in self.faults)

    @property
    def count(self) -> int:
        return len(self.reps)

    @property
    def tally(self) -> Tally:
        return Tally(*(sum(r.side == side for r in self.reps) for side in SIDES))

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("trace")
        data["camera"] = camera_document(self.camera)
        data["count"], data["counts_by_side"] = self.count, self.tally.by_side()
        data["reps"] = [{**asdict(r), "rom_deg": r.rom_deg, "hold_met": r.hold_met}
                        for r in self.reps]
        data["verdict"] = {**asdict(self.verdict), "sentence": self.verdict.sentence()}
        return data


def traced_signals(spec: ExerciseSpec) -> tuple[tuple[str, str], ...]:
    """(angle, side) of every angle a report plots for this exercise."""
    signals = (spec.signal, spec.front_signal) if spec.front_signal else (spec.signal,)
    return tuple((angle, side) for angle in (*(s.angle for s in signals), *spec.form_signals)
                 for side in SIDES)


CUT_OFF_SHARE = 0.3  # the exercise's joints out of frame this often: the video is cut off


class SetAnalysis:
    """One recorded set, fed frame by frame; `result()` folds it into an `AnalysisResult`."""

    def __init__(self, spec: ExerciseSpec, *, side: Side | None = None,
                 target_reps: int | None = None, camera: CameraView = SIDE_ON,
                 lying_face_up: bool | None = None) -> None:
        self.spec = spec
        self.camera = camera
        self.session = ExerciseSession(spec, side, camera=camera, lying_face_up=lying_face_up)
        self.target_reps = target_reps or spec.default_reps
        self.faults: list[FaultDetected] = []
        self._views: Counter[View] = Counter()
        self.postures: Counter[Posture] = Counter()
        self._traced = traced_signals(spec)
        self._times: list[float] = []
        self._series: dict[str, list[float]] = {f"{a}_{s}": [] for a, s in self._traced}
        self._lost = 0
        self._cut_short = False
        self._present = 0
        self._cut_off = 0

    @classmethod
    def of_track(cls, track: LandmarkTrack, spec: ExerciseSpec, *, side: Side | None = None,
                 target_reps: int | None = None,
                 camera: CameraView | None = None) -> SetAnalysis:
        """For a whole recording: the camera and a lying body's facing are estimated from
        all of it first, so its first rep is measured as surely as its last."""
        people = followed_people(track, spec)
        camera = camera or track_camera(track, spec, people)
        return cls(spec, side=side, target_reps=target_reps, camera=camera,
                   lying_face_up=track_face_up(track, camera, people))

    def process(self, pose: PoseFrame) -> tuple[AngleFrame, list[Event]]:
        angles, events = self.session.process(pose)
        self._times.append(pose.timestamp_ms / 1000.0)
        for (angle, side), series in zip(self._traced, self._series.values(), strict=True):
            series.append(signal_value(angles, angle, side) if angles.present else np.nan)
        if angles.present:
            self._present += 1
            self._views[angles.view] += 1
            self.postures[angles.posture] += 1
            self._cut_off += not self._required_in_frame(angles)
        self.faults += [e for e in events if isinstance(e, FaultDetected)]
        self._lost += sum(isinstance(e, PositionLost) for e in events)
        return angles, events

    def _required_in_frame(self, angles: AngleFrame) -> bool:
        return not self.spec.joints_out_of_frame(angles)

    def finish(self) -> list[Event]:
        """The video ended: a counted rep still lowering is completed."""
        end_ms = self._times[-1] * 1000.0 if self._times else 0.0
        events = self.session.finish(end_ms)
        self.faults += [e for e in events if isinstance(e, FaultDetected)]
        self._cut_short = any(isinstance(e, RepWithdrawn) for e in events)
        return events

    def result(self, source: str, detection_rate: float) -> AnalysisResult:
        analyser = self.session.analyser
        view = self._views.most_common(1)[0][0] if self._views else View.UNKNOWN
        times = np.array(self._times)
        problem = self._problem(view, analyser.phase.value, len(analyser.reps))
        return AnalysisResult(
            exercise=self.spec.name, title=self.spec.title, source=source,
            duration_s=float(times[-1]) if len(times) else 0.0, frames=len(times),
            detection_rate=detection_rate, reps=tuple(analyser.reps),
            faults=tuple(self.faults),
            view=view.value, target_reps=self.target_reps,
            verdict=judge_set(analyser.reps, self.spec, self.target_reps), camera=self.camera,
            problem=problem, warnings=self._warnings(len(analyser.reps), problem),
            trace=AngleTrace(times, {k: np.array(v) for k, v in self._series.items()}),
        )

    def _problem(self, view: View, phase: str, count: int) -> Problem | None:
        """The one thing that makes this result unreliable, in words a person can act on."""
        spec = self.spec
        if self._present == 0:
            return Problem("nobody", "Nobody was found in the video. Film the whole body, "
                           "side-on, in good light, 2-3 m from the camera.")
        if view not in spec.views and view is not View.UNKNOWN:
            return Problem("wrong_view", wrong_view_message(spec, self.camera, front_on=True))
        if view is not View.FRONT and self.camera.trusted and \
                self.camera.turn_to_accept(spec.max_yaw_deg):
            return Problem("wrong_view", wrong_view_message(spec, self.camera, front_on=False))
        if self._cut_off > CUT_OFF_SHARE * self._present:
            share = self._cut_off / self._present
            return Problem("cut_off", f"The person is cut off by the edge of the picture in "
                           f"{share:.0%} of the frames. Move the camera back so the whole "
                           "body is in view.")
        look_alikes = self.session.analyser.look_alikes
        if count == 0 and look_alikes:
            instead = look_alikes.most_common(1)[0][0]
            return Problem("look_alike", f"No {spec.title.lower()} was counted: the movement "
                           f"looks like {instead}, not a {spec.title.lower()}. {spec.setup}")
        if count == 0 and phase == "setup":
            return Problem("no_start", f"The start position of the {spec.title.lower()} "
                           f"was never seen. {spec.setup}")
        return None

    def _warnings(self, count: int, problem: Problem | None) -> tuple[str, ...]:
        warnings = []
        if count == 0 and problem is None:  # in position, yet nothing counted: say so
            short = sum(f.fault is Fault.HALF_REP for f in self.faults)
            why = f": {short} stopped short of the range" if short else ""
            warnings.append(f"No rep was counted. The start position was seen, but no "
                            f"movement made a full {self.spec.title.lower()}{why}.")
        if self.camera.roughly_corrected and self.spec.faults:
            warnings.append("Form was not judged: the camera's angle is only roughly known. "
                            "Film side-on for the form check.")
        if self._lost:
            times = "once" if self._lost == 1 else f"{self._lost} times"
            warnings.append(f"The person or the position was lost {times} during the video.")
        if self._cut_short:
            warnings.append("The video ended while a rep was still on its way up: that rep "
                            "was not counted.")
        return tuple(warnings)


def wrong_view_message(spec: ExerciseSpec, camera: CameraView, *, front_on: bool) -> str:
    """What to do about a camera this exercise cannot be measured from: which way and about
    how far to turn it."""
    turn = camera.turn_to_accept(spec.max_yaw_deg, front_on=front_on)
    seen = "front-on" if front_on else camera.describe().removeprefix("filmed ")
    return (f"The video is filmed {seen}; the {spec.title.lower()} is measured up to "
            f"{spec.max_yaw_deg:.0f} degrees from side-on. Move the camera about {turn} "
            "degrees round towards the person's side and film again.")


def camera_document(camera: CameraView) -> dict:
    """The camera as session.json and the report state it."""
    return {"yaw_deg": round(camera.turned, 1), "from_front": camera.from_front,
            "pitch_deg": round(camera.pitch_deg, 1), "described": camera.describe(),
            "angles": camera.angles_measured}


def followed_people(track: LandmarkTrack,
                    spec: ExerciseSpec | None = None) -> list[Landmarks | None]:
    """The person the exercise follows in each frame (any exercise: the most
    suitable-looking, largest person)."""
    selector = PersonSelector(start_position_match(spec)) if spec else PersonSelector()
    return [selector.select(frame.people) for frame in track.frames]


def track_camera(track: LandmarkTrack, spec: ExerciseSpec | None = None,
                 people: list[Landmarks | None] | None = None) -> CameraView:
    """Where the camera stood over a clip, from the person the exercise follows."""
    people = followed_people(track, spec) if people is None else people
    return estimate_view(people, track.image_size_px, level=spec.level_segment if spec else None)


def track_face_up(track: LandmarkTrack, camera: CameraView,
                  people: list[Landmarks | None]) -> bool | None:
    """Whether a body lying in this clip lies on its back, as its bent legs say over the
    whole clip (None: it never lies, or its legs never tell)."""
    present = [person for person in people if person is not None]
    return majority_face_up(
        legs_tell_facing(present, camera.on_planes_of(present, track.image_size_px)))


def analyse_track(track: LandmarkTrack, spec: ExerciseSpec, *, side: Side | None = None,
                  target_reps: int | None = None,
                  camera: CameraView | None = None) -> AnalysisResult:
    """Replay a clip's landmarks through one exercise (no video needed)."""
    analysis = SetAnalysis.of_track(track, spec, side=side, target_reps=target_reps,
                                    camera=camera)
    for pose in track.frames:
        analysis.process(pose)
    analysis.finish()
    return analysis.result(track.source, track.detection_rate)
