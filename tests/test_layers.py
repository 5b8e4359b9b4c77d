"""The layers are a rule, not a habit: each package imports only the layers below it, and the
pure ones import nothing that touches a camera, a model, a window, a file store or the clock.

Layers, lowest first (peers on one line may not import each other unless listed):
    repcam (errors, words) · core · exercises · folds · io / sinks / synthetic · apps · cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import repcam

PACKAGE = Path(repcam.__file__).parent
LAYER_OF = {"core": 1, "exercises": 2, "folds": 3, "io": 4, "sinks": 4, "synthetic": 4,
            "apps": 5, "cli": 6, "__main__": 7}
# Peers on layer 4: the sinks and the synthetic patient write files through io's helpers.
PEER_IMPORTS = {("sinks", "io"), ("synthetic", "io")}
PURE = ("core", "exercises", "folds")
# Pure code takes time from the frames' timestamps and never reads the machine around it.
NOT_IN_PURE = {"cv2", "mediapipe", "sqlite3", "platformdirs", "matplotlib", "typer", "rich",
               "pyttsx3", "time", "threading", "subprocess", "os", "tempfile", "shutil"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _layer_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if len(parts) > 1:
        return parts[0]
    return "__main__" if path.name == "__main__.py" else "repcam"


def _imports(path: Path) -> list[str]:
    """Every module `path` imports, also inside functions and TYPE_CHECKING blocks."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
            if node.module == "repcam":  # `from repcam import words`
                names += [f"repcam.{alias.name}" for alias in node.names]
    return names


def _target_layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "repcam":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in LAYER_OF else "repcam"


def _back_edges(path: Path, here: str) -> list[str]:
    """The imports of `path` (in layer `here`) that reach a layer above, or a peer."""
    level = LAYER_OF.get(here, 0)
    found = []
    for module in _imports(path):
        there = _target_layer(module)
        if there is None or there in (here, "repcam"):
            continue
        if not (LAYER_OF[there] < level or (here, there) in PEER_IMPORTS):
            found.append(f"{module} ({there})")
    return found


def _impure(path: Path) -> set[str]:
    return {m.split(".")[0] for m in _imports(path)} & NOT_IN_PURE


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_the_layers_below_it(path):
    here = _layer_name(path)
    assert not _back_edges(path, here), f"{path.relative_to(PACKAGE)} ({here})"


@pytest.mark.parametrize("path", [p for p in _modules() if _layer_name(p) in PURE],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_pure_layers_touch_no_device_store_or_clock(path):
    assert not _impure(path), path.relative_to(PACKAGE)


def test_the_rules_catch_a_back_edge_and_a_device(tmp_path):
    """The checks themselves can fail: a core module reaching a sink and OpenCV, a sink
    reaching the apps."""
    module = tmp_path / "bad.py"
    module.write_text("import cv2\n\ndef f():\n    from repcam.sinks.overlay import draw\n")
    assert _back_edges(module, "core") == ["repcam.sinks.overlay (sinks)"]
    assert _impure(module) == {"cv2"}
    module.write_text("from repcam.apps import live\nfrom repcam.io import files\n")
    assert _back_edges(module, "sinks") == ["repcam.apps (apps)"]
    assert _back_edges(module, "io") == ["repcam.apps (apps)"]


def test_every_package_has_a_layer():
    # A package inside another (io/models, apps/serve) shares its layer.
    packages = {p.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("__init__.py")
                if p.parent != PACKAGE}
    assert packages <= set(LAYER_OF), packages
