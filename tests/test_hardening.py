"""repcam against bad input and faults, as a hostile user meets it through the installed
command: one sentence, the documented exit code, no traceback, and the files on disk as they
should be before and after (nothing lost, nothing foreign touched, nothing half-written)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from repcam.errors import EXIT_CODES
from repcam.io.session_store import SessionLog

from test_cli import repcam, write_video

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "bridge.mp4"  # 2 reps, 3.2 s holds
USAGE, MODEL, NOBODY, LOG, OUTPUT, CAMERA, UNEXPECTED = 2, 3, 4, 6, 7, 8, 70


def fails(result: subprocess.CompletedProcess, code: int, *phrases: str) -> str:
    """The command failed with `code`, said each phrase, and showed no traceback."""
    text = result.stdout + result.stderr
    assert result.returncode == code, (result.returncode, text)
    assert "Traceback" not in text, text
    for phrase in phrases:
        assert phrase in text, (phrase, text)
    return text


def log_a_session(db: Path, reps: int = 3) -> None:
    from test_sessionlog import log_a_set

    with SessionLog(db) as log:
        log_a_set(log, reps)


@contextlib.contextmanager
def mounted(folder: Path, *options: str):
    """A small tmpfs of our own (a full or a read-only disk, for real); skipped where the
    machine does not let the tests mount (the in-process tests inject the same errors)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(("size=256k", *options)),
                           "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("this machine does not let the tests mount a small disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> None:
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()


# -- usage errors: typer's own sentence, exit 2 ----------------------------------------------
@pytest.mark.parametrize(("args", "phrase"), [
    (("analyse",), "Missing argument"),
    (("analyse", "x.mp4", "-e", "bridge", "--reps", "abc"), "Invalid value for '--reps'"),
    (("analyse", "x.mp4", "--bogus-option"), "No such option"),
    (("brdge",), "Did you mean 'bridge'"),
    (("models",), "Usage"),
    (("analyse", "x.mp4", "-e", "bridge", "--reps", "0"), "greater than or equal to 1"),
    (("analyse", "x.mp4", "-e", "bridge", "--reps", "-3"), "greater than or equal to 1"),
    (("analyse", "x.mp4", "-e", "bridge", "--side", "middle"), "'middle' is not one of"),
    (("analyse", "x.mp4", "-e", "ball-curl", "--stage", "4"), "less than or equal to 3"),
    (("bridge", "--sets", "0"), "greater than or equal to 1"),
    (("bridge", "--reps", "-2"), "greater than or equal to 1"),
    (("bridge", "--hold", "-5"), "greater than or equal to 0"),
    (("export", "--format", "xml"), "'xml' is not one of"),
])
def test_usage_errors_are_typers_sentence_and_exit_2(args, phrase):
    fails(repcam(*args), USAGE, phrase)


def test_a_mistyped_exercise_gets_did_you_mean_and_names_ignore_case():
    from repcam.exercises import get_exercise

    fails(repcam("analyse", str(SAMPLE), "-e", "bridg"), USAGE, "Did you mean 'bridge'?")
    assert get_exercise("Single-Leg-Bridge").name == "single-leg-bridge"


def test_stage_is_only_for_the_ball_curl():
    fails(repcam("analyse", str(SAMPLE), "-e", "bridge", "--stage", "2"), USAGE,
          "--stage is for the ball curl")


def test_help_shows_no_type_tags_on_flags():
    shown = repcam("analyse", "--help").stdout
    assert "--json" in shown and "<bool>" not in shown


def test_the_exit_code_table_in_the_readme_is_the_code_table():
    readme = (ROOT / "README.md").read_text()
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in readme, code


# -- files repcam reads ------------------------------------------------------------------------
def test_an_image_is_called_an_image(tmp_path):
    picture = tmp_path / "photo.png"
    cv2.imwrite(str(picture), np.full((48, 64, 3), 200, np.uint8))
    fails(repcam("analyse", str(picture), "-e", "bridge"), USAGE, "is a PNG image, not a video")


