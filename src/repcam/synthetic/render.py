"""Draw the synthetic patient as video a pose model believes: plain OpenCV, no 3D engine.

Limbs are filled, tapered capsules shaded by a few nested, offset, lighter layers; the chest
and the pelvis are solids (the outline of stacked cross-sections); everything is drawn far to
near, the far side darker; the head is a sphere with hair, and the eyes, brows, nose, mouth
and ears where they project when they face the camera; a wall, a floor and a mat sit behind;
light blur and sensor noise on top. So the body looks right from the side, turned, or from
the front.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from repcam.core.landmarks import Joint
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
        xy, depth = self.camera.project(world)
        # Painter's order: every part drawn from the farthest to the nearest, so the body
        # overlaps itself right from any side, the front or the back.
        for _, draw in sorted(self._parts(world, xy, depth), key=lambda part: -part[0]):
            draw(image)
        image = cv2.GaussianBlur(image, (3, 3), 0.8)
        # Fixed grain plus a little per-frame noise: camera-like, and it still compresses.
        noise = self._grain + self.rng.normal(0.0, 0.8, image.shape)
        return np.clip(image + noise, 0, 255).astype(np.uint8)

    def _parts(self, world: np.ndarray, xy: np.ndarray, depth: np.ndarray):
        """(depth, draw) for every limb, the torso, the pelvis, the neck and the head."""
        light = np.array([-0.5, -0.85])
        hip_depth = float(depth[[Joint.LEFT_HIP, Joint.RIGHT_HIP]].mean())
        far = "left" if depth[Joint.LEFT_HIP] > depth[Joint.RIGHT_HIP] else "right"
        for side in ("left", "right"):
            shade = self.look.far_shade if side == far else 1.0
            for start, end, r0, r1, part in _LIMBS:
                a, b = Joint[f"{side.upper()}_{start}"], Joint[f"{side.upper()}_{end}"]
                colour = _scale(getattr(self.look, part), shade)
                radii = (r0 * self._px_per_m(depth[a]), r1 * self._px_per_m(depth[b]))
                yield (float(depth[a] + depth[b]) / 2, lambda image, a=a, b=b, c=colour,
                       r=radii: _capsule(image, xy[a], xy[b], r[0], r[1], c, light))
        frame = _TrunkFrame.of(world)
        for section, colour, layers in ((_TORSO, self.look.shirt, 8),
                                        (_PELVIS, self.look.shorts, 6)):
            hull = self.camera.project(frame.sections(section))
            yield (float(hull[1].mean()) + 0.02, lambda image, h=hull[0], c=colour, n=layers:
                   _shaded_hull(image, h, c, n))
        head = frame.head_centre
        (head_xy,), (head_depth,) = self.camera.project(head[None])
        neck = self.camera.project(np.array([frame.neck_base, head - 0.06 * frame.up]))[0]
        neck_radius = 0.05 * self._px_per_m(head_depth)
        yield (head_depth + 0.05, lambda image: _capsule(
            image, neck[0], neck[1], neck_radius, neck_radius * 0.9, self.look.skin, light))
        yield (head_depth, lambda image: self._head(image, world, xy, depth, frame, head_xy,
                                                    head_depth, hip_depth))

    def _head(self, image, world, xy, depth, frame, centre, centre_depth, hip_depth):
        """A sphere of skin under hair at the back and top; the face's features drawn where
        they project, only if they face the camera."""
        radius = HEAD_RADIUS_M * self._px_per_m(centre_depth)
        eye_at = self.camera.basis()[0]
        facing = float(np.dot(frame.front, eye_at - frame.head_centre)) / np.linalg.norm(
            eye_at - frame.head_centre)  # 1: the face looks at the camera, -1: away
        back, _ = self.camera.project((frame.head_centre - 0.05 * frame.front
                                       + 0.03 * frame.up)[None])
        cv2.circle(image, _px(centre), round(radius), self.look.skin, -1, cv2.LINE_AA)
        hair_shift = back[0] - centre
        cv2.circle(image, _px(centre + hair_shift * 1.2), round(radius * (0.98 - 0.1 * facing)),
                   self.look.hair, -1, cv2.LINE_AA)
        if facing > -0.2:  # the face: a skin disc towards where it looks
            face, _ = self.camera.project((frame.head_centre + 0.045 * frame.front
                                           - 0.02 * frame.up)[None])
            cv2.circle(image, _px(face[0]), round(radius * 0.78), self.look.skin, -1,
                       cv2.LINE_AA)
        dark = _scale(self.look.skin, 0.7)
        for joint in (Joint.LEFT_EAR, Joint.RIGHT_EAR):
            if _faces_camera(world[joint], frame.head_centre, eye_at):
                cv2.ellipse(image, _px(xy[joint]), (max(round(radius * 0.16), 1),
                            max(round(radius * 0.26), 1)), 0, 0, 360, dark, -1, cv2.LINE_AA)
        for joint in (Joint.LEFT_EYE, Joint.RIGHT_EYE):
            if _faces_camera(world[joint], frame.head_centre, eye_at, 0.15):
                cv2.circle(image, _px(xy[joint]), max(round(radius * 0.13), 1), (245, 245, 245),
                           -1, cv2.LINE_AA)
                cv2.circle(image, _px(xy[joint]), max(round(radius * 0.07), 1), (40, 30, 20),
                           -1, cv2.LINE_AA)
                brow, _ = self.camera.project((world[joint] + 0.025 * frame.up)[None])
                cv2.circle(image, _px(brow[0]), max(round(radius * 0.06), 1), self.look.hair,
                           -1, cv2.LINE_AA)
        if _faces_camera(world[Joint.NOSE], frame.head_centre, eye_at, -0.1):
            cv2.circle(image, _px(xy[Joint.NOSE]), max(round(radius * 0.14), 1),
                       _scale(self.look.skin, 0.85), -1, cv2.LINE_AA)
        mouth = (Joint.MOUTH_LEFT, Joint.MOUTH_RIGHT)
        if all(_faces_camera(world[j], frame.head_centre, eye_at) for j in mouth):
            cv2.line(image, _px(xy[mouth[0]]), _px(xy[mouth[1]]), (60, 60, 150),
                     max(round(radius * 0.07), 1), cv2.LINE_AA)


HEAD_RADIUS_M = 0.105
# Cross-sections of the trunk, (height along the trunk from the hips in metres, half width,
# half depth): the chest and the pelvis are solids, so their outline is right from any side.
_TORSO = ((0.02, 0.17, 0.11), (0.25, 0.15, 0.10), (0.44, 0.20, 0.11), (0.50, 0.17, 0.08))
_PELVIS = ((-0.06, 0.17, 0.11), (0.10, 0.165, 0.11))


@dataclass(frozen=True)
class _TrunkFrame:
    """The trunk's own axes in the world: up (hips to shoulders), across (left to right
    hip), front; and where the hips, the neck and the head are."""

    hips: np.ndarray
    up: np.ndarray
    across: np.ndarray
    front: np.ndarray
    neck_base: np.ndarray

    @classmethod
    def of(cls, world: np.ndarray) -> _TrunkFrame:
        hips = (world[Joint.LEFT_HIP] + world[Joint.RIGHT_HIP]) / 2
        shoulders = (world[Joint.LEFT_SHOULDER] + world[Joint.RIGHT_SHOULDER]) / 2
        up = _unit(shoulders - hips)
        across = _unit(world[Joint.RIGHT_HIP] - world[Joint.LEFT_HIP])
        across = _unit(across - np.dot(across, up) * up)
        return cls(hips, up, across, np.cross(up, across), shoulders)

    @property
    def head_centre(self) -> np.ndarray:
        return self.neck_base + 0.21 * self.up + 0.02 * self.front

    def sections(self, sections) -> np.ndarray:
        angles = np.linspace(0.0, 2 * np.pi, 20, endpoint=False)
        return np.concatenate([
            self.hips + height * self.up + np.outer(np.cos(angles), width * self.across)
            + np.outer(np.sin(angles), deep * self.front)
            for height, width, deep in sections])


def _shaded_hull(image: np.ndarray, points: np.ndarray, colour: Color, layers: int) -> None:
    """A solid's outline, filled and shaded lighter towards its lit side."""
    hull = cv2.convexHull(points.astype(np.float32))[:, 0, :]
    centre = hull.mean(axis=0)
    light = np.array([-0.5, -0.85]) * 0.25 * float(np.ptp(hull[:, 0]) + np.ptp(hull[:, 1])) / 2
    for k in range(layers):
        shrink = 1.0 - 0.5 * k / layers
        layer = centre + (hull - centre) * shrink + light * k / layers
        cv2.fillConvexPoly(image, np.round(layer).astype(np.int32),
                           _scale(colour, 0.8 + 0.4 * k / layers), cv2.LINE_AA)


def _faces_camera(point: np.ndarray, centre: np.ndarray, eye: np.ndarray,
                  threshold: float = 0.0) -> bool:
    normal = _unit(point - centre)
    return float(np.dot(normal, _unit(eye - point))) > threshold


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-9)


def _px(point: np.ndarray) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))
