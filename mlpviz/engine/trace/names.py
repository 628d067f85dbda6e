"""The symbol of every quantity of a network, as the course page writes it.

A network with one hidden layer uses the page's x, W (w_ij), bʰ, z, h, V (v_jk), bʸ, u, ŷ,
δʰ, δʸ; deeper networks use layer-indexed a⁽ˡ⁾, z⁽ˡ⁾, W⁽ˡ⁾, b⁽ˡ⁾, δ⁽ˡ⁾ with a⁽⁰⁾ = x and
a⁽ᴸ⁾ = ŷ; a network without hidden layer uses x, W, b, z, ŷ, δ. Indices are 1-based, w_ij
runs from neuron i to neuron j and is ``weights[l][j, i]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from mlpviz.engine.trace.document import Symbol
from mlpviz.engine.trace.text_rendering import TextMath

ACTIVATION_CALL = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LReLU"}
"""The function's name in formulas, e.g. σ(z); other activations are written f(z)."""


def _index(*idx: int | str) -> str:
    """1-based subscript: "21", or "12,3" once an index has two digits."""
    parts = [str(i + 1) if isinstance(i, int) else i for i in idx]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


class Names:
    """The symbol of every quantity of a network with layers 0..L (see the module docstring)."""

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = list(sizes)
        self.depth = len(sizes) - 1
        self.scheme = {1: "single", 2: "course"}.get(self.depth, "deep")

    def _sub(self, l: int, j: int | str | None) -> str:
        # A single output is the page's plain ŷ, u, y, δʸ.
        if j is None or (l == self.depth and self.sizes[l] == 1):
            return ""
        return _index(j)

    def _layer_sup(self, l: int) -> str:
        return f"({l})" if self.scheme == "deep" else ""

    def _param_sup(self, l: int) -> str:
        """The superscript of b and δ: the page's h and y, or the layer."""
        if self.scheme == "course":
            return "h" if l == 1 else "y"
        return self._layer_sup(l)

    def act(self, l: int, j: int | str | None = None) -> Symbol:
        """a⁽ˡ⁾_j; x_j for l = 0, ŷ for l = L, h_j in the page's network."""
        bold = j is None
        if l == 0:
            return Symbol("x", "" if j is None else _index(j), bold=bold)
        if l == self.depth:
            return Symbol("ŷ", self._sub(l, j), bold=bold and self.sizes[l] > 1)
        if self.scheme == "course":
            return Symbol("h", self._sub(l, j), bold=bold)
        return Symbol("a", self._sub(l, j), self._layer_sup(l), bold)

    def pre(self, l: int, j: int | str | None = None) -> Symbol:
        """z⁽ˡ⁾_j; the page's z_j and u."""
        bold = j is None and (l < self.depth or self.sizes[l] > 1)
        if self.scheme == "course" and l == 2:
            return Symbol("u", self._sub(l, j), bold=bold)
        return Symbol("z", self._sub(l, j), self._layer_sup(l), bold)

    def delta(self, l: int, j: int | str | None = None) -> Symbol:
        bold = j is None and (l < self.depth or self.sizes[l] > 1)
        return Symbol("δ", self._sub(l, j), self._param_sup(l), bold)

    def target(self, j: int | str | None = None) -> Symbol:
        return Symbol("y", self._sub(self.depth, j), bold=j is None and self.sizes[-1] > 1)

    def weight(self, l: int, i: int | str | None = None, j: int | str | None = None) -> Symbol:
        """w⁽ˡ⁾_ij from neuron i of layer l−1 to neuron j of layer l (``weights[l−1][j, i]``);
        the whole matrix W⁽ˡ⁾ when i and j are None."""
        course_v = self.scheme == "course" and l == 2
        if i is None or j is None:
            return Symbol("V" if course_v else "W", sup=self._layer_sup(l), bold=True)
        return Symbol("v" if course_v else "w", _index(i, j), self._layer_sup(l))

    def bias(self, l: int, j: int | str | None = None) -> Symbol:
        bold = j is None and self.sizes[l] > 1
        return Symbol("b", "" if j is None else _index(j), self._param_sup(l), bold)

    def layer_name(self, l: int) -> str:
        if l == self.depth:
            return "output layer"
        return "hidden layer" if self.scheme == "course" else f"hidden layer {l}"


def parameter_name(
    layer_sizes: Sequence[int], kind: Literal["weights", "biases"], layer: int, index: Sequence[int]
) -> str:
    """The page's name of ``weights[layer][j, i]`` or ``biases[layer][j]`` in text, e.g. w₁₂,
    v₂₁, bʸ₁ or w⁽³⁾₁₂ (the same names as the worked example)."""
    names = Names(layer_sizes)
    if kind == "weights":
        j, i = index
        symbol = names.weight(layer + 1, int(i), int(j))
    else:
        symbol = names.bias(layer + 1, int(index[0]))
    return TextMath(6).symbol(symbol)
