"""The session log: round trips, durability under kill -9, and the bad databases."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from repcam.exercises.events import FaultDetected, RepMetrics
from repcam.io.logbook import export_document, import_session, read_sessions_file
from repcam.io.session_store import SCHEMA_VERSION, SessionLog, SessionLogError

from test_cli import assert_clean_failure, repcam


def rep(index: int) -> RepMetrics:
    return RepMetrics(index, "left", 1000.0 * index, 1000.0 * index + 800, "hip_line", 131.5,
                      176.25, 3200.0, 3000.0, 900.0, 1100.0, ("arching",) if index == 2 else (),
                      {"break_angle_deg": 42.5} if index == 3 else {})


def log_a_set(log: SessionLog, reps: int = 3, **session: object) -> int:
    session_id = log.start_session(**{"profile": "me", "exercise": "bridge", "source": "live",
                                      "source_name": "0", "model": "full", "target_sets": 1,
                                      "target_reps": 10, **session})
    set_id = log.start_set(session_id, 1, 10)
    for i in range(1, reps + 1):
        log.add_rep(set_id, rep(i))
    log.add_fault(set_id, FaultDetected(2500.0, "arching", "lift without arching your back", 2))
    log.end_set(set_id)
    log.end_session(session_id)
    return session_id


def test_a_session_reads_back_whole(tmp_path):
    with SessionLog(tmp_path / "log.db") as log:
        log_a_set(log)
        log_a_set(log, 1, profile="sam", exercise="nordic")
    with SessionLog(tmp_path / "log.db") as log:
        mine = log.sessions(profile="me")
        assert log.profiles() == ["me", "sam"]
    assert len(mine) == 1 and mine[0].exercise == "bridge" and mine[0].ended
    (logged,) = mine[0].sets
    assert logged.reps == (rep(1), rep(2), rep(3))
    assert logged.faults[0].fault == "arching" and logged.faults[0].rep_index == 2


def test_the_schema_is_versioned_and_in_wal_mode(tmp_path):
    with SessionLog(tmp_path / "log.db"):
        pass
    db = sqlite3.connect(tmp_path / "log.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_export_then_import_round_trips(tmp_path):
    with SessionLog(tmp_path / "a.db") as log:
        log_a_set(log, band="red")
        before = log.sessions()
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(export_document(before)))
    with SessionLog(tmp_path / "b.db") as log:
        for session in read_sessions_file(exported):
            assert import_session(log, session, profile="me") is not None
            assert import_session(log, session, profile="me") is None  # only once
        after = log.sessions()
    assert [(s.exercise, s.band, s.started) for s in after] == \
        [(s.exercise, s.band, s.started) for s in before]
    for old, new in zip(before[0].sets[0].reps, after[0].sets[0].reps, strict=True):
        assert new.peak_deg == pytest.approx(old.peak_deg, abs=0.06)  # rounded to 0.1
        assert new.hold_ms == pytest.approx(old.hold_ms, abs=5)
        assert (new.faults, new.extras, new.signal) == (old.faults, old.extras, old.signal)


WRITER = """
import sys, time
from repcam.io.session_store import SessionLog
from test_sessionlog import rep
with SessionLog(sys.argv[1]) as log:
    session = log.start_session(profile="me", exercise="bridge", source="live",
                                source_name="0", model="full", target_sets=1, target_reps=100)
    set_id = log.start_set(session, 1, 100)
    for i in range(1, 101):
        log.add_rep(set_id, rep(i))
        print(i, flush=True)
        time.sleep(0.02)
