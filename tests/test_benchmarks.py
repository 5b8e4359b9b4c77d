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


def test_the_leg_name_audit_tells_right_swapped_and_one_leg_frames_apart():
    from benchmarks.leg_names import naming
    from benchmarks.sweep import clip_of

    from repcam.core.landmarks import Joint
    from repcam.core.tracking import mirrored

    clip = clip_of("single-leg-bridge", 30, 0)
    top = next(f for f in clip.frames if f.timestamp_ms >= clip.truth[0].top_ms + 500)
    body = top.people[0]
    xy = body.image_px[:, :2]
    assert naming(xy, xy) == "right"
    assert naming(mirrored(body).image_px[:, :2], xy) == "swapped"
    one_leg = xy.copy()
    for joint in ("KNEE", "ANKLE"):
        one_leg[Joint[f"RIGHT_{joint}"]] = xy[Joint[f"LEFT_{joint}"]]
    assert naming(one_leg, xy) == "one leg"
    assert naming(xy + 500.0, xy) == "neither"
    side_on_rest = clip_of("single-leg-bridge", 0, 0).frames[0].people[0].image_px[:, :2]
    assert naming(side_on_rest, side_on_rest) is None  # one leg behind the other
