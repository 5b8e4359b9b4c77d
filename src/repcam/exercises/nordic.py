"""Nordic hamstring curls: the lean of the knee-shoulder line, and the break angle."""

from __future__ import annotations

import statistics
from itertools import pairwise

from repcam.exercises.spec import ExerciseSpec, FaultRule, Phase, Signal, Thresholds
from repcam.kinematics import Posture

BREAK_MIN_DEG_S = 60.0  # slower than this is still a controlled descent
BREAK_FACTOR = 2.0  # a fall is at least this many times faster than the controlled descent
CONTROLLED_SHARE = 0.4  # the first part of the descent sets the controlled speed


def break_point(samples: list[tuple[float, float]]) -> dict[str, float]:
    """Where the controlled descent ended: the lean at which the lowering speed jumps.

    `samples` are (time_ms, lean_deg) of one rep. The controlled speed is the median speed
    over the first part of the descent; the break is the first point from which the speed
    stays above `BREAK_FACTOR` times that (and above `BREAK_MIN_DEG_S`) for two samples.
    A descent that never breaks reports its deepest lean.
    """
    peak_index = max(range(len(samples)), key=lambda i: samples[i][1])
    descent = samples[: peak_index + 1]
    if len(descent) < 4:
        return {"break_angle_deg": samples[peak_index][1], "controlled_ms": 0.0}
    speeds = [
        (v1 - v0) / max(t1 - t0, 1e-3) * 1000.0 for (t0, v0), (t1, v1) in pairwise(descent)
    ]
    early = speeds[: max(2, int(len(speeds) * CONTROLLED_SHARE))]
    threshold = max(BREAK_FACTOR * statistics.median(early), BREAK_MIN_DEG_S)
    for i in range(len(speeds) - 1):
        if speeds[i] > threshold and speeds[i + 1] > threshold:
            t_break, lean = descent[i]
            return {"break_angle_deg": lean, "controlled_ms": t_break - descent[0][0]}
    t_end, lean = descent[-1]
    return {"break_angle_deg": lean, "controlled_ms": t_end - descent[0][0]}


NORDIC = ExerciseSpec(
    name="nordic",
    title="Nordic hamstring curl",
    family="nordic",
    stage=1,
    setup="Kneel upright side-on to the camera, feet anchored (or held by a partner). "
    "Camera at hip height, 2-3 m away.",
    postures=frozenset({Posture.KNEELING}),
    # Lean of the knee-shoulder line from vertical: 0 upright, 90 flat on the floor.
    # Begun already leaning (up to about 30 degrees), or with bent hips, it still counts.
    signal=Signal("line_lean", "near", -5.0, 32.0, 30.0, 65.0, 100.0),
    hold_ms=0.0,
    required_joints=("SHOULDER", "HIP", "KNEE"),
    level_segment=("KNEE", "ANKLE"),  # the shins rest on the floor
    max_yaw_deg=45.0,
    faults=(
        FaultRule(
            "hip_bend", "keep a straight line from knees to shoulders, don't bend at the hips",
            # Only while lowering under control: on the hands the hips may bend.
            lambda f, c: f.near("hip_line") < 160.0 and f.near("line_lean") < 55.0,
            phases=frozenset({Phase.OUT, Phase.TOP}),
        ),
    ),
    form_signals=("hip_line",),
    partial_cue="lean further before you catch yourself",
    out_label="descent",
    back_label="return",
    # The descent is the rep: it starts a few degrees from upright, not a third of the way.
    thresholds=Thresholds(at_start=0.1, leave_start=0.18),
    default_reps=5,
    helpers=1,  # a partner holding the feet is the usual anchor
    # Measured on a partner-held clip: at 15-20 poses a second the first rep is lost (the
    # kneeling partner competes for the start position); every frame keeps both.
    analysis_fps=0.0,
    max_reps=10,
    extras=break_point,
    notes="Reports the break angle (from vertical) and the controlled lowering time.",
)

SPECS = (NORDIC,)