def test_an_empty_file_and_a_folder_are_named(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    fails(repcam("analyse", str(tmp_path / "empty.mp4"), "-e", "bridge"), USAGE, "empty")
    fails(repcam("pose", str(tmp_path)), USAGE, "is a folder")


def test_a_fifo_is_refused_at_once_instead_of_hanging(tmp_path):
    pipe = tmp_path / "stream.mp4"
    os.mkfifo(pipe)
    started = time.monotonic()
    fails(repcam("analyse", str(pipe), "-e", "bridge"), USAGE, "pipe, socket or device")
    assert time.monotonic() - started < 20


def test_a_blank_wall_with_auto_says_nobody_is_there(tmp_path, model_path):
    wall = tmp_path / "wall.mp4"
    write_video(wall, [np.full((240, 320, 3), 90 + i, np.uint8) for i in range(15)])
    fails(repcam("analyse", str(wall), "-e", "auto"), NOBODY, "Nobody was found")


def test_several_files_name_each_failure_once(tmp_path, model_path):
    wall = tmp_path / "c_blank.mp4"
    write_video(wall, [np.full((240, 320, 3), 90, np.uint8)] * 15)
    text = fails(repcam("analyse", str(wall), str(SAMPLE), "-e", "bridge"), NOBODY,
                 "1 of 2 videos had a problem")
    [said] = [line for line in text.splitlines() if "Nobody was found" in line]
    assert said.count("c_blank.mp4") == 1
    assert "2 reps" in text  # the good file was analysed


def test_an_8k_video_is_analysed_and_its_annotated_copy_shrunk_to_4k(tmp_path, model_path):
    huge = tmp_path / "huge.avi"  # MJPEG: mp4v itself refuses 8192 px
    writer = cv2.VideoWriter(str(huge), cv2.VideoWriter_fourcc(*"MJPG"), 10, (8192, 4608))
    for _ in range(4):
        writer.write(np.full((4608, 8192, 3), 100, np.uint8))
    writer.release()
    fails(repcam("analyse", str(huge), "-e", "bridge", "--out", str(tmp_path / "out")), NOBODY,
          "Results for what was analysed are saved")
    document = json.loads((tmp_path / "out" / "session.json").read_text())
    assert document["annotated_size_px"] == [3840, 2160]
    annotated = cv2.VideoCapture(str(tmp_path / "out" / "annotated.mp4"))
    assert (annotated.get(cv2.CAP_PROP_FRAME_WIDTH), annotated.get(cv2.CAP_PROP_FRAME_COUNT)) \
        == (3840, 4)


# -- files repcam writes -----------------------------------------------------------------------
def test_out_naming_an_existing_file_is_refused_before_any_work(tmp_path):
    taken = tmp_path / "results"
    taken.write_text("mine")
    fails(repcam("analyse", str(SAMPLE), "-e", "bridge", "--out", str(taken)), USAGE,
          "is a file")
    assert taken.read_text() == "mine"


def test_out_under_a_read_only_folder_says_so(tmp_path):
    with mounted(tmp_path / "ro", "ro") as folder:
        fails(repcam("analyse", str(SAMPLE), "-e", "bridge", "--out", str(folder / "new")),
              OUTPUT, "read-only")


def test_a_full_disk_during_analyse_out_keeps_what_was_there(tmp_path, model_path):
    with mounted(tmp_path / "disk") as disk:
        fill(disk)
        fails(repcam("analyse", str(SAMPLE), "-e", "bridge", "--out", str(disk / "out")),
              OUTPUT, "The disk is full")
        assert not [p for p in disk.rglob("*") if p.name.endswith(".part")
                    or ".part." in p.name]


def test_export_to_a_missing_folder_makes_it(tmp_path):
    db = tmp_path / "log.db"
    log_a_session(db)
    target = tmp_path / "new" / "folder" / "reps.csv"
    done = repcam("export", "--db", str(db), "--out", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text().count("\n") == 4


def test_an_export_on_a_full_disk_keeps_the_previous_export(tmp_path):
    db = tmp_path / "log.db"
    log_a_session(db, 40)
    with mounted(tmp_path / "disk") as disk:
        previous = disk / "reps.csv"
        previous.write_text("the export of last week\n")
        fill(disk)
        fails(repcam("export", "--db", str(db), "--out", str(previous)), OUTPUT,
              "The disk is full")
        assert previous.read_text() == "the export of last week\n"
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "reps.csv"]


def test_an_injected_full_disk_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch):
    from repcam.errors import OutputError
    from repcam.io.files import write_text

    target = tmp_path / "session.json"
    target.write_text("old")

    def no_space(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OutputError, match="The disk is full"):
        write_text(target, "new " * 1000)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def test_record_and_voice_log_that_cannot_be_written_are_said_first(tmp_path):
    fails(repcam("bridge", "--camera", str(SAMPLE), "--record", str(tmp_path), "--headless"),
          USAGE, "is a folder")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    fails(repcam("bridge", "--camera", str(SAMPLE), "--voice-log", str(blocker / "v.jsonl"),
                 "--headless"), OUTPUT, "is a file, not a folder")


