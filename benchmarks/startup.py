"""Figure group 2: start-up to the first painted window, and peak memory, for the course
example, against an empty Qt window started the same way (the floor of Python + Qt).

Each launch is a fresh interpreter (``python -m benchmarks.startup_window``), timed from
just before the process is started to the moment its first frame is painted (every view
painted, the event loop idle again); peak memory is the child's maximum resident set
size, from the operating system when it exits. mlpviz and the bare window take turns.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

from benchmarks.display import gui_environment
from benchmarks.table import Figure, emit

GROUP = "startup"
TIME_TARGET_S = 1.5
MEMORY_TARGET_MB = 300.0


def launch(kind: str, env: dict[str, str]) -> tuple[dict[str, float], float]:
    """(the child's times relative to its launch, in s; its own peak RSS from wait4, in MB)."""
    start = time.time()
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.startup_window", kind],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{kind} window failed (exit {child.returncode})")
    times = json.loads(out.strip().splitlines()[-1])
    return {k: v - start for k, v in times.items()}, usage.ru_maxrss / 1024.0


def run(quick: bool = False) -> list[Figure]:
    repeats = 3 if quick else 7
    results: dict[str, list[tuple[dict[str, float], float]]] = {"mlpviz": [], "bare": []}
    with gui_environment() as (env, platform):
        launch("bare", env)  # warm the file cache for both
        launch("mlpviz", env)
        for _ in range(repeats):
            for kind in results:
                results[kind].append(launch(kind, env))

    def median(kind: str, key: str) -> float:
        return statistics.median(times[key] for times, _ in results[kind])

    def median_rss(kind: str) -> float:
        return statistics.median(rss for _, rss in results[kind])

    frame, frame_bare = median("mlpviz", "frame_done"), median("bare", "frame_done")
    imported, built = median("mlpviz", "imported"), median("mlpviz", "built")
    rss, rss_bare = median_rss("mlpviz"), median_rss("bare")
    return [
        Figure(
            GROUP,
            f"start-up to the first painted window, course example, {platform}",
            "s",
            frame,
            frame_bare,
            "empty Qt window",
            reference_is_floor=True,
            target=f"≤ {TIME_TARGET_S} s",
            met=frame <= TIME_TARGET_S,
            note=f"imports done at {imported:.2f} s, window built at {built:.2f} s",
        ),
        Figure(
            GROUP,
            f"peak memory (RSS), course example, {platform}",
            "MB",
            rss,
            rss_bare,
            "empty Qt window",
            reference_is_floor=True,
            target=f"≤ {MEMORY_TARGET_MB:.0f} MB",
            met=rss <= MEMORY_TARGET_MB,
        ),
    ]


if __name__ == "__main__":
    emit(run(quick="--quick" in sys.argv))
