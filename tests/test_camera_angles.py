"""Any camera angle, any way into the exercise: the body's own angles and exact counts.

The synthetic patient's truth is anatomical (measured on the body's own sagittal plane), so
it is the same whatever camera films it; repcam must measure that, from side-on to each
exercise's accepted turn, either way, level or looking down.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from benchmarks.sweep import (
    BREAK_MAX_DEG,
    HOLD_MAX_S,
    PITCHES,
    Job,
    break_errors_deg,
    clip_of,
    errors,
    injectable_faults,
    measure,
    rendered_track,
)

from repcam.core.camera_view import SIDE_ON, estimate_view
from repcam.core.kinematics import Posture
from repcam.core.landmarks import Joint, Landmarks, PoseFrame
from repcam.core.sides import SIDES
from repcam.core.track import LandmarkTrack
from repcam.exercises import EXERCISES, get_exercise
from repcam.folds.coaching import FrameCheck, view_problem
from repcam.folds.set_analysis import SetAnalysis, analyse_track, track_camera
from repcam.synthetic import LOOK_ALIKES, Camera, Disturbance, RepPlan, synthesize

from synthetic_helpers import run
from test_cli import repcam

MOVING = [name for name, spec in EXERCISES.items() if spec.kind == "reps"]
YAWS = (0, 30, -30, 45, -45, 60, -60)


def track_of(clip) -> LandmarkTrack:
    return LandmarkTrack(clip.frames, 10.0, clip.exercise, "synthetic")


def accepted(exercise: str) -> list[tuple[int, int]]:
    limit = EXERCISES[exercise].max_yaw_deg
    return [(yaw, pitch) for yaw in YAWS for pitch in PITCHES if abs(yaw) <= limit]


CELLS = [(name, yaw, pitch) for name in MOVING for yaw, pitch in accepted(name)]
# Measured misses, kept visible (strict: they fail the day they pass) rather than tuned away.
KNOWN_MISSES = {
    ("ball-squeeze", 60, 0): "the jitter filter trails a body leaving a still top by about "
    "100 ms: the squeeze's holds read 0.21 s long at every turn, 0.31 s at worst here",
    ("ball-squeeze", 60, 20): "the same lag: 0.33 s long at worst",
}


def cell_param(exercise: str, yaw: int, pitch: int):
    reason = KNOWN_MISSES.get((exercise, yaw, pitch))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(exercise, yaw, pitch, marks=marks,
                        id=f"{exercise}-yaw{yaw:+d}-pitch{pitch}")


@pytest.mark.parametrize(("exercise", "yaw", "pitch"), [cell_param(*c) for c in CELLS])
def test_the_bodys_own_angles_from_any_accepted_camera(exercise, yaw, pitch):
    """Exact landmarks with 1.5 px of noise: counts exact, each rep's peak and range of
    motion within 5 degrees of the anatomical truth (median over the reps), none over 8;
    holds within 0.3 s, the Nordic's break angle within 6 degrees, no form fault on a clean
    rep (the full sweep, every 15 degrees: `python -m benchmarks.sweep`)."""
    cell = measure((exercise, yaw, pitch, False, "", False))
    assert cell.count == 3
    assert cell.angles_pass, cell
    assert not cell.hold_worst_s > HOLD_MAX_S, cell
    assert not cell.break_worst_deg > BREAK_MAX_DEG, cell
    assert cell.clean_faults == (), cell


FAULT_CELLS = [(name, sign * min(45, int(EXERCISES[name].max_yaw_deg)))
               for name in MOVING if injectable_faults(name) for sign in (1, -1)]


@pytest.mark.parametrize(("exercise", "yaw"), FAULT_CELLS,
                         ids=[f"{e}-yaw{y:+d}" for e, y in FAULT_CELLS])
def test_each_fault_is_found_on_its_rep_only_from_a_turned_camera(exercise, yaw):
    """Each fault the patient can show, put on rep 2 and filmed from 45 degrees (or the
    exercise's limit) either way, looking down 20: found on that rep and no other."""
    cell = measure((exercise, yaw, 20, False, "", True))
    assert cell.missed_faults == (), cell


# Cells where a fault was missed before the fixes named beside them (not in FAULT_CELLS).
EDGE_FAULT_CELLS = [
    ("ball-squeeze", 60, 0),  # trunk sway: the shoulders lie outside the hips' planes
    ("single-leg-bridge", -15, 0),  # dropping hips: measured from the two-foot bridge
    ("single-leg-bridge", 60, 20),
]


@pytest.mark.parametrize(("exercise", "yaw", "pitch"), EDGE_FAULT_CELLS,
                         ids=[f"{e}-yaw{y:+d}-pitch{p}" for e, y, p in EDGE_FAULT_CELLS])
def test_faults_found_where_they_were_once_missed(exercise, yaw, pitch):
    cell = measure((exercise, yaw, pitch, False, "", True))
    assert cell.missed_faults == () and cell.clean_faults == (), cell


@pytest.mark.parametrize("yaw", [60, -60])
def test_the_trunk_lean_is_the_bodys_own_on_both_sides_when_turned(yaw):
    """The trunk is measured on the body's mid-plane: a shoulder cut with its hip's plane
    reads several degrees of lean that is not there, opposite on the two sides."""
    from repcam.core.filters import NoFilter
    from repcam.core.kinematics import Kinematics

    clip = clip_of("ball-squeeze", yaw, 0, fault="trunk_sway")
    kinematics = Kinematics(NoFilter, camera=track_camera(track_of(clip),
                                                          get_exercise("ball-squeeze")))
    for side in ("left", "right"):
        measured = np.array([kinematics.update(f.people[0], f.timestamp_ms, clip.camera.size_px)
                             .signals[f"trunk_lean_{side}"] for f in clip.frames])
        truth = clip.anatomical(f"trunk_lean_{side}")
        assert np.nanmax(np.abs(measured - truth)) < 2.0, side
        assert np.nanmax(truth) == pytest.approx(20.0, abs=0.5)  # the sway is there to see


@pytest.mark.parametrize("yaw", [0, 30])
def test_the_nordic_break_angle_is_not_moved_by_the_smoothing(yaw):
    """The break is fitted on the rep's raw lean: the jitter filter's lag would read it
    lower (2-5 degrees on a clean descent)."""
    spec = get_exercise("nordic")
    clip = clip_of("nordic", yaw, 0)
    result = analyse_track(track_of(clip), spec)
    assert result.count == 3
    assert max(break_errors_deg(clip, result, spec)) < 2.0


def test_the_truth_is_anatomical_and_the_picture_is_not(tmp_path):
    from repcam.synthetic.video import write_clip

    peaks = {}
    for yaw in (0, 30, 60):
        clip = clip_of("hamstring-curl", yaw, 0)
        truth = json.loads(write_clip(clip, tmp_path / f"y{yaw}.mp4").read_text())
        frames = truth["frames"]
        peaks[yaw] = (max(f["angles_deg"]["knee_flexion_left"] for f in frames),
                      max(f["projected_angles_deg"]["knee_flexion_left"] for f in frames))
    assert {round(anatomical) for anatomical, _ in peaks.values()} == {100}
    assert peaks[60][1] > peaks[0][1] + 10  # the picture foreshortens the turned leg


def test_the_camera_is_estimated_either_way_and_said():
    for yaw, towards in ((45, "from the front"), (-45, "from behind")):
        clip = clip_of("hamstring-curl", yaw, 20, noise_px=1.5)
        camera = track_camera(track_of(clip), get_exercise("hamstring-curl"))
        assert abs(camera.turned - 45) <= 5 and abs(camera.pitch_deg - 20) <= 5
        assert camera.rectifies and towards in camera.describe()
        assert "measured on the body's own plane" in camera.sentence()
    side_on = track_camera(track_of(clip_of("bridge", 0, 0, noise_px=1.5)))
    assert not side_on.rectifies and side_on.describe() == "filmed side-on"


def _world_turned(person: Landmarks, degrees: float) -> Landmarks:
    """The person with MediaPipe's 3D landmarks turned about the vertical (a depth bias)."""
    turn = np.radians(degrees)
    world = person.world_m.copy()
    x, z = world[:, 0].copy(), world[:, 2].copy()
    world[:, 0] = x * np.cos(turn) + z * np.sin(turn)
    world[:, 2] = z * np.cos(turn) - x * np.sin(turn)
    return Landmarks(person.image_px, person.visibility, world)


def test_where_the_fit_and_mediapipes_3d_disagree_their_mean_is_taken():
    """Filmed 30 degrees round, with MediaPipe's 3D reading 60: neither is believed alone;
    the angles are still corrected, and the view is said to be a rough one."""
    people = [f.people[0] for f in clip_of("hamstring-curl", 30, 0, noise_px=1.5).frames]
    agreed = estimate_view(people, (640, 360))
    assert agreed.trusted and abs(agreed.turned - 30) <= 3
    biased = [_world_turned(p, -30.0 if agreed.yaw_deg < 0 else 30.0) for p in people]
    camera = estimate_view(biased, (640, 360))
    assert not camera.trusted and camera.rectifies
    assert 40 <= camera.turned <= 50  # between the fit's 30 and the 3D's 60
    assert camera.describe().endswith("(roughly: the estimate is uncertain)")
    assert "measured on the body's own plane" in camera.sentence()


def test_form_is_not_judged_from_a_camera_known_only_roughly():
    """Read 20 degrees off, a clean bridge's hip line passed the arching limit on every rep:
    where the angles are corrected by a rough camera estimate, reps are counted and timed,
    form is not judged, and the result says so."""
    spec = get_exercise("bridge")
    track = track_of(clip_of("bridge", 30, 0, noise_px=1.0, fault="arching"))
    camera = track_camera(track, spec)
    assert camera.trusted and camera.rectifies
    judged = analyse_track(track, spec, camera=camera)
    assert [f.rep_index for f in judged.faults if f.fault == "arching"] == [2]
    assert not any("Form was not judged" in w for w in judged.warnings)
    rough = analyse_track(track, spec, camera=replace(camera, trusted=False))
    assert rough.count == judged.count == 3
    assert not [f for f in rough.faults if f.fault == "arching"]
    assert any(w.startswith("Form was not judged") for w in rough.warnings)


def test_a_bridge_filmed_from_the_feet_end_through_mediapipe_counts_every_rep(model_path,
                                                                            tmp_path):
    """The camera at the feet, 40 degrees round from end-on (the issue's real bridge): the
    fit alone read 30 and MediaPipe's 3D 50; taking neither counted 1 rep of 3."""
    cell = measure(Job("bridge", 50, 0, True, str(tmp_path), False))
    assert cell.count == 3


def test_alternating_legs_side_on_through_mediapipe_count_each_leg(model_path, tmp_path):
    """Side-on, MediaPipe does not see the far leg while both feet rest, only once it is
    lifted: its lifts counted 0 (3 reps of 6 on a longer set) until a hidden leg took the
    seen one's start."""
    plans = [RepPlan(side=side, floor=0.5, hold_s=2.0, rest_s=0.8)
             for side in ("left", "right", "left", "right")]
    clip = synthesize("single-leg-bridge", plans, camera=Camera(yaw_deg=0.0, pitch_deg=0.0), fps=10,
                      seed=2)
    result = analyse_track(rendered_track(clip, tmp_path), get_exercise("single-leg-bridge"))
    assert [rep.side for rep in result.reps] == ["left", "right", "left", "right"]


def test_a_camera_turned_beyond_what_the_exercise_accepts_is_refused_with_a_turn():
    clip = clip_of("nordic", 60, 0, noise_px=1.5)  # the Nordic is measured to 45 degrees
    result = analyse_track(track_of(clip), get_exercise("nordic"))
    assert result.problem is not None and result.problem.kind == "wrong_view"
    assert "Move the camera about 25 degrees round" in result.problem.message
    assert result.count == 3  # counted all the same: only the angles cannot be trusted


def test_a_front_view_says_which_way_and_how_far_to_turn():
    clip = synthesize("hamstring-curl", [RepPlan()] * 2, camera=Camera(yaw_deg=90.0), fps=10)
    result = analyse_track(track_of(clip), get_exercise("hamstring-curl"))
    assert result.problem.kind == "wrong_view"
    assert "front-on" in result.problem.message
    turn = int(result.problem.message.split("Move the camera about ")[1].split()[0])
    assert 30 <= turn <= 45  # 60 accepted; front-on is 80-90 degrees round
    assert "degrees round towards the person's side" in result.problem.message


def test_live_setup_accepts_a_turned_camera_and_says_its_angle():
    from repcam.folds.coaching import Workout

    spec = get_exercise("hamstring-curl")
    clip = clip_of("hamstring-curl", 45, 0, noise_px=1.0)
    session = run(clip, live=True).session
    angles = session.kinematics.update(clip.frames[5].people[0], 500.0, (640, 360))
    assert view_problem(spec, FrameCheck(1, 120.0, angles)) is None
    said = Workout(spec, 10, 1, 60.0)._setup(500.0, FrameCheck(1, 120.0, angles), True)
    assert said[0].text.startswith("Good, the camera is about 45 degrees round")
    nordic = run(clip_of("nordic", 60, 0, noise_px=1.0), live=True).session
    angles = nordic.kinematics.update(clip_of("nordic", 60, 0).frames[3].people[0], 300.0,
                                      (640, 360))
    assert view_problem(get_exercise("nordic"), FrameCheck(1, 120.0, angles)) == \
        "Turn side-on: move the camera about 25 degrees round, towards your side"


def test_each_rep_has_a_confidence_that_drops_when_it_was_hard_to_see():
    side_on = analyse_track(track_of(clip_of("hamstring-curl", 0, 0, noise_px=1.0)),
                            get_exercise("hamstring-curl"))
    turned = analyse_track(track_of(clip_of("hamstring-curl", 60, 20, noise_px=1.0)),
                           get_exercise("hamstring-curl"))
    shaky = analyse_track(track_of(clip_of("hamstring-curl", 0, 0, noise_px=6.0)),
                          get_exercise("hamstring-curl"))
    high = min(r.confidence for r in side_on.reps)
    assert high >= 0.8
    assert max(r.confidence for r in turned.reps) < high
    assert max(r.confidence for r in shaky.reps) < high


# -- the way in ---------------------------------------------------------------------------
def shifted(frames, offset_ms: float) -> list[PoseFrame]:
    return [replace(f, timestamp_ms=f.timestamp_ms + offset_ms) for f in frames]


def test_a_set_that_begins_lying_with_straight_legs_then_sets_the_feet():
    lying = synthesize("straight-leg-raise", [RepPlan(lift_s=0.5, hold_s=0.5, depth=0.01)],
                       fps=10)
    bridges = synthesize("bridge", [RepPlan(hold_s=1.0)] * 3, fps=10)
    start = lying.frames[-1].timestamp_ms + 100
    frames = (*lying.frames, *shifted(bridges.frames, start))
    result = analyse_track(LandmarkTrack(frames, 10.0, "x", "s"), get_exercise("bridge"))
    assert result.count == 3


def face_read_up(person: Landmarks) -> Landmarks:
    """MediaPipe's mistake on a raised camera: the nose of a body lying face down pointing
    up from between the ears in its world landmarks."""
    world = person.world_m.copy()
    ears_y = (world[Joint.LEFT_EAR, 1] + world[Joint.RIGHT_EAR, 1]) / 2
    world[Joint.NOSE, 1] = 2 * ears_y - world[Joint.NOSE, 1]
    return replace(person, world_m=world)


def test_a_prone_curl_read_face_up_while_the_legs_are_straight_counts_every_rep():
    clip = synthesize("prone-curl", [RepPlan(hold_s=1.0)] * 3, fps=10)
    straight = np.nanmax([clip.anatomical(f"knee_flexion_{s}") for s in SIDES], axis=0) < 45
    frames = [replace(f, people=tuple(face_read_up(p) for p in f.people)) if flip else f
              for f, flip in zip(clip.frames, straight, strict=True)]
    assert straight.sum() > len(frames) / 3  # rests and the start: a third of the clip
    track = LandmarkTrack(tuple(frames), 10.0, "x", "s")
    result = analyse_track(track, get_exercise("prone-curl"))
    assert result.count == 3 and result.half_reps == 0
    # Live, with no recording to look ahead in, the set is held face down from the first bend.
    analysis = SetAnalysis(get_exercise("prone-curl"))
    postures = [analysis.process(pose)[0].posture for pose in frames]
    first_bend = int(np.argmin(straight))
    assert set(postures[first_bend + 3:]) == {Posture.LYING_PRONE}


@pytest.mark.parametrize("leg_first", [False, True])
def test_a_single_leg_bridge_leg_first_or_bridge_first_counts(leg_first):
    plans = [RepPlan(side=side, leg_first=leg_first) for side in ("left", "right", "left")]
    result = run(synthesize("single-leg-bridge", plans, fps=10))
    assert result.count == 3
    assert [r.side for r in result.reps] == ["left", "right", "left"]


def test_a_nordic_begun_leaning_with_bent_hips_counts_and_is_flagged():
    plans = [RepPlan(fault="hip_bend")] * 3
    clip = synthesize("nordic", plans, fps=15)
    leaning = [f for f, p in zip(clip.frames, clip.timeline.progress, strict=True)
               if (f.timestamp_ms > clip.truth[0].start_ms and p > 0.25) or
               f.timestamp_ms > clip.truth[0].end_ms]  # it opens already leaning forwards
    result = run(replace(clip, frames=tuple(leaning)), "nordic")
    assert result.count == 3
    assert {f.fault for f in result.faults("hip_bend")} == {"hip_bend"}


def test_reps_done_without_a_pause_and_a_clip_that_opens_mid_rep():
    clip = synthesize("bridge", [RepPlan(hold_s=1.0, rest_s=0.0)] * 4, fps=15)
    mid = clip.truth[0].top_ms - 600  # on the way up of the first rep
    opened = replace(clip, frames=tuple(f for f in clip.frames if f.timestamp_ms >= mid))
    assert run(opened).count == 3  # the first, begun before the clip, is not a rep of it
    assert run(clip).count == 4


@pytest.mark.parametrize("exercise", ["bridge", "hamstring-curl"])
def test_reps_that_bounce_off_the_bottom_each_count(exercise):
    """Lowered three quarters of the way and straight up again: the next rep, not a wobble
    of this one (a real bridge set filmed from the head end does this)."""
    bounce = RepPlan(hold_s=1.0, rest_s=0.0, floor=0.22)
    plans = [RepPlan(hold_s=1.0), bounce, bounce, RepPlan(hold_s=1.0)]
    clip = synthesize(exercise, plans, fps=15, disturbance=Disturbance(noise_px=1.5), seed=2)
    result = run(clip)
    assert result.count == 4
    assert [round(r.start_ms / 1000) for r in result.reps] == \
        [round(r.start_ms / 1000) for r in clip.truth]


def test_a_person_lost_mid_set_resumes_without_a_new_start_position():
    plans = [RepPlan(hold_s=1.0)] * 4
    clip = synthesize("nordic", plans, fps=15)
    # Pushing back up from the hands hides the legs: nobody for 1.5 s in the second rep.
    hidden = (clip.truth[1].top_ms / 1000 + 0.4, clip.truth[1].top_ms / 1000 + 1.9)
    lost = synthesize("nordic", plans, fps=15, disturbance=Disturbance(dropout_block_s=hidden))
    result = run(lost)
    assert result.count == 4
    assert len(result.lost) == 1


def test_swapped_leg_labels_mid_rep_follow_the_working_leg():
    from repcam.core.landmarks import Joint, Landmarks

    clip = synthesize("hamstring-curl", [RepPlan()] * 3, fps=10)
    legs = [j for j in Joint if j.name.startswith(("LEFT_", "RIGHT_")) and
            j.name.split("_", 1)[1] in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")]
    order = np.arange(33)
    for joint in legs:
        order[joint] = Joint[joint.name.replace("LEFT", "TMP").replace("RIGHT", "LEFT")
                             .replace("TMP", "RIGHT")]
    top = clip.truth[1].top_ms

    def swap(frame):
        if not top - 300 <= frame.timestamp_ms <= top + 300:
            return frame
        person = frame.people[0]
        return replace(frame, people=(Landmarks(person.image_px[order],
                                                person.visibility[order],
                                                person.world_m[order]),))

    result = run(replace(clip, frames=tuple(swap(f) for f in clip.frames)))
    assert result.count == 3 and {r.side for r in result.reps} == {"left"}


def test_ankle_names_swapped_through_each_hold_leave_the_reps_on_the_lifted_leg():
    """As MediaPipe does 30 degrees from side-on: the knees keep their names, the ankles'
    come out the other way round as the foot lifts, for the whole hold, and meet on the foot
    as it lowers (no frame-to-frame jump to undo). The right leg's reading is the one that
    moves, so the reps begin on the right. The feet's rest says the left leg worked: a rep
    counted on the right at its top has its count moved to the left by its end."""
    from repcam.exercises.events import LegRenamed, Tally
    from repcam.folds.scoreboard import Scoreboard

    clip = clip_of("single-leg-bridge", 30, 0)
    parts = ("ANKLE", "HEEL", "FOOT_INDEX")

    def named(frame, left_from: str, right_from: str):
        order = np.arange(33)
        for part in parts:
            order[Joint[f"LEFT_{part}"]] = Joint[f"{left_from}_{part}"]
            order[Joint[f"RIGHT_{part}"]] = Joint[f"{right_from}_{part}"]
        return replace(frame, people=(frame.people[0].renamed(order),))

    def as_the_model_names(frame):
        for truth in clip.truth:
            since_top = frame.timestamp_ms - truth.top_ms
            if -900.0 <= since_top <= 1500.0:
                return named(frame, "RIGHT", "LEFT")
            if 1500.0 < since_top <= 2100.0:
                return named(frame, "LEFT", "LEFT")  # both on the lowering (left) foot
        return frame

    seen = replace(clip, frames=tuple(as_the_model_names(f) for f in clip.frames))
    result = run(seen)
    assert [r.side for r in result.reps] == ["left"] * 3
    assert result.session.analyser.tally == Tally(left=3)
    # Counted on the right at the top (the feet had not yet told), moved as each rep ended.
    renamed = [e for e in result.events if isinstance(e, LegRenamed)]
    assert [(e.rep_index, e.side) for e in renamed] == [(1, "left"), (2, "left"), (3, "left")]
    board = Scoreboard("Single-leg bridge")  # what the live screen shows
    board.apply(result.events, clip.frames[-1].timestamp_ms)
    assert board.tally == Tally(left=3)
    recorded = analyse_track(track_of(seen), get_exercise("single-leg-bridge"))
    assert recorded.tally == Tally(left=3)


# -- look-alikes are not reps ---------------------------------------------------------------
@pytest.mark.parametrize("name", list(LOOK_ALIKES))
def test_a_look_alike_counts_no_rep_and_says_what_it_looks_like(name):
    mimicked = LOOK_ALIKES[name][1]
    clip = synthesize(name, [RepPlan()] * 3, fps=10)
    result = analyse_track(track_of(clip), get_exercise(mimicked))
    assert result.count == 0
    assert result.problem is not None and result.problem.kind == "look_alike"
    assert "looks like a" in result.problem.message


@pytest.mark.parametrize("exercise", ["bridge", "hamstring-curl", "prone-curl"])
def test_the_real_exercise_still_counts_beside_its_look_alikes(exercise):
    clip = synthesize(exercise, [RepPlan()] * 3, fps=10)
    assert analyse_track(track_of(clip), get_exercise(exercise)).count == 3


def test_a_clean_set_from_a_turned_camera_has_no_form_faults():
    for exercise in ("hamstring-curl", "bridge", "seated-band-curl"):
        clip = clip_of(exercise, 45, 20, noise_px=1.5)
        result = analyse_track(track_of(clip), get_exercise(exercise))
        assert [f for f in result.faults if f.fault not in ("short_hold", "partial")] == []


def test_errors_against_the_truth_are_measured_on_the_working_leg():
    clip = clip_of("single-leg-bridge", 0, 0)
    result = analyse_track(track_of(clip), get_exercise("single-leg-bridge"), camera=SIDE_ON)
    peaks, _ranges = errors(clip, result)
    assert len(peaks) == 3 and max(peaks) < 3


@pytest.mark.usefixtures("model_path")
def test_the_analyse_command_states_the_camera(tmp_path):
    from repcam.synthetic.video import write_clip

    video = tmp_path / "turned.mp4"
    write_clip(clip_of("hamstring-curl", 45, 0), video)
    done = repcam("analyse", str(video), "-e", "hamstring-curl", "--out", str(tmp_path / "o"))
    assert done.returncode == 0, done.stderr
    assert "Camera: filmed about 45 degrees from side-on, from the front" in done.stdout
    document = json.loads((tmp_path / "o" / "session.json").read_text())
    assert document["camera"]["angles"] == "measured on the body's own plane"
    assert 0 < document["reps"][0]["confidence"] <= 1


# -- through MediaPipe ----------------------------------------------------------------------
# Turned cells that pass through MediaPipe on the rendered figure today (the full rendered
# sweep, `python -m benchmarks.sweep --rendered`, passes 56 of 190: see the README), kept as
# a guard so the rendered path does not slip back where it works. Hamstring curl at 45
# looking down passes since the foot's length counts a quarter in the camera fit.
RENDERED = [("hamstring-curl", 30, 20), ("hamstring-curl", 45, 20), ("bridge", 15, 20),
            ("nordic", 30, 0), ("ball-squeeze", 45, 0)]


@pytest.mark.parametrize(("exercise", "yaw", "pitch"), RENDERED,
                         ids=[f"{e}-yaw{y:+d}-pitch{p}" for e, y, p in RENDERED])
def test_turned_cameras_through_mediapipe(exercise, yaw, pitch, model_path, tmp_path):
    cell = measure((exercise, yaw, pitch, True, str(tmp_path), False))
    assert cell.passes, cell


@pytest.mark.parametrize(("exercise", "yaw", "pitch"),
                         [("bridge", 0, 0), ("prone-curl", -30, 20), ("nordic", 45, 0)])
def test_a_whole_track_measured_at_once_equals_it_frame_by_frame(exercise, yaw, pitch):
    """Replay and recognition measure a track in one pass of arrays; live measures a frame
    at a time: the same angles, postures and sides, the smoothing included."""
    from repcam.core.kinematics import Kinematics

    clip = clip_of(exercise, yaw, pitch)
    camera = track_camera(track_of(clip), get_exercise(exercise))
    people = [None if 20 <= i < 25 else f.people[0] for i, f in enumerate(clip.frames)]
    times = [f.timestamp_ms for f in clip.frames]
    batch = Kinematics(camera=camera).measure(people, times, clip.camera.size_px)
    single = Kinematics(camera=camera)
    one_by_one = [single.update(p, t, clip.camera.size_px)
                  for p, t in zip(people, times, strict=True)]
    assert camera.rectifies == (yaw != 0 or pitch != 0)
    assert [f.posture for f in batch] == [f.posture for f in one_by_one]
    assert [f.near_side for f in batch] == [f.near_side for f in one_by_one]
    assert sum(not f.present for f in batch) == 5
    for whole, alone in zip(batch, one_by_one, strict=True):
        assert whole.signals.keys() == alone.signals.keys()
        np.testing.assert_allclose(list(whole.signals.values()), list(alone.signals.values()),
                                   rtol=1e-9, atol=1e-9)
