"""Settings from outside the code: the REPCAM_* environment and the TOML settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from repcam.errors import InputError
from repcam.exercises import get_exercise
from repcam.io.settings import Config, Environment, load_config

from test_cli import assert_clean_failure, repcam

SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "bridge.mp4"


def test_the_environment_is_read_in_one_place_with_its_defaults():
    assert Environment.read({}) == Environment()
    env = Environment.read({"REPCAM_DEBUG": "1", "REPCAM_OFFLINE": "0", "REPCAM_DB": "~/x.db",
                            "REPCAM_RECONNECT_S": "3.5"})
    assert env.debug and not env.offline and env.reconnect_s == 3.5
    assert env.db == Path("~/x.db").expanduser()
    with pytest.raises(InputError, match="REPCAM_DOWNLOAD_TIMEOUT_S must be a number"):
        Environment.read({"REPCAM_DOWNLOAD_TIMEOUT_S": "soon"})


def test_importing_repcam_leaves_the_environment_alone(monkeypatch):
    import importlib
    import os

    import repcam

    monkeypatch.delenv("OPENCV_LOG_LEVEL", raising=False)
    importlib.reload(repcam)
    assert "OPENCV_LOG_LEVEL" not in os.environ


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_a_settings_file_overrides_the_specs_defaults(tmp_path):
    config = load_config(write(tmp_path, "[live]\nrest_s = 90\nvoice = false\n"
                                         "[exercises.bridge]\nhold_s = 5\nreps = 12\n"))
    assert (config.rest_s, config.voice) == (90.0, False)
    bridge = get_exercise("bridge")
    assert config.spec(bridge).hold_ms == 5000.0 and config.reps(bridge) == 12
    nordic = get_exercise("nordic")
    assert config.spec(nordic) is nordic and config.reps(nordic) is None


def test_no_file_means_the_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty"))
    monkeypatch.delenv("REPCAM_CONFIG", raising=False)
    assert load_config() == Config()
    with pytest.raises(InputError, match="No settings file at"):
        load_config(tmp_path / "missing.toml")


@pytest.mark.parametrize(("text", "message"), [
    ("[exercises.bridge]\nhodl_s = 5\n",
     "key 'hodl_s' is not one repcam knows. Valid: hold_s, reps"),
    ("[exercises.brige]\nhold_s = 5\n", "exercise 'brige' is not one repcam knows"),
    ("[lvie]\nrest_s = 5\n", "section 'lvie' is not one repcam knows. Valid: exercises, live"),
    ("[live]\nrest_s = \"long\"\n", "rest_s must be float"),
    ("[exercises.bridge]\nreps = 0\n", "reps must be at least 1"),
    ("[exercises.bridge]\nreps = 2.5\n", "reps must be int"),
    ("[live\nrest_s = 5\n", "is not valid TOML"),
])
def test_a_mistake_in_the_settings_file_is_refused_with_what_is_valid(tmp_path, text, message):
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        load_config(write(tmp_path, text))


@pytest.mark.usefixtures("model_path")
def test_the_analyse_command_takes_the_hold_target_from_the_settings_file(tmp_path):
    config = write(tmp_path, "[exercises.bridge]\nhold_s = 5\n")
    done = repcam("analyse", str(SAMPLE), "-e", "bridge", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "/5 " in done.stdout and "hold for 5 seconds" in done.stdout


def test_a_bad_settings_file_is_one_sentence_and_exit_2(tmp_path):
    config = write(tmp_path, "[exercises.bridge]\nhodl_s = 5\n")
    done = repcam("analyse", str(SAMPLE), "-e", "bridge", "--config", str(config))
    assert done.returncode == 2
    assert_clean_failure(done, "hodl_s", "Valid: hold_s, reps")
