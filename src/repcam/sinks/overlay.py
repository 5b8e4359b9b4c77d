"""Draw what the person should see onto a BGR frame: skeleton, working angle, count, hold, cue.

Drawing is in place and sized from the frame, so a 4K recording and a 640x480 webcam get the
same look. The overlay reads a `Scoreboard`; it knows nothing about particular exercises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from repcam.core.kinematics import VISIBLE, AngleFrame
from repcam.core.landmarks import Joint
from repcam.core.sides import Side
from repcam.exercises.spec import ExerciseSpec, signal_value, signal_vertex
from repcam.folds.scoreboard import Scoreboard

J = Joint
BONES: tuple[tuple[Joint, Joint], ...] = (
    (J.LEFT_SHOULDER, J.RIGHT_SHOULDER), (J.LEFT_HIP, J.RIGHT_HIP),
    (J.LEFT_SHOULDER, J.LEFT_HIP), (J.RIGHT_SHOULDER, J.RIGHT_HIP),
    (J.LEFT_SHOULDER, J.LEFT_ELBOW), (J.LEFT_ELBOW, J.LEFT_WRIST),
    (J.RIGHT_SHOULDER, J.RIGHT_ELBOW), (J.RIGHT_ELBOW, J.RIGHT_WRIST),
    (J.LEFT_HIP, J.LEFT_KNEE), (J.LEFT_KNEE, J.LEFT_ANKLE),
    (J.LEFT_ANKLE, J.LEFT_HEEL), (J.LEFT_HEEL, J.LEFT_FOOT_INDEX),
    (J.LEFT_ANKLE, J.LEFT_FOOT_INDEX),
    (J.RIGHT_HIP, J.RIGHT_KNEE), (J.RIGHT_KNEE, J.RIGHT_ANKLE),
    (J.RIGHT_ANKLE, J.RIGHT_HEEL), (J.RIGHT_HEEL, J.RIGHT_FOOT_INDEX),
    (J.RIGHT_ANKLE, J.RIGHT_FOOT_INDEX),
)

WHITE, BLACK = (255, 255, 255), (0, 0, 0)
NEAR_COLOUR = (80, 220, 255)  # amber: the working side
FAR_COLOUR = (200, 160, 110)  # muted blue: the far side
GOOD, CUE_BG, PANEL_BG = (90, 200, 90), (40, 60, 220), (30, 30, 30)
FONT = cv2.FONT_HERSHEY_SIMPLEX


@dataclass(frozen=True)
class Hud:
    """Live-only figures drawn in a corner (empty for recorded videos)."""

    fps: float | None = None
    latency_ms: float | None = None
    dropped: int = 0
    paused: bool = False
    muted: bool = False

    def text(self) -> str:
        parts = []
        if self.fps is not None:
            parts.append(f"{self.fps:4.1f} fps")
        if self.latency_ms is not None:
            parts.append(f"latency {self.latency_ms:3.0f} ms")
        if self.dropped:
            parts.append(f"dropped {self.dropped}")
        if self.muted:
            parts.append("muted")
        return "  ".join(parts)


def draw_overlay(image: np.ndarray, angles: AngleFrame, board: Scoreboard, spec: ExerciseSpec,
                 *, side: Side | None = None, hud: Hud | None = None) -> np.ndarray:
    scale = max(0.5, min(image.shape[:2]) / 720.0)
    if angles.person is not None:
        _draw_skeleton(image, angles, scale)
        _draw_working_angle(image, angles, spec, side or angles.near_side, scale)
    _draw_panel(image, board, spec, scale)
    if board.holding and board.hold_target_ms:
        _draw_hold_ring(image, board, scale)
    _draw_banner(image, board, scale)
    if hud is not None:
        _draw_hud(image, hud, scale)
    return image


def _point(angles: AngleFrame, joint: Joint) -> tuple[int, int] | None:
    person = angles.person
    assert person is not None
    xy = person.image_px[joint, :2]
    if person.visibility[joint] < VISIBLE or not np.all(np.isfinite(xy)):
        return None
    return round(float(xy[0])), round(float(xy[1]))


def _draw_skeleton(image: np.ndarray, angles: AngleFrame, scale: float) -> None:
    thickness = max(2, int(4 * scale))
    for a, b in BONES:
        pa, pb = _point(angles, a), _point(angles, b)
        if pa is None or pb is None:
            continue
        near = angles.near_side.upper() in a.name or angles.near_side.upper() in b.name
        cv2.line(image, pa, pb, NEAR_COLOUR if near else FAR_COLOUR, thickness, cv2.LINE_AA)
    for joint in Joint:
        if joint >= Joint.LEFT_SHOULDER and (p := _point(angles, joint)) is not None:
            cv2.circle(image, p, thickness + 1, WHITE, -1, cv2.LINE_AA)


def _draw_working_angle(image: np.ndarray, angles: AngleFrame, spec: ExerciseSpec, side: Side,
                        scale: float) -> None:
    signal = spec.signal_for(angles.view)
    value = signal_value(angles, signal.angle, side)
    vertex = _point(angles, Joint[f"{side.upper()}_{signal_vertex(signal.angle)}"])
    if vertex is None or not math.isfinite(value):
        return
    radius = int(34 * scale)
    cv2.circle(image, vertex, radius, NEAR_COLOUR, max(2, int(3 * scale)), cv2.LINE_AA)
    label = f"{value:.0f}"
    origin = (vertex[0] + radius + int(6 * scale), vertex[1] - radius)
    _text(image, f"{label} {signal.unit}", origin, 0.8 * scale, NEAR_COLOUR, outline=True)


def _draw_panel(image: np.ndarray, board: Scoreboard, spec: ExerciseSpec, scale: float) -> None:
    pad = int(12 * scale)
    width, height = int(300 * scale), int(128 * scale)
    _shade(image, (pad, pad), (pad + width, pad + height), PANEL_BG, 0.65)
    x = 2 * pad
    _text(image, board.title, (x, pad + int(28 * scale)), 0.7 * scale, WHITE)
    target = f"/{board.target_reps}" if board.target_reps else ""
    _text(image, f"{board.count}{target}", (x, pad + int(86 * scale)), 1.9 * scale, WHITE,
          thickness=max(2, int(4 * scale)))
    details = []
    if board.sets > 1:
        details.append(f"set {board.set_number}/{board.sets}")
    if spec.per_side:
        details.append(f"L {board.tally.left}  R {board.tally.right}")
    if board.last_rep is not None and not board.last_rep.faults:
        details.append("good rep")
    _text(image, "  ".join(details), (x, pad + int(116 * scale)), 0.6 * scale, WHITE)


def _draw_hold_ring(image: np.ndarray, board: Scoreboard, scale: float) -> None:
    radius = int(48 * scale)
    centre = (image.shape[1] - radius - int(24 * scale), radius + int(24 * scale))
    thickness = max(4, int(10 * scale))
    cv2.circle(image, centre, radius, (70, 70, 70), thickness, cv2.LINE_AA)
    sweep = 360.0 * board.hold_fraction
    colour = GOOD if board.hold_fraction >= 1.0 else NEAR_COLOUR
    cv2.ellipse(image, centre, (radius, radius), -90.0, 0.0, sweep, colour, thickness,
                cv2.LINE_AA)
    remaining = max(0.0, (board.hold_target_ms - board.hold_ms) / 1000.0)
    label = f"{math.ceil(remaining)}" if remaining > 0 else "OK"
    size = cv2.getTextSize(label, FONT, 1.2 * scale, 3)[0]
    _text(image, label, (centre[0] - size[0] // 2, centre[1] + size[1] // 2), 1.2 * scale, WHITE,
          thickness=max(2, int(3 * scale)))


def _draw_banner(image: np.ndarray, board: Scoreboard, scale: float) -> None:
    text, background = (board.cue, CUE_BG) if board.cue else (board.status, PANEL_BG)
    if not text:
        return
    size, thickness = 0.9 * scale, max(2, int(2 * scale))
    lines = _wrap(text, image.shape[1] - int(36 * scale), size, thickness)
    line_height = int(38 * scale)
    height = line_height * len(lines) + int(16 * scale)
    bottom = image.shape[0]
    _shade(image, (0, bottom - height), (image.shape[1], bottom), background, 0.8)
    for i, line in enumerate(lines):
        y = bottom - height + int(8 * scale) + line_height * (i + 1) - int(10 * scale)
        _text(image, line, (int(18 * scale), y), size, WHITE, thickness=thickness)


def _wrap(text: str, width_px: int, size: float, thickness: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and cv2.getTextSize(candidate, FONT, size, thickness)[0][0] <= width_px:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _draw_hud(image: np.ndarray, hud: Hud, scale: float) -> None:
    text = "PAUSED  (space to resume)" if hud.paused else hud.text()
    if text:
        y = image.shape[0] - int(66 * scale)
        _text(image, text, (int(18 * scale), y), 0.55 * scale, WHITE, outline=True)


def _shade(image: np.ndarray, top_left: tuple[int, int], bottom_right: tuple[int, int],
           colour: tuple[int, int, int], alpha: float) -> None:
    (x0, y0), (x1, y1) = top_left, bottom_right
    x0, y0 = max(0, x0), max(0, y0)
    region = image[y0:y1, x0:x1]
    if region.size:
        region[:] = (region * (1 - alpha) + np.array(colour) * alpha).astype(image.dtype)


def _text(image: np.ndarray, text: str, origin: tuple[int, int], size: float,
          colour: tuple[int, int, int], *, thickness: int = 2, outline: bool = False) -> None:
    if outline:
        cv2.putText(image, text, origin, FONT, size, BLACK, thickness + 3, cv2.LINE_AA)
    cv2.putText(image, text, origin, FONT, size, colour, thickness, cv2.LINE_AA)
