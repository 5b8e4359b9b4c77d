"""The report in a real browser (Debian's Chromium, driven by Playwright): the video plays,
a click on a rep seeks to it, and the page prints to a clean PDF."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from repcam.synthetic import Camera, RepPlan, synthesize
from repcam.synthetic.video import write_clip

REPCAM = str(Path(sys.executable).with_name("repcam"))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    clip = synthesize("bridge", [RepPlan(hold_s=1.0), RepPlan(hold_s=1.0, fault="arching")],
                      camera=Camera(size_px=(480, 270)), fps=10)
    write_clip(clip, folder / "bridge.mp4")
    done = subprocess.run([REPCAM, "analyse", str(folder / "bridge.mp4"), "-e", "bridge",
                           "--out", str(folder / "out")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return folder / "out" / "report.html"


def rep_starts(report: Path) -> list[float]:
    with (report.parent / "reps.csv").open() as handle:
        return [float(row["start_s"]) for row in csv.DictReader(handle)]


def test_clicking_rep_2_puts_the_video_at_rep_2_s_start(browser, report):
    page = browser.new_page()
    page.goto(report.as_uri())
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=20000)
    assert page.evaluate("document.getElementById('video').duration") > 5  # H.264 plays
    page.click("table#reps tbody tr:nth-child(2) a[data-t]")
    page.wait_for_function("document.getElementById('video').currentTime > 0", timeout=10000)
    start = rep_starts(report)[1]
    assert page.evaluate("document.getElementById('video').currentTime") == \
        pytest.approx(start, abs=0.3)  # playing on from there
    page.close()


def test_the_page_prints_to_a_pdf_without_the_player(browser, report, tmp_path):
    page = browser.new_page()
    page.goto(report.as_uri())
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.player')).display") == \
        "none"  # the player and its heading: a printed page cannot play
    pdf = page.pdf(path=str(tmp_path / "report.pdf"))
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 1
    page.close()


def test_the_angle_plot_reads_out_and_seeks_where_it_is_clicked(browser, report):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(report.as_uri())
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=20000)
    plot = page.locator("img.plot[data-t0]")
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    x0, x1, t0, t1 = (float(plot.get_attribute(name)) for name in
                      ("data-x0", "data-x1", "data-t0", "data-t1"))
    start, end = rep_starts(report)[1], rep_ends(report)[1]
    moment = (start + end) / 2  # the middle of rep 2
    x = box["x"] + box["width"] * (x0 + (moment - t0) / (t1 - t0) * (x1 - x0))
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    readout = page.locator("#readout")
    assert readout.is_visible()
    text = readout.text_content()
    assert "rep 2" in text and f"{moment:.1f} s" in text and "left" in text
    assert "holding" in text  # the middle of rep 2 is its hold at the top
    fault = fault_s(report, "arching")
    page.mouse.move(box["x"] + box["width"] * (x0 + (fault - t0) / (t1 - t0) * (x1 - x0)), y)
    assert "fault: \u201clift without arching your back\u201d" in readout.text_content()
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function("document.getElementById('video').currentTime > 0", timeout=10000)
    assert page.evaluate("document.getElementById('video').currentTime") == \
        pytest.approx(moment, abs=0.4)
    page.close()


def rep_ends(report: Path) -> list[float]:
    with (report.parent / "reps.csv").open() as handle:
        return [float(row["end_s"]) for row in csv.DictReader(handle)]


def fault_s(report: Path, code: str) -> float:
    import json

    faults = json.loads((report.parent / "session.json").read_text())["faults"]
    return next(f["time_s"] for f in faults if f["fault"] == code)
