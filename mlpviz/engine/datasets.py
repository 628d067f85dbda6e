"""Datasets: the course example, seeded synthetic generators and the shipped real data.

Every dataset has ``x: (N, n_in)`` and ``y: (N, n_out)`` float arrays; classification
targets are one-hot (or a single 0/1 column for two classes with one output).

:func:`make_dataset` builds any of :data:`DATASET_NAMES`; :func:`dataset_info` and
:func:`describe_dataset` tell a data panel what each one is. :func:`split_samples` and
:func:`standardize_features` are shared with :mod:`mlpviz.engine.csvdata`.

The two-class generators (xor, circles, gaussians, spiral, moons) all live in about the
unit square, so one ``noise`` value means the same thing for each: the standard deviation
of Gaussian jitter added to every coordinate, in data units.
"""

from __future__ import annotations

import gzip
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from numpy.typing import NDArray

from mlpviz.engine.resources import resource
from mlpviz.engine.types import Array

TASKS = ("classification", "regression")

DATASET_NAMES: tuple[str, ...] = (
    "course",
    "xor",
    "circles",
    "gaussians",
    "spiral",
    "moons",
    "sine",
    "plane",
    "iris",
    "digits",
)

CIRCLES_RADII = (1.0, 0.5)
"""Radius of the outer circle (class 0) and the inner circle (class 1)."""

GAUSSIANS_CENTRES = ((-1.0, -1.0), (1.0, 1.0))
GAUSSIANS_SPREAD = 0.5
"""Standard deviation of each class's blob before noise is added."""

XOR_MARGIN = 0.05
"""Clean XOR points keep this distance from both axes, so no label sits on a boundary."""

SPIRAL_TURNS = 1.75
"""Turns of each spiral arm: a point at radius r ∈ (0, 1] has angle 2π·turns·r + π·class."""

SINE_RANGE = (-math.pi, math.pi)

PLANE_COEFFICIENTS = (2.0, -1.0, 0.5)
"""(a, b, c) of the plane y = a·x1 + b·x2 + c."""

DIGITS_PIXEL_MAX = 16.0
"""Digits pixels are counts 0..16; they are divided by this so inputs lie in [0, 1]."""


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


@dataclass(frozen=True)
class DatasetInfo:
    """What a data panel lists for one dataset: its shape, task and a one-line description."""

    name: str
    title: str
    task: str
    n_inputs: int
    n_outputs: int
    n_samples: int
    """Samples made by default (all of them for the real sets)."""
    description: str
    source: str = ""
    """Where real data come from and under which licence; empty for generated sets."""


_SKLEARN = "shipped with scikit-learn, BSD-3-Clause, © the scikit-learn developers"

_INFO: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo(
            "course",
            "Course example",
            "regression",
            2,
            1,
            1,
            "The course page's single sample x = (0.5, 0.8), y = 0.",
        ),
        DatasetInfo(
            "xor",
            "XOR",
            "classification",
            2,
            1,
            200,
            "Points in [−1, 1]²; class 1 where x1 and x2 have opposite signs.",
        ),
        DatasetInfo(
            "circles",
            "Circles",
            "classification",
            2,
            1,
            200,
            "An outer circle of radius 1 (class 0) around an inner one of radius 0.5 (class 1).",
        ),
        DatasetInfo(
            "gaussians",
            "Two Gaussians",
            "classification",
            2,
            1,
            200,
            "Two Gaussian blobs (σ = 0.5) centred at (−1, −1) and (1, 1); linearly separable.",
        ),
        DatasetInfo(
            "spiral",
            "Spiral",
            "classification",
            2,
            1,
            300,
            "Two interleaved spiral arms of 1.75 turns each.",
        ),
        DatasetInfo(
            "moons",
            "Two moons",
            "classification",
            2,
            1,
            200,
            "Two interleaving half circles of radius 1.",
        ),
        DatasetInfo(
            "sine",
            "Sine",
            "regression",
            1,
            1,
            100,
            "y = sin(x) for x in [−π, π].",
        ),
        DatasetInfo(
            "plane",
            "Plane",
            "regression",
            2,
            1,
            200,
            "y = 2·x1 − x2 + 0.5 for x in [−1, 1]².",
        ),
        DatasetInfo(
            "iris",
            "Iris",
            "classification",
            4,
            3,
            150,
            "Fisher's irises: 4 flower measurements in cm, 3 species of 50 each.",
            "R.A. Fisher (1936); " + _SKLEARN,
        ),
        DatasetInfo(
            "digits",
            "Digits",
            "classification",
            64,
            10,
            1797,
            "Handwritten digits as 8×8 images, pixels scaled from 0..16 to [0, 1].",
            "UCI optical recognition of handwritten digits (Alpaydin, Kaynak 1998); " + _SKLEARN,
        ),
    )
}


