"""The landmark value type that flows from the pose stage onwards. No MediaPipe types here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

NUM_JOINTS = 33


class Joint(IntEnum):
    """BlazePose's 33 landmarks, by name (never index joints by number elsewhere)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


@dataclass(frozen=True)
class Landmarks:
    """One person in one frame.

    `image_px`: (33, 3) x and y in pixels, z (depth relative to the hips) in the same pixel
    scale; `visibility`: (33,) in 0..1; `world_m`: (33, 3) metres, origin between the hips.
    Missing joints are NaN, never 0.
    """

    image_px: np.ndarray
    visibility: np.ndarray
    world_m: np.ndarray = field(default_factory=lambda: np.full((NUM_JOINTS, 3), np.nan))

    def __post_init__(self) -> None:
        if self.image_px.shape != (NUM_JOINTS, 3):
            raise ValueError(f"image_px must be (33, 3), got {self.image_px.shape}")
        if self.visibility.shape != (NUM_JOINTS,):
            raise ValueError(f"visibility must be (33,), got {self.visibility.shape}")
        if self.world_m.shape != (NUM_JOINTS, 3):
            raise ValueError(f"world_m must be (33, 3), got {self.world_m.shape}")

    def xy(self, joint: Joint) -> np.ndarray:
        return self.image_px[joint, :2]

    def renamed(self, order: np.ndarray) -> Landmarks:
        """The same points under other names: joint i takes the point of joint order[i]."""
        return Landmarks(self.image_px[order], self.visibility[order], self.world_m[order])

    @property
    def bbox_px(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of the visible joints."""
        xy = self.image_px[:, :2]
        return (
            float(np.nanmin(xy[:, 0])), float(np.nanmin(xy[:, 1])),
            float(np.nanmax(xy[:, 0])), float(np.nanmax(xy[:, 1])),
        )


@dataclass(frozen=True)
class PoseFrame:
    """Everyone the pose stage found in one frame, with the frame's time and size."""

    timestamp_ms: float
    people: tuple[Landmarks, ...]
    width_px: int
    height_px: int
