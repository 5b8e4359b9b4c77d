"""`python -m benchmarks.serve [--sessions 500] [--people 20]`: how `repcam serve` answers.

1. Pages over a big log: a session log filled with SESSIONS sessions (10 reps each) shared
   by PEOPLE people; `repcam serve` started on it; the people page and one person's page
   fetched 20 times each. Target: under 200 ms (median and 95th percentile printed).
2. Upload overhead: the bundled bridge sample analysed by `repcam analyse --out` and by an
   upload to the server (upload, check, analysis, logging), alternately, three times each,
   both from a cold landmark cache. Target: the upload adds at most 5%.

Printed, and written to benchmarks/results/serve.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from repcam.exercises.events import RepMetrics
from repcam.folds.records import rep_row
from repcam.io.logbook import import_session
from repcam.io.session_store import SessionLog

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "sample_videos" / "bridge.mp4"
REPCAM = str(Path(sys.executable).with_name("repcam"))
PAGE_TARGET_MS = 200.0
UPLOAD_TARGET = 0.05


def fill_log(db: Path, sessions: int, people: int) -> list[str]:
    """`sessions` bridge sessions of 10 reps, one every other day per person; their names."""
    names = [f"person-{n:02d}" for n in range(people)]
    start = datetime(2026, 1, 1, 8, tzinfo=UTC)
    with SessionLog(db) as log:
        for number in range(sessions):
            day = start + timedelta(days=2 * (number // people), minutes=number)
            reps = [rep_row(RepMetrics(i, "left", 1000.0 * i, 1000.0 * i + 4000.0, "hip_line",
                                       130.0, 170.0 + number % 9, 3100.0, 3000.0, 900.0,
                                       1100.0)) for i in range(1, 11)]
            import_session(log, {
                "exercise": "bridge", "source": "video", "source_name": f"{number}.mp4",
                "model": "full", "started": day.isoformat(), "band": None, "target_sets": 1,
                "target_reps": 10, "origin": f"benchmark-{number}",
                "sets": [{"number": 1, "target_reps": 10, "reps": reps, "faults": []}]},
                profile=names[number % people])
    return names


def start_server(db: Path, data: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([REPCAM, "serve", "--port", "0", "--db", str(db), "--data",
                               str(data)], stdout=subprocess.PIPE, text=True, env=env)
    line = server.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not found:
        server.kill()
        sys.exit(f"repcam serve did not start: {line}")
    return server, found.group(0)


def fetch_ms(url: str, times: int = 20) -> dict[str, float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as answer:
            answer.read()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median_ms": statistics.median(samples),
            "p95_ms": samples[int(0.95 * (len(samples) - 1))]}


def analyse_by_cli(scratch: Path, env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run([REPCAM, "analyse", str(SAMPLE), "-e", "bridge", "--out",
                    tempfile.mkdtemp(dir=scratch)], check=True, capture_output=True, env=env)
    return time.monotonic() - started


def analyse_by_upload(url: str) -> float:
    query = urllib.parse.urlencode({"name": SAMPLE.name, "profile": "bench",
                                    "exercise": "bridge"})
    started = time.monotonic()
    request = urllib.request.Request(f"{url}api/uploads?{query}", data=SAMPLE.read_bytes(),
                                     method="POST")
    with urllib.request.urlopen(request, timeout=60) as answer:
        job = json.loads(answer.read())
    while True:
        with urllib.request.urlopen(f"{url}api/jobs", timeout=60) as answer:
            state = next(j for j in json.loads(answer.read()) if j["id"] == job["id"])
        if state["state"] in ("done", "failed"):
            return time.monotonic() - started
        time.sleep(0.05)


def cold(scratch: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp(dir=scratch)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--people", type=int, default=20)
    args = parser.parse_args()
    results: dict[str, object] = {"sessions": args.sessions, "people": args.people}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        names = fill_log(scratch / "big.db", args.sessions, args.people)
        server, url = start_server(scratch / "big.db", scratch / "data", dict(os.environ))
        try:
            results["people_page"] = fetch_ms(url)
            results["person_page"] = fetch_ms(f"{url}people/{names[0]}")
        finally:
            server.terminate()
            server.wait()
        cli, upload = [], []
        for _ in range(3):  # alternately: a busy spell slows both
            cli.append(analyse_by_cli(scratch, cold(scratch)))
            server, url = start_server(scratch / "small.db", scratch / "data", cold(scratch))
            try:
                upload.append(analyse_by_upload(url))
            finally:
                server.terminate()
                server.wait()
        results["cli_s"], results["upload_s"] = cli, upload
        results["upload_overhead"] = statistics.median(upload) / statistics.median(cli) - 1
    report(results)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "serve.json").write_text(json.dumps(results, indent=2) + "\n")


def report(results: dict) -> None:
    for page in ("people_page", "person_page"):
        timing = results[page]
        met = "MET" if timing["p95_ms"] < PAGE_TARGET_MS else "MISSED"
        print(f"{page.replace('_', ' ')} with {results['sessions']} sessions: median "
              f"{timing['median_ms']:.0f} ms, p95 {timing['p95_ms']:.0f} ms "
              f"(target {PAGE_TARGET_MS:.0f} ms: {met})")
    overhead = results["upload_overhead"]
    print(f"analysis of {SAMPLE.name}: CLI {statistics.median(results['cli_s']):.2f} s, upload "
          f"{statistics.median(results['upload_s']):.2f} s: {overhead:+.1%} (target "
          f"+{UPLOAD_TARGET:.0%}: {'MET' if overhead <= UPLOAD_TARGET else 'MISSED'})")


if __name__ == "__main__":
    main()
