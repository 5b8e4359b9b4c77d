"""A clip's pose results frame by frame: what the analysers replay (saved by
`repcam.io.landmark_cache`)."""

from __future__ import annotations

from dataclasses import dataclass

from repcam.core.landmarks import PoseFrame


@dataclass(frozen=True)
class LandmarkTrack:
    """Per-frame pose results of a whole clip (up to `max_people` per frame)."""

    frames: tuple[PoseFrame, ...]
    fps: float
    source: str
    model: str
    key: str = ""  # the video, model and code it was made from (landmark_cache.video_key)

    @property
    def detection_rate(self) -> float:
        if not self.frames:
            return 0.0
        return sum(bool(f.people) for f in self.frames) / len(self.frames)

    @property
    def image_size_px(self) -> tuple[int, int]:
        """The picture's width and height (one for a whole clip)."""
        return next(((f.width_px, f.height_px) for f in self.frames), (0, 0))
