"""The only MediaPipe adapter: PoseLandmarker (Tasks API, VIDEO mode) -> `Landmarks`."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from repcam.core.landmarks import NUM_JOINTS, Landmarks, PoseFrame
from repcam.errors import ModelError
from repcam.io.native_logs import quiet_native_logs


class PoseEstimator:
    """Context manager around PoseLandmarker; `detect(frame, t)` returns everyone found."""

    def __init__(
        self,
        model_path: Path,
        *,
        num_poses: int = 1,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        self.model_path = Path(model_path)
        self.num_poses = num_poses
        self._min_detection = min_detection_confidence
        self._min_tracking = min_tracking_confidence
        self._landmarker = None
        self._last_timestamp_ms = -1

    def __enter__(self) -> PoseEstimator:
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=self.num_poses,
            min_pose_detection_confidence=self._min_detection,
            min_pose_presence_confidence=self._min_detection,
            min_tracking_confidence=self._min_tracking,
        )
        try:
            with quiet_native_logs():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as error:
            raise ModelError(
                f"The pose model {self.model_path} could not be loaded ({error}).",
                hint="Run 'repcam models verify' and 'repcam models install'.",
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._landmarker is not None:
            with quiet_native_logs():
                self._landmarker.close()
            self._landmarker = None

    def detect(self, image_bgr: np.ndarray, timestamp_ms: float) -> PoseFrame:
        import mediapipe as mp

        if self._landmarker is None:
            raise RuntimeError("PoseEstimator used outside its 'with' block")
        # VIDEO mode needs strictly increasing integer timestamps.
        stamp = max(round(timestamp_ms), self._last_timestamp_ms + 1)
        self._last_timestamp_ms = stamp
        rgb = cv2.cvtColor(_model_sized(image_bgr), cv2.COLOR_BGR2RGB)
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        # MediaPipe logs at the first frames and once later (a NORM_RECT warning on
        # non-square frames); two dup2 calls per frame cost microseconds.
        with quiet_native_logs():
            result = self._landmarker.detect_for_video(image, stamp)
        height, width = image_bgr.shape[:2]
        people = tuple(
            _to_landmarks(normalized, world, width, height)
            for normalized, world in zip(
                result.pose_landmarks, result.pose_world_landmarks, strict=False
            )
        )
        return PoseFrame(timestamp_ms, people, width, height)


MODEL_MAX_SIDE = 1280  # the model sees 256x256: 4K frames are shrunk first, cheaply


def _model_sized(image: np.ndarray) -> np.ndarray:
    """Landmarks come back normalised, so a smaller copy gives the same pixel positions."""
    scale = MODEL_MAX_SIDE / max(image.shape[:2])
    if scale >= 1.0:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _to_landmarks(normalized, world, width: int, height: int) -> Landmarks:
    image_px = np.array([(p.x * width, p.y * height, p.z * width) for p in normalized], float)
    visibility = np.array([p.visibility or 0.0 for p in normalized], float)
    world_m = np.array([(p.x, p.y, p.z) for p in world], float)
    if len(image_px) != NUM_JOINTS:
        raise ValueError("unexpected landmark count")
    return Landmarks(image_px, visibility, world_m)
