"""Repeated timings within a time budget, and their median (the machine is shared:
one sample is noise, a median of several is a figure)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def samples(action: Callable[[], object], repeats: int, budget: float) -> list[float]:
    """Up to `repeats` timings of `action`, stopping early once `budget` seconds are
    spent (always at least one): a 10,000-hazard render may take seconds per call."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max(1, repeats):
        times.append(timed(action))
        if time.perf_counter() - start > budget:
            break
    return times


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000
