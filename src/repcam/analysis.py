"""Offline analysis of a recorded video: landmarks (cached) -> session -> per-rep results."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from repcam.exercises import ExerciseSpec
from repcam.exercises.events import FaultDetected, PositionLost, RepMetrics
from repcam.kinematics import View
from repcam.landmark_cache import LandmarkTrack
from repcam.session import ExerciseSession

DEFAULT_PEOPLE = 2  # look for two, so a partner or passer-by cannot hide the exerciser


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
    counts_by_side: dict[str, int]
    view: str
    warnings: tuple[str, ...] = field(default=())

    @property
    def count(self) -> int:
        return len(self.reps)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["count"] = self.count
        data["reps"] = [{**asdict(r), "rom_deg": r.rom_deg, "hold_met": r.hold_met}
                        for r in self.reps]
        return data


def cache_path(video: Path, model_path: Path, people: int) -> Path:
    """Where a video's landmarks are cached: keyed by the file's identity and the model."""
    stat = video.stat()
    key = f"{video.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{model_path.name}|{people}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return Path(platformdirs.user_cache_dir("repcam")) / "landmarks" / f"{digest}.npz"


def load_or_extract(video: Path, model_path: Path, *, people: int = DEFAULT_PEOPLE,
                    on_frame: Callable[[int], None] = lambda index: None) -> LandmarkTrack:
    from repcam.pipeline import extract_track

    cached = cache_path(video, model_path, people)
    if cached.exists():
        try:
            return LandmarkTrack.load(cached)
        except (ValueError, OSError, KeyError):
            cached.unlink(missing_ok=True)  # a stale or broken cache is rebuilt
    track = extract_track(video, model_path, num_poses=people, on_frame=on_frame)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        track.save(cached)
    except OSError:
        pass  # a read-only cache only costs time
    return track


def analyse_track(track: LandmarkTrack, spec: ExerciseSpec, *,
                  side: str | None = None) -> AnalysisResult:
    session = ExerciseSession(spec, side)
    faults: list[FaultDetected] = []
    views: Counter[View] = Counter()
    lost = 0
    for pose in track.frames:
        angles, events = session.process(pose)
        if angles.present:
            views[angles.view] += 1
        faults += [e for e in events if isinstance(e, FaultDetected)]
        lost += sum(isinstance(e, PositionLost) for e in events)
    end_ms = track.frames[-1].timestamp_ms if track.frames else 0.0
    faults += [e for e in session.finish(end_ms) if isinstance(e, FaultDetected)]
    analyser = session.analyser
    view = views.most_common(1)[0][0] if views else View.UNKNOWN
    return AnalysisResult(
        exercise=spec.name, title=spec.title, source=track.source,
        duration_s=end_ms / 1000.0, frames=len(track.frames),
        detection_rate=track.detection_rate, reps=tuple(analyser.reps), faults=tuple(faults),
        counts_by_side=dict(analyser.counts_by_side), view=view.value,
        warnings=_warnings(spec, view, analyser.phase.value, len(analyser.reps), lost),
    )


def _warnings(spec: ExerciseSpec, view: View, phase: str, count: int, lost: int) -> tuple[str, ...]:
    notes = []
    if view is View.FRONT and spec.view is View.SIDE:
        notes.append("The video looks filmed from the front; film side-on for this exercise.")
    if count == 0 and phase == "setup":
        notes.append(f"The start position of the {spec.title.lower()} was never seen: "
                     f"{spec.setup}")
    if lost:
        notes.append(f"The person or the position was lost {lost} time(s) during the video.")
    return tuple(notes)
