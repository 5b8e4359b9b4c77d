"""Find, verify and (on first use) provision pose model bundles.

Order: (a) an installed bundle that verifies; (b) Google's official download; (c) a bundle
built here from Google's own files on the package registries (npm, else PyPI). Nothing is
used unless its sha256 is known good; a bad file is reported and replaced.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from repcam.errors import ModelError
from repcam.io.files import write_bytes, write_text
from repcam.io.models import bundle
from repcam.io.models.catalog import (
    DEFAULT_VARIANT,
    NPM_PACKAGE,
    OFFICIAL_URL,
    PIP_PACKAGE,
    VARIANTS,
    Manifest,
    SourceFile,
    check_variant,
    resolve_path_or_variant,
    task_filename,
)
from repcam.io.settings import environment

# stage, bytes done, bytes total (None when unknown)
ProgressFn = Callable[[str, int, int | None], None]

_CHECKOUT_MODELS = Path(__file__).resolve().parents[4] / "models"
_OFFICIAL_SUFFIX = ".official.sha256"  # records the hash of a verified official download


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


def model_dirs() -> list[Path]:
    """Where bundles may live, in search order: the source checkout, then the user cache."""
    dirs = []
    override = environment().model_dir
    if override:
        dirs.append(override)
    if (_CHECKOUT_MODELS / "README.md").exists():
        dirs.append(_CHECKOUT_MODELS)
    dirs.append(Path(platformdirs.user_cache_dir("repcam")) / "models")
    return dirs


def install_dir() -> Path:
    """The first model directory we can write to."""
    for directory in model_dirs():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
            return directory
        except OSError:
            continue
    raise ModelError(
        "No writable directory for the pose model.",
        hint="Set REPCAM_MODEL_DIR to a folder you can write to.",
    )


def sha256_of(data_or_path: bytes | Path) -> str:
    digest = hashlib.sha256()
    if isinstance(data_or_path, bytes):
        digest.update(data_or_path)
    else:
        with open(data_or_path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelStatus:
    variant: str
    path: Path | None
    state: str  # "ok", "missing", "corrupted"
    origin: str  # "built", "official", ""


def check_installed(variant: str, directory: Path) -> ModelStatus:
    path = directory / task_filename(variant)
    if not path.exists():
        return ModelStatus(variant, None, "missing", "")
    digest = sha256_of(path)
    if digest in Manifest.load().known_task_hashes(variant):
        return ModelStatus(variant, path, "ok", "built")
    record = path.with_name(path.name + _OFFICIAL_SUFFIX)
    if record.exists() and record.read_text().strip() == digest:
        return ModelStatus(variant, path, "ok", "official")
    return ModelStatus(variant, path, "corrupted", "")


def status(variant: str) -> ModelStatus:
    """The copy of a variant that would be used: the first one that verifies, in search
    order; else the first corrupted one (to report it); else missing."""
    found = [check_installed(variant, directory) for directory in model_dirs()]
    return next((item for item in found if item.state == "ok"),
                next((item for item in found if item.state == "corrupted"),
                     ModelStatus(variant, None, "missing", "")))


def ensure_model(
    model: str = DEFAULT_VARIANT,
    progress: ProgressFn = _no_progress,
    notify: Callable[[str], None] = lambda message: None,
) -> Path:
    """Path to a verified bundle for `model` (a variant name or a .task path)."""
    variant, path = resolve_path_or_variant(model)
    if path is not None:
        return _given_model_file(path)
    assert variant is not None
    current = status(variant)
    if current.state == "ok" and current.path is not None:
        return current.path
    if current.state == "corrupted":
        # Left in place until a verified replacement is written over it.
        notify(f"The {variant} model at {current.path} is corrupted; replacing it.")
    return install(variant, progress, notify)


def _given_model_file(path: Path) -> Path:
    if path.is_dir():
        inside = sorted(path.glob("*.task"))
        hint = f" (it holds {inside[0].name})" if inside else ""
        raise ModelError(f"--model {path} is a folder, not a .task model file{hint}.",
                         hint="Pass the path of the .task file, or lite, full or heavy.")
    if not path.is_file():
        raise ModelError(
            f"Model file '{path}' does not exist.",
            hint="Give lite, full or heavy, or the path of a pose_landmarker .task file.",
        )
    return path


def install(
    variant: str,
    progress: ProgressFn = _no_progress,
    notify: Callable[[str], None] = lambda message: None,
) -> Path:
    """Provision a bundle: official download first, else build from registry packages."""
    check_variant(variant)
    if environment().offline:
        raise ModelError(
            f"No verified {variant} pose model is installed, and REPCAM_OFFLINE is set, so "
            "none was fetched.",
            hint="Unset REPCAM_OFFLINE once to fetch it, or pass --model PATH to a .task file.")
    target = install_dir() / task_filename(variant)
    failures = []
    for name, provider in _PROVIDERS:
        try:
            data, origin = provider(variant, progress)
        except ModelError as error:
            failures.append(f"{name}: {error}")
            continue
        record = target.with_name(target.name + _OFFICIAL_SUFFIX)
        record.unlink(missing_ok=True)  # the bundle below is not verified by an old record
        write_bytes(target, data)
        if origin == "official":
            write_text(record, sha256_of(data) + "\n")
        notify(f"Installed the {variant} pose model ({origin}) at {target}.")
        return target
    raise ModelError(
        f"Could not provision the {variant} pose model. " + "; ".join(failures) + ".",
        hint="Connect to the internet once, or copy a pose_landmarker .task file and pass "
        "--model PATH.",
    )


def _download_official(variant: str, progress: ProgressFn) -> tuple[bytes, str]:
    url = OFFICIAL_URL.format(variant=variant)
    timeout_s = environment().download_timeout_s
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            buffer = io.BytesIO()
            while chunk := response.read(1 << 16):
                buffer.write(chunk)
                progress(f"downloading {variant}", buffer.tell(), total)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ModelError(f"download failed ({error})") from None
    data = buffer.getvalue()
    if (total is not None and len(data) != total) or not bundle.looks_like_pose_task(data):
        raise ModelError("the download was incomplete or not a pose model")
    return data, "official"


def _extract_verified(archive_read: Callable[[str], bytes], source: SourceFile) -> bytes:
    data = archive_read(source.member)
    if sha256_of(data) != source.sha256:
        raise ModelError(f"{source.member} has an unexpected checksum")
    return data


def _build_from_npm(variant: str, progress: ProgressFn) -> tuple[bytes, str]:
    npm = shutil.which("npm")
    if npm is None:
        raise ModelError("npm is not installed")
    manifest = Manifest.load()
    with tempfile.TemporaryDirectory() as tmp:
        progress(f"fetching {NPM_PACKAGE}", 0, None)
        _run([npm, "pack", NPM_PACKAGE, "--silent", "--pack-destination", tmp], tmp)
        tarballs = list(Path(tmp).glob("*.tgz"))
        if not tarballs:
            raise ModelError("npm pack produced no package")
        with tarfile.open(tarballs[0]) as archive:

            def read(member: str) -> bytes:
                handle = archive.extractfile(member)
                if handle is None:
                    raise ModelError(f"{member} is missing from the npm package")
                return handle.read()

            detector = _extract_verified(read, manifest.npm_detector)
            landmarks = _extract_verified(read, manifest.npm_landmarks[variant])
    progress(f"building {variant}", 1, 1)
    return _checked_build(detector, landmarks, variant), "built"


def _build_from_pip(variant: str, progress: ProgressFn) -> tuple[bytes, str]:
    if variant != "full":
        raise ModelError(f"{PIP_PACKAGE} only holds the full model")
    manifest = Manifest.load()
    with tempfile.TemporaryDirectory() as tmp:
        progress(f"fetching {PIP_PACKAGE}", 0, None)
        # Any platform's wheel holds the same model files; pin one so every Python works.
        _run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp,
             "--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
             "--platform", "manylinux_2_28_x86_64", PIP_PACKAGE],
            tmp,
        )
        wheels = list(Path(tmp).glob("*.whl"))
        if not wheels:
            raise ModelError("pip download produced no wheel")
        with zipfile.ZipFile(wheels[0]) as wheel:
            detector = _extract_verified(wheel.read, manifest.pip_detector)
            landmarks = _extract_verified(wheel.read, manifest.pip_landmarks_full)
    progress(f"building {variant}", 1, 1)
    return _checked_build(detector, landmarks, variant), "built"


def _checked_build(detector: bytes, landmarks: bytes, variant: str) -> bytes:
    task = bundle.build_task(detector, landmarks)
    if sha256_of(task) not in Manifest.load().known_task_hashes(variant):
        raise ModelError("the built bundle does not match the manifest")
    return task


def _run(command: list[str], cwd: str) -> None:
    try:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        raise ModelError(f"'{' '.join(command[:3])}' failed") from error


_PROVIDERS: list[tuple[str, Callable[[str, ProgressFn], tuple[bytes, str]]]] = [
    ("official download", _download_official),
    ("npm", _build_from_npm),
    ("pip", _build_from_pip),
]

__all__ = ["VARIANTS", "ModelStatus", "ensure_model", "install", "status"]
