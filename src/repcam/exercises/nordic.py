"""Nordic hamstring curls: the lean of the knee-shoulder line, and the break angle."""

from __future__ import annotations

import numpy as np

from repcam.core.kinematics import Posture
from repcam.exercises.events import Fault
from repcam.exercises.spec import ExerciseSpec, FaultRule, Metric, Phase, Signal, Thresholds

BREAK_MIN_DEG_S = 60.0  # slower than this is still a controlled descent
BREAK_FACTOR = 1.5  # a fall is at least this many times faster than the controlled descent
MIN_PHASE_SAMPLES = 3  # each phase, the controlled descent and the fall, spans this many
FLOOR_BAND_DEG = 3.0  # on the hands: within this of the deepest lean


def break_point(samples: list[tuple[float, float]]) -> dict[str, float]:
    """Where the controlled descent ended: the lean at which the lowering speed jumps.

    `samples` are (time_ms, lean_deg) of one rep. The descent (until the hands are on the
    floor) is fitted with two straight lines that meet, a controlled one and a fall at least
    `BREAK_FACTOR` times faster (and over `BREAK_MIN_DEG_S`): the break is where they meet,
    the lean read off the fit. A fit over every sample, not the speed between two of them,
    so landmark jitter and the frame rate do not move it. A descent that never breaks
    reports its deepest lean.
    """
    leans = [lean for _, lean in samples]
    # The descent ends on the hands: the first sample there (jitter on the floor afterwards
    # may read a degree deeper, and is no part of the fall).
    end = next(i for i, lean in enumerate(leans) if lean >= max(leans) - FLOOR_BAND_DEG)
    descent = np.array(samples[: end + 1], dtype=float)
    start_ms, landed_ms = descent[0, 0], samples[end][0]
    unbroken = {"break_angle_deg": max(leans), "controlled_ms": landed_ms - start_ms}
    if len(descent) < 2 * MIN_PHASE_SAMPLES:
        return unbroken
    best = None
    for k in range(MIN_PHASE_SAMPLES - 1, len(descent) - MIN_PHASE_SAMPLES + 1):
        fit = _hinge_fit(descent, descent[k, 0])
        if best is None or fit[0] < best[0]:
            best = (*fit, descent[k, 0])
    _residual, lean, controlled, fall, break_ms = best
    if not (fall > BREAK_MIN_DEG_S and fall > BREAK_FACTOR * max(controlled, 0.0)):
        return unbroken
    return {"break_angle_deg": lean, "controlled_ms": break_ms - start_ms}


def _hinge_fit(descent: np.ndarray, hinge_ms: float) -> tuple[float, float, float, float]:
    """Least squares of lean = at + before * min(t - hinge, 0) + after * max(t - hinge, 0):
    (squared residual, lean at the hinge, speed before and after it in degrees a second)."""
    seconds = (descent[:, 0] - hinge_ms) / 1000.0
    design = np.column_stack([np.ones_like(seconds), np.minimum(seconds, 0.0),
                              np.maximum(seconds, 0.0)])
    coefficients, *_ = np.linalg.lstsq(design, descent[:, 1], rcond=None)
    residual = float(np.sum((design @ coefficients - descent[:, 1]) ** 2))
    at, before, after = (float(c) for c in coefficients)
    return residual, at, before, after


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
    signal=Signal("line_lean", "near", start_min=-5.0, start_max=32.0,
                  min_rom=30.0, typical_rom=65.0, max_rom=100.0),
    hold_ms=0.0,
    required_joints=("SHOULDER", "HIP", "KNEE"),
    level_segment=("KNEE", "ANKLE"),  # the shins rest on the floor
    max_yaw_deg=45.0,
    faults=(
        FaultRule(
            Fault.HIP_BEND, "keep a straight line from knees to shoulders, don't bend at the hips",
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
    metrics=(Metric("break_angle_deg", "break angle", "break °", "deg"),
             Metric("controlled_ms", "controlled lowering", "control s", "s", 1000.0)),
    notes="Reports the break angle (from vertical) and the controlled lowering time.",
)

SPECS = (NORDIC,)
