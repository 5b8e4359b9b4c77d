"""Angles, the body's front, the view and the posture, on exact synthetic bodies."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from repcam.core.facing import FLIP_MS, ROLL_MS, LyingFacing, legs_face_up, majority_face_up
from repcam.core.filters import NoFilter, OneEuroFilter
from repcam.core.kinematics import (
    Kinematics,
    Posture,
    View,
    angle_deg,
    camera_side,
    classify_view,
    estimate_chirality,
    geometric_signals,
    mask_unseen,
)
from repcam.core.landmarks import NUM_JOINTS, Joint, Landmarks
from repcam.synthetic import poses
from repcam.synthetic.body import BodyPose, Camera, Leg, to_landmarks

CAMERAS = [Camera(side="left"), Camera(side="right"), Camera(side="left", mirror=True)]


def angles_of(pose: BodyPose, camera: Camera) -> dict[str, float]:
    person = to_landmarks(pose, camera)
    kinematics = Kinematics(NoFilter)
    return kinematics.update(person, 0.0, camera.size_px).signals


def test_angle_function_works_on_frames_and_series():
    a, v, c = np.array([1.0, 0.0]), np.zeros(2), np.array([0.0, 1.0])
    assert angle_deg(a, v, c) == pytest.approx(90.0)
    series = angle_deg(np.tile(a, (5, 1)), np.zeros((5, 2)), np.tile(-a, (5, 1)))
    assert series == pytest.approx([180.0] * 5)


@pytest.mark.parametrize("camera", CAMERAS, ids=["left", "right", "mirrored"])
@pytest.mark.parametrize("hip_line", [130.0, 160.0, 178.0, 195.0])
def test_hip_line_is_signed_past_the_straight_line(camera, hip_line):
    """An arched bridge (hips above the shoulder-knee line) reads above 180."""
    pose = poses.Bridge().at_hip_line(hip_line)
    near = "left" if camera.side == "left" else "right"
    assert angles_of(pose, camera)[f"hip_line_{near}"] == pytest.approx(hip_line, abs=1.0)


@pytest.mark.parametrize("camera", CAMERAS, ids=["left", "right", "mirrored"])
def test_knee_flexion_trunk_lean_and_thigh_angle(camera):
    pose = poses.standing(12.0, "left", Leg(25.0, 70.0, 0.0))
    signals = angles_of(pose, camera)
    assert signals["knee_flexion_left"] == pytest.approx(70.0, abs=1.5)
    assert signals["knee_flexion_right"] == pytest.approx(0.0, abs=1.5)
    near = "left" if camera.side == "left" else "right"
    assert signals[f"trunk_lean_{near}"] == pytest.approx(12.0, abs=1.5)
    assert signals["thigh_angle_left"] == pytest.approx(25.0, abs=1.5)


def test_nordic_lean_from_vertical():
    signals = angles_of(poses.nordic(40.0, 0.0), Camera())
    assert signals["line_lean_left"] == pytest.approx(40.0, abs=1.0)
    assert signals["hip_line_left"] == pytest.approx(180.0, abs=1.0)


@pytest.mark.parametrize("camera", CAMERAS, ids=["left", "right", "mirrored"])
def test_near_side_and_front_of_the_body(camera):
    pose = poses.standing(0.0, "left", Leg())
    person = to_landmarks(pose, camera)
    mirrored = to_landmarks(pose, replace(camera, mirror=not camera.mirror))
    assert camera_side(person) == camera_side(mirrored) == camera.side
    assert estimate_chirality(person) in (-1.0, 1.0)
    assert estimate_chirality(mirrored) == -estimate_chirality(person)  # a mirror flips it


@pytest.mark.parametrize(
    ("pose", "posture"),
    [
        (poses.standing(0.0, "left", Leg(0.0, 60.0, 0.0)), Posture.STANDING),
        (poses.seated("left", 30.0), Posture.SITTING),
        (poses.nordic(5.0, 0.0), Posture.KNEELING),
        (poses.Bridge().at_hip_line(130.0), Posture.LYING_SUPINE),
        (poses.prone(0.0, "left", 10.0), Posture.LYING_PRONE),
    ],
    ids=["standing", "sitting", "kneeling", "supine", "prone"],
)
@pytest.mark.parametrize("camera", CAMERAS, ids=["left", "right", "mirrored"])
def test_posture(pose, posture, camera):
    kinematics = Kinematics(NoFilter)
    frame = kinematics.update(to_landmarks(pose, camera), 0.0, camera.size_px)
    assert frame.posture is posture


def test_side_and_front_views():
    pose = poses.standing(0.0, "left", Leg())
    assert classify_view(to_landmarks(pose, Camera())) is View.SIDE
    assert classify_view(to_landmarks(pose, Camera(yaw_deg=90.0))) is View.FRONT


# The feet end of a mat, at knee height (low) or raised on a table: end-on views.
END_ON = [Camera(yaw_deg=90.0, height_m=0.4, target=(0.5, 0.2), focal_px=1500.0),
          Camera(yaw_deg=90.0, height_m=1.2, target=(0.5, 0.2), focal_px=1500.0),
          Camera(yaw_deg=90.0, height_m=0.4, target=(0.5, 0.2), focal_px=1500.0, mirror=True)]


@pytest.mark.parametrize("camera", END_ON, ids=["low", "raised", "mirrored"])
def test_lying_seen_from_the_feet_is_lying_not_standing(camera):
    kinematics = Kinematics(NoFilter)
    frame = kinematics.update(to_landmarks(poses.Bridge().at_hip_line(130.0), camera), 0.0,
                              camera.size_px)
    assert frame.view is View.FRONT
    assert frame.posture is Posture.LYING_SUPINE


@pytest.mark.parametrize(
    "pose",
    [poses.standing(0.0, "left", Leg()), poses.standing(15.0, "left", Leg(0.0, 90.0)),
     poses.seated("left", 30.0), poses.nordic(5.0, 0.0)],
    ids=["standing", "leaning", "sitting", "kneeling"],
)
def test_facing_the_camera_upright_is_not_lying(pose):
    camera = Camera(yaw_deg=90.0, height_m=0.9, target=(0.0, 0.8))
    frame = Kinematics(NoFilter).update(to_landmarks(pose, camera), 0.0, camera.size_px)
    assert frame.view is View.FRONT
    assert frame.posture not in (Posture.LYING_SUPINE, Posture.LYING_PRONE)


@pytest.mark.parametrize("camera", END_ON, ids=["low", "raised", "mirrored"])
def test_front_view_hip_rise_grows_as_the_hips_lift(camera):
    bridge = poses.Bridge()
    down, up = (angles_of(bridge.at_hip_line(h), camera)["hip_rise_left"] for h in (130, 178))
    # The hips lift about 0.25 m, the synthetic hip joints are 0.30 m apart.
    assert up - down == pytest.approx(100 * 0.25 / 0.30, rel=0.3)


def test_front_view_knee_width_pelvis_tilt_and_feet_offset():
    camera = END_ON[0]
    bridge = poses.Bridge().at_hip_line(175.0)
    level = angles_of(bridge, camera)
    knees_in = angles_of(replace(bridge, knee_spread_m=-0.12), camera)
    rolled = angles_of(replace(bridge, pelvis_roll_deg=15.0), camera)
    shifted = angles_of(replace(bridge, feet_shift_m=0.15), camera)
    assert level["knee_width_ratio"] == pytest.approx(1.0, abs=0.25)
    assert knees_in["knee_width_ratio"] < 0.5
    assert abs(level["pelvis_tilt"]) < 1.0
    assert abs(rolled["pelvis_tilt"]) == pytest.approx(15.0, abs=3.0)
    assert abs(level["feet_offset"]) < 1.0
    assert abs(shifted["feet_offset"]) == pytest.approx(50.0, abs=10.0)  # 0.15 m of 0.30 m


def test_a_joint_the_model_cannot_see_gives_nan_not_a_guess():
    person = to_landmarks(poses.standing(0.0, "left", Leg()), Camera())
    visibility = person.visibility.copy()
    visibility[Joint.LEFT_ANKLE] = 0.1
    seen_badly = Landmarks(person.image_px, visibility, person.world_m)
    signals = mask_unseen(geometric_signals(seen_badly, 1.0), seen_badly)
    assert math.isnan(signals["knee_flexion_left"])
    assert not math.isnan(signals["hip_line_left"])


def test_nobody_gives_nan_signals_and_no_person():
    frame = Kinematics().update(None, 10.0, (640, 480))
    assert not frame.present
    assert all(math.isnan(v) for v in frame.signals.values())


def test_landmarks_are_validated():
    with pytest.raises(ValueError, match="33"):
        Landmarks(np.zeros((10, 3)), np.zeros(NUM_JOINTS))


def test_one_euro_smooths_jitter_and_follows_movement():
    rng = np.random.default_rng(0)
    smoother = OneEuroFilter()
    still = [smoother(100.0 + rng.normal(0, 2.0), t * 33.3) for t in range(90)]
    assert np.std(still[30:]) < 1.0
    moving = [smoother(100.0 + 2.0 * t, (90 + t) * 33.3) for t in range(30)]
    assert moving[-1] == pytest.approx(158.0, abs=6.0)  # little lag at speed


def test_one_euro_resets_on_a_gap():
    smoother = OneEuroFilter()
    smoother(10.0, 0.0)
    assert math.isnan(smoother(float("nan"), 33.0))
    assert smoother(90.0, 66.0) == 90.0


def test_the_legs_decide_a_lying_facing_the_face_overturns_only_after_a_while():
    facing = LyingFacing()
    assert facing.update(None, True, 0.0) is True  # the face alone: on the back
    assert facing.update(None, False, 100.0) is True  # a glimpse is not a roll
    assert facing.update(None, False, 100.0 + FLIP_MS) is False
    assert facing.update(True, None, 1000.0) is False  # a bent leg, one frame: a glitch?
    decided = 1000.0 + FLIP_MS
    assert facing.update(True, None, decided) is True  # held: the legs decide
    times = np.arange(decided, decided + ROLL_MS - 100.0, 100.0)  # the face disagrees, 3.9 s
    assert all(facing.update(None, False, float(t)) is True for t in times)
    assert facing.update(None, False, float(times[-1]) + 200.0) is False  # past ROLL_MS


def test_a_recordings_legs_set_the_facing_its_first_frames_read():
    facing = LyingFacing(face_up=False)  # the whole clip's bent legs said face down
    assert facing.update(None, True, 0.0) is False
    assert facing.update(None, True, ROLL_MS - 1.0) is False
    assert majority_face_up([None, False, True, False]) is False
    assert majority_face_up([None, True, False]) is None


@pytest.mark.parametrize(("bent", "face_up"), [
    (poses.prone(0.0, "left", 100.0), False),  # a prone curl's top: the foot above the knee
    (poses.Bridge().pose(3.0), True),  # a bridge's start: the feet planted below the knees
])
def test_a_bent_leg_says_back_or_front(bent, face_up):
    for camera in CAMERAS:
        assert legs_face_up(angles_of(bent, camera)) is face_up
    assert legs_face_up(angles_of(poses.prone(0.0, "left", 5.0), CAMERAS[0])) is None


def _bent_knee_person() -> Landmarks:
    """A side-on person whose two legs sit apart (one knee bent), depths and world points
    set: every array a renaming moves is different from joint to joint."""
    person = to_landmarks(poses.standing(0.0, "left", Leg(0.0, 90.0, 0.0)), Camera(side="left"))
    world = np.arange(NUM_JOINTS * 3, dtype=float).reshape(NUM_JOINTS, 3)
    visibility = np.linspace(0.5, 1.0, NUM_JOINTS)
    return Landmarks(person.image_px, visibility, world)


def test_a_mirrored_body_trades_every_left_point_for_its_right_twin():
    from repcam.core.tracking import mirrored

    person = _bent_knee_person()
    swapped = mirrored(person)
    for left, right in [(Joint.LEFT_KNEE, Joint.RIGHT_KNEE), (Joint.LEFT_EYE, Joint.RIGHT_EYE),
                        (Joint.LEFT_FOOT_INDEX, Joint.RIGHT_FOOT_INDEX)]:
        for arrays in ("image_px", "visibility", "world_m"):
            assert np.array_equal(getattr(swapped, arrays)[left], getattr(person, arrays)[right])
    assert np.array_equal(swapped.image_px[Joint.NOSE], person.image_px[Joint.NOSE])
    twice = mirrored(swapped)
    assert np.array_equal(twice.image_px, person.image_px)
    assert np.array_equal(twice.world_m, person.world_m)


def test_legs_the_model_swapped_since_the_last_frame_are_swapped_back():
    from repcam.core.tracking import keep_legs_consistent, mirrored

    person = _bent_knee_person()
    legs_swapped = mirrored(person)
    legs_swapped = Landmarks(  # only the legs: the trunk and face keep their names
        np.where(np.arange(NUM_JOINTS)[:, None] >= Joint.LEFT_HIP, legs_swapped.image_px,
                 person.image_px),
        np.where(np.arange(NUM_JOINTS) >= Joint.LEFT_HIP, legs_swapped.visibility,
                 person.visibility),
        np.where(np.arange(NUM_JOINTS)[:, None] >= Joint.LEFT_HIP, legs_swapped.world_m,
                 person.world_m))
    restored = keep_legs_consistent(legs_swapped, previous=person)
    assert np.array_equal(restored.image_px, person.image_px)
    assert np.array_equal(restored.world_m, person.world_m)
    assert keep_legs_consistent(person, previous=person) is person  # nothing swapped
    assert keep_legs_consistent(person, previous=None) is person
