"""The generic rep engine: one state machine for every moving exercise.

Progress is the working angle normalised by the person's own range: the start value is
learned in the start position (within the spec's bounds) and the range from the reps done
so far (the first rep needs only `min_rom`), so a stiff person still counts while a
half-rep against their own range is flagged. Time only comes from frame timestamps.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from repcam.core.camera_view import SIDE_ON, CameraView
from repcam.core.kinematics import SIDES, AngleFrame, Side, View, joint_of
from repcam.exercises.events import (
    Event,
    Fault,
    FaultDetected,
    HoldCompleted,
    HoldProgress,
    LegRenamed,
    PositionLost,
    PositionReady,
    RepCompleted,
    RepMetrics,
    RepStarted,
    RepWithdrawn,
    Tally,
    TopReached,
)
from repcam.exercises.faults import FaultMonitor
from repcam.exercises.leg_roles import RestingFeet
from repcam.exercises.spec import (
    ExerciseSpec,
    Phase,
    RepContext,
    signal_joints,
    signal_value,
)

REST_PROGRESS = 0.06  # below this the body is at rest (about landmark jitter)
MEDIAN_WINDOW = 5  # samples: one odd landmark frame must not set the peak
BOUNCE_LOWERING_MS = 300.0  # a lowering this short is a landmark jump, not a bounce
REST_MARGIN = 0.02  # the resting snapshot is taken this close to the lowest progress
RISING_MS = 300.0  # a rep still rising this long before the video ended was cut off
SWAP_JUMP_DEG = 30.0  # more than a leg moves between two frames: the labels were swapped
TAKEOVER_FRAMES = 3  # the other leg leading this long, the rep is its (a glitch is 1 frame)
FORGET_MS = 8000.0  # lost this long, an open rep is closed; the set itself goes on
MOTION_WINDOW_MS = 3000.0  # a start seen in the movement: its low point within this
# The rested feet name a rep's leg when they tell it in this many of its frames, and this
# share of them, agreeing this much: a rep held 1.5 s at 15 frames a second has 20 at the top.
LEG_VOTES_MIN = 5
LEG_VOTES_SHARE = 0.25
LEG_VOTES_AGREE = 0.8


@dataclass
class _Rep:
    """The rep in progress: its samples are kept to measure hold and tempo exactly."""

    index: int
    side: Side
    start_ms: float
    start_deg: float
    context_signals: dict[str, float]
    samples: list[tuple[float, float]] = field(default_factory=list)
    raw_samples: list[tuple[float, float]] = field(default_factory=list)  # unsmoothed
    counted: bool = False
    live_hold_ms: float = 0.0
    highest_signals: dict[str, float] = field(default_factory=dict)
    seen: list[float] = field(default_factory=list)  # the working joints' visibility, per frame
    refused: str = ""  # the exercise's position missing at the start (sticky) or the top
    refused_at_start: bool = False
    rise_from_ms: float = math.nan  # the last moment at the timing level before lifting
    left_top_ms: float = math.nan
    valley: tuple[float, float] | None = None  # lowering: the lowest (progress, time) so far
    # The other leg's last frames of this rep: (its lead in progress, its value).
    rival: deque[tuple[float, float]] = field(
        default_factory=lambda: deque(maxlen=TAKEOVER_FRAMES))
    other_seen: bool = True  # the other leg was seen in the rep's last frame
    # Per frame, the leg the rested feet said was working (where the picture told).
    leg_votes: Counter[Side] = field(default_factory=Counter)

    def note(self, signals: Mapping[str, float], seen: float) -> None:
        raise_highest(self.highest_signals, signals)
        self.seen.append(seen)

    @property
    def peak_deg(self) -> float:
        return max((v for _, v in self.samples), default=self.start_deg)


def raise_highest(highest: dict[str, float], signals: Mapping[str, float]) -> None:
    for name, value in signals.items():
        if not math.isnan(value) and value > highest.get(name, -math.inf):
            highest[name] = value


def position_ok(spec: ExerciseSpec, frame: AngleFrame, *, moving: bool = False) -> bool:
    """The person is there, with the needed joints in view, and (before a rep) in the
    exercise's posture: during a rep the posture may change (a Nordic ends on the hands)."""
    if not frame.present or (not moving and frame.posture not in spec.postures):
        return False
    return not spec.joints_out_of_frame(frame)


