"""Optimizers against their textbook update rules, worked by hand in the test."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpviz.engine.optimizers import Optimizer, OptimizerConfig


def test_sgd_is_the_page_rule() -> None:
    opt = Optimizer(OptimizerConfig("sgd", learning_rate=0.7))
    (p,) = opt.update([np.array([0.3, 0.5])], [np.array([0.181381, 0.219133])])
    np.testing.assert_allclose(p, [0.3 - 0.7 * 0.181381, 0.5 - 0.7 * 0.219133])


def test_momentum_accumulates_velocity() -> None:
    opt = Optimizer(OptimizerConfig("momentum", learning_rate=0.1, momentum=0.9))
    p0 = np.array([1.0])
    (p1,) = opt.update([p0], [np.array([2.0])])  # v1 = −0.1·2 = −0.2
    (p2,) = opt.update([p1], [np.array([-1.0])])  # v2 = 0.9·(−0.2) + 0.1 = −0.08
    assert p1[0] == pytest.approx(0.8)
    assert p2[0] == pytest.approx(0.72)
    assert p0[0] == 1.0  # the old array is never written into


def test_adam_matches_kingma_and_ba() -> None:
    b1, b2, eps, eta = 0.9, 0.999, 1e-8, 0.01
    opt = Optimizer(OptimizerConfig("adam", learning_rate=eta, beta1=b1, beta2=b2, epsilon=eps))
    grads = [0.5, -0.2, 0.1]
    p, m, v = 1.0, 0.0, 0.0
    arr = np.array([p])
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        p = p - eta * m_hat / (math.sqrt(v_hat) + eps)
        (arr,) = opt.update([arr], [np.array([g])])
        assert arr[0] == pytest.approx(p, abs=1e-15)
    assert opt.state.t == 3


def test_optimizer_copy_is_independent() -> None:
    opt = Optimizer(OptimizerConfig("adam", learning_rate=0.1))
    opt.update([np.zeros(2)], [np.ones(2)])
    clone = opt.copy()
    a = opt.update([np.zeros(2)], [np.ones(2)])
    b = clone.update([np.zeros(2)], [np.ones(2)])
    np.testing.assert_array_equal(a[0], b[0])
    assert opt.state.m[0] is not clone.state.m[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "rmsprop"},
        {"learning_rate": 0.0},
        {"learning_rate": float("nan")},
        {"momentum": 1.0},
        {"beta2": -0.1},
        {"epsilon": 0.0},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        OptimizerConfig(**kwargs)  # type: ignore[arg-type]


def kingma_ba(p: float, grads: list[float], eta: float, b1: float, b2: float, eps: float) -> float:
    """Algorithm 1 of Kingma & Ba (2015) on one parameter, written out by hand."""
    m = v = 0.0
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - eta * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
    return p


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_packed_update_is_the_update_array_by_array(name: str) -> None:
    # A 2-3-1 network's parameters: W0 (3, 2), b0 (3,), W1 (1, 3), b1 (1,): 13 in all.
    sizes = [2, 3, 1]
    rng = np.random.default_rng(5)
    shapes = [(3, 2), (3,), (1, 3), (1,)]
    params = [rng.normal(size=s) for s in shapes]
    config = OptimizerConfig(name, learning_rate=0.05, momentum=0.9)
    by_array, packed = Optimizer(config), Optimizer(config)
    flat = start = np.concatenate(params, axis=None)
    grads_seen: list[np.ndarray] = []
    for k in range(4):
        grads = [rng.normal(size=s) for s in shapes]
        grads_seen.append(np.concatenate(grads, axis=None))
        params = by_array.update(params, grads)
        flat = packed.update_packed(flat, np.concatenate(grads, axis=None), sizes)
        if k == 1:
            packed = packed.copy()  # a copied state (no longer views) goes on the same
        np.testing.assert_array_equal(flat, np.concatenate(params, axis=None))
    assert packed.state.t == by_array.state.t == 4
    kept = packed.state.velocity if name == "momentum" else packed.state.m
    if name != "sgd":
        assert [a.shape for a in kept] == shapes  # saved per array, as sessions hold it
    for i in (0, 7, 12):  # and the numbers are the textbook's, parameter by parameter
        g = [float(grad[i]) for grad in grads_seen]
        if name == "adam":
            expected = kingma_ba(float(start[i]), g, 0.05, 0.9, 0.999, 1e-8)
        else:
            p, velocity = float(start[i]), 0.0
            for gk in g:  # v ← μv − ηg, p ← p + v (plain SGD: μ = 0)
                velocity = (0.9 if name == "momentum" else 0.0) * velocity - 0.05 * gk
                p += velocity
            expected = p
        assert flat[i] == pytest.approx(expected, abs=1e-12)
