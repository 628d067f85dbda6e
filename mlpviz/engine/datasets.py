"""Datasets: the course example, seeded synthetic generators and the shipped real data.

Every dataset has ``x: (N, n_in)`` and ``y: (N, n_out)`` float arrays; classification
targets are one-hot (or a single 0/1 column for two classes with one output).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlpviz.engine.types import Array

TASKS = ("classification", "regression")


@dataclass
class Dataset:
    """A train/test split of samples.

    x_train: (N_train, n_in); y_train: (N_train, n_out); x_test, y_test likewise (N_test may be 0).
    ``task`` is "classification" or "regression"; ``class_names`` label the one-hot columns.
    """

    name: str
    x_train: Array
    y_train: Array
    x_test: Array
    y_test: Array
    task: str = "regression"
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.x_train = np.atleast_2d(np.asarray(self.x_train, dtype=float))
        self.y_train = np.atleast_2d(np.asarray(self.y_train, dtype=float))
        n_in, n_out = self.x_train.shape[1], self.y_train.shape[1]
        self.x_test = np.asarray(self.x_test, dtype=float).reshape(-1, n_in)
        self.y_test = np.asarray(self.y_test, dtype=float).reshape(-1, n_out)
        if self.task not in TASKS:
            raise ValueError(f"unknown task {self.task!r} (known: {', '.join(TASKS)})")
        if len(self.x_train) != len(self.y_train) or len(self.x_test) != len(self.y_test):
            raise ValueError("x and y must have the same number of samples")
        if len(self.x_train) == 0:
            raise ValueError("a dataset needs at least one training sample")

    @property
    def n_inputs(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.y_train.shape[1])


def course_example_data() -> Dataset:
    """The course page's single sample x = (0.5, 0.8), y = 0."""
    return Dataset(
        "course example",
        np.array([[0.5, 0.8]]),
        np.array([[0.0]]),
        np.empty((0, 2)),
        np.empty((0, 1)),
        task="regression",
        feature_names=["x1", "x2"],
        target_names=["y"],
    )
