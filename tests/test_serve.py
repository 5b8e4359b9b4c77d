"""`repcam serve` as a physiotherapist uses it: started as a command on a free port of
127.0.0.1, driven through its HTTP API and in Debian's Chromium."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from repcam.cli.serve_cmd import access_token

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "bridge.mp4"
OTHER_SAMPLE = ROOT / "sample_videos" / "hamstring-curl.mp4"
REPCAM = str(Path(sys.executable).with_name("repcam"))

pytestmark = pytest.mark.model


class Server:
    """One `repcam serve` process with its own data folder and session log."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.folder, self.args = folder, args
        self.process: subprocess.Popen | None = None
        self.url = ""

    @property
    def db(self) -> Path:
        return self.folder / "sessions.db"

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [REPCAM, "serve", "--port", "0", "--data", str(self.folder / "data"), "--db",
             str(self.db), *self.args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        line = self.process.stdout.readline()  # printed once it listens
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line + self.process.stderr.read()
        self.url = found.group(0)
        return self

    def stop(self, how: signal.Signals = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(how)
            self.process.wait(timeout=30)

    def get(self, path: str, **headers: str) -> tuple[int, str, dict]:
        return self.call("GET", path, None, headers)

    def call(self, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> tuple[int, str, dict]:
        request = urllib.request.Request(self.url + path.lstrip("/"), data=body,
                                         method=method, headers=headers or {})
        opener = urllib.request.build_opener(NoRedirects)
        try:
            with opener.open(request, timeout=60) as answer:
                return answer.status, answer.read().decode(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def upload(self, video: Path, profile: str = "anna", exercise: str = "bridge",
               name: str | None = None) -> tuple[int, dict]:
        query = urllib.parse.urlencode({"name": name or video.name, "profile": profile,
                                        "exercise": exercise})
        status, body, _ = self.call("POST", f"api/uploads?{query}", video.read_bytes())
        return status, json.loads(body)

    def jobs(self) -> list[dict]:
        return json.loads(self.get("api/jobs")[1])

    def wait_for(self, job_id: str, states: set[str], timeout_s: float = 240.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            job = next(j for j in self.jobs() if j["id"] == job_id)
            if job["state"] in states:
                return job
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} never reached {states}: {job}")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path).start()
    yield running
    running.stop()


def sessions_in(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM sessions").fetchone()[0]


# -- in the browser -------------------------------------------------------------------------
def test_a_video_analysed_from_the_page_then_watched_rep_by_rep(server, browser):
    page = browser.new_page()
    page.goto(server.url + "analyse")
    page.fill("input[name=profile]", "anna")
    page.select_option("select[name=exercise]", "bridge")
    page.set_input_files("input[name=videos]", str(SAMPLE))
    page.click("form#upload button[type=submit]")
    seen = set()
    deadline = time.monotonic() + 240
    while "done" not in seen and time.monotonic() < deadline:
        state = page.evaluate("""() => { const row = document.querySelector('#jobs tbody tr');
            return row && row.dataset.state ? [row.dataset.state,
              row.querySelector('progress').value] : null; }""")
        if state:
            seen.add(state[0])
            seen.add(int(state[1]))
        time.sleep(0.05)
    assert "done" in seen and 100 in seen
    assert any(0 < value < 100 for value in seen if isinstance(value, int))  # it moved
    page.click("#jobs tbody tr a:has-text('Open the session')")
    page.click("text=Watch the report")
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=20000)
    page.click("table#reps tbody tr:nth-child(2) a[data-t]")
    page.wait_for_function("document.getElementById('video').currentTime > 0", timeout=10000)
    rep_2 = float(page.get_attribute("table#reps tbody tr:nth-child(2) a[data-t]", "data-t"))
    assert page.evaluate("document.getElementById('video').currentTime") == \
        pytest.approx(rep_2, abs=0.3)  # served with Range: the video seeks
    page.goto(server.url + "people/anna")
    session = server.jobs()[0]["session"]
    assert page.locator(f"svg.progress circle[data-session='{session}']").count() == 2
    assert "Next:" in page.inner_text("p.next")
    page.close()


def test_bad_files_get_a_sentence_on_the_page(tmp_path, browser):
    server = Server(tmp_path, "--max-upload-mb", "1").start()
    try:
        notes, empty, large = tmp_path / "notes.txt", tmp_path / "empty.mp4", tmp_path / "big.mp4"
        notes.write_text("squats on monday\n" * 50)
        empty.write_bytes(b"")
        large.write_bytes(os.urandom(1_500_000))
        page = browser.new_page()
        page.goto(server.url + "analyse")
        for path, words in ((notes, "notes.txt is a text file, not a video"),
                            (empty, "empty.mp4 is empty (0 bytes)"),
                            (large, "big.mp4 is 2 MB, larger than the 1 MB")):
            page.set_input_files("input[name=videos]", str(path))
            page.click("form#upload button[type=submit]")
            page.wait_for_function(f"document.getElementById('problems').textContent"
                                   f".includes({json.dumps(words)})", timeout=20000)
        assert server.jobs() == [] and sessions_in(server.db) == 0
        assert not list((tmp_path / "data" / "uploads").glob("*/*"))  # nothing kept
        page.close()
    finally:
        server.stop()


def test_two_videos_at_once_are_both_analysed_and_logged(server, browser):
    page = browser.new_page()
    page.goto(server.url + "analyse")
    page.fill("input[name=profile]", "ben")
    page.set_input_files("input[name=videos]", [str(SAMPLE), str(OTHER_SAMPLE)])
    page.click("form#upload button[type=submit]")
    page.wait_for_function("document.querySelectorAll(\"#jobs tr[data-state='done']\")"
                           ".length == 2", timeout=400000)
    jobs = server.jobs()
    assert sorted(j["exercise"] for j in jobs) == ["bridge", "hamstring-curl"]  # recognised
    assert sessions_in(server.db) == 2
    page.goto(server.url)
    assert "ben" in page.inner_text("table") and "2" in page.inner_text("table tbody td")
    page.close()


def test_a_session_is_deleted_from_its_page_with_its_video(server, browser):
    status, job = server.upload(SAMPLE)
    assert status == 201
    job = server.wait_for(job["id"], {"done"})
    stored = list((server.folder / "data").glob(f"*/{job['id']}/*"))
    assert any(p.name == "annotated.mp4" for p in stored)
    page = browser.new_page()
    page.goto(server.url + f"sessions/{job['session']}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Delete this session")
    page.wait_for_url(server.url + "people/anna")  # back to the person (now without it)
    assert sessions_in(server.db) == 0
    assert not any(p.exists() for p in stored) and server.jobs() == []
    page.close()


def test_the_pages_work_from_the_keyboard(server, browser):
    _, job = server.upload(SAMPLE)
    job = server.wait_for(job["id"], {"done"})
    page = browser.new_page()
    page.goto(server.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    for _ in range(10):  # on to the person, then Enter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "anna":
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")  # where the focus is can be seen
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "people/anna")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "video and report":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}sessions/{job['session']}/files/report.html")
    page.close()


# -- over HTTP ------------------------------------------------------------------------------
def test_uploads_are_checked_on_the_server_too(tmp_path):
    server = Server(tmp_path, "--max-upload-mb", "1").start()
    try:
        text, empty = tmp_path / "notes.mp4", tmp_path / "none.mp4"
        text.write_text("not a video\n" * 100)
        empty.write_bytes(b"")
        large = tmp_path / "large.mp4"
        large.write_bytes(os.urandom(1_200_000))
        for video, code, words in ((text, 415, "notes.mp4 is a text file, not a video"),
                                   (empty, 400, "none.mp4 is empty"),
                                   (large, 413, "larger than the 1 MB")):
            status, answer = server.upload(video)
            assert (status, words in answer["error"]) == (code, True), answer
            assert str(tmp_path) not in answer["error"]  # the person's name, not our path
        chunks = iter([os.urandom(400_000)] * 3)  # no length announced: cut off as it comes
        status, body, _ = server.call("POST", "api/uploads?name=live.mp4&profile=anna", chunks,
                                      {"Transfer-Encoding": "chunked"})
        assert status == 413 and "live.mp4 is larger than the 1 MB" in body
        status, answer = server.upload(SAMPLE, profile="")
        assert status == 400 and "whose video" in answer["error"]
        status, answer = server.upload(SAMPLE, profile="a/b")
        assert status == 400 and "cannot hold a '/'" in answer["error"]
        status, answer = server.upload(SAMPLE, exercise="squats")
        assert status == 400 and "no exercise called squats" in answer["error"]
        status, answer = server.upload(SAMPLE, name="../../etc/passwd.mp4")
        assert status == 201
        assert (tmp_path / "data" / "uploads" / answer["id"] / "passwd.mp4").exists()
        assert not list((tmp_path / "data" / "uploads").glob("*/.*.part"))
    finally:
        server.stop()


def test_a_restart_mid_analysis_says_so_and_the_video_can_be_run_again(tmp_path, browser):
    server = Server(tmp_path).start()
    status, job = server.upload(SAMPLE)
    assert status == 201
    server.wait_for(job["id"], {"running"})
    server.stop(signal.SIGKILL)  # the machine went down: no chance to tidy up
    assert sessions_in(server.db) == 0
    (server.folder / "data" / "jobs" / "notes.json").write_text("{not a job")  # not ours
    server.start()
    try:
        interrupted = server.jobs()[0]
        assert interrupted["state"] == "interrupted"
        assert "stopped while this video was being analysed" in interrupted["message"]
        page = browser.new_page()
        page.goto(server.url + "analyse")
        row = page.locator(f"#job-{job['id']}")
        row.locator("text=stopped while this video was being analysed").wait_for()
        row.locator("button:has-text('Re-run')").click()
        page.wait_for_selector(f"#job-{job['id']}[data-state='done']", timeout=240000)
        page.close()
        done = server.wait_for(job["id"], {"done"})
        assert sessions_in(server.db) == 1 and done["session"] == 1
        assert (server.folder / "data" / "jobs" / "notes.json").exists()  # left alone
        assert server.call("POST", f"api/jobs/{job['id']}/rerun")[0] == 409  # done: not again
    finally:
        server.stop()


def test_a_token_guards_every_page_and_call(tmp_path):
    server = Server(tmp_path, "--token", "s3cret-token").start()
    try:
        assert server.get("")[0] == 401
        assert server.get("?token=wrong-token")[0] == 401
        assert server.get("api/jobs")[0] == 401
        assert server.get("api/jobs", Authorization="Bearer wrong")[0] == 401
        assert server.get("assets/serve.css")[0] == 401
        status, _, headers = server.get("analyse?token=s3cret-token")
        assert status == 303 and headers["location"] == "/analyse"  # the token leaves the URL
        cookie = headers["set-cookie"].split(";")[0]
        assert "HttpOnly" in headers["set-cookie"] and "SameSite=strict" in headers["set-cookie"]
        assert server.get("analyse", Cookie=cookie)[0] == 200
        assert server.get("api/jobs", Authorization="Bearer s3cret-token")[0] == 200
    finally:
        server.stop()
    assert access_token("127.0.0.1", None) is None and access_token("::1", None) is None
    assert len(access_token("0.0.0.0", None)) >= 16  # another address: a token is made
    assert access_token("192.168.1.20", "given-token") == "given-token"


def test_a_change_from_another_site_is_refused(server):
    status, body, _ = server.call("POST", "sessions/1/delete",
                                  headers={"Origin": "http://example.com"})
    assert status == 403 and "another site" in body


def test_exports_of_a_person(server):
    status, job = server.upload(SAMPLE)
    server.wait_for(job["id"], {"done"})
    status, text, headers = server.get("people/anna/export.csv")
    assert status == 200 and "attachment" in headers["content-disposition"]
    assert text.splitlines()[0].startswith("profile,session,started,exercise")
    assert len(text.splitlines()) == 3  # two reps
    document = json.loads(server.get("people/anna/export.json")[1])
    assert document["schema"] == "repcam.export/1" and len(document["sessions"]) == 1
    assert server.get("people/nobody")[0] == 404
    assert server.get("sessions/99")[0] == 404
    assert server.get("sessions/1/files/..")[0] == 404


def test_a_taken_port_is_one_sentence(tmp_path):
    first = Server(tmp_path).start()
    try:
        port = first.url.rsplit(":", 1)[1].strip("/")
        done = subprocess.run([REPCAM, "serve", "--port", port, "--db", str(tmp_path / "x.db"),
                               "--data", str(tmp_path / "other")], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2 and f"Cannot listen on 127.0.0.1:{port}" in done.stderr
        assert "Traceback" not in done.stderr
    finally:
        first.stop()
