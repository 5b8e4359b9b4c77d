"""Small measuring tools: timers, CPU time, interleaved pairs, percentiles, memory, load."""

from __future__ import annotations

import os
import statistics
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


@dataclass(frozen=True)
class Run:
    """One timed run of a whole job: wall-clock and CPU seconds (every thread of the process)."""

    wall_s: float
    cpu_s: float
    value: object = None


def measured(job: Callable[[], object]) -> Run:
    wall, cpu = time.perf_counter(), time.process_time()
    value = job()
    return Run(time.perf_counter() - wall, time.process_time() - cpu, value)


@dataclass(frozen=True)
class Pairs:
    """A figure and its reference measured alternately (A B, B A, A B, ...): the machine's
    state drifts slowly, so each pair sees the same machine and their ratio cancels it."""

    ratios: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> float:
        """Half the range of the pair ratios, relative to their median."""
        return (max(self.ratios) - min(self.ratios)) / 2 / self.median


def interleaved(count: int, figure: Callable[[], Run], reference: Callable[[], Run],
                key: Callable[[Run], float]) -> tuple[Pairs, list[Run], list[Run]]:
    """`count` pairs of runs, the order swapped every pair; ratios of `key(figure run) /
    key(reference run)`."""
    ratios, figures, references = [], [], []
    for i in range(count):
        if i % 2:
            reference_run, figure_run = reference(), figure()
        else:
            figure_run, reference_run = figure(), reference()
        figures.append(figure_run)
        references.append(reference_run)
        ratios.append(key(figure_run) / key(reference_run))
    return Pairs(tuple(ratios)), figures, references


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


def load_average() -> float | None:
    """The machine's one-minute load average (None where the OS has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _busy_cpu_s() -> float | None:
    """CPU seconds every process of the machine has used since boot (Linux /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()[1:]
    except OSError:
        return None
    ticks = [int(v) for v in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class OtherLoad:
    """How many CPUs other processes kept busy while this one ran: the machine's busy time
    less this process's own (a load average would count the benchmark itself)."""

    def __init__(self) -> None:
        self._busy, self._own = _busy_cpu_s(), time.process_time()
        self._wall = time.monotonic()

    def cpus(self) -> float | None:
        busy = _busy_cpu_s()
        if busy is None or self._busy is None:
            return None
        own = time.process_time() - self._own
        return max(0.0, (busy - self._busy - own) / (time.monotonic() - self._wall))