def test_history_plot_into_a_missing_folder_and_a_wrong_suffix(tmp_path):
    db = tmp_path / "log.db"
    log_a_session(db)
    chart = tmp_path / "charts" / "progress.png"
    done = repcam("history", "--db", str(db), "--plot", str(chart))
    assert done.returncode == 0, done.stderr
    assert chart.stat().st_size > 1000
    assert "UserWarning" not in done.stderr
    fails(repcam("history", "--db", str(db), "--plot", str(tmp_path / "c.txt")), USAGE,
          ".png or .html")


# -- the session log: never changed when it is not ours, never half-written ------------------
def test_another_applications_database_is_refused_untouched(tmp_path):
    notes = tmp_path / "notes.db"
    with sqlite3.connect(notes) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes (text) VALUES ('buy milk')")
    db.close()
    before = notes.read_bytes()
    for args in (("history",), ("progress",), ("export",), ("import", str(tmp_path / "x"))):
        fails(repcam(*args, "--db", str(notes)), LOG if args[0] != "import" else USAGE)
    fails(repcam("history", "--db", str(notes)), LOG, "another application")
    assert notes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal, no -shm


def test_devices_and_empty_names_are_refused():
    fails(repcam("import", "/dev/zero", "--db", "/tmp/never.db"), USAGE, "a device, a pipe")
    fails(repcam("export", "--db", "/dev/null"), LOG, "not a file but a device")
    fails(repcam("history", "--profile", " "), USAGE, "a profile needs a name")


def test_a_read_only_command_never_creates_the_log(tmp_path):
    db = tmp_path / "nothing-yet.db"
    shown = repcam("history", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "No sessions logged yet for the profile 'me'." in shown.stdout
    assert repcam("progress", "--db", str(db)).returncode == 0
    assert not db.exists()


def test_a_busy_log_on_import_is_a_sentence(tmp_path):
    db = tmp_path / "log.db"
    log_a_session(db)
    document = _session_json(tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        fails(repcam("import", str(document), "--db", str(db)), LOG, "is busy")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_log_on_a_full_disk_says_the_disk_is_full(tmp_path):
    with mounted(tmp_path / "disk") as disk:
        db = disk / "log.db"
        log_a_session(db)
        before = db.read_bytes()
        document = _session_json(tmp_path)
        fill(disk)
        fails(repcam("import", str(document), "--db", str(db)), LOG, "is full")
        fails(repcam("analyse", str(SAMPLE), "-e", "bridge", "--log", "--db",
                     str(disk / "new.db")), LOG, "is full")
        assert db.read_bytes() == before
        (disk / "filler").unlink()
        with SessionLog(db, read_only=True) as log:
            assert len(log.sessions()) == 1


def test_a_full_log_names_what_failed_and_what_is_kept(tmp_path):
    from repcam.errors import SessionLogError

    from test_sessionlog import rep

    with SessionLog(tmp_path / "log.db") as log:
        session = log.start_session(profile="me", exercise="bridge", source="live",
                                    source_name="0", model="full", target_sets=1,
                                    target_reps=10)
        set_id = log.start_set(session, 1, 10)
        log.add_rep(set_id, rep(1))
        log._db.execute("PRAGMA max_page_count = 1")  # private: the disk is full from here
        with pytest.raises(SessionLogError, match=r"is full: saving rep \d+ failed\. "
                                                  r"Everything saved before is intact"):
            for number in range(2, 300):
                log.add_rep(set_id, rep(number), number=number)


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d.pop("totals"), "'totals' is missing"),
    (lambda d: d.update(exercise="yoga"), "unknown exercise 'yoga'"),
    (lambda d: d.update(created="last tuesday"), "not a date and time"),
    (lambda d: d["reps"][0].pop("peak_deg"), "'peak_deg' is missing"),
    (lambda d: d["reps"][0].update(side="middle"), "side must be left or right"),
    (lambda d: d["reps"][0].update(hold_s="long"), "'hold_s' is not a number"),
    (lambda d: d["reps"][0].update(faults="arching;archng"), "'archng' is not a fault"),
    (lambda d: d["faults"].append({"time_s": 2.0, "fault": "slouch", "cue": "sit up", "rep": 1}),
     "fault 1: 'slouch' is not a fault repcam knows"),
])
def test_an_invalid_import_is_refused_whole(tmp_path, change, problem):
    db = tmp_path / "log.db"
    log_a_session(db)
    good, bad = _session_json(tmp_path, "good.json"), _session_json(tmp_path, "bad.json")
    document = json.loads(bad.read_text())
    change(document)
    bad.write_text(json.dumps(document))
    fails(repcam("import", str(good), str(bad), "--db", str(db)), USAGE, problem,
          "Nothing from it was added")
    with SessionLog(db) as log:
        assert len(log.sessions()) == 1  # not even the good file went in
    assert "Next: bridge" in repcam("progress", "--db", str(db)).stdout


