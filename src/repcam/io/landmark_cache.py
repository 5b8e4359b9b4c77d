"""A clip's landmarks saved as .npz, so analysers and tests can replay it without the model;
the cache that keys them by video, model and landmark code."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import platformdirs

from repcam.core.landmarks import NUM_JOINTS, Landmarks, PoseFrame
from repcam.core.track import LandmarkTrack
from repcam.errors import OutputError
from repcam.io.files import replacing

CACHE_VERSION = 1


def save_track(track: LandmarkTrack, path: Path) -> None:
    people = max((len(f.people) for f in track.frames), default=0) or 1
    n = len(track.frames)
    image = np.full((n, people, NUM_JOINTS, 3), np.nan, np.float32)
    world = np.full((n, people, NUM_JOINTS, 3), np.nan, np.float32)
    visibility = np.zeros((n, people, NUM_JOINTS), np.float32)
    for i, frame in enumerate(track.frames):
        for p, person in enumerate(frame.people):
            image[i, p], world[i, p], visibility[i, p] = (
                person.image_px, person.world_m, person.visibility
            )
    size = np.array([[f.width_px, f.height_px] for f in track.frames], np.int32).reshape(-1, 2)
    with replacing(path, "wb") as handle:
        np.savez_compressed(
            handle,
            version=CACHE_VERSION,
            timestamps_ms=np.array([f.timestamp_ms for f in track.frames], np.float64),
            count=np.array([len(f.people) for f in track.frames], np.int8),
            image_px=image, world_m=world, visibility=visibility, size_px=size,
            fps=track.fps, source=track.source, model=track.model, key=track.key,
        )

def load_track(path: Path) -> LandmarkTrack:
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
        return LandmarkTrack(frames, float(data["fps"]), str(data["source"]), str(data["model"]),
                             key)


# The code that turns video into landmarks: a change to it must not be hidden by landmarks
# cached before it.
LANDMARK_CODE = ("pose.py", "pipeline.py", "sources.py")  # beside this module


def video_key(video: Path, model_path: Path, people: int, analysis_fps: float) -> str:
    """A video's identity for caching: its path, size and mtime, the model's checksum and
    settings, and the version of the code that extracts landmarks."""
    stat = video.stat()
    return (f"{video.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{model_path.name}"
            f"|{_file_digest(model_path)}|{people}|{analysis_fps:g}|{landmark_code_version()}")


@functools.cache
def landmark_code_version() -> str:
    digest = hashlib.sha256()
    for name in LANDMARK_CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]


def _file_digest(path: Path) -> str:
    """A file's SHA-256 (12 hex digits), remembered while its size and mtime stay the same."""
    try:
        stat = path.stat()
        return _digest_of(path.resolve(), stat.st_size, stat.st_mtime_ns)
    except OSError:  # no model there yet: its problem is reported where it is loaded
        return "unreadable"


@functools.cache
def _digest_of(path: Path, _size: int, _mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def cache_path(key: str) -> Path:
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return Path(platformdirs.user_cache_dir("repcam")) / "landmarks" / f"{digest}.npz"


def load_cached(key: str, *places: Path) -> LandmarkTrack | None:
    """The landmarks of `key` from the first place that holds them (broken caches are dropped)."""
    for path in (*places, cache_path(key)):
        if not path.exists():
            continue
        try:
            track = load_track(path)
        except (ValueError, OSError, KeyError):
            path.unlink(missing_ok=True)  # a stale or broken cache is rebuilt
            continue
        if track.key == key:
            return track
    return None


def store(track: LandmarkTrack, *places: Path) -> None:
    for path in (*places, cache_path(track.key)):
        with contextlib.suppress(OutputError):  # a cache that cannot be written costs time
            save_track(track, path)


def load_or_extract(video: Path, model_path: Path, *, people: int = 1,
                    analysis_fps: float | None = None,
                    on_frame: Callable[[int], None] = lambda index: None) -> LandmarkTrack:
    from repcam.io.pipeline import ANALYSIS_FPS, extract_track  # MediaPipe: only when needed

    fps = ANALYSIS_FPS if analysis_fps is None else analysis_fps
    key = video_key(video, model_path, people, fps)
    track = load_cached(key)
    if track is None:
        track = extract_track(video, model_path, num_poses=people, analysis_fps=fps,
                              on_frame=on_frame)
        track = dataclasses.replace(track, key=key)
        store(track)
    return track
