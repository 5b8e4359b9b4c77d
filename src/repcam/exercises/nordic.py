"""Nordic hamstring curls: the lean of the knee-shoulder line, and the break angle."""

from __future__ import annotations

import itertools
import statistics

from repcam.exercises.spec import ExerciseSpec, FaultRule, Phase, Signal, Thresholds
from repcam.kinematics import Posture

BREAK_MIN_DEG_S = 45.0  # slower than this is still a controlled descent
BREAK_FACTOR = 3.0  # a fall is this many times faster than the controlled descent


def break_point(samples: list[tuple[float, float]]) -> dict[str, float]:
    """Where the controlled descent ended: the lean at which the lowering speed jumps.

    `samples` are (time_ms, lean_deg) of one rep. Returns the break angle from vertical and
    the controlled lowering time; a descent that never breaks reports its deepest lean.
    """
    peak_index = max(range(len(samples)), key=lambda i: samples[i][1])
    descent = samples[: peak_index + 1]
    if len(descent) < 3:
        return {"break_angle_deg": samples[peak_index][1], "controlled_ms": 0.0}
    speeds = [
        (v1 - v0) / max(t1 - t0, 1e-3) * 1000.0
        for (t0, v0), (t1, v1) in itertools.pairwise(descent)
    ]
    for i in range(2, len(speeds)):
        controlled = statistics.median(speeds[:i])
        threshold = max(BREAK_FACTOR * controlled, BREAK_MIN_DEG_S)
        if speeds[i] > threshold and speeds[i - 1] > 0.5 * threshold:
            t_break, lean = descent[i - 1]
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
    signal=Signal("line_lean", "near", -5.0, 20.0, 30.0, 65.0, 100.0),
    hold_ms=0.0,
    required_joints=("SHOULDER", "HIP", "KNEE"),
    faults=(
        FaultRule(
            "hip_bend", "keep a straight line from knees to shoulders, don't bend at the hips",
            # Only while lowering under control: on the hands the hips may bend.
            lambda f, c: f.near("hip_line") < 160.0 and f.near("line_lean") < 55.0,
            phases=frozenset({Phase.OUT, Phase.TOP}),
        ),
    ),
    partial_cue="lean further before you catch yourself",
    out_label="descent",
    back_label="return",
    # The descent is the rep: it starts a few degrees from upright, not a third of the way.
    thresholds=Thresholds(at_start=0.1, leave_start=0.18),
    default_reps=5,
    max_reps=10,
    extras=break_point,
    notes="Reports the break angle (from vertical) and the controlled lowering time.",
)

SPECS = (NORDIC,)
