"""What pose models exist, where they come from and what their checksums must be.

The checksum manifest (`models/manifest.json` in a source checkout, a copy inside the package)
is the single source of truth for every sha256 repcam trusts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

VARIANTS: tuple[str, ...] = ("lite", "full", "heavy")
DEFAULT_VARIANT = "full"

OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{variant}/float16/latest/pose_landmarker_{variant}.task"
)
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
PIP_PACKAGE = "mediapipe==0.10.21"


@dataclass(frozen=True)
class SourceFile:
    """One raw TFLite file inside a registry package, and its expected sha256."""

    member: str
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """Checksums of the registry files we extract and of the bundles we build from them."""

    npm_detector: SourceFile
    npm_landmarks: dict[str, SourceFile]
    pip_detector: SourceFile
    pip_landmarks_full: SourceFile
    built_task_sha256: dict[str, dict[str, str]]  # source -> variant -> sha256

    def known_task_hashes(self, variant: str) -> set[str]:
        """Every sha256 a bundle of this variant may have when repcam built it."""
        return {by_variant[variant] for by_variant in self.built_task_sha256.values()
                if variant in by_variant}

    @classmethod
    def load(cls) -> Manifest:
        raw = json.loads(resources.files("repcam.io.models").joinpath("manifest.json").read_text())
        npm, pip = raw["npm"], raw["pip"]
        return cls(
            npm_detector=SourceFile(**npm["detector"]),
            npm_landmarks={v: SourceFile(**f) for v, f in npm["landmarks"].items()},
            pip_detector=SourceFile(**pip["detector"]),
            pip_landmarks_full=SourceFile(**pip["landmarks_full"]),
            built_task_sha256=raw["built_task_sha256"],
        )


def task_filename(variant: str) -> str:
    return f"pose_landmarker_{variant}.task"


def check_variant(variant: str) -> str:
    if variant not in VARIANTS:
        from repcam.errors import ModelError

        raise ModelError(
            f"Unknown model variant '{variant}'.",
            hint=f"Choose one of: {', '.join(VARIANTS)}, or give a path to a .task file.",
        )
    return variant


def resolve_path_or_variant(model: str) -> tuple[str | None, Path | None]:
    """`--model` takes a variant name or a path: tell which."""
    if model in VARIANTS:
        return model, None
    path = Path(model).expanduser()
    if path.suffix == ".task" or path.exists():
        return None, path
    return check_variant(model), None
