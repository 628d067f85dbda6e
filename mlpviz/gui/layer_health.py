"""What a debugger wants to know of each layer while a network trains. Qt-free (numpy only).

- Saturation (sigmoid, tanh): the share of a layer's activations, over the samples, whose
  derivative f'(z) is at most SATURATED_SLOPE of its peak (σ' ≤ 0.025, i.e. |z| ≥ 3.64;
  tanh' ≤ 0.1, i.e. |z| ≥ 1.82). Through those, less than a tenth of the gradient passes.
  Not for a sigmoid output with binary cross-entropy, whose δ = ŷ − y does not pass σ'.
- Dead units (ReLU, leaky ReLU): the share of a layer's units with z ≤ 0 on every sample.
  A dead ReLU passes no gradient at all and never recovers by itself.
- Gradient size: the root mean square of ∂L/∂W for the weights into the layer, on the same
  samples, and its ratio to the output layer's. Far smaller in early layers is a
  vanishing gradient, far larger an exploding one (VANISHING_RATIO, EXPLODING_RATIO).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlpviz.engine.activations import get_activation
from mlpviz.engine.backprop import NO_REGULARIZATION, Regularization, backward, forward
from mlpviz.engine.network import Network
from mlpviz.engine.types import Array

SATURATED_SLOPE = 0.1
"""f'(z) at or below this share of its peak counts as saturated."""
PEAK_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}
"""f'(0), the largest slope of each saturating activation."""
DEAD_ACTIVATIONS = ("relu", "leaky_relu")
VANISHING_RATIO = 1e-2
EXPLODING_RATIO = 1e2
HEALTH_SAMPLES = 256
"""The indicators use at most this many training samples (the first ones), so they cost
one small forward and backward pass."""


@dataclass(frozen=True)
class LayerHealth:
    """Indicators of layer ``layer`` (1..L) with ``units`` neurons.

    saturated: share of activations in a flat tail (None unless sigmoid or tanh);
    dead: share of units never active (None unless ReLU or leaky ReLU);
    gradient_rms: RMS of ∂L/∂W[layer−1] (n[layer], n[layer−1]);
    gradient_ratio: gradient_rms over the output layer's (NaN when that is 0).
    """

    layer: int
    activation: str
    units: int
    saturated: float | None
    dead: float | None
    gradient_rms: float
    gradient_ratio: float

    @property
    def verdict(self) -> str:
        """One of "vanishing", "exploding", "not finite" or "" (healthy)."""
        if not math.isfinite(self.gradient_rms):
            return "not finite"
        if self.gradient_ratio < VANISHING_RATIO:
            return "vanishing"
        if self.gradient_ratio > EXPLODING_RATIO:
            return "exploding"
        return ""


def saturated_share(activation: str, z: Array) -> float | None:
    """Share of ``z: (B, n)`` where f'(z) ≤ SATURATED_SLOPE · f'(0); None for activations
    that do not saturate."""
    peak = PEAK_SLOPE.get(activation)
    if peak is None or z.size == 0:
        return None
    slope = get_activation(activation).der(z)
    return float(np.mean(slope <= SATURATED_SLOPE * peak))


def dead_share(activation: str, z: Array) -> float | None:
    """Share of the units (columns of ``z: (B, n)``) with z ≤ 0 on every sample; None for
    activations that cannot die."""
    if activation not in DEAD_ACTIVATIONS or z.size == 0:
        return None
    return float(np.mean(np.all(z <= 0, axis=0)))


def layer_health(
    net: Network,
    x: Array,
    y: Array,
    loss: str,
    reg: Regularization = NO_REGULARIZATION,
    max_samples: int = HEALTH_SAMPLES,
) -> list[LayerHealth]:
    """The indicators of layers 1..L on the first ``max_samples`` of ``x: (N, n0)``,
    ``y: (N, nL)``."""
    x, y = x[:max_samples], y[:max_samples]
    with np.errstate(all="ignore"):
        fp = forward(net, x)
        bp = backward(net, fp, y, loss, reg)
        rms = [float(np.sqrt(np.mean(g * g))) for g in bp.grad_weights]
    top = rms[-1]
    out = []
    for l in range(1, net.depth + 1):
        act = net.activations[l - 1]
        ratio = rms[l - 1] / top if top > 0 and math.isfinite(top) else math.nan
        saturated = saturated_share(act, fp.z[l])
        if l == net.depth and (act, loss) == ("sigmoid", "bce"):
            # δ = ŷ − y skips σ' there (mlpviz.engine.backprop.output_delta): a saturated
            # output unit still learns.
            saturated = None
        out.append(
            LayerHealth(
                l, act, net.layer_sizes[l], saturated, dead_share(act, fp.z[l]), rms[l - 1], ratio
            )
        )
    return out