class AnalyserState:
    """What every analyser shows the outside world: phase, counts, reps, progress."""

    def __init__(self, spec: ExerciseSpec, side: Side | str | None = None) -> None:
        if side not in (None, *SIDES):
            raise ValueError(f"side must be left, right or None, got {side!r}")
        self.spec = spec
        self.signal = spec.signal  # the side view's, or the front view's once seen from there
        self.forced_side = Side(side) if side else None
        self.phase = Phase.SETUP
        self.tally = Tally()  # the one count: events carry it, nobody else keeps one
        self.reps: list[RepMetrics] = []
        self.progress = 0.0
        self.look_alikes: Counter[str] = Counter()  # reps refused: what they looked like
        self._side = self.forced_side or Side.LEFT
        self._faults = FaultMonitor(spec)

    @property
    def count(self) -> int:
        return self.tally.total


class RepAnalyser(AnalyserState):
    """Feed `AngleFrame`s in time order; get the events of each frame back."""

    def __init__(self, spec: ExerciseSpec, side: Side | str | None = None) -> None:
        super().__init__(spec, side)
        self._t = spec.thresholds
        self._start_deg: dict[str, float] = {}
        self._hidden_at_rest: set[Side] = set()  # legs the model could not see at the start
        self._roms: list[float] = []
        self._settle: list[tuple[float, dict[str, float]]] = []
        self._last_seen_ms: float | None = None
        self._first_ms: float | None = None
        self._last_bottom_ms = 0.0
        self._rest_signals: dict[str, float] = {}
        # Since the last still frame: a rep's highest begins there (a single-leg bridge's
        # hips rise on both feet before the leg lifts and the rep begins).
        self._highest_since_rest: dict[str, float] = {}
        self._at_level_ms = 0.0  # the last frame at the timing level: lifting begins
        self._back_since_ms: float | None = None
        self._rest_progress = math.inf
        self._rep: _Rep | None = None
        self._camera: CameraView = SIDE_ON
        self._lost = False
        self._recent: list[tuple[float, dict[str, float]]] = []  # setup: the last seconds
        self._feet = RestingFeet()

    # -- the learned range -------------------------------------------------------------
    @property
    def range_deg(self) -> float:
        if not self._roms:
            return self.signal.min_rom / self._t.enter_top
        rom = statistics.median(self._roms)
        return min(max(rom, self.signal.min_rom), self.signal.max_rom)

    def _value(self, frame: AngleFrame, side: Side) -> float:
        return signal_value(frame, self.signal.angle, side)

    def _raw_value(self, frame: AngleFrame) -> float:
        raw = signal_value(frame, self.signal.angle, self._side, raw=True)
        return self._value(frame, self._side) if math.isnan(raw) else raw

    def _working_visibility(self, frame: AngleFrame) -> float:
        """How well the model saw the joints of the working side's signal (the least seen)."""
        if frame.person is None:
            return 0.0
        joints = signal_joints(self.signal.angle)
        return float(min((frame.person.visibility[joint_of(self._side, name)]
                          for name in joints), default=1.0))

    def _progress(self, frame: AngleFrame, side: Side) -> float:
        return self._progress_of(self._value(frame, side), side)

    def _progress_of(self, value: float, side: Side) -> float:
        start = self._start_deg.get(side, next(iter(self._start_deg.values())))
        return (value - start) / self.range_deg

    def _sides(self, frame: AngleFrame) -> tuple[str, ...]:
        if self.forced_side:
            return (self.forced_side,)
        if self.signal.side_mode == "near":
            return (frame.near_side,)
        return tuple(s for s in SIDES if s in self._start_deg) or SIDES

    # -- per frame -----------------------------------------------------------------------
    def update(self, frame: AngleFrame) -> list[Event]:
        t = frame.timestamp_ms
        self._camera = frame.camera
        if self._first_ms is None:
            self._first_ms = t
        if not position_ok(self.spec, frame, moving=self._rep is not None):
            return self._absent(t)
        self._last_seen_ms, self._lost = t, False
        events = self._settle_start(frame) if self.phase is Phase.SETUP else []
        if self.phase is Phase.SETUP:
            return events
        self._start_seen_legs(frame)
        if self.phase is Phase.READY:
            # The leg furthest from its start, of those seen (an unseen one tells nothing).
            seen = [s for s in self._sides(frame) if not math.isnan(self._value(frame, s))]
            self._side = max(seen, key=lambda s: self._progress(frame, s), default=self._side)
            # If the person turned round, the start value carries over to the other side.
            self._start_deg.setdefault(self._side, next(iter(self._start_deg.values())))
        elif self._rep is not None:
            self._follow_swapped_legs(frame)
        value = self._value(frame, self._side)
        if math.isnan(value):
            value = self._hidden_back_at_rest(frame)
            if math.isnan(value):
                return events
        self.progress = self._progress_of(value, self._side)
        events += self._step(frame, value)
        if self._rep is not None:
            self._rep.note(frame.signals, self._working_visibility(frame))
            self._vote_leg(self._rep, frame)
            context = RepContext(self._rep.context_signals, self._side, self._rep.peak_deg,
                                 self._rep.highest_signals)
            events += self._faults.check_frame(frame, self.phase, context, self._rep.index)
        return events

    def _start_seen_legs(self, frame: AngleFrame) -> None:
        """Either leg may be the one working (alternating legs): one the model could not
        see when the start settled (the far leg side-on, hidden until it lifts) starts where
        the other did once it is seen, at rest or already rising (it may take the rep over
        from the near leg, whose reading rose with the hips). A leg seen resting elsewhere
        (the seated curl's planted one) is no working leg."""
        if not self._legs_take_turns():
            return
        start = next(iter(self._start_deg.values()))
        for side in self._hidden_at_rest - self._start_deg.keys():
            if not math.isnan(self._value(frame, side)):
                self._start_deg[side] = start

    def _hidden_back_at_rest(self, frame: AngleFrame) -> float:
        """The working leg's value where the model lost it: its start value if it was hidden
        at rest and the other, the stance leg, is at rest at its own start (the far leg lies
        behind the near one again), else NaN (a dropout: nothing is known). Where the other
        leg is no stance leg (held up in the air), its start tells nothing."""
        other = self._side.other
        if self._rep is None or not self._feet_name_legs() \
                or self._side not in self._hidden_at_rest or other not in self._start_deg:
            return math.nan
        other_value = self._value(frame, other)
        if math.isnan(other_value) or self._progress_of(other_value, other) > REST_PROGRESS:
            return math.nan
        return self._start_deg[self._side]

    def _ready(self, frame: AngleFrame, start_deg: dict[str, float]) -> None:
        self._start_deg, self.phase = start_deg, Phase.READY
        self._hidden_at_rest = {s for s in SIDES if s not in start_deg
                                and math.isnan(self._value(frame, s))}

    def _follow_swapped_legs(self, frame: AngleFrame) -> None:
        """MediaPipe may swap the left and right legs mid-rep (a body lying side-on, legs
        crossing): the working leg is the one that continues the rep's movement, not a
        label. Swapped only on a jump no leg makes in a frame that the other label explains,
        both legs seen the frame before (a leg coming into view has swapped with nothing)."""
        rep = self._rep
        if not self._legs_take_turns() or rep is None:
            return
        last = rep.samples[-1][1]
        here, there = self._value(frame, self._side), self._value(frame, self._side.other)
        other_was_seen, rep.other_seen = rep.other_seen, not math.isnan(there)
        if other_was_seen and abs(here - last) > SWAP_JUMP_DEG \
                and abs(there - last) < SWAP_JUMP_DEG / 2:
            self._start_deg.setdefault(self._side.other, self._start_deg[self._side])
            self._side = self._side.other

    def _legs_take_turns(self) -> bool:
        """Either leg may do the rep, and which one did is for the analyser to find."""
        return self.signal.side_mode == "moving" and not self.forced_side

    def _feet_name_legs(self) -> bool:
        return self._legs_take_turns() and self.spec.stance_foot_stays

    def _vote_leg(self, rep: _Rep, frame: AngleFrame) -> None:
        if self._feet_name_legs() and frame.person is not None:
            leg = self._feet.working_leg(frame.person)
            if leg is not None:
                rep.leg_votes[leg] += 1

    def _leg_at_work(self) -> Side:
        """The rep's leg: the one the rested feet named, if they did in enough of the rep's
        frames (the model's ankle names may swap as the foot lifts; a stray frame or two
        tell nothing), else the one read."""
        rep = self._rep
        assert rep is not None
        votes = rep.leg_votes.most_common()
        if not votes:
            return rep.side
        leg, frames = votes[0]
        enough = max(LEG_VOTES_MIN, LEG_VOTES_SHARE * len(rep.samples))
        clear = frames >= LEG_VOTES_AGREE * sum(n for _, n in votes)
        return leg if frames >= enough and clear else rep.side

    def _other_leg_lead(self, frame: AngleFrame) -> float:
        """How much further from its start the other leg is than the rep's, in progress,
        while a rep rises to its first top (NaN where legs do not take over: a forced side,
        the near side's signal, a counted rep, an unknown start)."""
        rep = self._rep
        if not self._legs_take_turns() or rep is None \
                or rep.counted or self._side.other not in self._start_deg:
            return math.nan
        return self._progress(frame, self._side.other) - self._progress(frame, self._side)

    def _other_leg_took_over(self, frame: AngleFrame) -> bool:
        """The other leg has led by more than `leave_start` for `TAKEOVER_FRAMES` frames,
        moving smoothly: that one is working (the resting leg's reading wobbled up first, as
        the model saw the other begin to move). A landmark glitch jumps; it takes no rep."""
        lead = self._other_leg_lead(frame)
        if math.isnan(lead):
            return False
        rival = self._rep.rival
        rival.append((lead, self._value(frame, self._side.other)))
        values = [v for _, v in rival]
        return len(rival) == TAKEOVER_FRAMES \
            and all(lead > self._t.leave_start for lead, _ in rival) \
            and all(abs(b - a) < SWAP_JUMP_DEG for a, b in itertools.pairwise(values))

    def _switch_working_leg(self, frame: AngleFrame) -> list[Event]:
        """The same rep, begun again on the leg that does it (from the same last rest)."""
        self._side = self._side.other
        self.progress = self._progress(frame, self._side)
        return self._begin(frame, self._value(frame, self._side))

    def _absent(self, t: float) -> list[Event]:
        """Nobody, or not the exercise's position. A short gap holds the state; a longer one
        is said once, and the set resumes where it was when the person is seen again (a push
        back up from the hands hides the legs; someone walks in front). Only after
        `FORGET_MS` is an open rep closed: completed if counted, dropped if not."""
        if self.phase is Phase.SETUP or self._last_seen_ms is None:
            return []
        gap = t - self._last_seen_ms
        if gap < self._t.gap_ms:
            return []  # a short gap: hold the state, do not invent movement
        events: list[Event] = []
        if not self._lost:
            self._lost = True
            events.append(PositionLost(t, "the start position or the person was lost"))
        if gap >= FORGET_MS and self._rep is not None:
            if self._rep.counted:
                events += self._complete(self._last_seen_ms)
            self._rep, self.phase, self._back_since_ms = None, Phase.READY, None
        return events

    def _settle_start(self, frame: AngleFrame) -> list[Event]:
        """Wait until a plausible start position has been held still for `settle_ms`, or
        see it in the movement itself: someone who goes straight into their reps without a
        pause (or a clip that opens mid-rep) has rested at the low point of the last dip."""
        self._watch_from(frame.view)
        signal = self.signal
        values = {
            s: v for s in self._sides(frame)
            if signal.start_min <= (v := self._value(frame, s)) <= signal.start_max
        }
        if (ready := self._start_from_motion(frame)) is not None:
            return ready
        if not values:
            self._settle.clear()
            return []
        self._settle.append((frame.timestamp_ms, values))
        span = {s: [v[s] for _, v in self._settle if s in v] for s in values}
        if set(values) != set(self._settle[0][1]) or any(
            max(vs) - min(vs) > signal.settle_range for vs in span.values()
        ):
            self._settle = self._settle[-1:]
            return []
        # A recording that opens with the person already in position is ready at once.
        from_stream_start = self._settle[0][0] == self._first_ms
        needed_ms = min(self._t.settle_ms, 80.0) if from_stream_start else self._t.settle_ms
        if frame.timestamp_ms - self._settle[0][0] < needed_ms:
            return []
        self._ready(frame, {side: statistics.median(vs) for side, vs in span.items()})
        self._last_bottom_ms = frame.timestamp_ms
        return [PositionReady(frame.timestamp_ms)]

    def _start_from_motion(self, frame: AngleFrame) -> list[Event] | None:
        """READY from the low point of the last `MOTION_WINDOW_MS` when it is a plausible
        start and the body has clearly left it (as far as a rep begins)."""
        t, signal = frame.timestamp_ms, self.signal
        now = {s: self._value(frame, s) for s in self._sides(frame)}
        self._recent.append((t, now))
        self._recent = [(ts, v) for ts, v in self._recent if t - ts <= MOTION_WINDOW_MS]
        leave = self._t.leave_start * self.range_deg
        for side, value in now.items():
            # The first frames of a video are no low point: it may open mid-rise.
            lows = [(v[side], ts) for ts, v in self._recent
                    if side in v and ts > self._first_ms and not math.isnan(v[side])]
            if not lows:
                continue
            low, low_ms = min(lows)
            # The low point must be a start this exercise has: a curl rising from a straight
            # knee passes through a ball squeeze's bent start without resting there.
            if signal.start_min <= low <= signal.start_max and value - low > leave:
                self._ready(frame, {side: low})
                self._last_bottom_ms = low_ms
                self._recent.clear()
                return [PositionReady(t)]
        return None

    def _watch_from(self, view: View) -> None:
        """Measure with the signal that works from this camera view (chosen before a set,
        never during a rep); ranges learned from another view do not carry over."""
        signal = self.spec.signal_for(view)
        if signal is not self.signal:
            self.signal = signal
            self._roms.clear()
            self._settle.clear()

    def _step(self, frame: AngleFrame, value: float) -> list[Event]:
        t, p, th = frame.timestamp_ms, self.progress, self._t
        if self.phase is Phase.READY:
            if p <= min(th.at_start, REST_PROGRESS):
                self._last_bottom_ms = t  # the movement starts from the last still frame
                self._highest_since_rest = {}
                if self._feet_name_legs() and frame.person is not None:
                    self._feet.rest(frame.person)
            raise_highest(self._highest_since_rest, frame.signals)
            if p <= self._rest_progress + REST_MARGIN:
                # Fault rules compare with the body fully at rest, not as the rep begins
                # (hips may sag before the knee has visibly moved).
                self._rest_progress = min(p, self._rest_progress)
                self._rest_signals = dict(frame.signals)
            if value <= self._timing_level(self._start_deg[self._side]):
                self._at_level_ms = t
            if p <= th.at_start:
                self._track_start(frame)
            elif p > th.leave_start:
                return self._begin(frame, value)
            return []
        assert self._rep is not None
        if self.phase is Phase.OUT and self._other_leg_took_over(frame):
            return self._switch_working_leg(frame)
        self._rep.samples.append((t, value))
        self._rep.raw_samples.append((t, self._raw_value(frame)))
        back_at_start = self._confirmed_at_start(t, p)
        if self.phase is Phase.OUT:
            if p >= th.enter_top:
                refused = self._rep.refused if self._rep.refused_at_start else \
                    self._refused(frame, "top")
                if not refused:
                    return self._reach_top(t)
                self._rep.refused = refused  # up, but not in the exercise's position
            if back_at_start is None:
                return []
            if self._other_leg_lead(frame) > self._t.leave_start:
                # This leg fell back as the other rose: the other's rep, not a half-rep.
                return self._switch_working_leg(frame)
            return self._abandon(back_at_start)
        if self.phase is Phase.TOP:
            if p < th.exit_top:
                self.phase, self._rep.valley, self._rep.left_top_ms = Phase.BACK, (p, t), t
                return []
            return self._hold(t, value)
        if back_at_start is not None:
            return self._complete(back_at_start)
        return self._lowering(frame, value)

    def _lowering(self, frame: AngleFrame, value: float) -> list[Event]:
        """On the way back down. Up again from near the start (below `leave_start`, reached
        by lowering, not in a frame's jump): the next rep (people bounce off the bottom
        between reps); up again from higher: a wobble, still this rep."""
        t, p, th, rep = frame.timestamp_ms, self.progress, self._t, self._rep
        assert rep is not None and rep.valley is not None
        if p < rep.valley[0]:
            rep.valley = (p, t)
        bottom, bottom_ms = rep.valley
        lowered = bottom_ms - rep.left_top_ms >= BOUNCE_LOWERING_MS
        if lowered and bottom < th.leave_start and p > th.leave_start and \
                p > bottom + (th.leave_start - th.at_start):
            events = self._complete(bottom_ms)
            self._highest_since_rest, self._at_level_ms = dict(frame.signals), bottom_ms
            return [*events, *self._begin(frame, value)]
        if p >= th.enter_top:
            self.phase = Phase.TOP
        return []

    def _confirmed_at_start(self, t: float, p: float) -> float | None:
        """When the body got back to the start, once it has stayed there `confirm_ms`."""
        if p > self._t.at_start:
            self._back_since_ms = None
            return None
        if self._back_since_ms is None:
            self._back_since_ms = t
        return self._back_since_ms if t - self._back_since_ms >= self._t.confirm_ms else None

    def _track_start(self, frame: AngleFrame) -> None:
        """Follow slow drift of the resting position (never the start of a rise)."""
        signal = self.signal
        for side, current in self._start_deg.items():
            value = self._value(frame, side)
            if abs(value - current) < signal.settle_range:
                drifted = current + 0.05 * (value - current)
                self._start_deg[side] = min(max(drifted, signal.start_min),
                                            signal.start_max)

    def _refused(self, frame: AngleFrame, at: str) -> str:
        """What the movement looks like instead, if a requirement of the exercise's position
        fails now (`at` the top or the start); '' when all hold."""
        return next((r.instead for r in self.spec.requirements
                     if r.at == at and frame.view in r.views and not r.check(frame, self._side)),
                    "")

    def _begin(self, frame: AngleFrame, value: float) -> list[Event]:
        index = len(self.reps) + 1
        start_deg = self._start_deg[self._side]
        # The rep's samples begin at rest (its start and hold are measured from there).
        samples = [(self._last_bottom_ms, start_deg), (frame.timestamp_ms, value)]
        self._rep = _Rep(index, self._side, self._last_bottom_ms, start_deg,
                         self._rest_signals or dict(frame.signals), samples,
                         [samples[0], (frame.timestamp_ms, self._raw_value(frame))])
        self._rep.highest_signals = dict(self._highest_since_rest)
        self._rep.rise_from_ms = max(self._at_level_ms, self._last_bottom_ms)
        self._rep.refused = self._refused(frame, "start")
        self._rep.refused_at_start = bool(self._rep.refused)
        self.phase = Phase.OUT
        self._rest_progress = math.inf
        self._faults.new_rep()
        return [RepStarted(frame.timestamp_ms, index, self._side)]

    def _reach_top(self, t: float) -> list[Event]:
        assert self._rep is not None
        self.phase = Phase.TOP
        if self._rep.counted:
            return []
        self._rep.counted = True
        self._rep.side = self._leg_at_work()
        self.tally = self.tally.add(self._rep.side)
        return [TopReached(t, self._rep.index, self._rep.side, self.tally)]

    def _hold(self, t: float, value: float) -> list[Event]:
        rep = self._rep
        assert rep is not None
        if self.spec.hold_ms <= 0 or len(rep.samples) < 2:
            return []
        before = rep.live_hold_ms
        if value >= rep.peak_deg - self.signal.hold_band:
            rep.live_hold_ms += t - rep.samples[-2][0]
        events: list[Event] = [HoldProgress(t, rep.live_hold_ms, self.spec.hold_ms)]
        if before < self.spec.hold_ms <= rep.live_hold_ms:  # the moment the target is met
            events.append(HoldCompleted(t, rep.live_hold_ms))
        return events

    def _abandon(self, t: float) -> list[Event]:
        rep = self._rep
        assert rep is not None
        self._rep, self.phase, self._back_since_ms = None, Phase.READY, None
        self._last_bottom_ms = t
        if rep.refused:  # another movement that looks alike: not a half-rep of this one
            self.look_alikes[rep.refused] += 1
            return []
        peak_progress = (rep.peak_deg - rep.start_deg) / self.range_deg
        if peak_progress >= self._t.partial:
            return [FaultDetected(t, Fault.HALF_REP, self.spec.partial_cue, rep.index)]
        return []

    def _complete(self, t: float) -> list[Event]:
        rep = self._rep
        assert rep is not None
        rep.samples = [(ts, v) for ts, v in rep.samples if ts <= t]  # up to the return
        rep.raw_samples = [(ts, v) for ts, v in rep.raw_samples if ts <= t]
        renamed = self._rename_leg(t)
        metrics = self._measure(rep, t)
        self.reps.append(metrics)
        self._roms.append(metrics.peak_deg - metrics.start_deg)
        self._rep, self.phase, self._back_since_ms = None, Phase.READY, None
        self._last_bottom_ms = t
        late = self._faults.check_rep(metrics)
        if late:
            faults = (*metrics.faults, *(f.fault for f in late))
            metrics = RepMetrics(**{**metrics.__dict__, "faults": faults})
            self.reps[-1] = metrics
        return [*renamed, *late, RepCompleted(t, metrics)]

    def _rename_leg(self, t: float) -> list[Event]:
        """The leg the whole rep says, its count moved there if it was counted on the other
        (at its top the feet had not yet told)."""
        rep = self._rep
        assert rep is not None
        leg = self._leg_at_work()
        if leg is rep.side:
            return []
        self.tally = self.tally.add(rep.side, -1).add(leg)
        rep.side = leg
        return [LegRenamed(t, rep.index, leg, self.tally)]

    def _timing_level(self, start_deg: float) -> float:
        """Lifting and lowering are timed between the same two levels, this one and the top
        band, in every rep alike (timed from the still start, an equal-paced lowering read
        a quarter faster than its lift; timed from a threshold on the learned range, the
        first rep, whose range is not learned yet, read slower than the rest)."""
        return start_deg + self._t.at_start * self.signal.typical_rom

    def _tempo(self, rep: _Rep, times: list[float], values: list[float], first_top: float,
               last_top: float, end_ms: float) -> tuple[float, float]:
        level = self._timing_level(rep.start_deg)
        rise_from = max((t for t, v in zip(times, values, strict=True)
                         if t < first_top and v <= level), default=-math.inf)
        lowered = next((t for t, v in zip(times, values, strict=True)
                        if t > last_top and v <= level), end_ms)
        return first_top - max(rise_from, rep.rise_from_ms), lowered - last_top

    def _measure(self, rep: _Rep, end_ms: float) -> RepMetrics:
        """Hold and tempo from the rep's own samples, against its (robust) peak."""
        times = [t for t, _ in rep.samples]
        values = running_median([v for _, v in rep.samples], MEDIAN_WINDOW)
        # The first sample is the rest the rep began from, not a reading: a leg first seen
        # at its top (the far leg) must not pull the rest into the top band (a lift of -0.4 s).
        values[0] = rep.samples[0][1]
        peak = max(values)
        top = top_level(values, self.signal.hold_band)
        in_top = [v >= top - self.signal.hold_band for v in values]
        top_times = [t for t, inside in zip(times, in_top, strict=True) if inside]
        first_top, last_top = top_times[0], top_times[-1]
        hold_ms = held_ms(times, values, top - self.signal.hold_band)
        lift_ms, lower_ms = self._tempo(rep, times, values, first_top, last_top, end_ms)
        extras = self.spec.extras(rep.raw_samples) if self.spec.extras else {}
        confidence = rep_confidence(statistics.median(rep.seen) if rep.seen else 0.0,
                                    self._camera, values, peak - rep.start_deg)
        return RepMetrics(
            index=rep.index, side=rep.side, start_ms=rep.start_ms, end_ms=end_ms,
            signal=self.signal.angle, start_deg=rep.start_deg, peak_deg=peak,
            hold_ms=hold_ms, hold_target_ms=self.spec.hold_ms,
            lift_ms=lift_ms, lower_ms=lower_ms,
            faults=self._faults.rep_faults(), extras=extras, confidence=confidence,
        )

    def finish(self, timestamp_ms: float, *, source_ended: bool = True) -> list[Event]:
        """The end of the set: a counted rep is completed (never lost). If the video ended
        (`source_ended`) while the body was still rising, the top was never really reached
        (a rep cut off by the end of a short clip) and the count is taken back; a person who
        stops a live set keeps every rep they heard counted."""
        rep = self._rep
        if rep is None or not rep.counted:
            return []
        if source_ended and self.phase is not Phase.BACK and self._still_rising(rep):
            self._rep, self.phase = None, Phase.READY
            self.tally = self.tally.add(rep.side, -1)
            return [RepWithdrawn(timestamp_ms, rep.index, rep.side, self.tally)]
        return self._complete(timestamp_ms)

    def _still_rising(self, rep: _Rep) -> bool:
        """Still moving away from the start over its last `RISING_MS`, by more than the top's
        band: not yet at the top."""
        last_ms, last = rep.samples[-1]
        earlier = [v for t, v in rep.samples if t <= last_ms - RISING_MS]
        return bool(earlier) and last - earlier[-1] > self.signal.hold_band


