"""`python -m benchmarks.encode`: the annotated video's encoder against OpenCV's mp4v, and
decoding through OpenCV against PyAV.

The same decoded frames of a bundled sample (640x360) and of a 1080p copy of it (scaled up,
as phone clips are) encoded by repcam's writer (H.264 through PyAV) and by OpenCV's MPEG-4
Part 2 writer (what repcam wrote before, and its fallback): file size and encode time, and
their ratios. Then the H.264 files decoded to BGR arrays (what the pose stage and the overlay
take) by OpenCV's VideoCapture (what repcam reads with) and by PyAV with FFmpeg's frame
threads: the better of three runs each. Printed, and written to benchmarks/results/encode.json.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from repcam.sinks.video_writer import PyAvH264

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "sample_videos" / "bridge.mp4"


def frames_of(video: Path) -> tuple[list[np.ndarray], float]:
    capture = cv2.VideoCapture(str(video))
    fps = capture.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames, fps


def encode(writer, frames: list[np.ndarray]) -> float:
    started = time.perf_counter()
    for frame in frames:
        writer.write(frame)
    writer.release()
    return time.perf_counter() - started


def compare(frames: list[np.ndarray], fps: float, folder: Path, name: str) -> dict:
    size = (frames[0].shape[1], frames[0].shape[0])
    h264, mp4v = folder / f"{name}-h264.mp4", folder / f"{name}-mp4v.mp4"
    h264_s = encode(PyAvH264(h264, fps, size), frames)
    mp4v_s = encode(cv2.VideoWriter(str(mp4v), cv2.VideoWriter_fourcc(*"mp4v"), fps, size),
                    frames)
    figures = {"frames": len(frames), "size": f"{size[0]}x{size[1]}",
               "h264_bytes": h264.stat().st_size, "mp4v_bytes": mp4v.stat().st_size,
               "h264_s": round(h264_s, 2), "mp4v_s": round(mp4v_s, 2)}
    figures["size_ratio"] = round(figures["h264_bytes"] / figures["mp4v_bytes"], 3)
    figures["time_ratio"] = round(h264_s / mp4v_s, 2)
    figures["decode_opencv_s"] = round(min(decode_opencv(h264) for _ in range(3)), 2)
    figures["decode_pyav_s"] = round(min(decode_pyav(h264) for _ in range(3)), 2)
    return figures


def decode_opencv(video: Path) -> float:
    started = time.perf_counter()
    capture = cv2.VideoCapture(str(video))
    while capture.read()[0]:
        pass
    capture.release()
    return time.perf_counter() - started


def decode_pyav(video: Path) -> float:
    import av

    started = time.perf_counter()
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # frame and slice threads, as OpenCV's FFmpeg uses
        for frame in container.decode(stream):
            frame.to_ndarray(format="bgr24")
    return time.perf_counter() - started


def main() -> None:
    frames, fps = frames_of(SAMPLE)
    with tempfile.TemporaryDirectory() as work:
        results = {
            "640x360": compare(frames, fps, Path(work), "small"),
            "1920x1080": compare([cv2.resize(f, (1920, 1080)) for f in frames[:150]], fps,
                                 Path(work), "hd"),
        }
    for name, r in results.items():
        print(f"{name:9} {r['frames']} frames: H.264 {r['h264_bytes'] / 1e6:.2f} MB in "
              f"{r['h264_s']:.2f} s, mp4v {r['mp4v_bytes'] / 1e6:.2f} MB in {r['mp4v_s']:.2f} s "
              f"(size x{r['size_ratio']}, time x{r['time_ratio']}); decoding it: OpenCV "
              f"{r['decode_opencv_s']:.2f} s, PyAV {r['decode_pyav_s']:.2f} s")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "encode.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
