"""Shared fixtures: the real clips (from ../shared/clips) and the pose model."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIPS = Path(os.environ.get("REPCAM_CLIPS", ROOT.parent / "shared" / "clips"))


def clip_labels(*names: str) -> list[dict[str, str]]:
    """The labelled real clips: labels.csv, and the harder labels_more.csv (obliques, a video
    player's bar, negatives of other movements)."""
    rows = []
    for name in names or ("labels.csv", "labels_more.csv"):
        labels = CLIPS / name
        if labels.exists():
            with open(labels, newline="") as handle:
                rows += list(csv.DictReader(handle))
    return rows


@pytest.fixture(scope="session")
def clips_dir() -> Path:
    if not (CLIPS / "labels.csv").exists():
        pytest.skip(f"real clips not found at {CLIPS}")
    return CLIPS


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The full pose model, provisioned for real on first use (build from npm/PyPI here)."""
    from repcam.io.models.provision import ensure_model

    return ensure_model("full")


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory) -> None:
    """Landmark caches are the test session's own: never shared with real use or with an
    earlier run (the pose model lives in the checkout's models/, found before the cache)."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session", autouse=True)
def private_session_log(tmp_path_factory) -> None:
    """No test (nor a repcam it starts) writes into the person's own session log."""
    os.environ["REPCAM_DB"] = str(tmp_path_factory.mktemp("log") / "sessions.db")


@pytest.fixture(scope="session", autouse=True)
def private_settings(tmp_path_factory) -> None:
    """A person's own config.toml never changes what a test sees."""
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    os.environ.pop("REPCAM_CONFIG", None)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download is not reachable)."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if chromium is None or sync_playwright is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium and Playwright are installed by .ci/run")
        pytest.skip("needs Debian's chromium and pip's playwright (pip install -e '.[browser]')")
    with sync_playwright() as playwright:
        # Root in a container has no user namespaces for Chromium's sandbox.
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()