"""


def test_kill_9_mid_set_loses_no_completed_rep(tmp_path):
    db = tmp_path / "log.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                              text=True, env=env)
    assert writer.stdout is not None
    confirmed = 0
    while confirmed < 12:
        confirmed = int(writer.stdout.readline())
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    with SessionLog(db) as log:
        reps = log.sessions()[0].sets[0].reps
    assert len(reps) >= confirmed  # every rep reported as written is there
    assert [r.index for r in reps] == list(range(1, len(reps) + 1))


def test_a_damaged_file_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "log.db"
    db.write_bytes(b"my tax return, not a database" * 100)
    before = db.read_bytes()
    with pytest.raises(SessionLogError, match="damaged") as error:
        SessionLog(db).open()
    assert "Move it aside" in str(error.value)
    assert db.read_bytes() == before


def test_a_log_with_broken_pages_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "log.db"
    with SessionLog(db) as log:
        log_a_set(log, 20)
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(db.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # scribble over the second page
    db.write_bytes(bytes(data))
    with pytest.raises(SessionLogError, match="damaged"), SessionLog(db) as log:
        log.sessions()
    assert db.read_bytes() == bytes(data)


def test_a_log_from_a_newer_repcam_is_refused(tmp_path):
    db = tmp_path / "log.db"
    with SessionLog(db):
        pass
    sqlite3.connect(db).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}").close()
    before = db.read_bytes()
    with pytest.raises(SessionLogError, match="newer repcam"):
        SessionLog(db).open()
    assert db.read_bytes() == before


def test_a_busy_log_says_so(tmp_path):
    db = tmp_path / "log.db"
    with SessionLog(db):
        pass
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SessionLogError, match="busy"), \
                SessionLog(db, busy_timeout_s=0.2) as log:
            log_a_set(log)
    finally:
        other.execute("ROLLBACK")


def test_a_read_only_log_says_so_and_keeps_its_sessions(tmp_path, monkeypatch):
    db = tmp_path / "log.db"
    with SessionLog(db) as log:
        log_a_set(log)
    # Tests run as root, for whom file modes do not bind: open the file read-only instead.
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, **kw: connect(
        f"file:{path}?mode=ro", uri=True, **kw))
    with pytest.raises(SessionLogError, match="read-only"), SessionLog(db) as log:
        log_a_set(log)
    monkeypatch.undo()
    with SessionLog(db) as log:
        assert len(log.sessions()) == 1


def test_a_full_disk_says_so_and_keeps_what_was_stored(tmp_path):
    db = tmp_path / "log.db"
    with SessionLog(db) as log:
        log_a_set(log)
        # SQLite's page limit gives the same SQLITE_FULL error as a full disk.
        log._db.execute("PRAGMA max_page_count = 1")  # private: simulating the disk
        with pytest.raises(SessionLogError, match="full"):
            log_a_set(log, 200)
    with SessionLog(db) as log:
        assert len(log.sessions()[0].sets[0].reps) == 3


def test_cli_history_progress_export_and_a_bad_database(tmp_path):
    db = tmp_path / "log.db"
    with SessionLog(db) as log:
        log_a_set(log, 10)
    shown = repcam("history", "--db", str(db), "--plot", str(tmp_path / "chart.png"))
    assert shown.returncode == 0, shown.stderr
    assert "1x10" in shown.stdout and (tmp_path / "chart.png").stat().st_size > 1000
    advice = repcam("progress", "--db", str(db))
    assert "Next: bridge, 2 sets of 10" in advice.stdout
    exported = repcam("export", "--db", str(db), "--format", "csv")
    assert exported.stdout.count("\n") == 11  # header + 10 reps
    broken = tmp_path / "broken.db"
    broken.write_text("not a database")
    assert_clean_failure(repcam("history", "--db", str(broken)), "damaged")


def test_a_restarted_set_keeps_numbering_its_reps(tmp_path):
    from repcam.apps.live import SetLogger
    from repcam.exercises.events import RepCompleted

    with SessionLog(tmp_path / "log.db") as log:
        logger = SetLogger(log, profile="me", exercise="bridge", source="live",
                           source_name="0", model="full", target_sets=1, target_reps=10)
        logger.start_set(1, 10)
        logger.record([RepCompleted(1000.0, rep(1))])
        logger.record([RepCompleted(9000.0, rep(1))])  # 'r': the analyser counts from 1 again
        logger.end_set()
        reps = log.sessions()[0].sets[0].reps
    assert [r.index for r in reps] == [1, 2]


def test_history_compares_range_of_motion_only_between_sessions_measured_alike(tmp_path):
    from dataclasses import replace

    from repcam.io.logbook import summarise

    with SessionLog(tmp_path / "log.db") as log:
        log_a_set(log)  # side view: hip line, degrees
        session_id = log.start_session(profile="me", exercise="bridge", source="live",
                                       source_name="0", model="full", target_sets=1,
                                       target_reps=10)
        set_id = log.start_set(session_id, 1, 10)
        log.add_rep(set_id, replace(rep(1), signal="hip_rise", start_deg=30.0, peak_deg=95.0))
        log.end_set(set_id)
        log_a_set(log)
        side, feet, side_again = summarise(log.sessions())
    assert (side.rom_unit, feet.rom_unit) == ("deg", "% hip width")
    assert feet.mean_rom_deg == pytest.approx(65.0)
    assert feet.rom_change_deg != feet.rom_change_deg  # NaN: nothing to compare with
    assert side_again.rom_change_deg == pytest.approx(0.0)
