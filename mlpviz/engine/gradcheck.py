"""Gradient check: the analytic gradient against central finite differences.

For every parameter p, numeric ∂L/∂p ≈ (L(p + h) − L(p − h)) / 2h, with an error of
order h²; the relative error |analytic − numeric| / max(|analytic| + |numeric|, floor)
stays near 1e-7 or below for a correct backward pass in float64; a wrong one is off by
order 1. Near a kink (ReLU at z = 0) finite differences are not valid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.engine.backprop import NO_REGULARIZATION, Regularization, backward, forward, loss_value
from mlpviz.engine.network import Network
from mlpviz.engine.types import Array

DEFAULT_TOLERANCE = 1e-5
DEFAULT_STEP = 1e-5
# Rounding in L(p ± h) puts about 1e-11·|L| of noise on a numeric gradient (float64,
# h = 1e-5), so gradients smaller than this floor are compared by their difference
# relative to the floor rather than to their own, noise-sized, magnitude.
ABS_FLOOR = 1e-5


@dataclass(frozen=True)
class GradEntry:
    """One parameter: ``name`` is "weights" or "biases", ``layer`` its list index (0..L−1),
    ``index`` its position in that array."""

    name: str
    layer: int
    index: tuple[int, ...]
    analytic: float
    numeric: float

    @property
    def relative_error(self) -> float:
        return relative_error(self.analytic, self.numeric)


@dataclass(frozen=True)
class GradCheckReport:
    entries: list[GradEntry]
    tolerance: float

    @property
    def worst(self) -> GradEntry:
        return max(self.entries, key=lambda e: e.relative_error)

    @property
    def max_relative_error(self) -> float:
        return self.worst.relative_error

    @property
    def passed(self) -> bool:
        return self.max_relative_error <= self.tolerance


def relative_error(analytic: float, numeric: float) -> float:
    return abs(analytic - numeric) / max(abs(analytic) + abs(numeric), ABS_FLOOR)


def numeric_gradient(
    net: Network,
    x: Array,
    y: Array,
    loss: str = "mse",
    reg: Regularization = NO_REGULARIZATION,
    h: float = DEFAULT_STEP,
) -> tuple[list[Array], list[Array]]:
    """Central-difference ∂L/∂W and ∂L/∂b, shaped like ``net.weights`` and ``net.biases``."""
    probe = net.copy()
    grads_w = [np.zeros_like(w) for w in probe.weights]
    grads_b = [np.zeros_like(b) for b in probe.biases]
    for params, grads in ((probe.weights, grads_w), (probe.biases, grads_b)):
        for p, g in zip(params, grads, strict=True):
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + h
                up = loss_value(probe, x, y, loss, reg)
                p[idx] = old - h
                down = loss_value(probe, x, y, loss, reg)
                p[idx] = old
                g[idx] = (up - down) / (2 * h)
    return grads_w, grads_b


def gradient_check(
    net: Network,
    x: Array,
    y: Array,
    loss: str = "mse",
    reg: Regularization = NO_REGULARIZATION,
    h: float = DEFAULT_STEP,
    tolerance: float = DEFAULT_TOLERANCE,
) -> GradCheckReport:
    """Compare backprop's gradient with finite differences for every parameter."""
    bp = backward(net, forward(net, x), y, loss, reg)
    num_w, num_b = numeric_gradient(net, x, y, loss, reg, h)
    entries: list[GradEntry] = []
    for name, analytic, numeric in (
        ("weights", bp.grad_weights, num_w),
        ("biases", bp.grad_biases, num_b),
    ):
        for layer, (ga, gn) in enumerate(zip(analytic, numeric, strict=True)):
            for idx in np.ndindex(ga.shape):
                entries.append(GradEntry(name, layer, idx, float(ga[idx]), float(gn[idx])))
    return GradCheckReport(entries, tolerance)