def _session_json(folder: Path, name: str = "session.json") -> Path:
    from repcam.exercises.events import RepMetrics

    rep = RepMetrics(1, "left", 1000.0, 6000.0, "hip_line", 130.0, 176.0, 3100.0, 3000.0,
                     900.0, 1100.0)
    document = {"schema": "repcam.session/1", "source": "clip.mp4", "exercise": "bridge",
                "created": "2026-11-20T08:00:00+00:00", "model": "full",
                "totals": {"target_reps": 10}, "faults": [],
                "reps": [__import__("repcam.folds.records", fromlist=["rep_row"]).rep_row(rep)]}
    path = folder / name
    path.write_text(json.dumps(document))
    return path


# -- a live session where nothing happened changes nothing ------------------------------------
def test_nobody_in_view_logs_nothing_and_keeps_the_plan(tmp_path, model_path):
    db = tmp_path / "log.db"
    log_a_session(db, 10)
    before = repcam("progress", "--db", str(db)).stdout
    wall = tmp_path / "wall.mp4"
    write_video(wall, [np.full((240, 320, 3), 120, np.uint8)] * 30)
    done = repcam("bridge", "--camera", str(wall), "--headless", "--no-voice", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "nothing was added to the session log" in done.stdout
    with SessionLog(db) as log:
        assert len(log.sessions()) == 1
    assert repcam("progress", "--db", str(db)).stdout == before


def test_a_bad_model_logs_nothing(tmp_path):
    db = tmp_path / "log.db"
    bad = tmp_path / "broken.task"
    bad.write_bytes(b"not a model")
    fails(repcam("bridge", "--camera", str(SAMPLE), "--headless", "--no-voice", "--db",
                 str(db), "--model", str(bad)), MODEL, "could not be loaded")
    if db.exists():
        with SessionLog(db) as log:
            assert log.sessions() == []


def test_old_logs_with_empty_sessions_do_not_step_back(tmp_path):
    from repcam.exercises import get_exercise
    from repcam.folds.progression import SessionRecord, advise

    from test_sessionlog import rep

    spec = get_exercise("bridge")
    good = SessionRecord("bridge", "2026-11-01", ((*(rep(i) for i in range(1, 11)),),))
    empty = SessionRecord("bridge", "2026-11-02", ())
    assert advise(spec, [good, empty]).dose == advise(spec, [good]).dose


def test_a_set_logger_writes_nothing_until_a_rep_completes(tmp_path):
    from repcam.apps.live import SetLogger
    from repcam.exercises.events import FaultDetected, RepCompleted

    from test_sessionlog import rep

    with SessionLog(tmp_path / "log.db") as log:
        logger = SetLogger(log, profile="me", exercise="bridge", source="live",
                           source_name="0", model="full", target_sets=1, target_reps=10)
        logger.start_set(1, 10)
        logger.record([FaultDetected(500.0, "arching", "lift without arching", 1)])
        logger.end_session()
        assert log.sessions() == []
        logger.start_set(1, 10)
        logger.record([FaultDetected(500.0, "arching", "lift without arching", 1),
                       RepCompleted(4000.0, rep(1))])
        logger.end_session()
        [session] = log.sessions()
    assert len(session.sets[0].reps) == 1 and session.sets[0].faults[0].fault == "arching"


# -- exit codes that say what happened ---------------------------------------------------------
def test_models_verify_exits_non_zero_on_a_corrupted_model(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "pose_landmarker_full.task").write_bytes(b"garbage")
    fails(repcam("models", "verify", env={**os.environ, "REPCAM_MODEL_DIR": str(models)}),
          MODEL, "corrupted")


def test_a_corrupted_model_is_kept_until_a_verified_copy_replaces_it(tmp_path, model_path,
                                                                     monkeypatch):
    from repcam.io.models import provision

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / model_path.name).write_bytes(b"garbage")
    shutil.copy(model_path, second / model_path.name)
    monkeypatch.setattr(provision, "model_dirs", lambda: [first, second])
    started = time.monotonic()
    assert provision.ensure_model("full") == second / model_path.name
    assert time.monotonic() - started < 10  # no npm, no pip: the verified copy is used
    assert (first / model_path.name).read_bytes() == b"garbage"  # reported, not deleted


