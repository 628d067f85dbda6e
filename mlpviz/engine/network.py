"""The network: layer sizes, activations, weights and biases, and their initialisation.

Layers are numbered 0 (the input) to L (the output). ``weights[l]`` maps layer l to
layer l+1 and has shape ``(n[l+1], n[l])``: row j holds the weights into neuron j of
layer l+1, so ``z = W a + b`` as in the course page's ``W x + b^h``. Element
``weights[l][j, i]`` is the page's w_ij (from neuron i to neuron j).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from mlpviz.engine.activations import ACTIVATIONS, get_activation
from mlpviz.engine.types import Array

INIT_SCHEMES = ("uniform01", "uniform", "xavier", "he")
"""Initialisation schemes: the page's uniform [0, 1], uniform [−a, a], Xavier/Glorot, He."""


@dataclass
class Network:
    """A multi-layer perceptron.

    layer_sizes: ``[n0, n1, ..., nL]``, every entry ≥ 1, at least two layers.
    activations: one name per layer after the input, ``len == L``.
    weights[l]: ``(n[l+1], n[l])``; biases[l]: ``(n[l+1],)``, for l = 0..L−1.

    The constructor copies the given arrays into one vector and makes weights and biases
    views of it (:meth:`packed_params`), so that training can update and check all of them
    with one numpy call each. Writing into the arrays and replacing them both work.
    """

    layer_sizes: list[int]
    activations: list[str]
    weights: list[Array] = field(default_factory=list)
    biases: list[Array] = field(default_factory=list)
    # The vector that weights and biases are views of, and those views as they were
    # made: see packed_params().
    _packed: tuple[Array, tuple[Array, ...], tuple[Array, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.layer_sizes = [int(n) for n in self.layer_sizes]
        self.activations = list(self.activations)
        if not self.weights and not self.biases:
            self.weights = [np.zeros((m, n)) for n, m in self.shapes]
            self.biases = [np.zeros(m) for _, m in self.shapes]
        self.weights = [np.asarray(w, dtype=float) for w in self.weights]
        self.biases = [np.asarray(b, dtype=float) for b in self.biases]
        self.validate()
        # A copy of every given array, into one vector (they are never aliased).
        self._adopt(np.concatenate(self.params(), axis=None))

    @property
    def depth(self) -> int:
        """L, the number of layers after the input (weight matrices)."""
        return len(self.layer_sizes) - 1

    @property
    def shapes(self) -> list[tuple[int, int]]:
        """``(n[l], n[l+1])`` for each weight matrix, input size first."""
        return list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True))

    @property
    def n_params(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    def validate(self) -> None:
        """Raise ValueError naming the first inconsistency."""
        sizes = self.layer_sizes
        if len(sizes) < 2:
            raise ValueError("layer_sizes needs at least an input and an output layer")
        if any(n < 1 for n in sizes):
            raise ValueError(f"layer_sizes must all be ≥ 1, got {sizes}")
        if len(self.activations) != self.depth:
            raise ValueError(
                f"activations needs {self.depth} entries (one per layer after the input), "
                f"got {len(self.activations)}"
            )
        for l, name in enumerate(self.activations):
            get_activation(name)
            if name == "softmax" and l != self.depth - 1:
                raise ValueError("softmax is only allowed on the output layer")
        if len(self.weights) != self.depth or len(self.biases) != self.depth:
            raise ValueError(f"weights and biases need {self.depth} entries each")
        for l, (n_in, n_out) in enumerate(self.shapes):
            if self.weights[l].shape != (n_out, n_in):
                raise ValueError(
                    f"weights[{l}] has shape {self.weights[l].shape}, expected {(n_out, n_in)}"
                )
            if self.biases[l].shape != (n_out,):
                raise ValueError(
                    f"biases[{l}] has shape {self.biases[l].shape}, expected {(n_out,)}"
                )

    def _adopt(self, flat: Array) -> None:
        """Make weights and biases views of ``flat`` (n_params,), in params() order."""
        views = packed_views(flat, self.layer_sizes)
        self.weights, self.biases = views[0::2], views[1::2]
        self._packed = (flat, tuple(self.weights), tuple(self.biases))

    def packed_params(self) -> Array:
        """Every parameter in the order of :meth:`params`, each array row-major, as one
        vector of shape (n_params,). Read it, never write into it.

        It is the network's own storage (no copy) while ``weights`` and ``biases`` hold
        the arrays the network was built with; once an array has been replaced, a new
        vector gathered from the arrays in force.
        """
        flat = self._own_packed()
        return flat if flat is not None else np.concatenate(self.params(), axis=None)

    def _own_packed(self) -> Array | None:
        """The vector weights and biases are views of, or None if they no longer all are."""
        packed = self._packed
        if packed is None:
            return None
        flat, weights, biases = packed
        # The very views made from flat (identity), and not copies of them (a deep copy
        # copies each view on its own, so its views are no longer flat's).
        if (
            len(self.weights) == len(weights)
            and len(self.biases) == len(biases)
            and all(map(operator.is_, self.weights, weights))
            and all(map(operator.is_, self.biases, biases))
            and weights[0].base is flat
        ):
            return flat
        return None

    def first_non_finite(self) -> str | None:
        """Where the first NaN or infinity sits, e.g. "weights[1][0, 2] = nan"; None if none."""
        # The trainer asks after every update, so the common answer comes first, from dot
        # products: Σ p² is finite only if every entry is (NaN and ±inf propagate);
        # entries so large that Σ p² overflows go on to the search below. vdot, unlike
        # dot, does not warn when it overflows.
        flat = self._own_packed()
        if flat is not None:
            if math.isfinite(np.vdot(flat, flat)):
                return None
        else:
            params = self.params()
            if math.isfinite(sum(map(np.vdot, params, params))):
                return None
        for l in range(self.depth):
            for name, arr in (("weights", self.weights[l]), ("biases", self.biases[l])):
                bad = np.argwhere(~np.isfinite(arr))
                if bad.size:
                    idx = ", ".join(str(int(i)) for i in bad[0])
                    return f"{name}[{l}][{idx}] = {arr[tuple(bad[0])]}"
        return None

    def copy(self) -> Network:
        return Network(
            list(self.layer_sizes),
            list(self.activations),
            [w.copy() for w in self.weights],
            [b.copy() for b in self.biases],
        )

    def params(self) -> list[Array]:
        """Every parameter array, in the order W0, b0, W1, b1, ... (views, not copies)."""
        return interleave(self.weights, self.biases)

    def with_params(self, weights: Sequence[Array], biases: Sequence[Array]) -> Network:
        """A new network of the same shape and activations holding the given parameters."""
        return Network(list(self.layer_sizes), list(self.activations), list(weights), list(biases))

    def updated(self, weights: list[Array], biases: list[Array]) -> Network:
        """A new network of the same shape and activations holding an update's new arrays.

        For the training loop: ``weights[l]`` and ``biases[l]`` are new float64 arrays of
        this network's shapes (an optimizer's output), so they are taken as they are,
        neither copied nor validated again as :meth:`with_params` does.
        """
        new = Network.__new__(Network)
        new.layer_sizes = list(self.layer_sizes)
        new.activations = list(self.activations)
        new.weights = weights
        new.biases = biases
        new._packed = None
        return new

    def updated_packed(self, flat: Array) -> Network:
        """A new network of the same shape and activations whose parameters are views of
        ``flat`` (n_params,), in the order and layout of :meth:`packed_params`.

        For the training loop, as :meth:`updated`: ``flat`` is a new float64 vector (an
        optimizer's output), taken as it is, neither copied nor validated.
        """
        new = Network.__new__(Network)
        new.layer_sizes = list(self.layer_sizes)
        new.activations = list(self.activations)
        new._adopt(flat)
        return new

    def equals(self, other: Network) -> bool:
        """Same shape, activations and exactly the same parameter values."""
        return (
            self.layer_sizes == other.layer_sizes
            and self.activations == other.activations
            and all(
                np.array_equal(p, q) for p, q in zip(self.params(), other.params(), strict=True)
            )
        )


@lru_cache(maxsize=32)
def _slots(layer_sizes: tuple[int, ...]) -> tuple[tuple[int, int, tuple[int, ...]], ...]:
    """(start, stop, shape) of W0, b0, W1, b1, ... in the packed vector."""
    slots = []
    start = 0
    for n_in, n_out in itertools.pairwise(layer_sizes):
        for shape in ((n_out, n_in), (n_out,)):
            size = math.prod(shape)
            slots.append((start, start + size, shape))
            start += size
    return tuple(slots)


def _views(flat: Array, slots: tuple[tuple[int, int, tuple[int, ...]], ...]) -> list[Array]:
    # A bias is its slice as it is: reshaping it too would cost a third more.
    return [flat[a:b] if len(shape) == 1 else flat[a:b].reshape(shape) for a, b, shape in slots]


def packed_views(flat: Array, layer_sizes: Sequence[int]) -> list[Array]:
    """W0, b0, W1, b1, ... as views of a packed vector ``flat`` (n_params,), laid out as
    :meth:`Network.packed_params` is: the arrays one after the other, each row-major."""
    return _views(flat, _slots(tuple(layer_sizes)))


def empty_packed(layer_sizes: Sequence[int]) -> tuple[Array, list[Array]]:
    """A new, uninitialised packed vector (n_params,) and W0, b0, W1, b1, ... as its views."""
    slots = _slots(tuple(layer_sizes))
    flat = np.empty(slots[-1][1])
    return flat, _views(flat, slots)


def interleave(weights: Sequence[Array], biases: Sequence[Array]) -> list[Array]:
    """W0, b0, W1, b1, ...: the order of :meth:`Network.params` and of optimizer state."""
    return [p for pair in zip(weights, biases, strict=True) for p in pair]


def initialise(
    layer_sizes: Sequence[int],
    activations: Sequence[str],
    scheme: str = "xavier",
    seed: int | None = 0,
    scale: float = 1.0,
) -> Network:
    """A network with weights drawn by ``scheme``; biases start at zero except for uniform01.

    - ``uniform01``: every weight and bias uniform in [0, 1] (the course page's choice).
    - ``uniform``: weights uniform in [−scale, scale].
    - ``xavier``: uniform in ±sqrt(6 / (n_in + n_out)) (Glorot & Bengio, 2010).
    - ``he``: normal with standard deviation sqrt(2 / n_in) (He et al., 2015).

    The same seed gives the same network.
    """
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"unknown initialisation {scheme!r} (known: {', '.join(INIT_SCHEMES)})")
    if scheme == "uniform" and not scale > 0:
        raise ValueError(f"the uniform initialisation needs a range a > 0, got {scale}")
    rng = np.random.default_rng(seed)
    net = Network(list(layer_sizes), list(activations))
    # Written into the network's arrays, not in their place, so they stay packed.
    for l, (n_in, n_out) in enumerate(net.shapes):
        if scheme == "uniform01":
            net.weights[l][...] = rng.uniform(0.0, 1.0, (n_out, n_in))
            net.biases[l][...] = rng.uniform(0.0, 1.0, n_out)
        elif scheme == "uniform":
            net.weights[l][...] = rng.uniform(-scale, scale, (n_out, n_in))
        elif scheme == "xavier":
            limit = np.sqrt(6.0 / (n_in + n_out))
            net.weights[l][...] = rng.uniform(-limit, limit, (n_out, n_in))
        else:
            net.weights[l][...] = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in))
    return net


def course_example() -> Network:
    """The course page's 2-2-1 sigmoid network: W, b^h, V, b^y."""
    return Network(
        [2, 2, 1],
        ["sigmoid", "sigmoid"],
        [np.array([[0.2, 0.4], [0.6, 0.8]]), np.array([[0.3, 0.5]])],
        [np.array([0.1, 0.2]), np.array([0.4])],
    )


__all__ = [
    "ACTIVATIONS",
    "INIT_SCHEMES",
    "Network",
    "course_example",
    "empty_packed",
    "initialise",
    "interleave",
    "packed_views",
]