def dataset_info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of one of :data:`DATASET_NAMES`."""
    _check_name(name)
    return _INFO[name]


def describe_dataset(name: str) -> str:
    """One line for a data panel, e.g. ``"XOR: 2 inputs → 1 output, classification, ..."``."""
    info = dataset_info(name)
    ins, outs = _count(info.n_inputs, "input"), _count(info.n_outputs, "output")
    samples = _count(info.n_samples, "sample")
    return f"{info.title}: {ins} → {outs}, {info.task}, {samples}. {info.description}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _check_name(name: str) -> None:
    if name not in _INFO:
        raise ValueError(f"unknown dataset {name!r} (known: {', '.join(DATASET_NAMES)})")


# --- splitting and standardising, shared with csvdata -------------------------------------


def split_samples(
    n: int, test_ratio: float, rng: np.random.Generator, labels: NDArray[np.int64] | None = None
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Shuffled (train, test) index arrays for ``n`` samples.

    Without labels, round(test_ratio·n) samples go to the test part. With ``labels: (n,)``
    the split is stratified: each class c of n_c samples puts round(test_ratio·n_c) in the
    test part, but at least one in each part when n_c ≥ 2 and test_ratio > 0, so every
    class is seen in training and in testing; a class of one sample stays in training.
    The train part always keeps ≥ 1 sample.
    """
    if not 0.0 <= test_ratio < 1.0:
        raise ValueError(f"test_ratio must be in [0, 1), got {test_ratio}")
    order = rng.permutation(n)
    if labels is None:
        n_test = min(round(test_ratio * n), n - 1)
        return order[n_test:], order[:n_test]
    is_test = np.zeros(n, dtype=bool)
    shuffled = labels[order]
    for c in np.unique(labels):
        members = order[shuffled == c]
        n_c = len(members)
        n_test = min(round(test_ratio * n_c), n_c - 1)
        if test_ratio > 0 and n_c >= 2:
            n_test = max(n_test, 1)
        is_test[members[:n_test]] = True
    return order[~is_test[order]], order[is_test[order]]


def standardize_features(x_train: Array, x_test: Array) -> tuple[Array, Array]:
    """Both parts shifted and scaled by the TRAIN part's per-feature mean and std.

    x_train: (N_train, n_in); x_test: (N_test, n_in). A constant feature (std 0) is only
    centred, so it becomes 0 rather than NaN.
    """
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (x_train - mean) / std, (x_test - mean) / std


def one_hot(labels: NDArray[np.int64], n_classes: int) -> Array:
    """Targets for class indices ``labels: (N,)``: ``(N, 1)`` 0/1 for two classes, else
    ``(N, n_classes)`` one-hot."""
    if n_classes == 2:
        return labels.astype(float).reshape(-1, 1)
    return np.eye(n_classes)[labels]


def class_target_names(class_names: Sequence[str]) -> list[str]:
    """Names of the output columns: the class names, or for two classes the one output's
    meaning (it is 1 for the second class)."""
    return [class_names[1]] if len(class_names) == 2 else list(class_names)


# --- generators ---------------------------------------------------------------------------


def _balanced_labels(n: int, n_classes: int) -> NDArray[np.int64]:
    """Class indices 0, 1, ..., n_classes−1 repeated: class sizes differ by at most one."""
    return np.arange(n, dtype=np.int64) % n_classes


