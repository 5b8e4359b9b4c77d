"""Jitter filters for angle signals, driven by frame timestamps (never the wall clock)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol


class SignalFilter(Protocol):
    def __call__(self, value: float, timestamp_ms: float) -> float: ...

    def reset(self) -> None: ...


@dataclass
class NoFilter:
    """Passes values through (for tests and for signals that must not lag)."""

    def __call__(self, value: float, timestamp_ms: float) -> float:
        return value

    def reset(self) -> None:
        return None


@dataclass
class OneEuroFilter:
    """Casiez et al.'s One Euro filter: smooth when still, responsive when moving.

    `min_cutoff_hz` sets how much jitter is removed at rest; `beta` how quickly the cutoff
    rises with speed (less lag on fast movement). A NaN input resets the filter (a gap).
    """

    min_cutoff_hz: float = 1.5
    beta: float = 0.02
    derivative_cutoff_hz: float = 1.0
    _value: float | None = field(default=None, init=False)
    _derivative: float = field(default=0.0, init=False)
    _last_ms: float | None = field(default=None, init=False)

    @staticmethod
    def _alpha(cutoff_hz: float, dt_s: float) -> float:
        tau = 1.0 / (2.0 * math.pi * cutoff_hz)
        return 1.0 / (1.0 + tau / dt_s)

    def __call__(self, value: float, timestamp_ms: float) -> float:
        if math.isnan(value):
            self.reset()
            return value
        if self._value is None or self._last_ms is None or timestamp_ms <= self._last_ms:
            self._value, self._last_ms, self._derivative = value, timestamp_ms, 0.0
            return value
        dt_s = (timestamp_ms - self._last_ms) / 1000.0
        self._last_ms = timestamp_ms
        raw_derivative = (value - self._value) / dt_s
        a_d = self._alpha(self.derivative_cutoff_hz, dt_s)
        self._derivative += a_d * (raw_derivative - self._derivative)
        cutoff = self.min_cutoff_hz + self.beta * abs(self._derivative)
        self._value += self._alpha(cutoff, dt_s) * (value - self._value)
        return self._value

    def reset(self) -> None:
        self._value, self._last_ms, self._derivative = None, None, 0.0
