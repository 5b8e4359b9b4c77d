"""The programme's dosage rules, as pure functions over what was done (no storage here).

1 set of 10 -> 2 sets of 10 -> 3 sets of 10; once 3 sets of 10 are done well, the next,
harder exercise of the family order. Nordics build from 5 to 10 reps. A new (stronger)
band may start with fewer reps. "Done well" is defined in `judge_set`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from repcam.exercises.events import Fault, RepMetrics
from repcam.exercises.spec import ExerciseSpec
from repcam.words import plural

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
    per_side: bool = False  # `reps` are those of the side that did fewer

    def sentence(self) -> str:
        head = f"{self.reps}/{self.target_reps} reps" + (" per side" if self.per_side else "")
        if self.done_well:
            return f"{head}: done well."
        return f"{head}: not yet done well ({'; '.join(self.reasons)})."


def counted_reps(reps: Sequence[RepMetrics], spec: ExerciseSpec) -> int:
    """Reps towards a set's target. One-leg exercises count per side: the side that did
    fewer, of the sides worked in the set (a set of one leg only is judged on that leg)."""
    if not spec.per_side:
        return len(reps)
    return min(Counter(r.side for r in reps).values(), default=0)


def judge_set(reps: Sequence[RepMetrics], spec: ExerciseSpec, target_reps: int) -> SetVerdict:
    """A set is done well when every target rep was done, holds were met, faults were rare."""
    count = counted_reps(reps, spec)
    timed = [r for r in reps if r.hold_target_ms > 0]
    holds_met = sum(r.hold_met for r in timed)
    # A short hold is its own criterion (holds met): it is not counted again as a form fault.
    faulty = sum(any(f is not Fault.SHORT_HOLD for f in r.faults) for r in reps)
    reasons = []
    if count < target_reps and spec.per_side and reps:
        reasons += [f"{plural(target_reps - n, 'rep')} short of {target_reps} on the {side}"
                    for side, n in sorted(Counter(r.side for r in reps).items())
                    if n < target_reps]
    elif count < target_reps:
        reasons.append(f"{plural(target_reps - count, 'rep')} short of {target_reps}")
    if timed and holds_met < MIN_HOLDS_MET * len(timed):
        reasons.append(f"holds met in {holds_met} of {len(timed)} reps "
                       f"(target {spec.hold_ms / 1000:g} s)")
    if reps and faulty > MAX_FAULTY_REPS * len(reps):
        reasons.append(f"form faults in {faulty} of {len(reps)} reps")
    return SetVerdict(not reasons, count, target_reps, holds_met, faulty, tuple(reasons),
                      spec.per_side)


# -- from a history of sessions to the next prescription -----------------------------------
@dataclass(frozen=True)
class Dose:
    sets: int
    reps: int

    def __str__(self) -> str:
        return f"{self.sets}x{self.reps}"


@dataclass(frozen=True)
class SessionRecord:
    """What the log holds of one session of one exercise, as the rules need it."""

    exercise: str
    started: str  # ISO time, for ordering
    set_reps: tuple[tuple[RepMetrics, ...], ...]  # the reps of each set
    band: str | None = None


@dataclass(frozen=True)
class Advice:
    exercise: str
    dose: Dose
    reason: str
    band: str | None = None
    moved_on: bool = False  # a new exercise (the previous one is mastered)

    @property
    def plan(self) -> str:
        """"bridge, 2 sets of 10 with the red band"."""
        with_band = f" with the {self.band} band" if self.band else ""
        return f"{self.exercise}, {plural(self.dose.sets, 'set')} of {self.dose.reps}{with_band}"


BAD_SESSION_SHARE = 0.7  # under 70% of the prescribed reps and no set done well: step back
NEW_BAND_MIN_REPS = 5


def ladder(spec: ExerciseSpec, start_reps: int | None = None) -> list[Dose]:
    """The doses of one exercise, easiest first: reps up to the target at 1 set, then sets."""
    top = spec.max_reps
    first = min(top, start_reps or spec.default_reps)
    return [Dose(1, reps) for reps in range(first, top)] + [Dose(s, top) for s in
                                                             range(1, MAX_SETS + 1)]


def next_exercise(spec: ExerciseSpec) -> ExerciseSpec | None:
    """The next, harder exercise of the programme (None after the last)."""
    from repcam.exercises.registry import EXERCISES

    if spec.progresses_to:
        return EXERCISES[spec.progresses_to]
    order = list(EXERCISES.values())
    families = list(dict.fromkeys(s.family for s in order))
    rank = (families.index(spec.family), spec.stage)
    later = [s for s in order if (families.index(s.family), s.stage) > rank]
    return later[0] if later else None


def advise_next(history: Sequence[SessionRecord], spec: ExerciseSpec | None = None) -> Advice:
    """The advice for `spec`, or for the exercise done last (one this repcam knows: a log may
    come from a newer one), or for the programme's first exercise."""
    from repcam.exercises.registry import EXERCISES

    if spec is None:
        known = [r.exercise for r in sorted(history, key=lambda r: r.started)
                 if r.exercise in EXERCISES]
        spec = EXERCISES[known[-1]] if known else next(iter(EXERCISES.values()))
    return advise(spec, history)


def advise(spec: ExerciseSpec, history: Sequence[SessionRecord]) -> Advice:
    """Replay the sessions of `spec` in order through its dose ladder; say what comes next."""
    steps, level, band = ladder(spec), 0, None
    reason = f"Start with {steps[0]}, the programme's first dose."
    # A session in which nothing was counted (nobody in view, stopped at once) says nothing
    # about the person's strength: it never moves the plan.
    done = (r for r in history if r.exercise == spec.name and any(r.set_reps))
    for record in sorted(done, key=lambda r: r.started):
        if record.band and band and record.band != band:
            achieved = max((counted_reps(reps, spec) for reps in record.set_reps), default=0)
            steps, level = ladder(spec, max(NEW_BAND_MIN_REPS, achieved)), 0
            reason = (f"New band ({record.band}): start again at {steps[0]} and build up "
                      "(a stronger band may need fewer reps at first).")
            band = record.band
            continue
        band = record.band or band
        dose = steps[min(level, len(steps) - 1)]
        verdicts = [judge_set(reps, spec, dose.reps) for reps in record.set_reps if reps]
        well = sum(v.done_well for v in verdicts)
        done = sum(v.reps for v in verdicts)
        if well >= dose.sets:
            level += 1
            reason = f"{dose} done well on {record.started[:10]}: step up."
        elif well == 0 and done < BAD_SESSION_SHARE * dose.sets * dose.reps and level > 0:
            level -= 1
            reason = (f"{record.started[:10]} was hard ({done} of {dose.sets * dose.reps} reps, "
                      f"no set done well): step back to {steps[level]}.")
        else:
            problems = "; ".join(sorted({r for v in verdicts for r in v.reasons}))
            reason = f"Repeat {dose} until it is done well ({problems or 'not every set'})."
    if level >= len(steps):
        following = next_exercise(spec)
        if following is not None:
            first = ladder(following)[0]
            return Advice(following.name, first,
                          f"{steps[-1]} of the {spec.title.lower()} done well: move on to the "
                          f"{following.title.lower()}, starting at {first}.", moved_on=True)
        return Advice(spec.name, steps[-1], f"{steps[-1]} done well: the programme is complete;"
                      " keep it up to maintain your strength.", band)
    return Advice(spec.name, steps[level], reason, band)
