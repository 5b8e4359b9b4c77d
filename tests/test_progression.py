"""The programme's dosage rules on constructed histories (pure: no database, no video)."""

from __future__ import annotations

from repcam.exercises import get_exercise
from repcam.exercises.events import RepMetrics
from repcam.folds.progression import Dose, SessionRecord, advise, judge_set, ladder, next_exercise

BRIDGE = get_exercise("bridge")


def rep(index: int, *, hold_s: float = 3.5, faults: tuple[str, ...] = ()) -> RepMetrics:
    """A rep of a 3 s hold exercise; hold_s=0 makes it an exercise without a hold."""
    return RepMetrics(index, "left", index * 8000.0, index * 8000.0 + 6000.0, "hip_line", 130.0,
                      176.0, hold_s * 1000, 3000.0 if hold_s else 0.0, 1000.0, 1500.0, faults)


def session(day: int, sets: list[int], *, exercise: str = "bridge", hold_s: float = 3.5,
            faulty: int = 0, band: str | None = None) -> SessionRecord:
    set_reps = tuple(
        tuple(rep(i + 1, hold_s=hold_s, faults=("arching",) if i < faulty else ())
              for i in range(count))
        for count in sets)
    return SessionRecord(exercise, f"2026-11-{day:02d}T18:00:00+00:00", set_reps, band)


def test_a_set_is_done_well_with_every_rep_holds_met_and_few_faults():
    assert judge_set([rep(i) for i in range(1, 11)], BRIDGE, 10).done_well
    short = judge_set([rep(i) for i in range(1, 9)], BRIDGE, 10)
    assert not short.done_well and "2 reps short" in short.sentence()
    holds = judge_set([rep(i, hold_s=2.0) for i in range(1, 11)], BRIDGE, 10)
    assert not holds.done_well and "holds met in 0 of 10" in holds.sentence()
    faults = judge_set([rep(i, faults=("arching",) if i < 4 else ()) for i in range(1, 11)],
                       BRIDGE, 10)
    assert not faults.done_well and "form faults in 3 of 10" in faults.sentence()


def test_a_newcomer_starts_at_one_set_of_ten():
    advice = advise(BRIDGE, [])
    assert (advice.exercise, advice.dose) == ("bridge", Dose(1, 10))


def test_one_then_two_then_three_sets_then_the_next_exercise():
    history = [session(1, [10])]
    assert advise(BRIDGE, history).dose == Dose(2, 10)
    history.append(session(3, [10, 10]))
    assert advise(BRIDGE, history).dose == Dose(3, 10)
    history.append(session(5, [10, 10, 10]))
    advice = advise(BRIDGE, history)
    assert advice.moved_on and advice.exercise == "single-leg-bridge"
    assert advice.dose == Dose(1, 10)
    assert "single-leg bridge" in advice.reason


def test_a_set_not_done_well_is_repeated_with_the_reason():
    advice = advise(BRIDGE, [session(1, [10]), session(3, [10, 10], hold_s=2.0)])
    assert advice.dose == Dose(2, 10)
    assert "holds met in 0 of 10" in advice.reason


def test_a_bad_session_steps_back_one_level():
    advice = advise(BRIDGE, [session(1, [10]), session(3, [4, 2])])
    assert advice.dose == Dose(1, 10)
    assert "step back" in advice.reason


def test_a_bad_first_session_stays_at_the_first_dose():
    assert advise(BRIDGE, [session(1, [3])]).dose == Dose(1, 10)


def test_other_exercises_do_not_count():
    assert advise(BRIDGE, [session(1, [10], exercise="nordic")]).dose == Dose(1, 10)


def test_a_new_band_starts_with_fewer_reps_and_builds_back_up():
    band_curl = get_exercise("seated-band-curl")
    history = [session(1, [10], exercise=band_curl.name, band="yellow"),
               session(3, [10, 10], exercise=band_curl.name, band="yellow"),
               session(5, [6], exercise=band_curl.name, band="red")]
    advice = advise(band_curl, history)
    assert advice.dose == Dose(1, 6) and advice.band == "red"
    assert "New band" in advice.reason
    history.append(session(6, [6], exercise=band_curl.name, band="red"))
    assert advise(band_curl, history).dose == Dose(1, 7)


def test_nordics_build_from_five_to_ten():
    nordic = get_exercise("nordic")
    assert ladder(nordic)[0] == Dose(1, 5)
    history = [session(1, [5], exercise="nordic", hold_s=0.0)]
    assert advise(nordic, history).dose == Dose(1, 6)
    assert Dose(1, 10) in ladder(nordic) and ladder(nordic)[-1] == Dose(3, 10)


def test_the_family_order_of_the_programme():
    assert next_exercise(get_exercise("hamstring-set")).name == "hamstring-curl"
    assert next_exercise(get_exercise("ball-squeeze")).name == "ball-squeeze-swing"
    assert next_exercise(get_exercise("ball-squeeze-swing")).name == "seated-band-curl"
    assert next_exercise(get_exercise("prone-band-curl")).name == "bridge"
    assert next_exercise(get_exercise("roller-bridge")).name == "ball-curl"
    assert next_exercise(get_exercise("ball-curl-3")).name == "nordic"
    assert next_exercise(get_exercise("nordic")) is None


def test_one_leg_exercises_count_their_target_per_side():
    from dataclasses import replace

    single = get_exercise("single-leg-bridge")
    left = [rep(i) for i in range(1, 11)]
    right = [replace(rep(i), side="right") for i in range(1, 7)]
    both = judge_set(left + right, single, 10)
    assert (both.done_well, both.reps) == (False, 6)
    assert both.sentence() == ("6/10 reps per side: not yet done well "
                               "(4 reps short of 10 on the right).")
    assert judge_set(left + [replace(r, side="right") for r in left], single, 10).done_well
    assert judge_set(left, single, 10).done_well  # a set of the left leg only
    alternating = [replace(rep(i), side=("left", "right")[i % 2]) for i in range(1, 11)]
    assert judge_set(alternating, single, 10).reps == 5  # ten in all is five a side
