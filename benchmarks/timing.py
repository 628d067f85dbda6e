"""Interleaved timing: contestants take turns in one process, so machine noise hits all alike.

Each round times one block of calls per contestant, in turn; the figure is the median over
rounds of (block time / calls per block). A block is long enough (a few milliseconds) that
the clock's resolution does not matter, and many rounds make the median robust to the
odd interruption by the operating system.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping

BLOCK_SECONDS = 0.005
"""Aim for blocks of about this length: long against the clock, short against noise."""


def calls_per_block(fn: Callable[[], object], block_seconds: float = BLOCK_SECONDS) -> int:
    """How many calls of ``fn`` fill about ``block_seconds`` (at least 1), after a warm-up."""
    fn()
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= block_seconds / 4 or n >= 1 << 20:
            return max(1, round(n * block_seconds / max(elapsed, 1e-9)))
        n *= 4


def interleaved_medians(
    contestants: Mapping[str, Callable[[], object]],
    rounds: int = 50,
    block_seconds: float = BLOCK_SECONDS,
) -> dict[str, float]:
    """Median seconds per call of each contestant, timed in alternating blocks."""
    sizes = {name: calls_per_block(fn, block_seconds) for name, fn in contestants.items()}
    samples: dict[str, list[float]] = {name: [] for name in contestants}
    for _ in range(rounds):
        for name, fn in contestants.items():
            n = sizes[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - start) / n)
    return {name: statistics.median(values) for name, values in samples.items()}


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` single calls of ``fn`` (for slow, one-shot work)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
