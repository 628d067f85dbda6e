"""Forward and backward passes that keep every intermediate number.

Shapes, for a batch of B samples and layers 0..L with sizes n[l]:

- ``ForwardPass.a[l]``: (B, n[l]) for l = 0..L; ``a[0]`` is the input x.
- ``ForwardPass.z[l]``: (B, n[l]) for l = 1..L; ``z[0]`` is x too (the input layer has
  no pre-activation), so that every list is indexed by layer number.
- ``BackwardPass.grad_a[l]`` = ∂L/∂a[l] and ``delta[l]`` = ∂L/∂z[l]: (B, n[l]);
  ``delta[0]`` = ``grad_a[0]`` = ∂L/∂x when asked for (``input_gradient=True``), else
  empty (B, 0): training never needs it, and on wide inputs it is the dearest product.
- ``grad_weights[l]``: (n[l+1], n[l]) like ``weights[l]``; ``grad_biases[l]``: (n[l+1],).

These functions are the one sequence of engine calls behind the Stepper, the Trainer and
the command line, so what a lecture shows and what training does cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlpviz.engine.activations import get_activation
from mlpviz.engine.losses import get_loss
from mlpviz.engine.network import Network, empty_packed
from mlpviz.engine.types import Array


@dataclass(frozen=True)
class Regularization:
    """Penalty on the weights (never the biases): l1·Σ|w| + l2/2·Σ w²."""

    l1: float = 0.0
    l2: float = 0.0

    def penalty(self, net: Network) -> float:
        if not (self.l1 or self.l2):
            return 0.0
        return float(
            sum(self.l1 * np.sum(np.abs(w)) + 0.5 * self.l2 * np.sum(w * w) for w in net.weights)
        )

    def grad(self, w: Array) -> Array:
        """∂penalty/∂w, same shape as w. The L1 subgradient at 0 is 0."""
        return self.l1 * np.sign(w) + self.l2 * w


NO_REGULARIZATION = Regularization()


@dataclass(frozen=True)
class ForwardPass:
    """Every number of a forward pass (shapes in the module docstring)."""

    z: list[Array]
    a: list[Array]

    @property
    def output(self) -> Array:
        """ŷ, shape (B, n[L])."""
        return self.a[-1]


@dataclass(frozen=True)
class BackwardPass:
    """Every number of a backward pass (shapes in the module docstring).

    ``loss`` is the data loss plus the regularisation penalty; ``data_loss`` is without.
    ``packed_grad`` (n_params,), where given, holds every gradient in the order and layout
    of :meth:`Network.packed_params`, and grad_weights and grad_biases are views of it.
    """

    loss: float
    data_loss: float
    grad_a: list[Array]
    delta: list[Array]
    grad_weights: list[Array]
    grad_biases: list[Array]
    packed_grad: Array | None = field(default=None, repr=False, compare=False)


def as_batch(x: Array | list[float] | list[list[float]], width: int, name: str = "x") -> Array:
    """``x`` as a float array of shape (B, width); a single sample (width,) becomes (1, width)."""
    if type(x) is np.ndarray and x.ndim == 2 and x.shape[1] == width and x.dtype == np.float64:
        return x  # the training loop's case, answered before the general one
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != width:
        raise ValueError(f"{name} has shape {arr.shape}, expected (B, {width})")
    return arr


def forward_layer(net: Network, l: int, a_prev: Array) -> tuple[Array, Array]:
    """Layer l (1..L) from a[l−1]: z = a[l−1] W[l−1]ᵀ + b[l−1], a = f(z). Shapes (B, n[l])."""
    # np.dot rather than @: the same product, with less dispatch on arrays this small.
    z = np.dot(a_prev, net.weights[l - 1].T)
    np.add(z, net.biases[l - 1], z)  # into the product's own array: no second (B, n[l])
    return z, get_activation(net.activations[l - 1]).f(z)


def forward(net: Network, x: Array) -> ForwardPass:
    """Run x of shape (B, n[0]) through the network."""
    a = as_batch(x, net.layer_sizes[0])
    zs, acts = [a], [a]
    for l in range(1, len(net.layer_sizes)):
        z, a = forward_layer(net, l, a)
        zs.append(z)
        acts.append(a)
    return ForwardPass(zs, acts)


def output_delta(net: Network, fp: ForwardPass, y: Array, loss: str) -> tuple[Array, Array]:
    """(∂L/∂ŷ, δ[L] = ∂L/∂z[L]) at the output, shapes (B, n[L]).

    Softmax with cross-entropy and sigmoid with binary cross-entropy use the simplified
    δ = ŷ − y (scaled), which stays exact where ŷ saturates and ∂L/∂ŷ loses precision.
    """
    act_name = net.activations[-1]
    y_hat, z = fp.a[-1], fp.z[-1]
    grad_a = get_loss(loss).grad(y_hat, y)
    if act_name == "softmax" and loss == "cross_entropy":
        delta = (y_hat * np.sum(y, axis=1, keepdims=True) - y) / y.shape[0]
    elif act_name == "sigmoid" and loss == "bce":
        delta = (y_hat - y) / y.size
    else:
        delta = get_activation(act_name).backward(z, y_hat, grad_a)
    return grad_a, delta


def backward_layer(
    net: Network,
    l: int,
    fp: ForwardPass,
    delta_l: Array,
    reg: Regularization = NO_REGULARIZATION,
    input_gradient: bool = False,
    out: tuple[Array, Array] | None = None,
) -> tuple[Array, Array, Array, Array]:
    """From δ[l] (B, n[l]) to (∂L/∂W[l−1], ∂L/∂b[l−1], ∂L/∂a[l−1], δ[l−1]).

    ∂L/∂W[l−1] = δ[l]ᵀ a[l−1] + reg'(W), ∂L/∂b[l−1] = Σ_batch δ[l],
    ∂L/∂a[l−1] = δ[l] W[l−1], δ[l−1] = ∂L/∂a[l−1] ⊙ f'(z[l−1]). At l = 1, δ[0] = ∂L/∂x
    only with ``input_gradient``; otherwise both are empty (B, 0). ``out``, if given,
    is where ∂L/∂W[l−1] and ∂L/∂b[l−1] are written: C-contiguous float64 arrays of
    shapes (n[l], n[l−1]) and (n[l],), which are then the ones returned.
    """
    w = net.weights[l - 1]
    if out is None:
        out = (np.empty(w.shape), np.empty(w.shape[0]))
    grad_w, grad_b = out
    np.dot(delta_l.T, fp.a[l - 1], grad_w)
    if reg.l1 or reg.l2:
        grad_w += reg.grad(w)
    if len(delta_l) == 1:
        grad_b[...] = delta_l[0]  # one sample's sum is its row: a fifth of the reduction's time
    else:
        np.add.reduce(delta_l, 0, out=grad_b)
    if l == 1 and not input_gradient:
        empty = np.empty((delta_l.shape[0], 0))
        return grad_w, grad_b, empty, empty
    grad_a_prev = np.dot(delta_l, w)
    if l == 1:
        delta_prev = grad_a_prev
    else:
        act = get_activation(net.activations[l - 2])
        delta_prev = act.backward(fp.z[l - 1], fp.a[l - 1], grad_a_prev)
    return grad_w, grad_b, grad_a_prev, delta_prev


def backward(
    net: Network,
    fp: ForwardPass,
    y: Array,
    loss: str = "mse",
    reg: Regularization = NO_REGULARIZATION,
    input_gradient: bool = False,
) -> BackwardPass:
    """Backpropagate the loss of ``fp`` against targets y of shape (B, n[L]).

    ``input_gradient`` also computes ∂L/∂x (``delta[0]``, ``grad_a[0]``).
    """
    y = as_batch(y, net.layer_sizes[-1], "y")
    if y.shape[0] != fp.a[0].shape[0]:
        raise ValueError(f"y has {y.shape[0]} samples but x has {fp.a[0].shape[0]}")
    data_loss = get_loss(loss).value(fp.output, y)
    grad_a_out, delta_out = output_delta(net, fp, y, loss)
    # Indexed by layer, filled from the output back to the input.
    depth = len(net.layer_sizes) - 1
    grad_a: list[Array] = [grad_a_out] * (depth + 1)
    delta: list[Array] = [delta_out] * (depth + 1)
    # Every gradient goes into one vector, so that an update and a check can each be
    # one numpy call on it rather than one per array.
    packed, grads = empty_packed(net.layer_sizes)
    grad_w, grad_b = grads[0::2], grads[1::2]
    d = delta_out
    for l in range(depth, 0, -1):
        _, _, grad_a[l - 1], d = backward_layer(
            net, l, fp, d, reg, input_gradient, (grad_w[l - 1], grad_b[l - 1])
        )
        delta[l - 1] = d
    return BackwardPass(
        data_loss + reg.penalty(net), data_loss, grad_a, delta, grad_w, grad_b, packed
    )


def loss_value(
    net: Network, x: Array, y: Array, loss: str = "mse", reg: Regularization = NO_REGULARIZATION
) -> float:
    """L(net(x), y) plus the regularisation penalty, without the backward pass."""
    y_hat = forward(net, x).output
    return get_loss(loss).value(y_hat, as_batch(y, net.layer_sizes[-1], "y")) + reg.penalty(net)
