"""The live coach: camera -> pose -> session -> workout -> window, voice and session log.

Everything here is an edge (camera, model, window, speaker, database); the decisions are
made by the pure core (`ExerciseSession`, `Workout`). The loop never waits for speech or
storage, and the capture thread always hands it the newest frame.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from repcam.core.kinematics import SIDES, AngleFrame
from repcam.core.sides import Side
from repcam.errors import CameraError, Interrupted, SessionLogError
from repcam.exercises.events import Event, FaultDetected, RepCompleted
from repcam.exercises.spec import ExerciseSpec, Phase
from repcam.folds.coaching import FrameCheck, Stage, Utterance, Workout
from repcam.folds.exercise_session import ExerciseSession
from repcam.io.session_store import SessionLog
from repcam.io.settings import environment
from repcam.io.sources import Frame, LiveSource, open_source
from repcam.sinks.overlay import Hud, draw_overlay
from repcam.sinks.video_writer import VideoWriterThread
from repcam.sinks.voice import Voice

WINDOW = "repcam"
# While setting up, look for a second person, to say "two people"; while counting, only for
# those expected (each person looked for costs ~40 ms a frame on 2 cores).
SETUP_PEOPLE = 2


@dataclass(frozen=True)
class LiveOptions:
    camera: str = "0"
    reps: int = 10
    sets: int = 1
    rest_s: float = 60.0
    side: Side | None = None
    headless: bool = False
    record: Path | None = None
    mirror: bool = False
    profile: str = "me"
    band: str | None = None


@dataclass
class LiveReport:
    """What happened, for the closing summary."""

    sets: list[int] = field(default_factory=list)  # reps per set, filled at the end
    frames: int = 0
    dropped: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    stopped_by: str = "end of video"
    camera_lost: bool = False
    session_id: int | None = None  # None: nothing was counted, so nothing was logged
    exit_code: int = 0  # 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP


class Display:
    """The OpenCV window (resizable; f toggles full screen) or nothing when headless."""

    def __init__(self, headless: bool, record: VideoWriterThread | None) -> None:
        self.headless = headless
        self.record = record
        self.fullscreen = False
        self._sized = False
        if not headless:
            cv2.namedWindow(WINDOW, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)

    def show(self, image: np.ndarray) -> str:
        """Show a frame; returns the key pressed ('' for none, 'closed' if the window was)."""
        if self.record is not None:
            self.record.write(image.copy())
        if self.headless:
            return ""
        if not self._sized:  # open big enough to read from the floor, 2-3 m away
            scale = max(1.0, 960 / image.shape[1])
            cv2.resizeWindow(WINDOW, int(image.shape[1] * scale), int(image.shape[0] * scale))
            self._sized = True
        cv2.imshow(WINDOW, image)
        key = cv2.waitKey(1) & 0xFF
        if cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1:
            return "closed"
        return "" if key == 0xFF else chr(key) if key != 27 else "esc"

    def toggle_fullscreen(self) -> None:
        if self.headless:
            return
        self.fullscreen = not self.fullscreen
        mode = cv2.WINDOW_FULLSCREEN if self.fullscreen else cv2.WINDOW_NORMAL
        cv2.setWindowProperty(WINDOW, cv2.WND_PROP_FULLSCREEN, mode)

    def close(self) -> None:
        if self.record is not None:
            self.record.close()
        if not self.headless:
            cv2.destroyWindow(WINDOW)
            cv2.waitKey(1)


def has_display() -> bool:
    return environment().display


def brightness(image: np.ndarray) -> float:
    return float(cv2.cvtColor(image[::8, ::8], cv2.COLOR_BGR2GRAY).mean())


class SetLogger:
    """Writes each set's reps and faults to the session log the moment they happen.

    Nothing is written before the first rep completes: a session where nothing was counted
    (nobody in view, a bad camera, quitting at once) leaves no trace that could change what
    `repcam progress` prescribes. From then on every rep is committed as it completes.
    """

    def __init__(self, log: SessionLog, **session: object) -> None:
        self.log, self._session = log, session
        self.session_id: int | None = None
        self.set_id: int | None = None
        self._set: tuple[int, int] | None = None  # (number, target reps) of the set under way
        self._pending: list[FaultDetected] = []  # faults of the first rep, before it completes
        self._reps = 0  # numbered here: a restarted set ('r') starts its analyser at 1 again

    @property
    def in_set(self) -> bool:
        return self._set is not None

    def start_set(self, number: int, target_reps: int) -> None:
        self._set, self.set_id, self._reps, self._pending = (number, target_reps), None, 0, []

    def record(self, events: list[Event]) -> None:
        if self._set is None:
            return
        for event in events:
            if isinstance(event, RepCompleted):
                set_id = self._open_set()
                self._reps += 1
                self.log.add_rep(set_id, event.metrics, number=self._reps)
                for fault in self._pending:
                    self.log.add_fault(set_id, fault)
                self._pending = []
            elif isinstance(event, FaultDetected):
                if self.set_id is None:
                    self._pending.append(event)
                else:
                    self.log.add_fault(self.set_id, event)

    def _open_set(self) -> int:
        if self.set_id is None:
            assert self._set is not None
            if self.session_id is None:
                self.session_id = self.log.start_session(**self._session)
            self.set_id = self.log.start_set(self.session_id, *self._set)
        return self.set_id

    def end_set(self) -> None:
        if self.set_id is not None:
            self.log.end_set(self.set_id)
        self._set, self.set_id, self._pending = None, None, []

    def end_session(self) -> None:
        self.end_set()
        if self.session_id is not None:
            self.log.end_session(self.session_id)


class LiveCoach:
    def __init__(self, spec: ExerciseSpec, options: LiveOptions, model_path: Path,
                 voice: Voice, log: SessionLog) -> None:
        self.spec, self.options, self.model_path = spec, options, model_path
        self.voice, self.log = voice, log
        self.workout = Workout(spec, options.reps, options.sets, options.rest_s,
                               sides=(options.side,) if options.side else SIDES)
        self.session = ExerciseSession(spec, options.side)
        self.report = LiveReport()
        self.paused = False
        self._fps_times: deque[float] = deque(maxlen=30)
        self._last_angles = AngleFrame(0.0, {})

    # -- the loop ---------------------------------------------------------------------------
    def run(self) -> LiveReport:
        from repcam.io.pose import PoseEstimator

        source = open_source(self.options.camera, as_camera=True)
        record = (VideoWriterThread(self.options.record, source.info.fps,
                                    (source.info.width_px, source.info.height_px))
                  if self.options.record else None)
        display = Display(self.options.headless, record)
        logger = SetLogger(
            self.log, profile=self.options.profile, exercise=self.spec.name, source="live",
            source_name=str(self.options.camera), model=self.model_path.name,
            target_sets=self.options.sets, target_reps=self.options.reps, band=self.options.band)
        expected = self.spec.people
        try:
            with contextlib.ExitStack() as stack:
                # Both landmarkers are made (and warmed up) before the first frame, so
                # switching between setup and counting never stalls the camera.
                self._estimators = {
                    stage: stack.enter_context(PoseEstimator(self.model_path, num_poses=n))
                    for stage, n in (("setup", max(SETUP_PEOPLE, expected)),
                                     ("counting", expected))}
                for estimator in self._estimators.values():
                    estimator.detect(np.zeros((64, 64, 3), np.uint8), 0.0)
                self.voice.say(self.workout.start(0.0))
                for frame in self._frames(source):
                    if not self._step(frame, display, logger):
                        break
        except KeyboardInterrupt:
            self.report.stopped_by, self.report.exit_code = "Ctrl-C", 130
        except Interrupted as stop:  # SIGTERM, or the terminal closed (SIGHUP)
            self.report.stopped_by, self.report.exit_code = stop.signal_name, stop.exit_code
        finally:
            self._finish(logger, display, source)
        return self.report

    def _estimator(self):
        counting = self.workout.stage in (Stage.COUNTDOWN, Stage.COUNTING)
        return self._estimators["counting" if counting else "setup"]

    def _frames(self, source: LiveSource) -> Iterator[Frame]:
        """Frames until the source ends; a dropped camera or stream is reopened if it can be."""
        offset_ms, dropped_before = 0.0, 0
        while True:
            last_ms = 0.0
            for frame in source:
                last_ms = frame.timestamp_ms
                self.report.dropped = dropped_before + source.dropped_frames
                yield dataclasses.replace(frame, timestamp_ms=frame.timestamp_ms + offset_ms)
            if source.finished or self.workout.stage is Stage.DONE:
                return  # a file, played as a camera or streamed, ends like a recording
            offset_ms, dropped_before = offset_ms + last_ms, self.report.dropped
            reopened = self._reconnect()
            if reopened is None:
                self.report.camera_lost = True
                self.report.stopped_by = "the camera was lost"
                return
            source = reopened

    def _reconnect(self) -> LiveSource | None:
        self.voice.say([Utterance("I lost the camera. Trying to reconnect.", urgent=True)])
        deadline = time.monotonic() + environment().reconnect_s  # a dropped camera
        while time.monotonic() < deadline:
            try:
                return LiveSource(self.options.camera, list_cameras=False)
            except CameraError:
                time.sleep(1.0)
        return None

    def _step(self, frame: Frame, display: Display, logger: SetLogger) -> bool:
        """One frame through the pipeline and the sinks; False to stop."""
        image = cv2.flip(frame.image_bgr, 1) if self.options.mirror else frame.image_bgr
        now = frame.timestamp_ms
        if self.paused:
            self._last_angles = AngleFrame(now, {})  # nothing is tracked while paused
        else:
            pose = self._estimator().detect(image, now)
            angles, events = self.session.process(pose)
            check = FrameCheck(len(pose.people), brightness(image), angles)
            ready = self.session.analyser.phase is not Phase.SETUP
            before = self.workout.stage
            if before in (Stage.COUNTDOWN, Stage.COUNTING):
                logger.record(events)
            said = self.workout.update(now, check, ready, events)
            self._on_stage_change(before, logger)
            self.voice.say(said)
            self._last_angles = angles
        self.report.frames += 1
        draw_overlay(image, self._last_angles, self.workout.board, self.spec,
                     side=self.options.side,
                     hud=self._hud(frame))
        key = display.show(image)
        self.report.latencies_ms.append((time.monotonic() - frame.captured_at_s) * 1000.0)
        return self.handle_key(key, now, display) and self.workout.stage is not Stage.DONE

    def _on_stage_change(self, before: Stage, logger: SetLogger) -> None:
        after = self.workout.stage
        if after is before:
            return
        if after is Stage.COUNTDOWN and not logger.in_set:
            logger.start_set(self.workout.set_number, self.options.reps)
        elif after in (Stage.REST, Stage.DONE):
            logger.end_set()
        elif after is Stage.SETUP and before is Stage.REST:
            # A new set: the start position is found afresh.
            self.session = ExerciseSession(self.spec, self.options.side)

    def _hud(self, frame: Frame) -> Hud:
        now = time.monotonic()
        self._fps_times.append(now)
        fps = (len(self._fps_times) - 1) / (now - self._fps_times[0]) \
            if len(self._fps_times) > 1 and now > self._fps_times[0] else None
        recent = self.report.latencies_ms[-30:]
        latency = float(np.median(recent)) if recent else None
        return Hud(fps, latency, self.report.dropped, self.paused, self.voice.muted)

    def handle_key(self, key: str, now_ms: float, display: Display) -> bool:
        if key in ("q", "esc", "closed"):
            self.report.stopped_by = "window closed" if key == "closed" else "q"
            return False
        if key == " ":
            self.paused = not self.paused
            self.voice.say([Utterance("Paused" if self.paused else "Resuming", urgent=True)])
        elif key == "m":
            self.voice.muted = not self.voice.muted
        elif key == "f":
            display.toggle_fullscreen()
        elif key == "r":
            self.voice.say(self.workout.reset_set(now_ms))
            self.session = ExerciseSession(self.spec, self.options.side)
        return True

    def _finish(self, logger: SetLogger, display: Display, source: LiveSource) -> None:
        """Whatever ended the session: the last rep, the log and the summary are kept. If the
        log already failed, that first problem is the one reported."""
        failing = sys.exc_info()[1] is not None
        try:
            if self.workout.stage in (Stage.COUNTDOWN, Stage.COUNTING):
                ended = self.report.stopped_by == "end of video"
                logger.record(self.session.finish(self._last_angles.timestamp_ms,
                                                  source_ended=ended))
            logger.end_session()
        except SessionLogError:
            if not failing:
                raise
        finally:
            self.report.sets = self.workout.sets_done
            self.report.session_id = logger.session_id
            if self.workout.stage is not Stage.DONE:  # a finished workout said its summary
                self.voice.say([Utterance(self.workout.summary())])
            display.close()
            source.close()