def test_offline_means_no_network_at_all(tmp_path):
    empty = tmp_path / "models"
    empty.mkdir()
    env = {**os.environ, "REPCAM_MODEL_DIR": str(empty), "REPCAM_OFFLINE": "1",
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", (
        "from repcam.io.models import provision\n"
        "provision.model_dirs = lambda: [__import__('pathlib').Path(" + repr(str(empty)) + ")]\n"
        "from repcam.cli import run\nraise SystemExit(run(['models', 'install', 'lite']))")],
        capture_output=True, text=True, env=env, timeout=120)
    fails(result, MODEL, "REPCAM_OFFLINE")
    assert time.monotonic() - started < 30


def test_a_model_folder_is_named_as_a_folder(tmp_path):
    fails(repcam("pose", str(SAMPLE), "--model", str(tmp_path)), MODEL,
          "is a folder, not a .task model file")


# -- cameras and streams -----------------------------------------------------------------------
def _serve(*args: str) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "file_server.py"),
                               *args], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server, int(server.stdout.readline())


def test_a_recording_streamed_over_http_ends_and_is_not_replayed(tmp_path, model_path):
    server, port = _serve(str(SAMPLE))
    db = tmp_path / "log.db"
    try:
        done = repcam("bridge", "--camera", f"http://127.0.0.1:{port}/bridge.mp4",
                      "--headless", "--no-voice", "--reps", "10", "--sets", "1", "--db",
                      str(db))
    finally:
        server.kill()
    assert done.returncode == 0, done.stderr
    assert "reps 2" in done.stdout and "reconnect" not in done.stdout + done.stderr
    with SessionLog(db) as log:
        assert sum(len(s.reps) for s in log.sessions()[0].sets) == 2


def test_a_stream_that_fails_is_not_a_missing_camera():
    text = fails(repcam("bridge", "--camera", "http://127.0.0.1:9/none", "--headless",
                        "--no-voice"), CAMERA, "The stream http://127.0.0.1:9/none could not")
    assert "Plug one in" not in text


def test_an_empty_camera_is_a_sentence():
    fails(repcam("bridge", "--camera", "", "--headless"), USAGE, "--camera is empty")


def test_ctrl_c_works_while_a_stream_keeps_opencv_waiting(tmp_path):
    from test_live import start_repcam

    server, port = _serve(str(SAMPLE), "--stall")
    try:
        child = start_repcam("bridge", "--camera", f"http://127.0.0.1:{port}/x.mp4",
                             "--headless", "--no-voice", "--db", str(tmp_path / "log.db"))
        time.sleep(4.0)  # the model is loaded; OpenCV waits for the stream
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    finally:
        server.kill()
    assert child.returncode == 130, (out, err)
    assert "Traceback" not in out + err


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_sigterm_and_sighup_end_a_set_like_ctrl_c(tmp_path, model_path, name, code):
    from test_live import spoken, spoken_so_far, start_repcam

    db, voice_log = tmp_path / "log.db", tmp_path / "voice.jsonl"
    child = start_repcam("bridge", "--camera", str(SAMPLE), "--headless", "--no-voice",
                         "--reps", "10", "--sets", "1", "--db", str(db), "--voice-log",
                         str(voice_log))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the second rep is counted, then stop
        heard = spoken_so_far(voice_log)
        lowered = "and down, slowly"  # after rep 1's hold: the next "two" is rep 2's count
        if lowered in heard and "two" in heard[heard.index(lowered):]:
            break
        time.sleep(0.05)
    child.send_signal(getattr(signal, name))
    out, err = child.communicate(timeout=30)
    assert child.returncode == code, (out, err)
    assert "Traceback" not in out + err and f"stopped by {name}" in out
    with SessionLog(db) as log:
        [session] = log.sessions()
    assert session.ended is not None and session.sets[0].reps  # closed, reps kept
    assert len(session.sets[0].reps) == 2  # the rep counted but not yet lowered is kept
    assert spoken(voice_log)[-1].startswith("Set 1: 2 reps")


