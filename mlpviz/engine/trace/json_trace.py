"""One step's numbers as plain lists, for ``mlpviz trace --format json``."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlpviz.engine.stepper import SampleStep
from mlpviz.engine.trainer import TrainingConfig
from mlpviz.engine.types import Array


def _floats(a: Array) -> Any:
    return np.asarray(a, dtype=float).tolist()


def trace_json(step: SampleStep, config: TrainingConfig) -> dict[str, Any]:
    """Every number of ``step`` as plain lists.

    ``layers[0]`` is the input ``{"a": x}``; ``layers[l]`` (l ≥ 1) has z, a, delta = ∂L/∂z,
    grad_a = ∂L/∂a, grad_weights (n[l], n[l−1]) like weights[l−1], and grad_biases.
    """
    r = step.result
    fp, bp = r.forward, r.backward
    layers: list[dict[str, Any]] = [{"a": _floats(fp.a[0][0])}]
    for l in range(1, r.before.depth + 1):
        layers.append(
            {
                "z": _floats(fp.z[l][0]),
                "a": _floats(fp.a[l][0]),
                "delta": _floats(bp.delta[l][0]),
                "grad_a": _floats(bp.grad_a[l][0]),
                "grad_weights": _floats(bp.grad_weights[l - 1]),
                "grad_biases": _floats(bp.grad_biases[l - 1]),
            }
        )
    return {
        "sample": step.sample,
        "x": _floats(np.asarray(step.x).reshape(-1)),
        "y": _floats(np.asarray(step.y).reshape(-1)),
        "layer_sizes": list(r.before.layer_sizes),
        "activations": list(r.before.activations),
        "loss_function": config.loss,
        "optimizer": {
            "name": step.optimizer_after.config.name,
            "learning_rate": step.optimizer_after.config.learning_rate,
        },
        "loss": bp.loss,
        "layers": layers,
        "updated": {
            "weights": [_floats(w) for w in r.after.weights],
            "biases": [_floats(b) for b in r.after.biases],
        },
        "loss_after": step.loss_after,
    }