def top_level(values: Sequence[float], band_deg: float) -> float:
    """Where a rep settles at the top: the median of the readings within `band_deg` of its
    highest. The hold is timed against this, so a brief overshoot on arrival (a pose model
    reads a joint swinging into place a few degrees past it) does not cut the hold short."""
    peak = max(values)
    return statistics.median(v for v in values if v >= peak - band_deg)


def held_ms(times: Sequence[float], values: Sequence[float], level: float) -> float:
    """How long `values` stay at or above `level` (dips below left out), each crossing
    placed between its two samples by linear interpolation: analysed at 15 frames a second,
    a hold would otherwise be counted in whole frames, up to 67 ms off at either end."""
    return sum((t1 - t0) * share_above(v0, v1, level)
               for (t0, v0), (t1, v1) in itertools.pairwise(zip(times, values, strict=True)))


def share_above(start: float, end: float, level: float) -> float:
    """The share of a straight step from `start` to `end` spent at or above `level`."""
    if start >= level and end >= level:
        return 1.0
    if start < level and end < level:
        return 0.0
    return (max(start, end) - level) / abs(end - start)


def rep_confidence(seen: float, camera: CameraView, values: list[float], rom: float) -> float:
    """0..1, how far a rep's numbers can be trusted: the working limb clearly seen (model
    visibility), the camera near side-on (a turned camera's correction is an estimate), and a
    steady signal (frame-to-frame jitter small against the range of the rep)."""
    clear = min(max((seen - 0.5) / 0.45, 0.0), 1.0)
    turn = camera.turned / 60.0 if camera.trusted else 0.6
    view = min(max(1.0 - 0.5 * turn * turn, 0.3), 1.0)
    wobble = [abs(a - 2 * b + c) for a, b, c in zip(values, values[1:], values[2:],
                                                     strict=False)]
    jitter = statistics.median(wobble) / max(abs(rom), 1.0) if wobble else 0.0
    return round(clear * view / (1.0 + 10.0 * jitter), 2)


def running_median(values: list[float], window: int) -> list[float]:
    """Centred running median (shorter at the ends): removes single-frame spikes."""
    half = window // 2
    return [statistics.median(values[max(0, i - half): i + half + 1])
            for i in range(len(values))]
