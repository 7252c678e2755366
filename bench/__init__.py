"""Benchmarks, run on demand (never by the test suite)."""

from __future__ import annotations

import statistics
import time


def host_speed() -> str:
    """How fast this host runs plain Python now: the median of five runs of a fixed loop.

    A shared host's speed varies: this loop took 56 to 115 ms within five minutes here. It is
    printed before and after absolute figures, so that runs on different days can be compared
    and a run on a slowed host recognized."""
    times = []
    for _ in range(5):
        started, total = time.perf_counter(), 0
        for i in range(2_000_000):
            total += i
        times.append((time.perf_counter() - started) * 1000)
    return f"host speed: a fixed loop of 2,000,000 additions took {statistics.median(times):.0f} ms"


__all__ = ["host_speed"]
