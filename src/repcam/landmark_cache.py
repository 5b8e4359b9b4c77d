"""A clip's landmarks saved as .npz, so analysers and tests can replay it without the model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from repcam.files import replacing
from repcam.landmarks import NUM_JOINTS, Landmarks, PoseFrame

CACHE_VERSION = 1


@dataclass(frozen=True)
class LandmarkTrack:
    """Per-frame pose results of a whole clip (up to `max_people` per frame)."""

    frames: tuple[PoseFrame, ...]
    fps: float
    source: str
    model: str
    key: str = ""  # identity of the video and model it was made from (see analysis.video_key)

    @property
    def detection_rate(self) -> float:
        if not self.frames:
            return 0.0
        return sum(bool(f.people) for f in self.frames) / len(self.frames)

    def save(self, path: Path) -> None:
        people = max((len(f.people) for f in self.frames), default=0) or 1
        n = len(self.frames)
        image = np.full((n, people, NUM_JOINTS, 3), np.nan, np.float32)
        world = np.full((n, people, NUM_JOINTS, 3), np.nan, np.float32)
        visibility = np.zeros((n, people, NUM_JOINTS), np.float32)
        for i, frame in enumerate(self.frames):
            for p, person in enumerate(frame.people):
                image[i, p], world[i, p], visibility[i, p] = (
                    person.image_px, person.world_m, person.visibility
                )
        size = np.array([[f.width_px, f.height_px] for f in self.frames], np.int32).reshape(-1, 2)
        with replacing(path, "wb") as handle:
            np.savez_compressed(
                handle,
                version=CACHE_VERSION,
                timestamps_ms=np.array([f.timestamp_ms for f in self.frames], np.float64),
                count=np.array([len(f.people) for f in self.frames], np.int8),
                image_px=image, world_m=world, visibility=visibility, size_px=size,
                fps=self.fps, source=self.source, model=self.model, key=self.key,
            )

    @classmethod
    def load(cls, path: Path) -> LandmarkTrack:
        with np.load(path) as data:
            if int(data["version"]) != CACHE_VERSION:
                raise ValueError(f"{path} is a landmark cache of another version")
            frames = tuple(
                PoseFrame(
                    float(t),
                    tuple(
                        Landmarks(
                            data["image_px"][i, p].astype(float),
                            data["visibility"][i, p].astype(float),
                            data["world_m"][i, p].astype(float),
                        )
                        for p in range(int(data["count"][i]))
                    ),
                    int(data["size_px"][i, 0]),
                    int(data["size_px"][i, 1]),
                )
                for i, t in enumerate(data["timestamps_ms"])
            )
            key = str(data["key"]) if "key" in data else ""
            return cls(frames, float(data["fps"]), str(data["source"]), str(data["model"]), key)
