"""Figure group 1b: samples trained per second through :meth:`Trainer.run`, against PyTorch.

Spiral with 2-8-8-1 tanh/tanh/sigmoid online (batch 1, the course page's way: per-update
overhead is everything) and digits with 64-32-10 in batches of 32, both mean squared
error and plain SGD, each epoch shuffled and ended by the loss and accuracy on the
training and test parts, as the Trainer does. The reference is PyTorch eager running the
same loop. A third contestant on the spiral, a hand-written numpy loop that keeps no
intermediate numbers and checks nothing, shows what numpy's per-call cost allows an online
step: about 50 numpy operations an update (products, ufuncs, views), against mlpviz's 65 or
so (it keeps every number of the step in an array of its own and checks for NaN).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.table import Figure, emit
from benchmarks.timing import interleaved_medians
from benchmarks.torch_reference import TORCH_INSTALL, TorchStep, thread_limit, torch_available
from mlpviz.engine.datasets import Dataset, make_dataset
from mlpviz.engine.network import Network, initialise
from mlpviz.engine.optimizers import OptimizerConfig
from mlpviz.engine.trainer import Trainer, TrainingConfig
from mlpviz.engine.types import Array

GROUP = "trainer"
SPIRAL_TARGET = 50_000.0
"""Samples per second the spiral must train at (online learning)."""


@dataclass(frozen=True)
class ThroughputCase:
    dataset: str
    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    batch: int
    learning_rate: float
    epochs_per_round: int
    target: float | None

    @property
    def sizes(self) -> str:
        return "-".join(map(str, self.layer_sizes))

    @property
    def title(self) -> str:
        batch = "online" if self.batch == 1 else f"batch {self.batch}"
        return f"Trainer.run {self.dataset} {self.sizes} {batch}"

    def network(self) -> Network:
        return initialise(list(self.layer_sizes), list(self.activations), "xavier", seed=0)


CASES = (
    ThroughputCase("spiral", (2, 8, 8, 1), ("tanh", "tanh", "sigmoid"), 1, 0.1, 10, SPIRAL_TARGET),
    ThroughputCase("digits", (64, 32, 10), ("tanh", "sigmoid"), 32, 0.5, 10, None),
)


class MlpvizTraining:
    """``epochs_per_round`` epochs of the mlpviz Trainer per call, going on where it was."""

    def __init__(self, case: ThroughputCase, data: Dataset) -> None:
        config = TrainingConfig(
            loss="mse",
            optimizer=OptimizerConfig("sgd", case.learning_rate),
            batch_size=case.batch,
        )
        self.trainer = Trainer(case.network(), data, config)
        self.epochs = case.epochs_per_round

    def __call__(self) -> None:
        for _ in self.trainer.run(self.epochs):
            pass


class TorchTraining:
    """The same loop in PyTorch: shuffle, SGD steps on slices, evaluate both parts."""

    def __init__(self, case: ThroughputCase, data: Dataset) -> None:
        import torch

        self.torch = torch
        x, y = data.x_train[:1], data.y_train[:1]
        self.step = TorchStep(case.network(), x, y, case.learning_rate)
        self.x_train, self.y_train = torch.tensor(data.x_train), torch.tensor(data.y_train)
        self.x_test, self.y_test = torch.tensor(data.x_test), torch.tensor(data.y_test)
        self.batch, self.epochs = case.batch, case.epochs_per_round
        self.rng = np.random.default_rng(0)

    def evaluate(self, x: Any, y: Any) -> tuple[float, float]:
        torch = self.torch
        with torch.no_grad():
            y_hat = self.step.forward(x)
            loss = float(torch.nn.functional.mse_loss(y_hat, y))
            if y.shape[1] == 1:
                right = (y_hat[:, 0] >= 0.5) == (y[:, 0] >= 0.5)
            else:
                right = torch.argmax(y_hat, dim=1) == torch.argmax(y, dim=1)
            return loss, float(right.double().mean())

    def __call__(self) -> None:
        n = len(self.x_train)
        for _ in range(self.epochs):
            order = self.torch.from_numpy(self.rng.permutation(n))
            xs, ys = self.x_train[order], self.y_train[order]
            for start in range(0, n, self.batch):
                self.step.step(xs[start : start + self.batch], ys[start : start + self.batch])
            self.evaluate(self.x_train, self.y_train)
            self.evaluate(self.x_test, self.y_test)


class NumpyFloor:
    """An online step of a tanh…tanh-sigmoid MLP with mse as one would write it in numpy by
    hand, about 50 numpy operations: no intermediate numbers kept, no checks, no evaluation.
    Not mlpviz: a measure of what numpy's per-call cost allows."""

    def __init__(self, case: ThroughputCase, data: Dataset) -> None:
        net = case.network()
        self.weights, self.biases = net.weights, net.biases
        self.x, self.y = data.x_train, data.y_train
        self.eta, self.epochs = case.learning_rate, case.epochs_per_round
        self.rng = np.random.default_rng(0)

    def step(self, x: Array, y: Array) -> None:
        ws, bs, eta = self.weights, self.biases, self.eta
        acts = [x]
        for w, b in zip(ws[:-1], bs[:-1], strict=True):
            acts.append(np.tanh(acts[-1] @ w.T + b))
        y_hat = 1.0 / (1.0 + np.exp(-(acts[-1] @ ws[-1].T + bs[-1])))
        delta = 2.0 * (y_hat - y) * y_hat * (1.0 - y_hat) / y.size
        for l in range(len(ws) - 1, -1, -1):
            grad_w, grad_b = delta.T @ acts[l], delta[0]
            if l:
                delta = (delta @ ws[l]) * (1.0 - acts[l] * acts[l])
            ws[l] = ws[l] - eta * grad_w
            bs[l] = bs[l] - eta * grad_b

    def __call__(self) -> None:
        for _ in range(self.epochs):
            order = self.rng.permutation(len(self.x))
            xs, ys = self.x[order], self.y[order]
            for i in range(len(xs)):
                self.step(xs[i : i + 1], ys[i : i + 1])


