"""Figure group 1a: one training step (forward, backward, SGD update), mlpviz against PyTorch.

mlpviz's :func:`mlpviz.engine.trainer.train_step` (the one the Stepper, the Trainer and
the command line all call) against PyTorch eager doing the same step in float64 on the CPU,
with numpy's BLAS and torch pinned to the same number of threads. Before timing, one step
of each from the same weights must give the same loss and the same new weights, so the
race is between two computations of the same numbers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from benchmarks.table import Figure, emit
from benchmarks.timing import interleaved_medians
from benchmarks.torch_reference import TORCH_INSTALL, TorchStep, thread_limit, torch_available
from mlpviz.engine.network import Network, course_example, initialise
from mlpviz.engine.optimizers import Optimizer, OptimizerConfig
from mlpviz.engine.trainer import train_step
from mlpviz.engine.types import Array

GROUP = "engine"


@dataclass(frozen=True)
class StepCase:
    """A network and batch to time one training step on; ``overhead_bound`` networks are
    small enough that per-call overhead, not arithmetic, sets their time."""

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    batch: int
    learning_rate: float
    overhead_bound: bool

    @property
    def title(self) -> str:
        return f"{'-'.join(map(str, self.layer_sizes))} batch {self.batch}"

    def network(self) -> Network:
        if self.layer_sizes == (2, 2, 1):
            return course_example()
        return initialise(list(self.layer_sizes), list(self.activations), "xavier", seed=0)

    def data(self) -> tuple[Array, Array]:
        if self.layer_sizes == (2, 2, 1):
            return np.array([[0.5, 0.8]]), np.array([[0.0]])
        rng = np.random.default_rng(1)
        x = rng.normal(size=(self.batch, self.layer_sizes[0]))
        y = rng.uniform(size=(self.batch, self.layer_sizes[-1]))
        return x, y


CASES = (
    StepCase((2, 2, 1), ("sigmoid", "sigmoid"), 1, 0.7, True),
    StepCase((2, 8, 8, 1), ("tanh", "tanh", "sigmoid"), 10, 0.1, True),
    StepCase((64, 32, 10), ("tanh", "sigmoid"), 32, 0.1, True),
    StepCase((784, 128, 64, 10), ("relu", "relu", "sigmoid"), 64, 0.01, False),
)

SMALL_TARGET = 3.0
"""Small networks: mlpviz at least this many times faster than PyTorch eager."""
LARGE_TARGET = 1 / 1.2
"""784-128-64-10: mlpviz's step at most 1.2 × PyTorch's."""



CONTENDED_NOTE = "as many threads as cores: swings widely while other work runs"


class MlpvizStep:
    """One mlpviz training step per call, going on from the last step's network."""

    def __init__(self, net: Network, x: Array, y: Array, learning_rate: float) -> None:
        self.net, self.x, self.y = net, x, y
        self.optimizer = Optimizer(OptimizerConfig("sgd", learning_rate))

    def __call__(self) -> float:
        step = train_step(self.net, self.optimizer, self.x, self.y, "mse")
        self.net = step.after
        return step.backward.loss


def check_same_step(case: StepCase) -> None:
    """One step of each from the same weights: same loss, same new weights (AssertionError)."""
    x, y = case.data()
    ours = MlpvizStep(case.network(), x, y, case.learning_rate)
    theirs = TorchStep(case.network(), x, y, case.learning_rate)
    loss_ours, loss_theirs = ours(), float(theirs().detach())
    np.testing.assert_allclose(loss_ours, loss_theirs, rtol=1e-12, err_msg=case.title)
    weights, biases = theirs.numpy_params()
    for l in range(ours.net.depth):
        np.testing.assert_allclose(ours.net.weights[l], weights[l], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(ours.net.biases[l], biases[l], rtol=1e-10, atol=1e-14)


def time_case(case: StepCase, threads: int, rounds: int) -> Figure:
    x, y = case.data()
    contestants: dict[str, Callable[[], object]] = {
        "mlpviz": MlpvizStep(case.network(), x, y, case.learning_rate)
    }
    has_torch = torch_available()
    if has_torch:
        contestants["torch"] = TorchStep(case.network(), x, y, case.learning_rate)
    with thread_limit(threads):
        medians = interleaved_medians(contestants, rounds=rounds, block_seconds=0.002)
    target = SMALL_TARGET if case.overhead_bound else LARGE_TARGET
    ours_us = medians["mlpviz"] * 1e6
    theirs_us = medians["torch"] * 1e6 if has_torch else None
    met = None if theirs_us is None else theirs_us / ours_us >= target
    thread_word = "thread" if threads == 1 else "threads"
    return Figure(
        GROUP,
        f"train step {case.title}, {threads} {thread_word}",
        "µs",
        ours_us,
        theirs_us,
        "PyTorch eager" if has_torch else "",
        target=("≥ 3× faster" if case.overhead_bound else "≤ 1.2× PyTorch's time"),
        met=met,
        note="; ".join(
            text
            for text, applies in (
                (f"PyTorch not installed: {TORCH_INSTALL}", not has_torch),
                (CONTENDED_NOTE, threads >= (os.cpu_count() or 1)),
            )
            if applies
        ),
    )


def default_threads() -> tuple[int, ...]:
    """1 thread, and 2 where a core is left over: on a two-core machine, two BLAS threads
    stall whenever anything else runs (medians ten times off, seen here), so they are
    measured only when asked for (``--threads 1,2``)."""
    return (1, 2) if (os.cpu_count() or 1) > 2 else (1,)


def threads_from(argv: list[str]) -> tuple[int, ...]:
    """The thread counts after ``--threads`` (comma-separated), or the default ones."""
    if "--threads" in argv[:-1]:
        return tuple(int(n) for n in argv[argv.index("--threads") + 1].split(","))
    return default_threads()


def run(quick: bool = False, thread_counts: tuple[int, ...] = (1,)) -> list[Figure]:
    """Every case at each thread count; ``quick`` takes fewer rounds."""
    if torch_available():
        for case in CASES:
            check_same_step(case)
    rounds = 30 if quick else 300
    return [time_case(case, threads, rounds) for threads in thread_counts for case in CASES]


if __name__ == "__main__":
    emit(run(quick="--quick" in sys.argv, thread_counts=threads_from(sys.argv)))
