"""Spoken cues: offline text-to-speech in its own thread, so speaking never delays a frame.

Engines, best first: the espeak-ng command, pyttsx3 (the system voices of Windows and
macOS), then tones (the terminal bell) when no speech engine is installed. `--no-voice` is
silence. Every voice can
also append what it says to a log file, which is how tests and physios can read the cues.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from repcam.folds.coaching import Utterance

MAX_QUEUED = 3  # older non-urgent speech is dropped rather than said late


class SpeechEngine(Protocol):
    name: str

    def speak(self, text: str) -> None:
        """Say `text` and return when done (called from the voice thread only)."""


class Pyttsx3Engine:
    name = "pyttsx3"

    def __init__(self) -> None:
        self._engine = None

    def speak(self, text: str) -> None:
        if self._engine is None:  # created in the thread that uses it, as pyttsx3 requires
            import pyttsx3

            self._engine = pyttsx3.init()
            self._engine.setProperty("rate", 165)
        self._engine.say(text)
        self._engine.runAndWait()


class EspeakEngine:
    name = "espeak-ng"

    def __init__(self, command: str) -> None:
        self._command = command

    def speak(self, text: str) -> None:
        subprocess.run([self._command, "-s", "165", text], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


class ToneEngine:
    """No speech engine: a bell per cue, so a person lying down still hears something."""

    name = "tones"

    def speak(self, text: str) -> None:
        sys.stderr.write("\a")
        sys.stderr.flush()


def best_engine() -> SpeechEngine:
    """espeak-ng where it is installed (pyttsx3's Linux driver needs `aplay` besides), else
    pyttsx3 (SAPI5 on Windows, NSSpeechSynthesizer on macOS), else tones."""
    command = shutil.which("espeak-ng") or shutil.which("espeak")
    if command:
        return EspeakEngine(command)
    try:
        import pyttsx3

        pyttsx3.init()  # raises when no driver works on this machine
        return Pyttsx3Engine()
    except Exception:  # pyttsx3 raises many kinds when no driver works
        return ToneEngine()


class Voice:
    """Queue utterances; a thread speaks them. Urgent ones (counts) jump the queue."""

    def __init__(self, engine: SpeechEngine | None, *, log_path: Path | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.muted = False
        self._log_path = log_path
        self._clock = clock
        self._queue: queue.Queue[Utterance | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True, name="repcam-voice")
        self._thread.start()

    @property
    def name(self) -> str:
        return self.engine.name if self.engine else "off"

    def say(self, utterances: list[Utterance]) -> None:
        for utterance in utterances:
            self._log(utterance)
            if self.engine is None or self.muted:
                continue
            if utterance.urgent:
                self._drop_pending()
            elif self._queue.qsize() >= MAX_QUEUED:
                continue
            self._queue.put(utterance)

    def _drop_pending(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass

    def _log(self, utterance: Utterance) -> None:
        if self._log_path is None:
            return
        record = {"t": round(self._clock(), 3), "text": utterance.text,
                  "urgent": utterance.urgent, "spoken": self.engine is not None and not self.muted}
        with self._log_path.open("a") as handle:
            handle.write(json.dumps(record) + "\n")

    def _run(self) -> None:
        while (utterance := self._queue.get()) is not None:
            try:
                self.engine.speak(utterance.text)  # only queued when there is an engine
            except Exception:  # a broken audio device must not stop the workout
                self.engine = ToneEngine()

    def close(self, timeout_s: float = 5.0) -> None:
        """Let the last words (the summary) be said, then stop."""
        self._queue.put(None)
        self._thread.join(timeout=timeout_s)
