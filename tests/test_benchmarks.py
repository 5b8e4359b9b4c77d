"""The benchmark guard's rules (no timing here: the guard itself runs in `.ci/run`)."""

from __future__ import annotations

import json

import benchmarks.__main__ as guard
from benchmarks.measure import Timing


def results(live_ratio: float, keeps_pace: bool) -> dict:
    ratios = dict.fromkeys(guard.GUARDED, 1.0) | {"live_p95_vs_bare": live_ratio}
    return {"ratios": ratios, "live": {"30fps": {"keeps_pace": keeps_pace}},
            "memory": {"rss_growth_mb": 0.0}}


def test_the_live_latency_is_compared_only_where_the_machine_keeps_pace(tmp_path, monkeypatch,
                                                                       capsys):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"quick": {"written": "2026-12-02", "ratios": dict.fromkeys(
        guard.GUARDED, 1.0)}}))
    monkeypatch.setattr(guard, "BASELINE", baseline)
    assert guard.check(results(2.0, keeps_pace=True), "quick", None) == 1
    assert guard.check(results(2.0, keeps_pace=False), "quick", None) == 0
    assert "not compared" in capsys.readouterr().out
    assert guard.check(results(1.2, keeps_pace=True), "quick", None) == 0


def test_keeping_pace_is_the_slow_frames_fitting_a_frame_interval():
    def stage(p95_ms: float) -> Timing:
        return Timing(median_ms=p95_ms / 2, p95_ms=p95_ms, p99_ms=p95_ms, calls=90)

    assert guard.live_keeps_pace([stage(25.0), stage(3.0), stage(2.0)])
    assert not guard.live_keeps_pace([stage(35.8), stage(3.3), stage(2.2)])
