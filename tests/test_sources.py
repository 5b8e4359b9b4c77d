"""Frame sources: files read in full with their timestamps, paced like a camera, or live."""

from __future__ import annotations

import itertools
import time

import cv2
import numpy as np
import pytest

from repcam.errors import CameraError, InputError
from repcam.io.sources import LiveSource, VideoFileSource, open_source

from test_cli import write_video


@pytest.fixture
def small_video(tmp_path):
    path = tmp_path / "count.mp4"
    write_video(path, [np.full((48, 64, 3), i * 8, np.uint8) for i in range(20)], fps=20.0)
    return path


def test_a_file_gives_every_frame_with_rising_timestamps(small_video):
    source = VideoFileSource(small_video)
    frames = list(source)
    assert len(frames) == 20 == source.info.frame_count
    stamps = [f.timestamp_ms for f in frames]
    assert stamps[0] == 0.0
    assert all(b > a for a, b in itertools.pairwise(stamps))
    assert stamps[-1] == pytest.approx(19 * 50.0, abs=1.0)


def test_a_file_played_as_a_camera_runs_in_real_time(small_video):
    started = time.monotonic()
    frames = list(open_source(small_video, as_camera=True))
    elapsed = time.monotonic() - started
    assert len(frames) == 20
    assert elapsed >= 0.9  # 20 frames at 20 fps: about one second, never faster


def test_missing_folder_and_garbage(tmp_path):
    with pytest.raises(InputError, match="No such file"):
        VideoFileSource(tmp_path / "nope.mp4")
    with pytest.raises(InputError, match="folder"):
        VideoFileSource(tmp_path)
    junk = tmp_path / "junk.mov"
    junk.write_bytes(b"\x00" * 1000)
    with pytest.raises(InputError, match="not a video"):
        VideoFileSource(junk)


def test_a_text_file_is_refused_though_ffmpeg_would_play_it(tmp_path):
    # FFmpeg's tty demuxer opens any .txt as a video of its text: OpenCV reads frames.
    notes = tmp_path / "notes.txt"
    notes.write_text("3x10 bridges, monday\n" * 40)
    with pytest.raises(InputError, match=r"notes\.txt is a text file, not a video"):
        VideoFileSource(notes)
    accented = tmp_path / "notes-é.txt"
    accented.write_text("pont fessier, lundi\n" * 40)
    with pytest.raises(InputError, match="is a text file"):
        VideoFileSource(accented)


def test_a_camera_that_does_not_open():
    with pytest.raises(CameraError, match="could not be opened"):
        LiveSource(9)


@pytest.mark.parametrize("kept", [0.33, 0.66, 0.9])
def test_a_truncated_mp4_is_refused_with_its_name(tmp_path, small_video, kept):
    # An MP4 written by OpenCV keeps its index at the end: cut short, nothing can be read
    # from it, and that is said (not an empty result, not a traceback).
    data = small_video.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * kept)])
    with pytest.raises(InputError, match=r"cut\.mp4 is not a video that can be read"):
        list(VideoFileSource(cut))


def test_a_live_source_hands_over_the_newest_frame_and_counts_drops(small_video):
    # A file opened as a live stream is read as fast as it decodes; a slow consumer
    # must get the newest frames, never a growing backlog.
    source = LiveSource(str(small_video))
    delivered = []
    for frame in source:
        delivered.append(frame)
        time.sleep(0.05)
    assert len(delivered) + source.dropped_frames == 20
    assert source.dropped_frames > 0
    indices = [f.index for f in delivered]
    assert indices == sorted(indices) and indices[-1] == 19


def test_a_4k_frame_is_shrunk_for_the_model_but_landmarks_are_in_its_pixels(model_path):
    from repcam.io.pose import PoseEstimator
    from repcam.synthetic import Camera, RepPlan, synthesize
    from repcam.synthetic.render import Renderer

    clip = synthesize("bridge", [RepPlan()], camera=Camera(size_px=(640, 360)), fps=10.0)
    small = Renderer(clip.camera, seed=1).render(clip.poses[0])
    big = cv2.resize(small, (3840, 2160), interpolation=cv2.INTER_CUBIC)
    with PoseEstimator(model_path) as estimator:
        at_640 = estimator.detect(small, 0.0).people[0].image_px[:, :2]
    with PoseEstimator(model_path) as estimator:
        at_4k = estimator.detect(big, 0.0).people[0].image_px[:, :2]
    hips = [23, 24, 25, 26]  # hips and knees: well seen
    assert np.allclose(at_4k[hips] / 6.0, at_640[hips], atol=6.0)


def test_prefetched_segments_end_on_their_own_and_stop_together():
    import threading

    from repcam.io.sources import prefetched

    cancel = threading.Event()
    first = prefetched(iter(range(3)), depth=0, cancel=cancel)
    second = prefetched(iter(range(3, 6)), depth=0, cancel=cancel)
    assert list(first) + list(second) == [0, 1, 2, 3, 4, 5]  # one ending stops no other

    closed = []

    def endless():
        try:
            while True:
                time.sleep(0.01)
                yield 0
        finally:
            closed.append(True)

    cancel = threading.Event()
    prefetched(endless(), depth=0, cancel=cancel, name="repcam-never-read")
    cancel.set()  # never iterated: only the shared event can stop it
    deadline = time.monotonic() + 2.0
    while not closed and time.monotonic() < deadline:
        time.sleep(0.02)
    assert closed == [True]
