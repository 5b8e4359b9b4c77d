"""Pose model provisioning and verification, with the real registry packages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from repcam.errors import ModelError
from repcam.io.models import provision
from repcam.io.models.bundle import build_task, looks_like_pose_task
from repcam.io.models.catalog import Manifest


def test_manifest_lists_every_variant():
    manifest = Manifest.load()
    for variant in ("lite", "full", "heavy"):
        assert manifest.known_task_hashes(variant)
        assert len(manifest.npm_landmarks[variant].sha256) == 64


def test_provisioned_model_verifies(model_path: Path):
    assert model_path.exists()
    assert provision.sha256_of(model_path) in Manifest.load().known_task_hashes("full")
    assert looks_like_pose_task(model_path.read_bytes())


def test_a_corrupted_model_is_reported_and_replaced_only_by_a_verified_one(model_path, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(provision, "model_dirs", lambda: [tmp_path])
    target = tmp_path / model_path.name
    shutil.copy(model_path, target)
    assert provision.check_installed("full", tmp_path).state == "ok"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    assert provision.check_installed("full", tmp_path).state == "corrupted"

    def refuse(variant, progress):
        raise ModelError("unreachable")

    monkeypatch.setattr(provision, "_PROVIDERS", [("npm", refuse)])
    with pytest.raises(ModelError, match="Could not provision"):
        provision.ensure_model("full")
    assert target.read_bytes() == bytes(data)  # nothing better yet: the old file stays
    good = model_path.read_bytes()
    monkeypatch.setattr(provision, "_PROVIDERS", [("npm", lambda v, p: (good, "built"))])
    messages = []
    assert provision.ensure_model("full", notify=messages.append) == target
    assert provision.check_installed("full", tmp_path).state == "ok"
    assert any("corrupted" in m for m in messages)


def test_a_truncated_download_is_never_installed(tmp_path, monkeypatch, model_path):
    monkeypatch.setenv("REPCAM_MODEL_DIR", str(tmp_path))
    truncated = model_path.read_bytes()[:100_000]
    assert not looks_like_pose_task(truncated)


def test_offline_fetches_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("REPCAM_OFFLINE", "1")
    monkeypatch.setattr(provision, "model_dirs", lambda: [tmp_path])

    def no_network(variant, progress):
        raise AssertionError("a provider was asked although REPCAM_OFFLINE is set")

    monkeypatch.setattr(provision, "_PROVIDERS", [("official download", no_network)])
    with pytest.raises(ModelError, match="REPCAM_OFFLINE is set"):
        provision.ensure_model("full")


def test_nothing_provisions_gives_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("REPCAM_MODEL_DIR", str(tmp_path))
    # Nowhere to find one either: not the checkout (benchmarks install lite there), no cache.
    monkeypatch.setattr(provision, "model_dirs", lambda: [tmp_path])

    def refuse(variant, progress):
        raise ModelError("unavailable")

    monkeypatch.setattr(provision, "_PROVIDERS", [("npm", refuse), ("pip", refuse)])
    with pytest.raises(ModelError, match="Could not provision the lite pose model"):
        provision.ensure_model("lite")


def test_a_model_path_that_does_not_exist(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        provision.ensure_model(str(tmp_path / "missing.task"))


def test_unknown_variant():
    with pytest.raises(ModelError, match="lite, full, heavy"):
        provision.ensure_model("medium")


def test_the_bundle_holds_both_models_and_rejects_junk(model_path):
    import zipfile

    with zipfile.ZipFile(model_path) as bundle:
        names = bundle.namelist()
    assert names == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
    with pytest.raises(ValueError):
        build_task(b"not a model", b"nor this")
