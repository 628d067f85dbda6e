"""The dataset generators and the shipped real data, checked against closed forms by hand."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from mlpviz.engine.datasets import (
    DATASET_NAMES,
    Dataset,
    dataset_info,
    describe_dataset,
    make_dataset,
    split_samples,
    standardize_features,
)

TWO_CLASS = ("xor", "circles", "gaussians", "spiral", "moons")
GENERATED = (*TWO_CLASS, "sine", "plane")

# (inputs, outputs, default samples) written down from the brief, not read from the code
SHAPES = {
    "xor": (2, 1, 200),
    "circles": (2, 1, 200),
    "gaussians": (2, 1, 200),
    "spiral": (2, 1, 300),
    "moons": (2, 1, 200),
    "sine": (1, 1, 100),
    "plane": (2, 1, 200),
    "iris": (4, 3, 150),
    "digits": (64, 10, 1797),
}


def all_x(d: Dataset) -> np.ndarray:
    return np.vstack([d.x_train, d.x_test])


def all_y(d: Dataset) -> np.ndarray:
    return np.vstack([d.y_train, d.y_test])


def test_names_and_descriptions() -> None:
    assert DATASET_NAMES == (
        "course", "xor", "circles", "gaussians", "spiral", "moons", "sine", "plane", "iris",
        "digits",
    )
    for name in DATASET_NAMES:
        info = dataset_info(name)
        assert info.name == name
        assert info.task in ("classification", "regression")
        assert describe_dataset(name).startswith(info.title + ":")
    assert "2 inputs → 1 output, classification, 200 samples" in describe_dataset("xor")
    assert "1 input → 1 output, regression, 100 samples" in describe_dataset("sine")
    assert "BSD-3-Clause" in dataset_info("iris").source
    assert "Fisher" in dataset_info("iris").source
    assert dataset_info("xor").source == ""


def test_course_ignores_the_other_arguments() -> None:
    d = make_dataset("course", n_samples=50, noise=3.0, test_ratio=0.5, seed=9, standardize=True)
    np.testing.assert_array_equal(d.x_train, [[0.5, 0.8]])
    np.testing.assert_array_equal(d.y_train, [[0.0]])
    assert d.x_test.shape == (0, 2)


@pytest.mark.parametrize("name", list(SHAPES))
def test_shapes_and_split_sizes(name: str) -> None:
    n_in, n_out, n = SHAPES[name]
    d = make_dataset(name, test_ratio=0.2)
    assert d.n_inputs == n_in and d.n_outputs == n_out
    assert len(d.x_train) + len(d.x_test) == n
    # stratification may move a sample or two per class, never more
    assert abs(len(d.x_test) - 0.2 * n) <= n_out + 1
    assert len(d.feature_names) == n_in and len(d.target_names) == n_out
    info = dataset_info(name)
    assert (info.n_inputs, info.n_outputs, info.n_samples) == (n_in, n_out, n)


@pytest.mark.parametrize("name", [*GENERATED, "iris"])
def test_same_seed_same_arrays_other_seed_other_arrays(name: str) -> None:
    a = make_dataset(name, noise=0.1, seed=3)
    b = make_dataset(name, noise=0.1, seed=3)
    c = make_dataset(name, noise=0.1, seed=4)
    for part in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, part), getattr(b, part))
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("name", TWO_CLASS)
def test_two_class_sets_are_balanced_and_stratified(name: str) -> None:
    d = make_dataset(name, n_samples=200, test_ratio=0.2)
    assert d.task == "classification" and len(d.class_names) == 2
    assert d.target_names == [d.class_names[1]]
    assert set(np.unique(all_y(d))) == {0.0, 1.0}
    assert all_y(d).sum() == 100
    assert d.y_test.sum() == 20 and len(d.y_test) == 40
    odd = make_dataset(name, n_samples=201, test_ratio=0.0)
    assert sorted([int(odd.y_train.sum()), int(len(odd.y_train) - odd.y_train.sum())]) == [100, 101]


def test_xor_labels_follow_the_quadrants() -> None:
    d = make_dataset("xor", n_samples=400, test_ratio=0.0)
    x, y = d.x_train, d.y_train[:, 0]
    opposite = (x[:, 0] > 0) != (x[:, 1] > 0)
    np.testing.assert_array_equal(y, opposite.astype(float))
    assert np.all(np.abs(x) >= 0.05) and np.all(np.abs(x) <= 1.0)
    # all four quadrants are used
    quadrants = {(bool(a > 0), bool(b > 0)) for a, b in x}
    assert len(quadrants) == 4


def test_circles_radii() -> None:
    d = make_dataset("circles", test_ratio=0.0)
    r = np.hypot(d.x_train[:, 0], d.x_train[:, 1])
    y = d.y_train[:, 0]
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r[y == 1], 0.5, rtol=0, atol=1e-12)
    assert d.class_names == ["outer", "inner"]


def test_moons_lie_on_their_half_circles() -> None:
    d = make_dataset("moons", test_ratio=0.0)
    x, y = d.x_train, d.y_train[:, 0]
    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(upper[:, 0] ** 2 + upper[:, 1] ** 2, 1.0, atol=1e-12)
    assert np.all(upper[:, 1] >= 0)
    np.testing.assert_allclose((lower[:, 0] - 1) ** 2 + (lower[:, 1] - 0.5) ** 2, 1.0, atol=1e-12)
    assert np.all(lower[:, 1] <= 0.5)


def test_spiral_angle_grows_with_radius() -> None:
    d = make_dataset("spiral", test_ratio=0.0)
    x, y = d.x_train, d.y_train[:, 0]
    r = np.hypot(x[:, 0], x[:, 1])
    assert np.all((r > 0) & (r <= 1.0))
    # angle = 2π·1.75·r + π·class, compared modulo 2π
    expected = 2 * math.pi * 1.75 * r + math.pi * y
    diff = np.angle(np.exp(1j * (np.arctan2(x[:, 1], x[:, 0]) - expected)))
    np.testing.assert_allclose(diff, 0.0, atol=1e-9)


def test_gaussians_centres_and_spread() -> None:
    d = make_dataset("gaussians", n_samples=4000, test_ratio=0.0, seed=1)
    x, y = d.x_train, d.y_train[:, 0]
    for label, centre in ((0, (-1.0, -1.0)), (1, (1.0, 1.0))):
        blob = x[y == label]
        # 2000 samples of σ = 0.5: the mean is within 4·0.5/√2000 ≈ 0.045
        np.testing.assert_allclose(blob.mean(axis=0), centre, atol=0.045)
        np.testing.assert_allclose(blob.std(axis=0), 0.5, atol=0.04)


def test_noise_is_gaussian_jitter_of_the_given_size() -> None:
    clean = make_dataset("circles", n_samples=4000, test_ratio=0.0, seed=2)
    noisy = make_dataset("circles", n_samples=4000, noise=0.1, test_ratio=0.0, seed=2)
    r = np.hypot(noisy.x_train[:, 0], noisy.x_train[:, 1])
    target = np.where(noisy.y_train[:, 0] == 1, 0.5, 1.0)
    # radial error of 2-D jitter of σ = 0.1 has std ≈ 0.1
    assert 0.09 < np.std(r - target) < 0.11
    assert not np.allclose(clean.x_train, noisy.x_train)
    sine = make_dataset("sine", n_samples=4000, noise=0.2, test_ratio=0.0)
    residual = sine.y_train[:, 0] - np.sin(sine.x_train[:, 0])
    assert 0.19 < residual.std() < 0.21 and abs(residual.mean()) < 0.02


def test_sine_targets_are_sin_x() -> None:
    d = make_dataset("sine", test_ratio=0.25)
    for x, y in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
        assert np.all((x >= -math.pi) & (x <= math.pi))
        assert all(yy == math.sin(xx) for xx, yy in zip(x[:, 0], y[:, 0], strict=True))
    assert d.task == "regression" and d.class_names == []


def test_plane_targets_are_exact() -> None:
    d = make_dataset("plane", test_ratio=0.25, seed=5)
    for x, y in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
        for (x1, x2), (target,) in zip(x, y, strict=True):
            assert target == pytest.approx(2.0 * x1 - 1.0 * x2 + 0.5, abs=1e-15)
        assert np.all(np.abs(x) <= 1.0)


def test_standardize_uses_training_statistics_only() -> None:
    raw = make_dataset("plane", n_samples=50, test_ratio=0.3, seed=7)
    std = make_dataset("plane", n_samples=50, test_ratio=0.3, seed=7, standardize=True)
    np.testing.assert_array_equal(raw.y_train, std.y_train)
    for j in range(2):
        column = [float(v) for v in raw.x_train[:, j]]
        mean, sd = statistics.fmean(column), statistics.pstdev(column)
        expected_train = [(v - mean) / sd for v in column]
        expected_test = [(float(v) - mean) / sd for v in raw.x_test[:, j]]
        np.testing.assert_allclose(std.x_train[:, j], expected_train, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(std.x_test[:, j], expected_test, rtol=1e-12, atol=1e-12)
    # the test part was not standardised by its own statistics
    assert abs(std.x_test.mean()) > 1e-6


def test_standardize_leaves_a_constant_feature_at_zero() -> None:
    train = np.array([[1.0, 5.0], [3.0, 5.0]])
    test = np.array([[2.0, 6.0]])
    a, b = standardize_features(train, test)
    np.testing.assert_array_equal(a, [[-1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(b, [[0.0, 1.0]])


def test_split_keeps_every_class_in_both_parts() -> None:
    labels = np.array([0] * 10 + [1] * 3 + [2] * 2 + [3], dtype=np.int64)
    train, test = split_samples(len(labels), 0.1, np.random.default_rng(0), labels)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(16))
    for c in (0, 1, 2):
        assert c in labels[train] and c in labels[test]
    assert 3 in labels[train] and 3 not in labels[test]  # a lone sample stays in training
    train, test = split_samples(5, 0.9, np.random.default_rng(0))
    assert len(train) == 1 and len(test) == 4


def test_iris_matches_fishers_table() -> None:
    d = make_dataset("iris", test_ratio=0.0)
    x, y = d.x_train, d.y_train
    assert x.shape == (150, 4) and y.shape == (150, 3)
    assert d.class_names == ["setosa", "versicolor", "virginica"]
    np.testing.assert_array_equal(y.sum(axis=0), [50, 50, 50])
    np.testing.assert_array_equal(y.sum(axis=1), np.ones(150))
    # the file's first and last rows
    first = np.flatnonzero((x == [5.1, 3.5, 1.4, 0.2]).all(axis=1))
    assert len(first) == 1 and d.class_names[int(np.argmax(y[first[0]]))] == "setosa"
    last = np.flatnonzero((x == [5.9, 3.0, 5.1, 1.8]).all(axis=1))
    assert len(last) == 1 and d.class_names[int(np.argmax(y[last[0]]))] == "virginica"
    # summary statistics printed in the dataset's description (iris.rst)
    np.testing.assert_array_equal(x.min(axis=0), [4.3, 2.0, 1.0, 0.1])
    np.testing.assert_array_equal(x.max(axis=0), [7.9, 4.4, 6.9, 2.5])
    np.testing.assert_allclose(x.mean(axis=0), [5.84, 3.05, 3.76, 1.20], atol=0.01)


def test_iris_subsample_keeps_class_shares() -> None:
    d = make_dataset("iris", n_samples=30, test_ratio=0.2, seed=4)
    np.testing.assert_array_equal(all_y(d).sum(axis=0), [10, 10, 10])
    assert (d.y_test.sum(axis=0) >= 1).all()


def test_digits() -> None:
    d = make_dataset("digits", test_ratio=0.0)
    x, y = d.x_train, d.y_train
    assert x.shape == (1797, 64) and y.shape == (1797, 10)
    counts = y.sum(axis=0)
    assert counts.sum() == 1797
    # class distribution of the optdigits test set, as listed in UCI's optdigits.names
    np.testing.assert_array_equal(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    np.testing.assert_array_equal(y.sum(axis=1), np.ones(1797))
    assert d.class_names == [str(k) for k in range(10)]
    # pixels 0..16 scaled to [0, 1]
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(x * 16, np.round(x * 16))
    # the file's first image, a zero (its first row: 0,0,5,13,9,1,0,0)
    first = np.flatnonzero((x[:, :8] * 16 == [0, 0, 5, 13, 9, 1, 0, 0]).all(axis=1))
    assert any(np.argmax(y[i]) == 0 for i in first)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "nope"}, "unknown dataset 'nope'"),
        ({"name": "xor", "noise": -0.1}, "noise must be"),
        ({"name": "xor", "noise": math.nan}, "noise must be"),
        ({"name": "xor", "test_ratio": 1.0}, "test_ratio must be in [0, 1)"),
        ({"name": "xor", "test_ratio": -0.1}, "test_ratio must be in [0, 1)"),
        ({"name": "xor", "n_samples": 1}, "n_samples must be at least 2"),
        ({"name": "xor", "n_samples": 2.5}, "n_samples must be an integer"),
        ({"name": "iris", "n_samples": 151}, "Iris has only 150 samples"),
        ({"name": "sine", "seed": -1}, "seed must be an integer"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace(")", r"\)")):
        make_dataset(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown dataset"):
        describe_dataset("nope")


def test_smallest_sets_still_train() -> None:
    for name in TWO_CLASS:
        d = make_dataset(name, n_samples=2, test_ratio=0.5)
        assert len(d.x_train) >= 1 and len(d.x_train) + len(d.x_test) == 2
