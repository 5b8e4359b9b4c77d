"""The command line as a person meets it: help, version, and one clear sentence per problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from repcam import __version__

REPCAM = Path(sys.executable).with_name("repcam")  # the console script, as a user runs it


def repcam(*args: str, **kwargs) -> subprocess.CompletedProcess:
    assert REPCAM.exists(), f"{REPCAM} is missing: install the project (pip install -e .)"
    return subprocess.run([str(REPCAM), *args], capture_output=True, text=True, timeout=600,
                          **kwargs)


def assert_clean_failure(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    for phrase in phrases:
        assert phrase in result.stderr


def test_help_and_version():
    assert "analyse" in repcam("--help").stdout
    assert __version__ in repcam("--version").stdout


def test_missing_video():
    assert_clean_failure(repcam("analyse", "no-such.mp4", "-e", "bridge"), "No such file")


def test_a_file_that_is_not_a_video(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is not a video")
    assert_clean_failure(repcam("analyse", str(fake), "-e", "bridge"), "not a video")


def test_an_empty_video(tmp_path):
    empty = tmp_path / "empty.mp4"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 48))
    writer.release()
    assert_clean_failure(repcam("pose", str(empty)), str(empty))


def test_unknown_exercise_lists_choices(tmp_path):
    assert_clean_failure(repcam("analyse", "x.mp4", "-e", "brige"), "Unknown exercise", "bridge")


def test_a_model_path_that_does_not_exist(tmp_path, model_path):
    video = tmp_path / "grey.mp4"
    write_video(video, [np.full((48, 64, 3), 128, np.uint8)] * 5)
    assert_clean_failure(repcam("pose", str(video), "--model", str(tmp_path / "m.task")),
                         "does not exist")


def test_a_video_with_nobody_in_it(tmp_path, model_path):
    video = tmp_path / "wall.mp4"
    write_video(video, [np.full((240, 320, 3), 90 + i, np.uint8) for i in range(15)])
    assert_clean_failure(repcam("analyse", str(video), "-e", "bridge"), "Nobody was found")


def test_models_list_and_verify(model_path):
    listing = repcam("models", "list")
    assert listing.returncode == 0 and "full" in listing.stdout
    assert repcam("models", "verify").returncode == 0


@pytest.mark.usefixtures("model_path")
def test_analyse_prints_json_for_a_real_clip(clips_dir: Path):
    result = repcam("analyse", str(clips_dir / "physioplus_bridging.mp4"), "-e", "bridge",
                    "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == 1
    assert data["reps"][0]["side"] in ("left", "right")
    assert data["reps"][0]["hold_target_ms"] == 3000.0


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> None:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()


def test_render_writes_a_clip_and_its_truth(tmp_path):
    out = tmp_path / "bridge.mp4"
    result = repcam("render", "bridge", "--out", str(out), "--reps", "2", "--hold", "1",
                    "--fault", "arching:20", "--fps", "10", "--width", "320", "--height", "180")
    assert result.returncode == 0, result.stderr
    truth = json.loads(out.with_suffix(".truth.json").read_text())
    assert [rep["fault"] for rep in truth["reps"]] == [None, "arching"]
    capture = cv2.VideoCapture(str(out))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == len(truth["frames"])
    assert truth["frames"][0]["angles_deg"]["hip_line_left"] > 100


def test_render_rejects_a_fault_the_exercise_does_not_have(tmp_path):
    result = repcam("render", "bridge", "--out", str(tmp_path / "x.mp4"), "--fault", "hip_bend")
    assert_clean_failure(result, "not a fault of bridge", "arching")


def test_bundled_samples_cover_every_exercise():
    from repcam.synthetic import MOTIONS

    samples = Path(__file__).resolve().parents[1] / "sample_videos"
    for exercise in MOTIONS:
        video = samples / f"{exercise}.mp4"
        assert video.exists() and video.stat().st_size < 1_000_000
        truth = json.loads(video.with_suffix(".truth.json").read_text())
        assert truth["exercise"] == exercise and truth["reps"]
