"""Draw the synthetic patient as video a pose model believes: plain OpenCV, no 3D engine.

Limbs are filled, tapered capsules shaded by a few nested, offset, lighter layers; the far
limbs are drawn first and darker; the head is a profile with hair, face, nose, eye, brow,
mouth and ear; a wall, a floor and a mat sit behind; light blur and sensor noise on top.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from repcam.landmarks import Joint
from repcam.synthetic.body import BodyPose, Camera, world_points
from repcam.synthetic.motions import Prop

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Look:
    skin: Color = (120, 160, 215)
    shirt: Color = (150, 80, 40)
    shorts: Color = (55, 55, 60)
    shoes: Color = (235, 235, 235)
    hair: Color = (30, 40, 60)
    wall: Color = (205, 210, 214)
    floor: Color = (110, 125, 140)
    mat: Color = (120, 90, 60)
    prop: Color = (60, 140, 200)
    far_shade: float = 0.72


# (from, to, radius at from, radius at to, part) in metres; drawn per side
_LIMBS = (
    ("HIP", "KNEE", 0.085, 0.060, "shorts"),
    ("KNEE", "ANKLE", 0.058, 0.038, "skin"),
    ("HEEL", "FOOT_INDEX", 0.038, 0.026, "shoes"),
    ("SHOULDER", "ELBOW", 0.048, 0.040, "shirt"),
    ("ELBOW", "WRIST", 0.038, 0.028, "skin"),
    ("WRIST", "INDEX", 0.030, 0.022, "skin"),
)


def _scale(color: Color, factor: float) -> Color:
    return tuple(int(min(255, max(0, c * factor))) for c in color)  # type: ignore[return-value]


def _capsule(image: np.ndarray, p0: np.ndarray, p1: np.ndarray, r0: float, r1: float,
             color: Color, light: np.ndarray, layers: int = 6) -> None:
    """A tapered capsule shaded by nested layers shifted towards the light."""
    direction = p1 - p0
    length = float(np.linalg.norm(direction))
    normal = np.array([-direction[1], direction[0]]) / length if length > 1e-6 else np.zeros(2)
    for k in range(layers):
        shrink = 1.0 - 0.55 * k / layers
        shift = light * 0.35 * k / layers * (r0 + r1) / 2
        shade = _scale(color, 0.78 + 0.42 * k / layers)
        a, b = p0 + shift, p1 + shift
        s0, s1 = max(r0 * shrink, 1.0), max(r1 * shrink, 1.0)
        quad = np.array([a + normal * s0, b + normal * s1, b - normal * s1, a - normal * s0])
        cv2.fillConvexPoly(image, np.round(quad).astype(np.int32), shade, cv2.LINE_AA)
        for centre, radius in ((a, s0), (b, s1)):
            cv2.circle(image, tuple(np.round(centre).astype(int)), round(radius), shade,
                       -1, cv2.LINE_AA)


class Renderer:
    """Renders one `BodyPose` seen by a `Camera` into a BGR frame."""

    def __init__(self, camera: Camera, look: Look = Look(), seed: int = 0,
                 props: tuple[Prop, ...] = ()) -> None:
        self.camera = camera
        self.look = look
        self.rng = np.random.default_rng(seed)
        self._background = self._draw_background()
        self._grain = self.rng.normal(0.0, 2.5, self._background.shape)
        self._rolling = tuple(p for p in props if p.under_heels)
        for prop in props:
            if not prop.under_heels:
                self._draw_prop(self._background, prop)

    def _px_per_m(self, depth: float) -> float:
        return self.camera.focal_px / max(depth, 1e-3)

    def _draw_background(self) -> np.ndarray:
        width, height = self.camera.size_px
        image = np.empty((height, width, 3), np.uint8)
        floor_points = np.array([[self.camera.target[0] + dx, 0.0, dz]
                                 for dx in (-3.0, 3.0) for dz in (-0.5, 0.5)])
        projected, _ = self.camera.project(floor_points)
        horizon = int(np.clip(projected[:, 1].min(), 0, height))
        ramp = np.linspace(1.0, 0.88, max(horizon, 1))[:, None, None]
        image[:horizon] = (np.array(self.look.wall)[None, None, :] * ramp).astype(np.uint8)
        image[horizon:] = self.look.floor
        mat = np.array([[self.camera.target[0] + dx, 0.0, dz]
                        for dx, dz in ((-1.3, -0.45), (1.3, -0.45), (1.3, 0.45), (-1.3, 0.45))])
        mat_px, _ = self.camera.project(mat)
        cv2.fillConvexPoly(image, np.round(mat_px[:, :2]).astype(np.int32), self.look.mat,
                           cv2.LINE_AA)
        return image

    def _draw_prop(self, image: np.ndarray, prop: Prop, heel_x: float = 0.0) -> None:
        x, y = prop.centre_m
        if prop.under_heels:
            x = heel_x
        if prop.kind == "circle":
            radius = prop.size_m[0]
            centre, depth = self.camera.project(np.array([[x, y, 0.0]]))
            r_px = radius * self._px_per_m(float(depth[0]))
            light = np.array([-0.5, -0.85])
            _capsule(image, centre[0], centre[0] + 0.01, r_px, r_px, self.look.prop, light, 8)
            return
        width, height = prop.size_m
        corners = np.array([[x + dx * width / 2, y + dy * height / 2, 0.0]
                            for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
        projected, _ = self.camera.project(corners)
        cv2.fillConvexPoly(image, np.round(projected).astype(np.int32), self.look.prop,
                           cv2.LINE_AA)

    def render(self, pose: BodyPose) -> np.ndarray:
        image = self._background.copy()
        world = world_points(pose)
        heel_x = float(world[[Joint.LEFT_HEEL, Joint.RIGHT_HEEL], 0].max())
        for prop in self._rolling:
            self._draw_prop(image, prop, heel_x)
        projected, depth = self.camera.project(world)
        xy = projected
        hip_depth = float(depth[[Joint.LEFT_HIP, Joint.RIGHT_HIP]].mean())
        scale = self._px_per_m(hip_depth)
        light = np.array([-0.5, -0.85])
        left_far = depth[Joint.LEFT_HIP] > depth[Joint.RIGHT_HIP]
        far, near = ("left", "right") if left_far else ("right", "left")
        self._side(image, xy, far, scale, light, self.look.far_shade)
        self._torso(image, xy, scale, light)
        self._side(image, xy, near, scale, light, 1.0, legs_only=True)
        self._head(image, xy, scale, light)
        self._side(image, xy, near, scale, light, 1.0, arms_only=True)
        image = cv2.GaussianBlur(image, (3, 3), 0.8)
        # Fixed grain plus a little per-frame noise: camera-like, and it still compresses.
        noise = self._grain + self.rng.normal(0.0, 0.8, image.shape)
        return np.clip(image + noise, 0, 255).astype(np.uint8)

    def _side(self, image, xy, side, scale, light, shade, *, legs_only=False, arms_only=False):
        for start, end, r0, r1, part in _LIMBS:
            is_arm = start in ("SHOULDER", "ELBOW", "WRIST")
            if (legs_only and is_arm) or (arms_only and not is_arm):
                continue
            color = _scale(getattr(self.look, part), shade)
            p0 = xy[Joint[f"{side.upper()}_{start}"]]
            p1 = xy[Joint[f"{side.upper()}_{end}"]]
            _capsule(image, p0, p1, r0 * scale, r1 * scale, color, light)

    def _torso(self, image, xy, scale, light):
        shoulder = (xy[Joint.LEFT_SHOULDER] + xy[Joint.RIGHT_SHOULDER]) / 2
        hip = (xy[Joint.LEFT_HIP] + xy[Joint.RIGHT_HIP]) / 2
        neck_top = shoulder + (shoulder - hip) * 0.28
        _capsule(image, shoulder, neck_top, 0.05 * scale, 0.045 * scale, self.look.skin, light)
        _capsule(image, hip, shoulder, 0.125 * scale, 0.135 * scale, self.look.shirt, light, 8)
        _capsule(image, hip, hip + (shoulder - hip) * 0.25, 0.13 * scale, 0.125 * scale,
                 self.look.shorts, light)

    def _head(self, image, xy, scale, light):
        ears = (xy[Joint.LEFT_EAR] + xy[Joint.RIGHT_EAR]) / 2
        nose = xy[Joint.NOSE]
        eyes = (xy[Joint.LEFT_EYE] + xy[Joint.RIGHT_EYE]) / 2
        mouth = (xy[Joint.MOUTH_LEFT] + xy[Joint.MOUTH_RIGHT]) / 2
        radius = 0.105 * scale
        centre = ears + (nose - ears) * 0.25
        face = nose - centre
        face /= max(np.linalg.norm(face), 1e-6)
        up = eyes - mouth
        up /= max(np.linalg.norm(up), 1e-6)

        def at(forward: float, upward: float) -> tuple[int, int]:
            p = centre + radius * (forward * face + upward * up)
            return round(p[0]), round(p[1])

        skin, dark = self.look.skin, _scale(self.look.skin, 0.7)
        cv2.circle(image, at(-0.12, 0.08), int(radius * 1.02), self.look.hair, -1, cv2.LINE_AA)
        _capsule(image, np.array(at(0.15, -0.05), float), np.array(at(0.35, -0.55), float),
                 radius * 0.82, radius * 0.45, skin, light, 4)
        nose_tip = [at(1.12, -0.05), at(0.85, 0.2), at(0.85, -0.22)]
        cv2.fillConvexPoly(image, np.array(nose_tip, np.int32), skin, cv2.LINE_AA)
        cv2.ellipse(image, at(-0.1, 0.0), (int(radius * 0.2), int(radius * 0.28)), 0, 0, 360,
                    dark, -1, cv2.LINE_AA)
        eye = at(0.62, 0.22)
        cv2.circle(image, eye, max(int(radius * 0.13), 1), (245, 245, 245), -1, cv2.LINE_AA)
        cv2.circle(image, at(0.68, 0.22), max(int(radius * 0.07), 1), (40, 30, 20), -1,
                   cv2.LINE_AA)
        cv2.line(image, at(0.45, 0.42), at(0.8, 0.38), self.look.hair,
                 max(int(radius * 0.08), 1), cv2.LINE_AA)
        cv2.line(image, at(0.55, -0.45), at(0.8, -0.42), (60, 60, 150),
                 max(int(radius * 0.07), 1), cv2.LINE_AA)
