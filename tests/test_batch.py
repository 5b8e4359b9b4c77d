"""`repcam batch`: the same results as `repcam analyse`, on the local pool and on a real local
Ray cluster; a killed worker, an interrupted run and bad manifest rows cost only their video."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from repcam.apps.batch import DONE_FILE, BatchRun, completed, read_jobs
from repcam.apps.workers import LocalPool
from repcam.errors import InputError
from repcam.synthetic import Camera, RepPlan, synthesize
from repcam.synthetic.video import write_clip

REPCAM = str(Path(sys.executable).with_name("repcam"))
# What differs between two analyses of the same video: when, and how long it took.
TIMINGS = {"created"}
# Every Ray process on 127.0.0.1 only (Ray otherwise turns 127.0.0.1 into the machine's
# network address), no usage report, no token left in ~/.ray for later clusters to trip on.
RAY_ON_LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
                   "RAY_AUTH_MODE": "disabled"}


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    """Three short rendered clips (one rep each): two exercises, and one that is no video."""
    folder = tmp_path_factory.mktemp("clips")
    for name, exercise in (("a_bridge", "bridge"), ("b_curl", "hamstring-curl"),
                           ("c_bridge", "bridge")):
        clip = synthesize(exercise, [RepPlan(hold_s=1.0)], camera=Camera(), fps=15)
        write_clip(clip, folder / f"{name}.mp4")
        (folder / f"{name}.truth.json").unlink()
    return folder


def fresh_env(tmp_path: Path) -> dict[str, str]:
    """No landmark cache shared with anything else: every run tracks its videos itself."""
    cache = tmp_path / f"cache-{time.monotonic_ns()}"
    return {**os.environ, "XDG_CACHE_HOME": str(cache), "COLUMNS": "200"}


def repcam(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([REPCAM, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def manifest(path: Path, rows: list[str]) -> Path:
    path.write_text("video,exercise,person,side,reps\n" + "\n".join(rows) + "\n")
    return path


def comparable(session: Path) -> dict:
    document = json.loads(session.read_text())
    return {k: v for k, v in document.items() if k not in TIMINGS}


def summary(out: Path) -> dict[str, dict[str, str]]:
    with (out / "batch.csv").open() as handle:
        return {Path(row["video"]).name: row for row in csv.DictReader(handle)}


# -- the jobs ------------------------------------------------------------------------------
def test_a_manifest_s_bad_rows_get_one_sentence_each_and_the_rest_run(clips, tmp_path):
    (tmp_path / "notes.txt").write_text("not a video")
    path = manifest(tmp_path / "list.csv", [
        f"{clips / 'a_bridge.mp4'},bridge,anna,left,10",
        "missing.mp4,bridge,,,",
        f"{clips / 'b_curl.mp4'},brigde,,,",
        f"{clips / 'c_bridge.mp4'},bridge,,,,extra",
        f"{clips / 'c_bridge.mp4'},,,up,",
        f"{clips / 'c_bridge.mp4'},,,,lots",
        f"{clips / 'b_curl.mp4'},auto,,,",
    ])
    jobs, problems = read_jobs(path, tmp_path / "out", exercise=None, person="me",
                               model="full", config=None)
    assert [(j.video.name, j.exercise, j.person, j.side, j.reps) for j in jobs] == [
        ("a_bridge.mp4", "bridge", "anna", "left", 10), ("b_curl.mp4", None, "me", None, None)]
    assert len(problems) == 5
    assert problems[0].startswith("list.csv line 3: no such video file")
    assert "Unknown exercise 'brigde'" in problems[1] and "bridge" in problems[1]
    assert "line 5: the row has more values than the header has columns" in problems[2]
    assert "side must be left or right, not 'up'" in problems[3]
    assert "reps must be a whole number" in problems[4]


def test_a_folder_is_every_video_in_it_and_names_do_not_collide(clips, tmp_path):
    jobs, problems = read_jobs(clips, tmp_path / "out", exercise="bridge", person="me",
                               model="full", config=None)
    assert [j.video.name for j in jobs] == ["a_bridge.mp4", "b_curl.mp4", "c_bridge.mp4"]
    assert len({j.out_dir for j in jobs}) == 3 and not problems
    twice = manifest(tmp_path / "twice.csv", [str(clips / "a_bridge.mp4")] * 2)
    jobs, _ = read_jobs(twice, tmp_path / "out", exercise=None, person="me", model="full",
                        config=None)
    assert [j.out_dir.name for j in jobs] == ["a_bridge", "a_bridge-2"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="holds no video"):
        read_jobs(empty, tmp_path / "out", exercise=None, person="me", model="full",
                  config=None)


# -- the same results as `repcam analyse` --------------------------------------------------
@pytest.fixture(scope="module")
def serial(clips, tmp_path_factory) -> Path:
    """`repcam analyse` on each clip, one after another: what every runner must match."""
    out, caches = tmp_path_factory.mktemp("serial"), tmp_path_factory.mktemp("caches")
    for video in sorted(clips.glob("*.mp4")):
        done = repcam("analyse", str(video), "--exercise", "auto", "--out",
                      str(out / video.stem), env=fresh_env(caches))
        assert done.returncode == 0, done.stderr
    return out


def assert_same_as_serial(out: Path, serial: Path) -> None:
    for folder in sorted(serial.iterdir()):
        assert (out / folder.name / "reps.csv").read_text() == \
            (folder / "reps.csv").read_text(), folder.name
        assert comparable(out / folder.name / "session.json") == \
            comparable(folder / "session.json"), folder.name
        assert (out / folder.name / DONE_FILE).is_file()


def test_the_local_pool_gives_what_analyse_gives(clips, serial, tmp_path):
    out = tmp_path / "out"
    done = repcam("batch", str(clips), "--out", str(out), "--workers", "2", "--log",
                  env={**fresh_env(tmp_path), "REPCAM_DB": str(tmp_path / "log.db")})
    assert done.returncode == 0, done.stderr
    assert "3 of 3 videos analysed" in done.stderr
    assert_same_as_serial(out, serial)
    rows = summary(out)
    assert {r["status"] for r in rows.values()} == {"done"}
    assert rows["b_curl.mp4"]["exercise"] == "hamstring-curl"
    assert rows["a_bridge.mp4"]["reps"] == "1"
    history = repcam("history", env={**fresh_env(tmp_path),
                                     "REPCAM_DB": str(tmp_path / "log.db")})
    assert history.returncode == 0 and history.stdout.count(" 1x1 ") == 3, history.stdout


def kill_once_reading(pid: int, video: Path, timeout_s: float = 120.0) -> None:
    """SIGKILL the worker once it has the video open (it is tracking it), not before."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) == str(video) for fd in Path(f"/proc/{pid}/fd").iterdir()):
                os.kill(pid, signal.SIGKILL)
                return
        time.sleep(0.01)


