"""A recorded video, analysed in one pass into an output folder.

decode (thread) -> pose (or the cached landmarks) -> SetAnalysis -> overlay -> encode
(thread); then reps.csv, session.json and report.html. Whatever happens mid-way, the
files are written for the frames that were analysed.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from repcam.analysis import (
    AnalysisResult,
    Problem,
    SetAnalysis,
    analyse_track,
    load_cached,
    load_or_extract,
    store,
    video_key,
)
from repcam.exercises.events import Event, FaultDetected
from repcam.exercises.spec import ExerciseSpec
from repcam.kinematics import AngleFrame
from repcam.landmark_cache import LandmarkTrack
from repcam.landmarks import PoseFrame
from repcam.pipeline import PoseJob, segmented_poses
from repcam.scoreboard import Scoreboard
from repcam.sinks.overlay import draw_overlay
from repcam.sinks.report import FaultThumbnail, write_report
from repcam.sinks.tables import session_document, write_reps_csv, write_session_json
from repcam.sinks.video_writer import VideoWriterThread
from repcam.sources import Frame, SourceInfo, VideoFileSource, prefetched

ANNOTATED, REPS_CSV, SESSION_JSON, REPORT_HTML, LANDMARKS = (
    "annotated.mp4", "reps.csv", "session.json", "report.html", "landmarks.npz")
OUTPUT_FILES = (ANNOTATED, REPS_CSV, SESSION_JSON, REPORT_HTML)
MAX_THUMBNAILS = 12
THUMBNAIL_WIDTH = 360


@dataclass(frozen=True)
class RecordedAnalysis:
    result: AnalysisResult
    info: SourceInfo
    document: dict  # session.json's content (written only with an output folder)
    outputs: dict[str, Path]
    codec: str | None


@dataclass
class _Annotator:
    """The per-frame sink of an analysis with an output folder: overlay, encode, thumbnails."""

    spec: ExerciseSpec
    board: Scoreboard
    writer: VideoWriterThread
    thumbnails: list[FaultThumbnail] = dataclasses.field(default_factory=list)

    def frame(self, image: np.ndarray, angles: AngleFrame, events: list[Event]) -> None:
        self.board.apply(events, angles.timestamp_ms)
        draw_overlay(image, angles, self.board, self.spec)
        self.writer.write(image)
        for fault in (e for e in events if isinstance(e, FaultDetected)):
            if len(self.thumbnails) < MAX_THUMBNAILS:
                self.thumbnails.append(FaultThumbnail(
                    fault.timestamp_ms / 1000, fault.fault, fault.cue, fault.rep_index,
                    _jpeg(image)))


def analyse_recording(
    video: Path,
    spec: ExerciseSpec,
    model_path: Path,
    *,
    out_dir: Path | None = None,
    side: str | None = None,
    target_reps: int | None = None,
    analysis_fps: float | None = None,
    on_frame: Callable[[int], None] = lambda index: None,
) -> RecordedAnalysis:
    """`analysis_fps`: poses a second to analyse (default: what the exercise asks for).

    The model looks for the exerciser only (and a partner where the exercise has one):
    each extra person costs a full detection every frame, and one is what was measured
    to count right on the real clips.
    """
    source = VideoFileSource(video)
    analysis_fps = spec.analysis_fps if analysis_fps is None else analysis_fps
    people = spec.people
    if out_dir is None:  # nothing to draw: the landmarks alone, cached or read once
        track = load_or_extract(video, model_path, people=people, analysis_fps=analysis_fps,
                                on_frame=on_frame)
        result = _flag_truncation(
            analyse_track(track, spec, side=side, target_reps=target_reps), source.info,
            analysis_fps)
        document = _document(result, source.info, model_path.name, outputs={})
        return RecordedAnalysis(result, source.info, document, {}, None)
    key = video_key(video, model_path, people, analysis_fps)
    local_cache = (out_dir / LANDMARKS,) if out_dir else ()
    cached = load_cached(key, *local_cache)
    analysis = SetAnalysis(spec, side=side, target_reps=target_reps)
    poses: list[PoseFrame] = []
    decoded = 0
    annotator = None
    try:
        with contextlib.ExitStack() as stack:
            if out_dir is not None:
                writer = stack.enter_context(VideoWriterThread(
                    out_dir / ANNOTATED, source.info.fps,
                    (source.info.width_px, source.info.height_px)))
                annotator = _Annotator(spec, Scoreboard(spec.title, spec.default_reps), writer)
            angles, events = AngleFrame(0.0, {}), []
            for frame, pose in _poses(source, cached, model_path, people, analysis_fps):
                if pose is not None:  # a frame the model saw; the others show the last result
                    poses.append(pose)
                    angles, events = analysis.process(pose)
                if annotator is not None:
                    annotator.frame(frame.image_bgr, angles, events)
                    events = []
                decoded += 1
                on_frame(frame.index)
            analysis.finish()
    finally:
        # Partial or whole, what was analysed is kept: landmarks, then the result files.
        track = cached or LandmarkTrack(tuple(poses), source.info.fps, str(video),
                                        model_path.name, key)
        if cached is None and poses:
            store(track, *local_cache)
        elif cached is not None and out_dir is not None:
            store(cached, *local_cache)
        result = _flag_truncation(analysis.result(str(video), _detection_rate(poses)),
                                  source.info, analysis_fps)
        document = _document(result, source.info, model_path.name, decoded=decoded,
                             outputs={name: name for name in OUTPUT_FILES})
        outputs = {}
        if annotator is not None:
            document["annotated_codec"] = annotator.writer.codec
            document["annotated_size_px"] = list(annotator.writer.size)  # 8K+ is shrunk
            outputs = _write_outputs(result, spec, document, out_dir, annotator)
    return RecordedAnalysis(result, source.info, document, outputs,
                            annotator.writer.codec if annotator else None)


def _poses(source: VideoFileSource, cached: LandmarkTrack | None, model_path: Path,
           people: int, analysis_fps: float) -> Iterator[tuple[Frame, PoseFrame | None]]:
    """Each decoded frame, with a pose when it is one the model sees (at `analysis_fps`),
    taken from the cache when there is one."""
    frames = prefetched(source)
    if cached is not None:
        pending = iter(cached.frames)
        upcoming = next(pending, None)
        for frame in frames:
            pose = None
            if upcoming is not None and upcoming.timestamp_ms <= frame.timestamp_ms + 0.5:
                pose, upcoming = upcoming, next(pending, None)
            yield frame, pose
        return
    job = PoseJob(source.path, model_path, people, analysis_fps)
    yield from zip(frames, segmented_poses(job, source.info.frame_count), strict=False)


TRUNCATED_SHARE = 0.9  # readable for less than this share of the announced length: damaged


def _flag_truncation(result: AnalysisResult, info: SourceInfo,
                     analysis_fps: float) -> AnalysisResult:
    """A file that stops well before the length its container announces is damaged. The
    last pose analysed is up to one analysis interval before the end of an intact file, which
    matters for clips of a second or less."""
    announced_s = (info.frame_count or 0) / info.fps
    step_s = max(1.0 / info.fps, 1.0 / analysis_fps if analysis_fps > 0 else 0.0)
    readable_s = result.duration_s + step_s
    if result.problem is not None or readable_s >= TRUNCATED_SHARE * announced_s:
        return result
    return dataclasses.replace(result, problem=Problem(
        "truncated", f"The recording ends early, at {readable_s:.1f} s of the "
        f"{announced_s:.1f} s it announces (the file is cut short or damaged). Copy the "
        "original file again."))


def _detection_rate(poses: list[PoseFrame]) -> float:
    return sum(bool(p.people) for p in poses) / len(poses) if poses else 0.0


def _document(result: AnalysisResult, info: SourceInfo, model: str, *,
              outputs: dict[str, str], decoded: int | None = None) -> dict:
    """session.json; `decoded`: the frames read when the video was drawn (else announced)."""
    video = {"width": info.width_px, "height": info.height_px, "fps": round(info.fps, 3),
             "frames": info.frame_count if decoded is None else decoded,
             "analysed_frames": result.frames, "duration_s": round(result.duration_s, 3)}
    return session_document(result, model=model, video=video, outputs=outputs)


def _write_outputs(result: AnalysisResult, spec: ExerciseSpec, document: dict, out_dir: Path,
                   annotator: _Annotator) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {name: out_dir / name for name in OUTPUT_FILES}
    write_reps_csv(result, outputs[REPS_CSV])
    write_session_json(document, outputs[SESSION_JSON])
    video = document["video"]
    write_report(result, spec, outputs[REPORT_HTML], thumbnails=annotator.thumbnails,
                 details={"model": document["model"],
                          "annotated video codec": annotator.writer.codec,
                          "size": f"{video['width']}x{video['height']} at {video['fps']:.3g} fps"})
    return outputs


def _jpeg(image: np.ndarray) -> bytes:
    scale = THUMBNAIL_WIDTH / image.shape[1]
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return data.tobytes() if ok else b""
