"""Specs and the registry reject bad settings loudly."""

from __future__ import annotations

import dataclasses

import pytest

from repcam.exercises import EXERCISES, get_exercise, make_analyser
from repcam.exercises.events import Fault, faults_from
from repcam.exercises.registry import UnknownExercise, check_progressions
from repcam.exercises.spec import ExerciseSpec, RepRule, Signal, Thresholds

PROGRAMME = {
    "hamstring-set", "hamstring-curl", "prone-curl", "ball-squeeze", "seated-band-curl",
    "prone-band-curl", "bridge", "single-leg-bridge", "roller-bridge", "ball-curl", "nordic",
}


def test_every_programme_exercise_is_registered():
    assert set(EXERCISES) >= PROGRAMME


def test_ball_curl_stages():
    assert get_exercise("ball-curl").stage == 1
    assert get_exercise("ball-curl", 2).name == "ball-curl-2"
    assert get_exercise("ball-curl", 3).per_side


def test_unknown_exercise_lists_the_valid_names():
    with pytest.raises(UnknownExercise) as error:
        get_exercise("brdge")
    assert "bridge" in str(error.value) and "nordic" in str(error.value)


@pytest.mark.parametrize(
    "bad",
    [dict(at_start=0.5, leave_start=0.3), dict(enter_top=1.2), dict(partial=0.9)],
)
def test_thresholds_must_rise(bad):
    with pytest.raises(ValueError):
        Thresholds(**bad)


def test_signal_ranges_are_checked():
    with pytest.raises(ValueError):
        Signal("knee_flexion", "near", start_min=10.0, start_max=5.0,
               min_rom=10.0, typical_rom=20.0, max_rom=30.0)
    with pytest.raises(ValueError):
        Signal("knee_flexion", "near", start_min=0.0, start_max=5.0,
               min_rom=40.0, typical_rom=20.0, max_rom=30.0)
    with pytest.raises(ValueError):
        Signal("knee_flexion", "sideways", start_min=0.0, start_max=5.0,
               min_rom=10.0, typical_rom=20.0, max_rom=30.0)


def test_spec_rejects_duplicate_fault_names_and_bad_kind():
    bridge = get_exercise("bridge")
    with pytest.raises(ValueError, match="unique"):
        dataclasses.replace(bridge, faults=bridge.faults + bridge.faults[:1])
    with pytest.raises(ValueError):
        dataclasses.replace(bridge, kind="dance")
    with pytest.raises(ValueError):
        dataclasses.replace(bridge, postures=frozenset())


def test_a_typo_in_a_signal_a_joint_or_a_progression_fails_when_built():
    bridge = get_exercise("bridge")
    with pytest.raises(ValueError, match="no such signal: 'knee_flexon'"):
        Signal("knee_flexon", "near", start_min=0.0, start_max=5.0,
               min_rom=10.0, typical_rom=20.0, max_rom=30.0)
    with pytest.raises(ValueError, match="no such joint 'KNE'"):
        dataclasses.replace(bridge, required_joints=("HIP", "KNE"))
    with pytest.raises(ValueError, match="no such joint 'TOE'"):
        dataclasses.replace(bridge, level_segment=("HEEL", "TOE"))
    with pytest.raises(ValueError, match="in form_signals"):
        dataclasses.replace(bridge, form_signals=("hip_lnie",))
    with pytest.raises(ValueError, match="progresses_to names no exercise: 'brige'"):
        check_progressions({"bridge": dataclasses.replace(bridge, progresses_to="brige")})
    check_progressions(EXERCISES)  # the programme as registered is consistent


def test_a_fault_is_named_by_its_code_so_a_typo_fails_when_built():
    bridge = get_exercise("bridge")
    arching = bridge.faults[0]
    assert arching.name is Fault.ARCHING
    with pytest.raises(ValueError, match=r"'archng' must be a Fault code: Fault\.ARCHING"):
        dataclasses.replace(arching, name="archng")
    with pytest.raises(ValueError, match="must be a Fault code"):
        RepRule("fast_return", "slowly", lambda rep: True)  # the code, not its spelling
    assert faults_from("arching;partial") == (Fault.ARCHING, Fault.HALF_REP)
    assert ";".join(faults_from("arching;partial")) == "arching;partial"  # logs hold the code
    assert f"{Fault.SHORT_HOLD}" == "short_hold" and faults_from("") == ()


def test_a_signals_numbers_are_given_by_name_and_metrics_need_their_measure():
    with pytest.raises(TypeError):
        Signal("knee_flexion", "near", 0.0, 35.0, 40.0, 80.0, 140.0)  # which is which?
    nordic = get_exercise("nordic")
    assert [m.key for m in nordic.metrics] == ["break_angle_deg", "controlled_ms"]
    assert nordic.metrics[1].shown(1500.0) == 1.5  # stored in ms, shown in seconds
    with pytest.raises(ValueError, match="extras"):
        dataclasses.replace(nordic, extras=None)


def test_every_spec_makes_an_analyser_and_has_cues():
    for spec in EXERCISES.values():
        assert isinstance(spec, ExerciseSpec)
        make_analyser(spec)
        assert all(rule.cue for rule in (*spec.faults, *spec.rep_rules))
        assert spec.setup


def test_analyser_rejects_a_bad_side():
    with pytest.raises(ValueError):
        make_analyser(get_exercise("bridge"), side="middle")
