"""Small measuring tools: timers, percentiles, resident memory."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Timing:
    """Per-call durations of one stage, in milliseconds."""

    median_ms: float
    p95_ms: float
    p99_ms: float
    calls: int

    @classmethod
    def of(cls, samples_ms: list[float]) -> Timing:
        values = np.asarray(samples_ms, float)
        p50, p95, p99 = np.percentile(values, [50, 95, 99])
        return cls(float(p50), float(p95), float(p99), len(values))


def timed(samples: list[float], call: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = call()
    samples.append((time.perf_counter() - started) * 1000.0)
    return result


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0
