"""Activation functions as (f, f') pairs, as in the course page's table.

Every activation maps a batch of pre-activations ``z: (B, n)`` to activations
``a: (B, n)``. Elementwise activations also give ``f'(z)``, so the backward pass
is ``δ = ∂L/∂a ⊙ f'(z)``; softmax couples a row's outputs, so every activation
backpropagates through :meth:`Activation.backward`, which softmax overrides with
its Jacobian-vector product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlpviz.engine.types import Array

LEAKY_SLOPE = 0.01


def _sigmoid(z: Array) -> Array:
    # σ(z) = 1/(1 + e^(−z)) for z ≥ 0 and e^z/(1 + e^z) below, so no exponent is ever
    # positive and nothing overflows; written without indexing by sign, which is slow on
    # the small arrays of a teaching network.
    if z.size == 1:
        return _sigmoid_of_one(z)
    return np.exp(np.minimum(z, 0.0)) / (1.0 + np.exp(-np.abs(z)))


def _sigmoid_of_one(z: Array) -> Array:
    # The single output of an online step: the same formula on one Python float costs a
    # third of numpy's seven calls. np.exp keeps the bits of the array version (the C
    # library's exp differs from numpy's in the last bit for about one number in twenty).
    v = z.item()
    if v >= 0:
        s = 1.0 / (1.0 + float(np.exp(-v)))
    else:
        e = float(np.exp(v))
        s = e / (1.0 + e)
    out = np.empty(z.shape)
    out[...] = s
    return out


def _sigmoid_der(z: Array) -> Array:
    return _sigmoid_der_of_output(_sigmoid(z))


def _sigmoid_der_of_output(s: Array) -> Array:
    return s * (1.0 - s)


def _tanh_der(z: Array) -> Array:
    return _tanh_der_of_output(np.tanh(z))


def _tanh_der_of_output(t: Array) -> Array:
    return 1.0 - t * t


def _relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _relu_der(z: Array) -> Array:
    # ReLU'(0) = 0, as in the course page's table.
    return (z > 0).astype(float)


def _leaky_relu(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_der(z: Array) -> Array:
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def _linear(z: Array) -> Array:
    return np.asarray(z, dtype=float).copy()


def _linear_der(z: Array) -> Array:
    return np.ones_like(z, dtype=float)


def _softmax(z: Array) -> Array:
    peak: Array = np.max(z, axis=-1, keepdims=True)
    e: Array = np.exp(z - peak)  # shifted so the largest exponent is 0: no overflow
    total: Array = np.sum(e, axis=-1, keepdims=True)
    return e / total


def _softmax_diag_der(z: Array) -> Array:
    # The diagonal of the softmax Jacobian, ∂p_k/∂z_k = p_k (1 − p_k); shown on the
    # activation plot. Backpropagation uses the full Jacobian (Activation.backward).
    p = _softmax(z)
    return p * (1.0 - p)


@dataclass(frozen=True)
class Activation:
    """An activation function and its derivative.

    ``f(z)`` and ``der(z)`` take and return arrays of shape ``(B, n)``.
    ``formula`` and ``der_formula`` are the plain-text definitions shown to users.
    ``der_of_output(a)``, where given, is f'(z) written with a = f(z) (σ' = a(1 − a),
    tanh' = 1 − a²): the backward pass has a already, so f need not be computed again.
    """

    name: str
    f: Callable[[Array], Array]
    der: Callable[[Array], Array]
    formula: str
    der_formula: str
    elementwise: bool = True
    der_of_output: Callable[[Array], Array] | None = None

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """δ = ∂L/∂z from ∂L/∂a. Shapes: z, a, grad_a, result (B, n)."""
        if self.der_of_output is not None:
            return grad_a * self.der_of_output(a)
        if self.elementwise:
            return grad_a * self.der(z)
        # Softmax: ∂p_k/∂z_j = p_k (1[k=j] − p_j), so δ_j = p_j (g_j − Σ_k g_k p_k).
        weighted: Array = np.sum(grad_a * a, axis=-1, keepdims=True)
        return a * (grad_a - weighted)


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation(
            "sigmoid",
            _sigmoid,
            _sigmoid_der,
            "σ(z) = 1/(1 + e^(−z))",
            "σ'(z) = σ(z)(1 − σ(z))",
            der_of_output=_sigmoid_der_of_output,
        ),
        Activation(
            "tanh",
            np.tanh,
            _tanh_der,
            "tanh(z) = (e^(2z) − 1)/(e^(2z) + 1)",
            "tanh'(z) = 1 − tanh²(z)",
            der_of_output=_tanh_der_of_output,
        ),
        Activation("relu", _relu, _relu_der, "ReLU(z) = max(0, z)", "ReLU'(z) = 1 if z > 0 else 0"),
        Activation(
            "leaky_relu",
            _leaky_relu,
            _leaky_relu_der,
            f"LReLU(z) = z if z > 0 else {LEAKY_SLOPE}·z",
            f"LReLU'(z) = 1 if z > 0 else {LEAKY_SLOPE}",
        ),
        Activation("linear", _linear, _linear_der, "f(z) = z", "f'(z) = 1"),
        Activation(
            "softmax",
            _softmax,
            _softmax_diag_der,
            "softmax(z)_k = e^(z_k) / Σ_j e^(z_j)",
            "∂p_k/∂z_j = p_k(1[k=j] − p_j)",
            elementwise=False,
        ),
    )
}


def get_activation(name: str) -> Activation:
    """The activation called ``name``; ValueError naming the known ones otherwise."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r} (known: {known})") from None