# -- short clips -------------------------------------------------------------------------------
def test_an_intact_half_second_clip_is_not_called_truncated():
    from repcam.apps.recorded import _flag_truncation
    from repcam.folds.progression import SetVerdict
    from repcam.folds.set_analysis import AnalysisResult
    from repcam.io.sources import SourceInfo

    verdict = SetVerdict(False, 0, 10, 0, 0, ())
    result = AnalysisResult("bridge", "Bridge", "x.mp4", 0.4, 7, 1.0, (), (), {}, "side", 10,
                            verdict)
    assert _flag_truncation(result, SourceInfo("x", 64, 48, 30.0, 15), 15.0).problem is None
    cut = AnalysisResult("bridge", "Bridge", "x.mp4", 0.2, 4, 1.0, (), (), {}, "side", 10,
                         verdict)
    assert _flag_truncation(cut, SourceInfo("x", 64, 48, 30.0, 15), 15.0).problem.kind == \
        "truncated"


def test_a_rep_cut_off_on_its_way_up_is_not_counted():
    from repcam.synthetic import RepPlan, synthesize

    from synthetic_helpers import run

    clip = synthesize("bridge", [RepPlan(lift_s=1.5, hold_s=2.0)], fps=15.0)
    rising = clip.truth[0].start_ms + 1000.0  # two thirds of the way up
    short = type(clip)(clip.exercise, tuple(f for f in clip.frames if f.timestamp_ms <= rising),
                       clip.poses, clip.timeline, clip.camera)
    assert run(short).count == 0
    at_top = clip.truth[0].top_ms + 1000.0  # held at the top when the clip ends: it counts
    held = type(clip)(clip.exercise, tuple(f for f in clip.frames if f.timestamp_ms <= at_top),
                      clip.poses, clip.timeline, clip.camera)
    assert run(held).count == 1


# -- words, not codes; lines that are not broken; plurals --------------------------------------
def test_the_table_says_faults_in_words_and_csv_keeps_both(tmp_path, model_path):
    arching = ROOT / "sample_videos" / "bridge-arching.mp4"
    done = repcam("analyse", str(arching), "-e", "bridge", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "lift without arching your back" in done.stdout
    assert "UserWarning" not in done.stderr
    import csv

    rows = list(csv.DictReader((tmp_path / "reps.csv").open()))
    faulty = [r for r in rows if r["faults"]]
    assert faulty and "arching" in faulty[0]["faults"].split(";")
    assert "lift without arching your back" in faulty[0]["fault_cues"]
    report = (tmp_path / "report.html").read_text()
    assert "<b>arching</b>" not in report


def test_piped_output_is_not_wrapped_and_counts_are_plural_right(model_path):
    done = repcam("analyse", str(SAMPLE), "-e", "bridge", "--reps", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    dosage = next(line for line in lines if line.startswith("Dosage:"))
    assert dosage.endswith(".")  # one line, not wrapped mid-sentence
    assert "2 reps (left 2)" in done.stdout
    assert not any(line.endswith(" ") for line in lines)
    assert "(s)" not in done.stdout


def test_a_short_hold_is_not_also_a_form_fault():
    from dataclasses import replace

    from repcam.exercises import get_exercise
    from repcam.folds.progression import judge_set

    from test_sessionlog import rep

    short = [replace(rep(i), hold_ms=1200.0, faults=("short_hold",)) for i in range(1, 6)]
    verdict = judge_set(short, get_exercise("bridge"), 5)
    assert "holds met in 0 of 5" in verdict.sentence()
    assert "form faults" not in verdict.sentence()


# -- a bug is one sentence and a file ----------------------------------------------------------
@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_one_sentence_and_its_details_go_to_a_file(tmp_path, debug):
    bug = ("import repcam.cli.log_cmd as commands\n"
           "def broken(*args, **kwargs):\n    raise ZeroDivisionError('an injected bug')\n"
           "commands.next_dose = broken\n"
           "from repcam.cli import run\nraise SystemExit(run(['progress']))")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    env.pop("REPCAM_DEBUG", None)
    if debug:
        env["REPCAM_DEBUG"] = "1"
    result = subprocess.run([sys.executable, "-c", bug], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == UNEXPECTED
    log = next(tmp_path.rglob("errors.log"))
    assert "ZeroDivisionError: an injected bug" in log.read_text()
    assert str(log) in result.stderr and "an unexpected problem" in result.stderr
    assert ("Traceback" in result.stderr) == debug
