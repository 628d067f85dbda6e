"""Optimizers: plain SGD (the course page's p ← p − η ∂L/∂p), momentum and Adam.

An optimizer updates a list of parameter arrays in the order of
:meth:`Network.params` (W0, b0, W1, b1, ...). ``update`` returns new arrays and never
writes into the old ones, so earlier snapshots (the Stepper's history) stay valid.
Its state (velocities, moments, step count) can be copied, saved and restored exactly.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mlpviz.engine.network import packed_views
from mlpviz.engine.types import Array

OPTIMIZERS = ("sgd", "momentum", "adam")


@dataclass(frozen=True)
class OptimizerConfig:
    """Which optimizer and its hyper-parameters; ``momentum`` is used by "momentum",
    ``beta1``, ``beta2`` and ``epsilon`` by "adam"."""

    name: str = "sgd"
    learning_rate: float = 0.1
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8

    def __post_init__(self) -> None:
        if self.name not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.name!r} (known: {', '.join(OPTIMIZERS)})")
        if not (np.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ValueError(f"learning_rate must be a finite number > 0, got {self.learning_rate}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum}")
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise ValueError(f"beta1 and beta2 must be in [0, 1), got {self.beta1}, {self.beta2}")
        if not self.epsilon > 0:
            raise ValueError(f"epsilon must be > 0, got {self.epsilon}")


@dataclass
class OptimizerState:
    """What an optimizer remembers between updates: ``t`` updates so far, and per
    parameter the momentum velocity or Adam's first and second moments."""

    t: int = 0
    velocity: list[Array] = field(default_factory=list)
    m: list[Array] = field(default_factory=list)
    v: list[Array] = field(default_factory=list)


def _plus_scaled(p: Array, scale: float, d: Array) -> Array:
    """p + scale·d as a new array, computed in that one array.

    ``p - eta * g`` gives the same numbers but holds a second array of p's size for the
    product; for the large weight matrices, allocating and freeing it costs more than the
    arithmetic (fresh pages from the heap, see docs/benchmarks.md).
    """
    out = np.multiply(d, scale)
    out += p
    return out


class Optimizer:
    """Applies one update per call to :meth:`update`."""

    def __init__(self, config: OptimizerConfig, state: OptimizerState | None = None) -> None:
        self.config = config
        self.state = state if state is not None else OptimizerState()
        self._packed: dict[str, tuple[Array, list[Array]]] = {}
        """State name → the vector that state's arrays are views of, and those views
        (see :meth:`update_packed`)."""

    def update(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        """New parameters from ``params`` and their gradients (same shapes, same order)."""
        cfg, st = self.config, self.state
        eta = cfg.learning_rate
        st.t += 1
        if cfg.name == "sgd":
            return [_plus_scaled(p, -eta, g) for p, g in zip(params, grads, strict=True)]
        if cfg.name == "momentum":
            if not st.velocity:
                st.velocity = [np.zeros_like(p) for p in params]
            st.velocity = [
                cfg.momentum * v - eta * g for v, g in zip(st.velocity, grads, strict=True)
            ]
            return [p + v for p, v in zip(params, st.velocity, strict=True)]
        if not st.m:
            st.m = [np.zeros_like(p) for p in params]
            st.v = [np.zeros_like(p) for p in params]
        b1, b2 = cfg.beta1, cfg.beta2
        st.m = [b1 * m + (1 - b1) * g for m, g in zip(st.m, grads, strict=True)]
        st.v = [b2 * v + (1 - b2) * g * g for v, g in zip(st.v, grads, strict=True)]
        # Bias-corrected moments, Algorithm 1 of Kingma & Ba (2015), as PyTorch does it.
        c1, c2 = 1 - b1**st.t, 1 - b2**st.t
        return [
            p - eta * (m / c1) / (np.sqrt(v / c2) + cfg.epsilon)
            for p, m, v in zip(params, st.m, st.v, strict=True)
        ]

    def update_packed(self, flat: Array, grad: Array, layer_sizes: Sequence[int]) -> Array:
        """:meth:`update` of every parameter at once: ``flat`` and ``grad`` (n_params,)
        laid out as :meth:`Network.packed_params` is; returns the new parameters, one
        vector. The same numbers as array by array (the same operations, element by
        element), in a handful of numpy calls instead of several per array: for a small
        network's online step, Adam on six arrays took more than the rest of the update.

        The state stays one array per parameter, as :meth:`update` keeps it (sessions save
        it so): views of the new state vectors, which the next packed update reads again
        without gathering them, unless they were replaced or copied meanwhile.
        """
        cfg, st = self.config, self.state
        eta = cfg.learning_rate
        st.t += 1
        if cfg.name == "sgd":
            return _plus_scaled(flat, -eta, grad)
        if cfg.name == "momentum":
            velocity = cfg.momentum * self._vector("velocity", st.velocity, flat) - eta * grad
            st.velocity = self._keep("velocity", velocity, layer_sizes)
            return flat + velocity
        b1, b2 = cfg.beta1, cfg.beta2
        m = b1 * self._vector("m", st.m, flat) + (1 - b1) * grad
        v = b2 * self._vector("v", st.v, flat) + (1 - b2) * grad * grad
        st.m, st.v = self._keep("m", m, layer_sizes), self._keep("v", v, layer_sizes)
        c1, c2 = 1 - b1**st.t, 1 - b2**st.t
        return flat - eta * (m / c1) / (np.sqrt(v / c2) + cfg.epsilon)

    def _vector(self, name: str, arrays: list[Array], like: Array) -> Array:
        """State ``name`` as one vector: the one its arrays are views of, else gathered
        (zeros before the first update)."""
        if not arrays:
            return np.zeros_like(like)
        kept = self._packed.get(name)
        if kept is not None and len(kept[1]) == len(arrays) and all(
            a is b for a, b in zip(arrays, kept[1], strict=True)
        ):
            return kept[0]
        return np.concatenate(arrays, axis=None)

    def _keep(self, name: str, vector: Array, layer_sizes: Sequence[int]) -> list[Array]:
        views = packed_views(vector, layer_sizes)
        self._packed[name] = (vector, list(views))
        return views

    def copy(self) -> Optimizer:
        return Optimizer(self.config, copy.deepcopy(self.state))
