"""Everything repcam reads from outside its code, read here and nowhere else.

- The environment: `REPCAM_*` variables (`Environment.read`).
- An optional TOML file that overrides what the exercise specs and the commands default to
  (`--config PATH`, else `$REPCAM_CONFIG`, else `config.toml` in the user config folder):

      [live]
      rest_s = 90        # between sets
      voice = true

      [exercises.bridge]
      hold_s = 5         # the physiotherapist's hold target, instead of the programme's 3 s
      reps = 12          # reps per set, instead of what the log advises

  An unknown section, key or exercise is refused with the valid ones, never ignored.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from repcam.errors import InputError
from repcam.exercises.registry import EXERCISES
from repcam.exercises.spec import ExerciseSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Environment:
    """What the `REPCAM_*` variables (and the screen's) say (unset: the default)."""

    debug: bool = False  # REPCAM_DEBUG: tracebacks and native logs shown
    db: Path | None = None  # REPCAM_DB: the session log file
    model_dir: Path | None = None  # REPCAM_MODEL_DIR: searched first for pose models
    offline: bool = False  # REPCAM_OFFLINE: never fetch a model
    download_timeout_s: float = 5.0  # REPCAM_DOWNLOAD_TIMEOUT_S
    reconnect_s: float = 15.0  # REPCAM_RECONNECT_S: how long a dropped camera is awaited
    config: Path | None = None  # REPCAM_CONFIG: the settings file
    display: bool = False  # DISPLAY or WAYLAND_DISPLAY: a screen for the live window

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> Environment:
        env = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            return Path(env[name]).expanduser() if env.get(name) else None

        def number(name: str, default: float) -> float:
            try:
                return float(env.get(name) or default)
            except ValueError:
                raise InputError(f"{name} must be a number of seconds, not "
                                 f"'{env[name]}'.") from None

        return cls(debug=_flag(env.get("REPCAM_DEBUG", "")), db=path("REPCAM_DB"),
                   model_dir=path("REPCAM_MODEL_DIR"), offline=_flag(env.get("REPCAM_OFFLINE", "")),
                   download_timeout_s=number("REPCAM_DOWNLOAD_TIMEOUT_S", 5.0),
                   reconnect_s=number("REPCAM_RECONNECT_S", 15.0), config=path("REPCAM_CONFIG"),
                   display=bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")))


def environment() -> Environment:
    """The environment as it is now (read each time: cheap, and tests may change it)."""
    return Environment.read()


@dataclass(frozen=True)
class ExerciseSettings:
    hold_s: float | None = None
    reps: int | None = None


@dataclass(frozen=True)
class Config:
    """The settings file's overrides (defaults where it says nothing)."""

    rest_s: float = 60.0
    voice: bool = True
    exercises: Mapping[str, ExerciseSettings] = field(default_factory=dict)

    def spec(self, spec: ExerciseSpec) -> ExerciseSpec:
        """The exercise with this file's hold target, if it sets one."""
        hold_s = self.exercises.get(spec.name, ExerciseSettings()).hold_s
        if hold_s is None or spec.hold_ms <= 0:
            return spec
        return dataclasses.replace(spec, hold_ms=hold_s * 1000.0)

    def reps(self, spec: ExerciseSpec) -> int | None:
        return self.exercises.get(spec.name, ExerciseSettings()).reps


# key -> (type, lowest allowed): a number out of range is refused like an unknown key.
_LIVE_KEYS = {"rest_s": (float, 0.0), "voice": (bool, None)}
_EXERCISE_KEYS = {"hold_s": (float, 0.0), "reps": (int, 1)}


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir("repcam")) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """`path`, else $REPCAM_CONFIG, else the user's config.toml if there is one; a file named
    explicitly must exist."""
    named = path or environment().config
    chosen = named or default_config_path()
    if not chosen.exists():
        if named:
            raise InputError(f"No settings file at {named}.")
        return Config()
    try:
        document = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Cannot read the settings file {chosen}: {error}.") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{chosen} is not valid TOML: {error}.") from None
    return _parse(document, chosen)


def _parse(document: Mapping[str, object], where: Path) -> Config:
    _only(document, {"live", "exercises"}, f"{where}: section")
    live = _values(_table(document.get("live", {}), f"{where}: [live]"), _LIVE_KEYS,
                   f"{where}: [live]")
    exercises = {}
    tables = _table(document.get("exercises", {}), f"{where}: [exercises]")
    _only(tables, set(EXERCISES), f"{where}: exercise")
    for name, table in tables.items():
        what = f"{where}: [exercises.{name}]"
        exercises[name] = ExerciseSettings(**_values(_table(table, what), _EXERCISE_KEYS, what))
    return Config(**live, exercises=exercises)


def _table(value: object, what: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise InputError(f"{what} must be a table of settings.")
    return value


def _only(table: Mapping[str, object], valid: set[str], what: str) -> None:
    unknown = sorted(set(table) - valid)
    if unknown:
        raise InputError(f"{what} '{unknown[0]}' is not one repcam knows. "
                         f"Valid: {', '.join(sorted(valid))}.")


def _values(table: Mapping[str, object], keys: Mapping[str, tuple[type, float | None]],
            what: str) -> dict[str, object]:
    _only(table, set(keys), f"{what} key")
    out: dict[str, object] = {}
    for key, value in table.items():
        kind, lowest = keys[key]
        if not _is(kind, value):
            raise InputError(f"{what}: {key} must be {kind.__name__}, not {value!r}.")
        if lowest is not None and value < lowest:
            raise InputError(f"{what}: {key} must be at least {lowest:g}, not {value!r}.")
        out[key] = kind(value)
    return out


def _is(kind: type, value: object) -> bool:
    """TOML's types as the settings need them: a bool is no number, an int is a float."""
    if isinstance(value, bool) or kind is bool:
        return kind is bool and isinstance(value, bool)
    return isinstance(value, int) or (kind is float and isinstance(value, float))
