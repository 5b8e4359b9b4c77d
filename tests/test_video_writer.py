"""The annotated video: H.264 a browser plays (PyAV), OpenCV's writer only as the fallback."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from repcam.sinks import video_writer
from repcam.sinks.video_writer import PYAV_H264, VideoWriterThread

SIZE = (320, 180)


def colour_bars() -> np.ndarray:
    image = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
    image[:, :100], image[:, 100:200], image[:, 200:] = (0, 0, 255), (0, 255, 0), (255, 255, 255)
    return image


def write(path: Path, frames: int = 30) -> VideoWriterThread:
    with VideoWriterThread(path, 15.0, SIZE) as writer:
        for index in range(frames):
            image = colour_bars()
            cv2.putText(image, str(index), (10, 90), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 0, 0), 2)
            writer.write(image)
    return writer


def test_the_video_is_h264_high_yuv420p_with_its_index_first(tmp_path):
    writer = write(tmp_path / "annotated.mp4")
    assert writer.codec == PYAV_H264
    data = (tmp_path / "annotated.mp4").read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart: plays while it loads
    with av.open(str(tmp_path / "annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.profile) == ("h264", "High")
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert float(stream.average_rate) == pytest.approx(15.0)
        assert sum(1 for _ in container.decode(stream)) == 30


def test_every_frame_comes_back_in_its_colours(tmp_path):
    write(tmp_path / "annotated.mp4")
    capture = cv2.VideoCapture(str(tmp_path / "annotated.mp4"))
    frames = []
    while (read := capture.read())[0]:
        frames.append(read[1])
    assert len(frames) == 30
    middle = frames[15][SIZE[1] // 2]
    for column, colour in ((50, (0, 0, 255)), (150, (0, 255, 0)), (300, (255, 255, 255))):
        assert np.abs(middle[column].astype(int) - colour).max() <= 6  # BT.601 said, not guessed


def test_without_an_h264_encoder_opencv_s_writer_takes_over(tmp_path, monkeypatch):
    def no_libx264(*args):
        raise av.error.FFmpegError(0, "Unknown encoder 'libx264'")

    monkeypatch.setattr(video_writer, "PyAvH264", no_libx264)
    writer = write(tmp_path / "annotated.mp4")
    assert writer.codec in ("H.264", "MPEG-4 Part 2 (mp4v)")
    capture = cv2.VideoCapture(str(tmp_path / "annotated.mp4"))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 30
