"""`repcam analyse --out`: the physiotherapist's files, on rendered clips with known truth.

One short rendered bridge set (a clean rep, then an arching one) is analysed once through
the command line; the tests read what it wrote. Other clips are made from its frames: a
phone recording (rotated pixels plus rotation metadata), a cut-off picture, a truncated
file, and an empty room.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from repcam.core.track import LandmarkTrack
from repcam.exercises import get_exercise
from repcam.folds.recognise import recognise
from repcam.folds.records import REP_COLUMNS, SESSION_SCHEMA
from repcam.folds.set_analysis import analyse_track
from repcam.io.landmark_cache import load_cached, load_track, save_track, video_key
from repcam.io.pipeline import ANALYSIS_FPS
from repcam.sinks.video_writer import PYAV_H264
from repcam.synthetic import Camera, RepPlan, synthesize
from repcam.synthetic.video import write_clip

from mp4_rotation import set_rotation
from test_cli import assert_clean_failure, repcam

FPS = 10.0
# A clear arching (hips 24 deg past the line): at 480x270 MediaPipe flattens the hip line by a
# few degrees, and this test is about the files, not the threshold.
PLANS = [RepPlan(hold_s=3.3, rest_s=0.8),
         RepPlan(hold_s=3.3, rest_s=0.8, fault="arching", fault_size=24.0)]


def read_frames(path: Path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            return frames
        frames.append(frame)


def write_frames(path: Path, frames: list[np.ndarray], fourcc: str = "mp4v") -> Path:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), FPS, (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clips")
    clip = synthesize("bridge", PLANS, camera=Camera(size_px=(480, 270)), fps=FPS, seed=3)
    write_clip(clip, folder / "bridge.mp4", seed=3)
    return folder


@pytest.fixture(scope="module")
def analysed(clips, tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("out")
    result = repcam("analyse", str(clips / "bridge.mp4"), "-e", "bridge", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return clips / "bridge.mp4", out


def test_every_output_file_is_written_and_parses(analysed):
    _, out = analysed
    with (out / "reps.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0])[: len(REP_COLUMNS)] == REP_COLUMNS
    assert [r["faults"] for r in rows] == ["", "arching"]
    session = json.loads((out / "session.json").read_text())
    assert session["schema"] == SESSION_SCHEMA
    assert session["exercise"] == "bridge"
    assert session["totals"]["reps"] == 2 == len(session["reps"])
    assert session["verdict"]["done_well"] is False  # 2 of 10 reps
    assert session["annotated_codec"] == PYAV_H264  # browsers play it
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 2  # angles over time, per-rep bars
    assert "<table id='reps'>" in page and "lift without arching your back" in page
    assert "data:image/jpeg;base64," in page  # the arching thumbnail
    assert "http://" not in page and "https://" not in page  # self-contained


def test_the_report_shows_the_video_and_links_each_rep_and_fault_to_its_moment(analysed):
    _, out = analysed
    page = (out / "report.html").read_text()
    assert "<video id='video' src='annotated.mp4'" in page
    with (out / "reps.csv").open() as handle:
        starts = [float(row["start_s"]) for row in csv.DictReader(handle)]
    for start in starts:  # the rep number links to the rep's start, with and without script
        assert f"<a href='annotated.mp4#t={start:.2f}' data-t='{start:.2f}'>" in page
    session = json.loads((out / "session.json").read_text())
    arching = next(f for f in session["faults"] if f["fault"] == "arching")
    assert f"data-t='{arching['time_s']:.2f}'" in page  # the fault's thumbnail too
    assert "<script>" in page and "http" not in page.split("<script>")[1]
    trace = json.loads(page.split("<script type='application/json' id='trace'>")[1]
                       .split("</script>")[0])  # the angle plot's hover read-out
    assert [rep[0] for rep in trace["reps"]] == [1, 2] and len(trace["t"]) > 50
    assert set(trace["series"]) == {"left"} and trace["unit"] == "deg"
    assert 'img class="plot" alt="angles over time" data-x0=' in page  # clickable


def test_annotated_video_matches_the_input(analysed):
    video, out = analysed
    source, annotated = read_frames(video), read_frames(out / "annotated.mp4")
    assert len(annotated) == len(source)
    assert annotated[0].shape == source[0].shape
    # The overlay is drawn: the counter panel darkens the top-left corner.
    assert annotated[40][10:60, 10:140].mean() < source[40][10:60, 10:140].mean() - 20


def test_report_numbers_equal_the_analysers(analysed, model_path):
    video, out = analysed
    track = load_cached(video_key(video, model_path, 1, ANALYSIS_FPS), out / "landmarks.npz")
    assert track is not None  # cached next to the output
    result = analyse_track(track, get_exercise("bridge"))
    session = json.loads((out / "session.json").read_text())
    for rep, row in zip(result.reps, session["reps"], strict=True):
        assert row["peak_deg"] == pytest.approx(rep.peak_deg, abs=0.06)
        assert row["hold_s"] == pytest.approx(rep.hold_ms / 1000, abs=0.006)
        assert row["faults"] == ";".join(rep.faults)


def test_reanalysis_uses_the_cached_landmarks(analysed, tmp_path):
    from dataclasses import replace

    video, out = analysed
    cached = load_track(out / "landmarks.npz")
    first = analyse_track(cached, get_exercise("roller-bridge")).reps[0]
    # The cache, doctored: nobody after the first rep. Used, it gives 1 rep; a fresh
    # extraction would find both.
    doctored = replace(cached, frames=tuple(
        replace(frame, people=()) if frame.timestamp_ms > first.end_ms + 200 else frame
        for frame in cached.frames))
    save_track(doctored, tmp_path / "landmarks.npz")
    result = repcam("analyse", str(video), "-e", "roller-bridge", "--json", "--reps", "2",
                    "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == 1 and data["verdict"]["target_reps"] == 2


def test_a_phone_clip_comes_out_upright(clips, tmp_path):
    upright = read_frames(clips / "bridge.mp4")
    phone = write_frames(tmp_path / "phone.mp4",
                         [cv2.rotate(f, cv2.ROTATE_90_COUNTERCLOCKWISE) for f in upright])
    set_rotation(phone, 90)
    result = repcam("analyse", str(phone), "-e", "bridge", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    annotated = read_frames(tmp_path / "out" / "annotated.mp4")
    assert annotated[0].shape == upright[0].shape
    assert json.loads((tmp_path / "out" / "session.json").read_text())["totals"]["reps"] == 2


def test_exercise_auto_recognises_the_bridge(analysed):
    _, out = analysed
    recognition = recognise(load_track(out / "landmarks.npz"))
    assert recognition.sure and recognition.best.spec.name == "bridge"
    assert "roller-bridge" in recognition.look_alikes


def test_a_folder_gives_one_output_folder_per_video(analysed, tmp_path):
    video, _ = analysed
    folder = video.parent
    result = repcam("analyse", str(folder), "-e", "bridge", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bridge" / "report.html").exists()


def test_a_cut_off_video_still_gets_its_results(clips, tmp_path):
    frames = read_frames(clips / "bridge.mp4")[:90]
    width = frames[0].shape[1]
    cropped = write_frames(tmp_path / "cropped.mp4", [f[:, width // 3:] for f in frames])
    result = repcam("analyse", str(cropped), "-e", "bridge", "--out", str(tmp_path / "out"))
    assert_clean_failure(result, "cut off", "Results for what was analysed are saved")
    assert result.returncode == 5
    session = json.loads((tmp_path / "out" / "session.json").read_text())
    assert session["problem"]["kind"] == "cut_off"


def test_a_truncated_recording_is_analysed_up_to_the_break(clips, tmp_path):
    frames = read_frames(clips / "bridge.mp4")
    whole = write_frames(tmp_path / "whole.avi", frames, "MJPG")
    cut = tmp_path / "cut.avi"
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.55)])
    result = repcam("analyse", str(cut), "-e", "bridge", "--out", str(tmp_path / "out"))
    assert_clean_failure(result, "ends early", "Results for what was analysed are saved")
    session = json.loads((tmp_path / "out" / "session.json").read_text())
    assert 0.4 * len(frames) < session["video"]["frames"] < 0.7 * len(frames)
    assert session["totals"]["reps"] == 1  # the first rep was in the part that survived


def test_an_empty_room_says_nobody_and_still_writes_the_files(tmp_path):
    rng = np.random.default_rng(0)
    frames = [np.full((270, 480, 3), 120, np.uint8) + rng.integers(0, 8, (270, 480, 3),
                                                                   dtype=np.uint8)
              for _ in range(15)]
    room = write_frames(tmp_path / "room.mp4", frames)
    result = repcam("analyse", str(room), "-e", "bridge", "--out", str(tmp_path / "out"))
    assert_clean_failure(result, "Nobody was found")
    assert result.returncode == 4
    assert json.loads((tmp_path / "out" / "session.json").read_text())["totals"]["reps"] == 0


def test_a_front_view_is_flagged_for_a_side_view_exercise(tmp_path):
    clip = synthesize("hamstring-curl", PLANS[:1],
                      camera=Camera(size_px=(480, 270), yaw_deg=90.0), fps=FPS, seed=4)
    video = tmp_path / "front.mp4"
    write_clip(clip, video, seed=4)
    result = repcam("analyse", str(video), "-e", "hamstring-curl", "--out",
                    str(tmp_path / "out"))
    assert_clean_failure(result, "filmed front-on", "up to 60 degrees from side-on",
                         "Move the camera about")
    assert result.returncode == 5
    assert (tmp_path / "out" / "report.html").exists()


def test_a_bridge_filmed_from_the_feet_is_reported_in_hip_widths(tmp_path, capsys):
    from dataclasses import replace

    from repcam.cli.analyse_cmd import print_result
    from repcam.sinks.report import render_report
    from repcam.sinks.tables import write_reps_csv

    clip = synthesize("bridge", [RepPlan(), RepPlan(fault="knee_width")],
                      camera=Camera(yaw_deg=90.0), fps=FPS)
    track = LandmarkTrack(clip.frames, FPS, "feet.mp4", "synthetic")
    spec = get_exercise("bridge")
    result = analyse_track(track, spec)
    assert (result.view, result.count, result.problem) == ("front", 2, None)
    assert [rep.faults for rep in result.reps] == [(), ("knee_width",)]
    write_reps_csv(result, tmp_path / "reps.csv")
    with (tmp_path / "reps.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {(row["signal"], row["unit"]) for row in rows} == {("hip_rise", "% hip width")}
    html = render_report(result, spec, thumbnails=[], details={})
    assert "knees a fist apart" in html
    # A rep's moments read to a tenth, as in the terminal (reps.csv keeps the milliseconds).
    later = replace(result, reps=tuple(replace(r, start_ms=r.start_ms + 33.3)
                                       for r in result.reps))
    table = render_report(later, spec, thumbnails=[], details={}) \
        .split("<table id='reps'")[1].split("</table>")[0]
    assert "<td>9.5</td>" in table and "9.533" not in table
    print_result(result, spec)
    assert "ROM %hw" in capsys.readouterr().out


def test_the_cache_key_changes_with_the_model_and_the_landmark_code(tmp_path, monkeypatch):
    from repcam.io import landmark_cache

    video, model = tmp_path / "v.mp4", tmp_path / "models" / "pose_landmarker_full.task"
    model.parent.mkdir()
    video.write_bytes(b"video")
    model.write_bytes(b"model one")
    first = video_key(video, model, 1, 15.0)
    model.write_bytes(b"model two")  # same name, same size, another model
    assert video_key(video, model, 1, 15.0) != first
    monkeypatch.setattr(landmark_cache, "landmark_code_version", lambda: "changed")
    assert video_key(video, model, 1, 15.0).endswith("|changed")