def test_a_worker_killed_mid_video_has_its_video_retried_once(clips, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    killed: list[str] = []

    def kill_the_first(job, pid):
        if not killed:
            killed.append(job.name)
            threading.Thread(target=kill_once_reading, args=(pid, job.video)).start()

    jobs, _ = read_jobs(clips, tmp_path / "out", exercise=None, person="me", model="full",
                        config=None)
    seen = []
    outcomes = BatchRun(jobs, tmp_path / "out", LocalPool(2, on_start=kill_the_first)).run(
        on_outcome=lambda outcome, progress: seen.append((outcome.job.name, outcome.status)))
    assert (killed[0], "retrying") in seen
    assert [o.status for o in outcomes] == ["done", "done", "done"]
    assert [o.job.name for o in outcomes] == ["a_bridge.mp4", "b_curl.mp4", "c_bridge.mp4"]


def test_an_interrupted_batch_is_resumed_and_a_tampered_output_redone(clips, serial, tmp_path):
    out, env = tmp_path / "out", fresh_env(tmp_path)
    batch = subprocess.Popen([REPCAM, "batch", str(clips), "--out", str(out), "--workers", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 240
    while not (out / "b_curl" / DONE_FILE).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    batch.send_signal(signal.SIGTERM)
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 143, stderr
    assert not (out / "c_bridge" / DONE_FILE).exists()
    assert [r["status"] for r in summary(out).values()] == ["done", "done"]  # on the way out

    (out / "b_curl" / "reps.csv").write_text("rep\n")  # an output changed since
    again = repcam("batch", str(clips), "--out", str(out), "--workers", "1", env=env)
    assert again.returncode == 0, again.stderr
    assert "(1 done by an earlier run)" in again.stderr
    assert [r["status"] for r in summary(out).values()] == ["skipped", "done", "done"]
    assert_same_as_serial(out, serial)


def test_a_bad_video_is_one_line_and_the_exit_code_says_so(clips, tmp_path):
    folder = tmp_path / "videos"
    folder.mkdir()
    shutil.copy(clips / "a_bridge.mp4", folder)
    (folder / "broken.mp4").write_bytes(b"\x00" * 4096)
    done = repcam("batch", str(folder), "--out", str(tmp_path / "out"), "--exercise", "bridge",
                  env=fresh_env(tmp_path))
    assert done.returncode == 9, done.stderr
    assert "Traceback" not in done.stderr
    assert "broken.mp4" in done.stderr and "1 of 2 videos could not be analysed" in done.stderr
    rows = summary(tmp_path / "out")
    assert rows["a_bridge.mp4"]["status"] == "done" and rows["broken.mp4"]["status"] == "failed"
    assert rows["broken.mp4"]["problem"]
    assert completed(read_jobs(folder, tmp_path / "out", exercise="bridge", person="me",
                               model="full", config=None)[0][0]) is not None


# -- a real local Ray cluster ----------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def ray_cluster():
    """`ray start --head` on 127.0.0.1 with two CPUs (two worker processes), stopped after."""
    ray = shutil.which("ray", path=str(Path(sys.executable).parent))
    if ray is None:
        if os.environ.get("CI"):
            pytest.fail("Ray is not installed: .ci/run installs the cluster extra")
        pytest.skip("Ray is not installed (pip install -e '.[cluster]')")
    port = free_port()
    env = {**os.environ, **RAY_ON_LOOPBACK}
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # Ray's socket paths must be short
    started = subprocess.run(
        [ray, "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port),
         "--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats",
         "--temp-dir", temp], capture_output=True, text=True, env=env,
        timeout=180)
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, timeout=120, env=env)
        shutil.rmtree(temp, ignore_errors=True)


def test_a_local_ray_cluster_gives_what_analyse_gives(clips, serial, ray_cluster, tmp_path):
    out = tmp_path / "out"
    done = repcam("batch", str(clips), "--out", str(out), "--address", ray_cluster,
                  env={**fresh_env(tmp_path), **RAY_ON_LOOPBACK}, timeout=600)
    assert done.returncode == 0, done.stderr
    assert_same_as_serial(out, serial)


def test_ray_alone_starts_a_local_cluster_on_loopback(clips, serial, tmp_path):
    if shutil.which("ray", path=str(Path(sys.executable).parent)) is None:
        if os.environ.get("CI"):
            pytest.fail("Ray is not installed: .ci/run installs the cluster extra")
        pytest.skip("Ray is not installed (pip install -e '.[cluster]')")
    out, temp = tmp_path / "out", tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short paths
    env = {**fresh_env(tmp_path), "HOME": str(tmp_path), "RAY_USAGE_STATS_ENABLED": "0",
           "RAY_TMPDIR": temp}
    env.pop("RAY_ADDRESS", None)
    try:
        done = repcam("batch", str(clips), "--out", str(out), "--ray", env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        assert "Token authentication" not in done.stderr  # Ray's notices are not ours to show
        assert_same_as_serial(out, serial)
        logs = "".join(path.read_text(errors="replace")
                       for path in Path(temp).rglob("*.log") if path.is_file())
        addresses = re.findall(r"gcs-address=([\d.]+):", logs)
        assert addresses and set(addresses) == {"127.0.0.1"}  # nothing listens on the network
    finally:
        shutil.rmtree(temp, ignore_errors=True)
