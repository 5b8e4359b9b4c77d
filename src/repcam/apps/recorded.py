"""A recorded video, analysed in stages into an output folder.

pose (two threads, or the cached landmarks) -> where the camera stood, from the whole set ->
SetAnalysis over the landmarks -> the annotated video: decode (thread) -> overlay -> encode
(thread) -> reps.csv, session.json and report.html. Whatever stops it mid-way, the files
are written for what was analysed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from repcam.core.kinematics import AngleFrame
from repcam.core.sides import Side
from repcam.core.track import LandmarkTrack
from repcam.errors import InputError, Interrupted, NoPersonError
from repcam.exercises.events import Event, FaultDetected
from repcam.exercises.spec import ExerciseSpec
from repcam.folds.recognise import Recognition, recognise
from repcam.folds.scoreboard import Scoreboard
from repcam.folds.set_analysis import AnalysisResult, Problem, SetAnalysis
from repcam.io.landmark_cache import load_cached, load_or_extract, store, video_key
from repcam.io.pipeline import PoseJob, segmented_poses
from repcam.io.sources import SourceInfo, VideoFileSource, prefetched
from repcam.sinks.overlay import draw_overlay
from repcam.sinks.report import FaultThumbnail, write_report
from repcam.sinks.tables import session_document, write_reps_csv, write_session_json
from repcam.sinks.video_writer import VideoWriterThread

ANNOTATED, REPS_CSV, SESSION_JSON, REPORT_HTML, LANDMARKS = (
    "annotated.mp4", "reps.csv", "session.json", "report.html", "landmarks.npz")
OUTPUT_FILES = (ANNOTATED, REPS_CSV, SESSION_JSON, REPORT_HTML)
MAX_THUMBNAILS = 12
THUMBNAIL_WIDTH = 360
RECOGNISING, TRACKING, DRAWING = "recognising", "tracking", "drawing"
MIN_DETECTION_TO_RECOGNISE = 0.2  # a person in fewer frames: a blank wall, a false detection
Progress = Callable[[str, int], None]  # (stage, frames of the video done)


@dataclass(frozen=True)
class RecordedAnalysis:
    result: AnalysisResult
    info: SourceInfo
    document: dict  # session.json's content (written only with an output folder)
    outputs: dict[str, Path]
    codec: str | None


@dataclass(frozen=True)
class _Replayed:
    """The set replayed over its landmarks: the result, and what each analysed frame showed
    (to draw the annotated video from)."""

    result: AnalysisResult
    frames: tuple[tuple[AngleFrame, list[Event]], ...]


def analyse_recording(
    video: Path,
    spec: ExerciseSpec,
    model_path: Path,
    *,
    out_dir: Path | None = None,
    side: Side | None = None,
    target_reps: int | None = None,
    analysis_fps: float | None = None,
    on_progress: Progress = lambda stage, done: None,
) -> RecordedAnalysis:
    """`analysis_fps`: poses a second to analyse (default: what the exercise asks for).

    The model looks for the exerciser only (and a partner where the exercise has one):
    each extra person costs a full detection every frame, and one is what was measured
    to count right on the real clips.
    """
    source = VideoFileSource(video)
    analysis_fps = spec.analysis_fps if analysis_fps is None else analysis_fps
    key = video_key(video, model_path, spec.people, analysis_fps)
    local_cache = (out_dir / LANDMARKS,) if out_dir else ()
    track, stopped = _landmarks(source, key, model_path, spec.people, analysis_fps,
                                local_cache, on_progress)
    replayed = _replay(track, spec, side, target_reps)
    result = _flag_truncation(replayed.result, source.info, analysis_fps)
    if out_dir is None:
        document = _document(result, source.info, model_path.name, outputs={})
        return _ended(RecordedAnalysis(result, source.info, document, {}, None), stopped)
    writer = None
    thumbnails: list[FaultThumbnail] = []
    decoded = 0
    try:
        if stopped is None:  # stopped while tracking: the results, not an hour of drawing
            writer = VideoWriterThread(out_dir / ANNOTATED, source.info.fps,
                                       (source.info.width_px, source.info.height_px))
            for decoded in _draw(source, spec, replayed.frames, writer, thumbnails):
                on_progress(DRAWING, decoded)
    finally:
        if writer is not None:
            writer.close()
        document = _document(result, source.info, model_path.name, decoded=decoded or None,
                             outputs={name: name for name in OUTPUT_FILES if
                                      name != ANNOTATED or writer is not None})
        if writer is not None:
            document["annotated_codec"] = writer.codec
            document["annotated_size_px"] = list(writer.size)  # 8K and up is shrunk
        outputs = _write_outputs(result, spec, document, out_dir, thumbnails,
                                 writer.codec if writer else None)
    return _ended(RecordedAnalysis(result, source.info, document, outputs,
                                   writer.codec if writer else None), stopped)


def recognise_video(video: Path, model_path: Path, *,
                    on_frame: Callable[[int], None] = lambda index: None) -> Recognition:
    """Which exercise the video shows (`--exercise auto`); raises when nobody is in it or
    when no exercise fits clearly enough to be sure."""
    track = load_or_extract(video, model_path, on_frame=on_frame)
    if track.detection_rate < MIN_DETECTION_TO_RECOGNISE:
        raise NoPersonError(
            f"Nobody was found in {video.name} (a person was seen in only "
            f"{track.detection_rate:.0%} of the frames), so its exercise cannot be told.",
            hint="Film the whole body, side-on, in good light, 2-3 m from the camera.")
    recognition = recognise(track)
    if not recognition.sure:
        guesses = ", ".join(f"{c.spec.name} {c.score:.0%}" for c in recognition.candidates[:3])
        raise InputError(f"Not sure which exercise {video.name} shows (best guesses: "
                         f"{guesses}).", hint="Pass it with --exercise NAME.")
    return recognition


def _ended(recorded: RecordedAnalysis, stopped: BaseException | None) -> RecordedAnalysis:
    if stopped is not None:
        raise stopped  # after what was analysed is saved
    return recorded


def _landmarks(source: VideoFileSource, key: str, model_path: Path, people: int,
               analysis_fps: float, local_cache: tuple[Path, ...], on_progress: Progress,
               ) -> tuple[LandmarkTrack, BaseException | None]:
    """The clip's landmarks: cached, or tracked now (all of them, or those tracked before
    Ctrl-C, with the interruption to raise once they are saved)."""
    cached = load_cached(key, *local_cache)
    if cached is not None:
        store(cached, *local_cache)  # the output folder gets its copy
        return cached, None
    poses, stopped = [], None
    job = PoseJob(source.path, model_path, people, analysis_fps)
    try:
        for index, pose in enumerate(segmented_poses(job, source.info.frame_count)):
            if pose is not None:
                poses.append(pose)
            on_progress(TRACKING, index + 1)
    except (KeyboardInterrupt, Interrupted) as interruption:
        stopped = interruption
    track = LandmarkTrack(tuple(poses), source.info.fps, str(source.path), model_path.name,
                          key if stopped is None else "")
    if poses and stopped is None:
        store(track, *local_cache)
    return track, stopped


def _replay(track: LandmarkTrack, spec: ExerciseSpec, side: Side | None,
            target_reps: int | None) -> _Replayed:
    analysis = SetAnalysis.of_track(track, spec, side=side, target_reps=target_reps)
    frames = [analysis.process(pose) for pose in track.frames]
    closing = analysis.finish()
    if frames and closing:  # a rep completed by the end of the video shows on its last frame
        frames[-1] = (frames[-1][0], [*frames[-1][1], *closing])
    return _Replayed(analysis.result(track.source, track.detection_rate), tuple(frames))


def _draw(source: VideoFileSource, spec: ExerciseSpec,
          analysed: tuple[tuple[AngleFrame, list[Event]], ...], writer: VideoWriterThread,
          thumbnails: list[FaultThumbnail]) -> Iterator[int]:
    """Every frame of the video with the overlay of the analysed frame at or before it;
    yields the number of frames drawn so far."""
    board = Scoreboard(spec.title, spec.default_reps)
    pending = iter(analysed)
    upcoming = next(pending, None)
    angles, events = AngleFrame(0.0, {}), []
    for drawn, frame in enumerate(prefetched(source), start=1):
        if upcoming is not None and upcoming[0].timestamp_ms <= frame.timestamp_ms + 0.5:
            (angles, events), upcoming = upcoming, next(pending, None)
        board.apply(events, angles.timestamp_ms)
        draw_overlay(frame.image_bgr, angles, board, spec)
        writer.write(frame.image_bgr)
        for fault in (e for e in events if isinstance(e, FaultDetected)):
            if len(thumbnails) < MAX_THUMBNAILS:
                thumbnails.append(FaultThumbnail(fault.timestamp_ms / 1000, fault.fault,
                                                 fault.cue, fault.rep_index,
                                                 _jpeg(frame.image_bgr)))
        events = []
        yield drawn


TRUNCATED_SHARE = 0.9  # readable for less than this share of the announced length: damaged


def _flag_truncation(result: AnalysisResult, info: SourceInfo,
                     analysis_fps: float) -> AnalysisResult:
    """A file that stops well before the length its container announces is damaged. The
    last pose analysed is up to one analysis interval before the end of an intact file, which
    matters for clips of a second or less."""
    announced_s = info.announced_s
    step_s = max(1.0 / info.fps, 1.0 / analysis_fps if analysis_fps > 0 else 0.0)
    readable_s = result.duration_s + step_s
    if result.problem is not None or readable_s >= TRUNCATED_SHARE * announced_s:
        return result
    return dataclasses.replace(result, problem=Problem(
        "truncated", f"The recording ends early, at {readable_s:.1f} s of the "
        f"{announced_s:.1f} s it announces (the file is cut short or damaged). Copy the "
        "original file again."))


def _document(result: AnalysisResult, info: SourceInfo, model: str, *,
              outputs: dict[str, str], decoded: int | None = None) -> dict:
    """session.json; `decoded`: the frames read when the video was drawn (else announced)."""
    video = {"width": info.width_px, "height": info.height_px, "fps": round(info.fps, 3),
             "frames": info.frame_count if decoded is None else decoded,
             "analysed_frames": result.frames, "duration_s": round(result.duration_s, 3)}
    return session_document(result, model=model, video=video, outputs=outputs)


def _write_outputs(result: AnalysisResult, spec: ExerciseSpec, document: dict, out_dir: Path,
                   thumbnails: list[FaultThumbnail], codec: str | None) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {name: out_dir / name for name in OUTPUT_FILES
               if name != ANNOTATED or codec is not None}
    write_reps_csv(result, outputs[REPS_CSV])
    write_session_json(document, outputs[SESSION_JSON])
    video = document["video"]
    write_report(result, spec, outputs[REPORT_HTML], thumbnails=thumbnails,
                 video=ANNOTATED if codec is not None else None,
                 details={"model": document["model"],
                          "annotated video codec": codec or "not drawn",
                          "size": f"{video['width']}x{video['height']} at {video['fps']:.3g} fps"})
    return outputs


def _jpeg(image: np.ndarray) -> bytes:
    scale = THUMBNAIL_WIDTH / image.shape[1]
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return data.tobytes() if ok else b""
