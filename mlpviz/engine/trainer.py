"""Training: one update (:func:`train_step`) and the :class:`Trainer` generator.

``train_step`` is the single forward → loss → backward → update sequence that the
Stepper reveals phase by phase and the Trainer repeats, so they cannot disagree.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mlpviz.engine.backprop import (
    NO_REGULARIZATION,
    BackwardPass,
    ForwardPass,
    Regularization,
    backward,
    forward,
)
from mlpviz.engine.datasets import Dataset
from mlpviz.engine.losses import get_loss
from mlpviz.engine.network import Network, interleave
from mlpviz.engine.optimizers import Optimizer, OptimizerConfig
from mlpviz.engine.types import Array

PACKED_UPDATE_MAX_PARAMS = 16_384
"""Networks with at most this many parameters are updated as one packed vector (SGD in two
numpy calls, Adam in about ten, one NaN check: :meth:`Optimizer.update_packed`), where
per-call overhead is the whole cost. Larger ones are updated array by array: their time is
arithmetic, and a new vector of them at every update, past glibc's 128 KiB (16,384
float64) mmap threshold, made the heap shrink and regrow (784-128-64-10: three times the
page faults, 5–25 % slower)."""


@dataclass(frozen=True)
class TrainingConfig:
    """How to train. ``batch_size`` 1 is online learning (the course page's); 0 means
    the full batch. ``target_loss`` stops training once the epoch's training loss is
    at or below it."""

    loss: str = "mse"
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    batch_size: int = 1
    shuffle: bool = True
    seed: int = 0
    regularization: Regularization = NO_REGULARIZATION
    epochs: int = 100
    target_loss: float | None = None

    def __post_init__(self) -> None:
        get_loss(self.loss)
        if self.batch_size < 0:
            raise ValueError(f"batch_size must be ≥ 0 (0 = full batch), got {self.batch_size}")
        if self.epochs < 0:
            raise ValueError(f"epochs must be ≥ 0, got {self.epochs}")
        if self.regularization.l1 < 0 or self.regularization.l2 < 0:
            raise ValueError("l1 and l2 must be ≥ 0")


@dataclass(frozen=True)
class StepResult:
    """One update: the network before, every number of its passes, the network after."""

    before: Network
    forward: ForwardPass
    backward: BackwardPass
    after: Network


def train_step(
    net: Network,
    optimizer: Optimizer,
    x: Array,
    y: Array,
    loss: str = "mse",
    reg: Regularization = NO_REGULARIZATION,
) -> StepResult:
    """Forward, loss, backward and one optimizer update on the batch (x, y).

    ``net`` is left unchanged; the optimizer's state advances by one update.
    """
    fp = forward(net, x)
    bp = backward(net, fp, y, loss, reg)
    packed_grad = bp.packed_grad
    if packed_grad is None or len(packed_grad) > PACKED_UPDATE_MAX_PARAMS:
        new = optimizer.update(net.params(), interleave(bp.grad_weights, bp.grad_biases))
        return StepResult(net, fp, bp, net.updated(new[0::2], new[1::2]))
    # A small network: the same update on the whole parameter vector in one go.
    packed = optimizer.update_packed(net.packed_params(), packed_grad, net.layer_sizes)
    return StepResult(net, fp, bp, net.updated_packed(packed))


def accuracy(y_hat: Array, y: Array) -> float:
    """Share of samples classified right: argmax over outputs, or ŷ ≥ 0.5 for one output."""
    if len(y) == 0:
        return float("nan")
    if y.shape[1] == 1:
        return float(np.mean((y_hat[:, 0] >= 0.5) == (y[:, 0] >= 0.5)))
    return float(np.mean(np.argmax(y_hat, axis=1) == np.argmax(y, axis=1)))


@dataclass
class History:
    """Per-epoch metrics; test entries are NaN when the dataset has no test samples."""

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    """What the trainer reports at each yield.

    ``non_finite`` names the first parameter that became NaN or infinite (training stops
    and ``network`` is the last finite one); ``done`` is True at the last yield.
    """

    epoch: int
    updates: int
    samples: int
    batch_loss: float
    network: Network
    epoch_finished: bool
    done: bool
    non_finite: str | None = None


class Trainer:
    """Trains a copy of a network on a dataset; :meth:`run` is a generator of progress.

    The generator yields at least every ``report_every`` seconds and at each epoch's end;
    the caller may stop iterating at any yield (pause) and call :meth:`run` again to go on.
    """

    def __init__(
        self,
        net: Network,
        data: Dataset,
        config: TrainingConfig,
        optimizer: Optimizer | None = None,
        history: History | None = None,
    ) -> None:
        if net.layer_sizes[0] != data.n_inputs or net.layer_sizes[-1] != data.n_outputs:
            raise ValueError(
                f"the network has {net.layer_sizes[0]} inputs and {net.layer_sizes[-1]} outputs, "
                f"the data {data.n_inputs} and {data.n_outputs}"
            )
        self.net = net.copy()
        self.data = data
        self.config = config
        self.optimizer = optimizer if optimizer is not None else Optimizer(config.optimizer)
        self.history = history if history is not None else History()
        self.epoch = len(self.history.epoch)
        self.updates = 0
        self.samples = 0
        self._rng = np.random.default_rng(config.seed + self.epoch)
        self._order: NDArray[np.intp] | None = None
        # The epoch's samples gathered once in its order, so each update takes a slice
        # (a view) rather than copying its rows out by index.
        self._x_epoch: Array = data.x_train[:0]
        self._y_epoch: Array = data.y_train[:0]
        self._position = 0

    def evaluate(self, x: Array, y: Array) -> tuple[float, float]:
        """(loss, accuracy) of the current network on (x, y); accuracy NaN for regression."""
        if len(x) == 0:
            return float("nan"), float("nan")
        y_hat = forward(self.net, x).output
        loss = get_loss(self.config.loss).value(y_hat, y) + self.config.regularization.penalty(
            self.net
        )
        acc = accuracy(y_hat, y) if self.data.task == "classification" else float("nan")
        return loss, acc

    def _end_epoch(self) -> None:
        self.epoch += 1
        h = self.history
        train_loss, train_acc = self.evaluate(self.data.x_train, self.data.y_train)
        test_loss, test_acc = self.evaluate(self.data.x_test, self.data.y_test)
        h.epoch.append(self.epoch)
        h.train_loss.append(train_loss)
        h.test_loss.append(test_loss)
        h.train_accuracy.append(train_acc)
        h.test_accuracy.append(test_acc)

    def run(self, epochs: int | None = None, report_every: float = 0.1) -> Iterator[Progress]:
        """Train ``epochs`` more epochs (default: the config's), yielding progress."""
        cfg = self.config
        n = len(self.data.x_train)
        batch = n if cfg.batch_size == 0 else min(cfg.batch_size, n)
        target_epoch = self.epoch + (cfg.epochs if epochs is None else epochs)
        loss_name, reg = cfg.loss, cfg.regularization
        clock = time.perf_counter
        last_report = clock()
        loss = float("nan")
        while self.epoch < target_epoch:
            if self._order is None:
                self._order = self._rng.permutation(n) if cfg.shuffle else np.arange(n)
                self._x_epoch = self.data.x_train[self._order]
                self._y_epoch = self.data.y_train[self._order]
                self._position = 0
            start = self._position
            stop = self._position = min(start + batch, n)
            step = train_step(
                self.net,
                self.optimizer,
                self._x_epoch[start:stop],
                self._y_epoch[start:stop],
                loss_name,
                reg,
            )
            loss = step.backward.loss
            self.updates += 1
            self.samples += stop - start
            bad = step.after.first_non_finite()
            if bad is None and not math.isfinite(loss):
                bad = f"the loss = {loss}"
            if bad is not None:
                yield Progress(
                    self.epoch, self.updates, self.samples, loss, self.net, False, True, bad
                )
                return
            self.net = step.after
            if stop >= n:
                self._order = None
                self._end_epoch()
                reached = (
                    cfg.target_loss is not None and self.history.train_loss[-1] <= cfg.target_loss
                )
                finished = reached or self.epoch >= target_epoch
                yield Progress(
                    self.epoch, self.updates, self.samples, loss, self.net, True, finished
                )
                last_report = clock()
                if reached:
                    return
            elif clock() - last_report >= report_every:
                yield Progress(self.epoch, self.updates, self.samples, loss, self.net, False, False)
                last_report = clock()
