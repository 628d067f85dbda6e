"""The network evaluated over a grid of its inputs: what the decision boundary, the 1-D curve
and the neuron maps draw. Qt-free (numpy only), so its numbers are tested without a window.

For two chosen inputs i and j the grid spans the data's range of each, widened by
``margin`` on both sides; any other input is held at its mean over the data, so the plane
is a slice through the input space (for two-input data it is the whole input space).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mlpviz.engine.backprop import forward
from mlpviz.engine.network import Network
from mlpviz.engine.types import Array

PLANE_MARGIN = 0.1
"""Share of the data's range added on each side of the grid."""


@dataclass(frozen=True)
class InputPlane:
    """A ``len(ys)`` × ``len(xs)`` grid over inputs ``features[0]`` (x) and ``features[1]`` (y).

    xs: (R_x,) and ys: (R_y,) grid coordinates, increasing. points: (R_y · R_x, n_in), row
    r·R_x + c is the point (xs[c], ys[r]) with the other inputs at ``fixed``; so any column
    of :func:`layer_values` reshaped to (R_y, R_x) is an image with row r at height ys[r].
    """

    features: tuple[int, int]
    xs: Array
    ys: Array
    points: Array

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys), len(self.xs)

    def rect(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) the image covers, each pixel centred on its grid point."""
        dx = (self.xs[-1] - self.xs[0]) / max(len(self.xs) - 1, 1)
        dy = (self.ys[-1] - self.ys[0]) / max(len(self.ys) - 1, 1)
        return (
            float(self.xs[0] - dx / 2),
            float(self.ys[0] - dy / 2),
            float(self.xs[-1] - self.xs[0] + dx),
            float(self.ys[-1] - self.ys[0] + dy),
        )


def axis_range(values: Array, margin: float = PLANE_MARGIN) -> tuple[float, float]:
    """(low, high) covering ``values: (N,)`` with ``margin`` of their range on each side;
    one unit each side when they are all equal."""
    low, high = float(np.min(values)), float(np.max(values))
    pad = (high - low) * margin if high > low else 1.0
    return low - pad, high + pad


def input_plane(
    x: Array, features: tuple[int, int] = (0, 1), resolution: int = 80, margin: float = PLANE_MARGIN
) -> InputPlane:
    """The grid over inputs ``features`` of the samples ``x: (N, n_in)``, ``resolution``
    points along each axis; other inputs at their mean over ``x``."""
    i, j = features
    if x.ndim != 2 or x.shape[1] < 2 or len(x) == 0:
        raise ValueError(f"a plane needs samples with two inputs or more, got shape {x.shape}")
    if i == j or not (0 <= i < x.shape[1] and 0 <= j < x.shape[1]):
        raise ValueError(f"features must be two different inputs of {x.shape[1]}, got {features}")
    xs = np.linspace(*axis_range(x[:, i], margin), resolution)
    ys = np.linspace(*axis_range(x[:, j], margin), resolution)
    gx, gy = np.meshgrid(xs, ys)  # (R_y, R_x): row r at ys[r]
    points = np.tile(x.mean(axis=0), (gx.size, 1))
    points[:, i] = gx.ravel()
    points[:, j] = gy.ravel()
    return InputPlane((i, j), xs, ys, points)


def input_line(x: Array, resolution: int = 200, margin: float = PLANE_MARGIN) -> Array:
    """``resolution`` evenly spaced inputs over the range of one-input samples ``x: (N, 1)``,
    as a batch (resolution, 1)."""
    if x.ndim != 2 or x.shape[1] != 1 or len(x) == 0:
        raise ValueError(f"a line needs one-input samples, got shape {x.shape}")
    return np.linspace(*axis_range(x[:, 0], margin), resolution).reshape(-1, 1)


def layer_values(net: Network, points: Array) -> list[Array]:
    """a[l] of every layer at ``points: (P, n0)``: a list of (P, n[l]) for l = 0..L.

    Huge weights may overflow on the way (training gone wrong); the values then hold
    infinities or NaN, which the views show as such, without a warning.
    """
    with np.errstate(all="ignore"):
        return forward(net, points).a


def class_of(y: Array) -> NDArray[np.int64]:
    """Class index per sample from targets ``y: (N, 1)`` (0/1) or one-hot ``(N, K)``: (N,)."""
    labels: NDArray[np.int64]
    if y.shape[1] == 1:
        labels = (y[:, 0] >= 0.5).astype(np.int64)
    else:
        labels = np.argmax(y, axis=1).astype(np.int64)
    return labels