def _xor(n: int, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    labels = _balanced_labels(n, 2)
    magnitude = rng.uniform(XOR_MARGIN, 1.0, size=(n, 2))
    sign1 = rng.choice([-1.0, 1.0], size=n)
    # class 1 (opposite signs) flips the second sign, so the label decides the quadrant
    sign2 = np.where(labels == 1, -sign1, sign1)
    return magnitude * np.column_stack([sign1, sign2]), labels


def _circles(n: int, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    labels = _balanced_labels(n, 2)
    radius = np.asarray(CIRCLES_RADII)[labels]
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    return radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), labels


def _gaussians(n: int, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    labels = _balanced_labels(n, 2)
    centres = np.asarray(GAUSSIANS_CENTRES)[labels]
    return centres + rng.normal(0.0, GAUSSIANS_SPREAD, size=(n, 2)), labels


def _spiral(n: int, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    labels = _balanced_labels(n, 2)
    # radii bounded away from 0, where both arms meet
    radius = rng.uniform(0.05, 1.0, size=n)
    angle = 2 * np.pi * SPIRAL_TURNS * radius + np.pi * labels
    return radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), labels


def _moons(n: int, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    labels = _balanced_labels(n, 2)
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    return np.where((labels == 0)[:, None], upper, lower), labels


_CLASS_GENERATORS = {
    "xor": (_xor, ["same sign", "opposite signs"]),
    "circles": (_circles, ["outer", "inner"]),
    "gaussians": (_gaussians, ["lower left", "upper right"]),
    "spiral": (_spiral, ["arm A", "arm B"]),
    "moons": (_moons, ["upper", "lower"]),
}


# --- the shipped real data ----------------------------------------------------------------


@cache
def _iris() -> tuple[Array, NDArray[np.int64], tuple[str, ...]]:
    """(x (150, 4), labels (150,), class names) from ``resources/data/iris.csv``."""
    with resource("data", "iris.csv").open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8")
        first = text.readline().strip().split(",")
        n_rows, n_cols = int(first[0]), int(first[1])
        table = np.loadtxt(text, delimiter=",", ndmin=2)
    if table.shape != (n_rows, n_cols + 1):
        raise ValueError(f"iris.csv has shape {table.shape}, expected {(n_rows, n_cols + 1)}")
    return table[:, :n_cols], table[:, n_cols].astype(np.int64), tuple(first[2:])


@cache
def _digits() -> tuple[Array, NDArray[np.int64]]:
    """(x (1797, 64) with pixels in [0, 1], labels (1797,)) from ``digits.csv.gz``."""
    with resource("data", "digits.csv.gz").open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", ndmin=2)
    if table.shape[1] != 65:
        raise ValueError(f"digits.csv.gz has {table.shape[1]} columns, expected 65")
    return table[:, :64] / DIGITS_PIXEL_MAX, table[:, 64].astype(np.int64)


_IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


def _stratified_subsample(
    labels: NDArray[np.int64], n_take: int, rng: np.random.Generator
) -> NDArray[np.intp]:
    """Indices of ``n_take`` samples keeping each class's share (largest remainders)."""
    classes, counts = np.unique(labels, return_counts=True)
    quota = counts * n_take / len(labels)
    take = np.floor(quota).astype(np.int64)
    # ties broken by class order so the result depends on the seed only
    extra = np.argsort(-(quota - take), kind="stable")[: n_take - int(take.sum())]
    take[extra] += 1
    chosen = [
        rng.permutation(np.flatnonzero(labels == c))[:k] for c, k in zip(classes, take, strict=True)
    ]
    return np.sort(np.concatenate(chosen))


# --- the one entry point ------------------------------------------------------------------


def make_dataset(
    name: str,
    n_samples: int | None = None,
    noise: float = 0.0,
    test_ratio: float = 0.2,
    seed: int = 0,
    standardize: bool = False,
) -> Dataset:
    """The dataset ``name`` (one of :data:`DATASET_NAMES`), split into train and test parts.

    n_samples: how many samples; None means the set's default (:func:`dataset_info`), for
    iris and digits all of them (fewer gives a seeded subsample with the class shares kept).
    noise: standard deviation of Gaussian noise, ≥ 0: added to every input coordinate of the
    two-class sets and to the target of sine and plane; ignored by iris and digits.
    test_ratio: share in [0, 1) held out for testing; classification splits are stratified
    (:func:`split_samples`); both parts are in a seeded random order. seed: the same seed
    gives identical arrays.
    standardize: shift and scale every input by the training part's mean and std.
    "course" is the page's single sample; it ignores every other argument.

    Two-class sets have x: (N, 2) and y: (N, 1) with 0/1 targets; sine x: (N, 1);
    plane x: (N, 2); iris x: (N, 4), y: (N, 3) one-hot; digits x: (N, 64) in [0, 1],
    y: (N, 10) one-hot.
    """
    _check_name(name)
    if name == "course":
        return course_example_data()
    info = _INFO[name]
    _check_parameters(info, n_samples, noise, test_ratio, seed)
    n = info.n_samples if n_samples is None else n_samples
    rng = np.random.default_rng(seed)

    labels: NDArray[np.int64] | None
    feature_names = ["x1", "x2"]
    class_names: list[str] = []
    if name in _CLASS_GENERATORS:
        generate, names = _CLASS_GENERATORS[name]
        x, labels = generate(n, rng)
        if noise > 0:
            x = x + rng.normal(0.0, noise, size=x.shape)
        class_names = list(names)
        y = one_hot(labels, 2)
        target_names = class_target_names(class_names)
    elif name == "sine":
        x = rng.uniform(*SINE_RANGE, size=(n, 1))
        y = np.sin(x) + (rng.normal(0.0, noise, size=(n, 1)) if noise > 0 else 0.0)
        labels, feature_names, target_names = None, ["x"], ["sin(x)"]
    elif name == "plane":
        x = rng.uniform(-1.0, 1.0, size=(n, 2))
        a, b, c = PLANE_COEFFICIENTS
        y = (a * x[:, 0] + b * x[:, 1] + c).reshape(-1, 1)
        if noise > 0:
            y = y + rng.normal(0.0, noise, size=y.shape)
        labels, target_names = None, ["y"]
    else:
        if name == "iris":
            x, labels, iris_classes = _iris()
            class_names, feature_names = list(iris_classes), list(_IRIS_FEATURES)
        else:
            x, labels = _digits()
            class_names = [str(d) for d in range(10)]
            feature_names = [f"pixel ({r}, {c})" for r in range(8) for c in range(8)]
        if n < len(x):
            keep = _stratified_subsample(labels, n, rng)
            x, labels = x[keep], labels[keep]
        y = one_hot(labels, len(class_names))
        target_names = class_target_names(class_names)

    train, test = split_samples(n, test_ratio, rng, labels)
    x_train, x_test = x[train], x[test]
    if standardize:
        x_train, x_test = standardize_features(x_train, x_test)
    return Dataset(
        info.title,
        x_train,
        y[train],
        x_test,
        y[test],
        task=info.task,
        feature_names=feature_names,
        target_names=target_names,
        class_names=class_names,
    )


def _check_parameters(
    info: DatasetInfo, n_samples: int | None, noise: float, test_ratio: float, seed: int
) -> None:
    if n_samples is not None:
        if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
            raise ValueError(f"n_samples must be an integer, got {n_samples!r}")
        if n_samples < 2:
            raise ValueError(f"n_samples must be at least 2, got {n_samples}")
        if info.source and n_samples > info.n_samples:
            raise ValueError(
                f"{info.title} has only {info.n_samples} samples, {n_samples} were asked for"
            )
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number ≥ 0, got {noise}")
    if not 0.0 <= test_ratio < 1.0:
        raise ValueError(f"test_ratio must be in [0, 1), got {test_ratio}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer ≥ 0, got {seed!r}")
