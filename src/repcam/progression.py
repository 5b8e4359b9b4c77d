"""The programme's dosage rules, as pure functions over what was done (no storage here).

1 set of 10 -> 2 sets of 10 -> 3 sets of 10; once 3 sets of 10 are done well, the next,
harder exercise of the family order. Nordics build from 5 to 10 reps. A new (stronger)
band may start with fewer reps. "Done well" is defined in `judge_set`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from repcam.exercises.events import RepMetrics
from repcam.exercises.spec import ExerciseSpec

MAX_SETS = 3
MIN_HOLDS_MET = 0.8  # at least 8 holds in 10 reach the target time
MAX_FAULTY_REPS = 0.2  # at most 2 reps in 10 with a form fault


@dataclass(frozen=True)
class SetVerdict:
    done_well: bool
    reps: int
    target_reps: int
    holds_met: int
    faulty_reps: int
    reasons: tuple[str, ...]

    def sentence(self) -> str:
        head = f"{self.reps}/{self.target_reps} reps"
        if self.done_well:
            return f"{head}: done well."
        return f"{head}: not yet done well ({'; '.join(self.reasons)})."


def judge_set(reps: Sequence[RepMetrics], spec: ExerciseSpec, target_reps: int) -> SetVerdict:
    """A set is done well when every target rep was done, holds were met, faults were rare."""
    count = len(reps)
    timed = [r for r in reps if r.hold_target_ms > 0]
    holds_met = sum(r.hold_met for r in timed)
    faulty = sum(bool(r.faults) for r in reps)
    reasons = []
    if count < target_reps:
        reasons.append(f"{target_reps - count} rep(s) short of {target_reps}")
    if timed and holds_met < MIN_HOLDS_MET * len(timed):
        reasons.append(f"holds met in {holds_met} of {len(timed)} reps "
                       f"(target {spec.hold_ms / 1000:g} s)")
    if count and faulty > MAX_FAULTY_REPS * count:
        reasons.append(f"form faults in {faulty} of {count} reps")
    return SetVerdict(not reasons, count, target_reps, holds_met, faulty, tuple(reasons))
