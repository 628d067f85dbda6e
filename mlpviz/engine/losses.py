"""Loss functions: the value L(ŷ, y) and its gradient ∂L/∂ŷ.

``y_hat`` and ``y`` have shape ``(B, K)``: B samples, K outputs. Every loss is a
mean over the batch, so online learning (B = 1) gives the course page's
L = (y − ŷ)² for ``mse`` with one output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlpviz.engine.types import Array

# Probabilities are kept in [EPS, 1 − EPS] inside logarithms so log(0) never gives -inf.
EPS = 1e-15


def _mse(y_hat: Array, y: Array) -> float:
    d = y - y_hat
    return float(np.vdot(d, d)) / d.size  # Σ d² as one dot product: np.mean costs 3 µs more


def _mse_grad(y_hat: Array, y: Array) -> Array:
    g = y_hat - y
    g *= 2.0 / g.size  # in place: one array, not three
    return g


def _half_sse(y_hat: Array, y: Array) -> float:
    return float(0.5 * np.sum((y - y_hat) ** 2) / y_hat.shape[0])


def _half_sse_grad(y_hat: Array, y: Array) -> Array:
    return (y_hat - y) / float(y_hat.shape[0])


def _bce(y_hat: Array, y: Array) -> float:
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def _bce_grad(y_hat: Array, y: Array) -> Array:
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return (p - y) / (p * (1.0 - p)) / y_hat.size


def _cross_entropy(y_hat: Array, y: Array) -> float:
    p = np.clip(y_hat, EPS, 1.0)
    return float(-np.sum(y * np.log(p)) / y_hat.shape[0])


def _cross_entropy_grad(y_hat: Array, y: Array) -> Array:
    p = np.clip(y_hat, EPS, 1.0)
    return -y / p / float(y_hat.shape[0])


@dataclass(frozen=True)
class Loss:
    """A loss: ``value(ŷ, y) -> float`` and ``grad(ŷ, y) -> ∂L/∂ŷ`` of shape (B, K)."""

    name: str
    value: Callable[[Array, Array], float]
    grad: Callable[[Array, Array], Array]
    formula: str
    grad_formula: str


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", _mse, _mse_grad, "L = 1/(B·K) Σ (y − ŷ)²", "∂L/∂ŷ = 2(ŷ − y)/(B·K)"),
        Loss(
            "half_sse",
            _half_sse,
            _half_sse_grad,
            "L = 1/B Σ ½ Σ_k (y_k − ŷ_k)²",
            "∂L/∂ŷ = (ŷ − y)/B",
        ),
        Loss(
            "bce",
            _bce,
            _bce_grad,
            "L = −1/(B·K) Σ [y log ŷ + (1 − y) log(1 − ŷ)]",
            "∂L/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ)·B·K)",
        ),
        Loss(
            "cross_entropy",
            _cross_entropy,
            _cross_entropy_grad,
            "L = −1/B Σ Σ_k y_k log ŷ_k",
            "∂L/∂ŷ_k = −y_k/(ŷ_k·B)",
        ),
    )
}


def get_loss(name: str) -> Loss:
    """The loss called ``name``; ValueError naming the known ones otherwise."""
    try:
        return LOSSES[name]
    except KeyError:
        known = ", ".join(LOSSES)
        raise ValueError(f"unknown loss {name!r} (known: {known})") from None


def constant_prediction_loss(name: str, y: Array) -> float:
    """The loss of always predicting the targets' column means, ``y`` (B, K): for each of
    these losses the best a prediction that ignores the input can do (the mean for the
    squared errors, the base rate for binary and the class frequencies for categorical
    cross-entropy). A network whose loss stays above it has learned less than nothing."""
    mean = np.mean(y, axis=0, keepdims=True)
    return get_loss(name).value(np.broadcast_to(mean, y.shape).copy(), y)
