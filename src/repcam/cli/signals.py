"""Closing the terminal (SIGHUP) or being asked to stop (SIGTERM) ends a command the way
Ctrl-C does: the exception unwinds through the live loop, which saves what was counted."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from repcam.errors import Interrupted

_STOPS = {"SIGTERM": 143, "SIGHUP": 129}


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may take signals (a test runner's worker, say)
        return
    previous = {}
    for name, code in _STOPS.items():
        number = getattr(signal, name, None)
        if number is None:  # Windows has no SIGHUP
            continue

        def stop(signum, frame, name=name, code=code):
            raise Interrupted(name, code)

        previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
