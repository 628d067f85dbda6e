"""PyTorch doing exactly mlpviz's training step, as the reference a user would otherwise pick.

Same network (weights copied from an mlpviz Network), same activations, mean squared
error over the batch and outputs, plain SGD ``p ← p − η ∂L/∂p`` applied in place, float64,
CPU, eager mode. PyTorch is an optional benchmark dependency: :func:`torch_available`
says whether it is installed, and nothing in mlpviz imports it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from mlpviz.engine.network import Network
from mlpviz.engine.types import Array

TORCH_INSTALL = "pip install torch==2.13.0"
INSTALL = "pip install torch==2.13.0 threadpoolctl"
"""The benchmarks' own dependencies (docs/benchmarks.md); mlpviz needs neither."""


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _activation(name: str) -> Callable[[Any], Any]:
    import torch

    functions: dict[str, Callable[[Any], Any]] = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "linear": lambda z: z,
    }
    return functions[name]


@contextlib.contextmanager
def thread_limit(n: int) -> Iterator[None]:
    """numpy's BLAS, OpenMP pools and torch's intra-op threads all pinned to ``n``."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise SystemExit(f"the benchmarks pin threads with threadpoolctl: {INSTALL}") from None

    torch_threads = None
    if torch_available():
        import torch

        torch_threads = torch.get_num_threads()
        torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=n):
            yield
    finally:
        if torch_threads is not None:
            import torch

            torch.set_num_threads(torch_threads)


class TorchStep:
    """One SGD step of an MLP in PyTorch per call; the parameters change in place.

    Built from an mlpviz ``net`` (weights[l]: (n[l+1], n[l]), as torch's Linear keeps them),
    data ``x: (B, n0)``, ``y: (B, nL)`` and a learning rate.
    """

    def __init__(self, net: Network, x: Array, y: Array, learning_rate: float) -> None:
        import torch

        self.torch = torch
        self.weights = [torch.tensor(w, requires_grad=True) for w in net.weights]
        self.biases = [torch.tensor(b, requires_grad=True) for b in net.biases]
        self.params = [p for pair in zip(self.weights, self.biases, strict=True) for p in pair]
        self.activations = [_activation(name) for name in net.activations]
        self.x = torch.tensor(x)
        self.y = torch.tensor(y)
        self.learning_rate = learning_rate

    def forward(self, x: Any) -> Any:
        linear = self.torch.nn.functional.linear
        a = x
        for w, b, f in zip(self.weights, self.biases, self.activations, strict=True):
            a = f(linear(a, w, b))
        return a

    def step(self, x: Any, y: Any) -> Any:
        """One update on the batch (x, y); returns the loss before it, as a 0-d tensor."""
        torch = self.torch
        loss = torch.nn.functional.mse_loss(self.forward(x), y)
        for p in self.params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in self.params:
                assert p.grad is not None
                p.sub_(p.grad, alpha=self.learning_rate)
        return loss

    def __call__(self) -> Any:
        return self.step(self.x, self.y)

    def numpy_params(self) -> tuple[list[Array], list[Array]]:
        """The current weights and biases as numpy arrays (copies)."""
        return (
            [np.array(w.detach().numpy()) for w in self.weights],
            [np.array(b.detach().numpy()) for b in self.biases],
        )