def measure(case: ThroughputCase, rounds: int) -> list[Figure]:
    data = make_dataset(case.dataset)
    samples_per_round = case.epochs_per_round * len(data.x_train)
    contestants: dict[str, Callable[[], object]] = {"mlpviz": MlpvizTraining(case, data)}
    if torch_available():
        contestants["torch"] = TorchTraining(case, data)
    if case.batch == 1:
        contestants["numpy floor"] = NumpyFloor(case, data)
    with thread_limit(1):
        medians = interleaved_medians(contestants, rounds=rounds, block_seconds=0.0)
    rate = {name: samples_per_round / seconds for name, seconds in medians.items()}
    target = case.target
    notes = [] if "torch" in rate else [f"PyTorch not installed: {TORCH_INSTALL}"]
    if "numpy floor" in rate:
        notes.append(
            f"limit: numpy's cost per call; a bare numpy loop keeping no numbers and "
            f"checking nothing (~50 numpy operations an update, mlpviz ~65) trains "
            f"{rate['numpy floor']:,.0f} samples/s"
        )
    note = "; ".join(notes)
    return [
        Figure(
            GROUP,
            f"{case.title}, 1 thread",
            "samples/s",
            rate["mlpviz"],
            rate.get("torch"),
            "PyTorch eager" if "torch" in rate else "",
            higher_is_better=True,
            target=f"≥ {target:,.0f} samples/s" if target else "",
            met=None if target is None else rate["mlpviz"] >= target,
            note=note,
        )
    ]


def run(quick: bool = False) -> list[Figure]:
    rounds = 5 if quick else 15
    return [figure for case in CASES for figure in measure(case, rounds)]


if __name__ == "__main__":
    emit(run(quick="--quick" in sys.argv))
