"""What the diagram says at each phase: the numbers on nodes and edges, the loss, the tooltips.

x on the inputs, z and a once the forward pass reaches a layer, y and L at the Loss, δ and
∂L/∂w going backwards, and old − η·∂L/∂w = new at the Update. Labels are rounded to the
view's precision; tooltips give every value in full.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.engine.gradcheck import DEFAULT_TOLERANCE, relative_error
from mlpviz.engine.numbers import format_number
from mlpviz.engine.stepper import Phase, PhaseKind
from mlpviz.gui.network_labels import COLOURS, Line
from mlpviz.gui.network_layout import (
    DiagramHit,
    DiagramLayout,
    bias_name,
    node_name,
    weight_name,
)
from mlpviz.gui.session_model import SessionModel

GRADCHECK_MAX_PARAMS = 5000
"""Finite differences cost two forward passes per parameter; beyond this the diagram
does not ask for them (the gradient check panel can, in the background)."""

NumericGradient = tuple[list[np.ndarray], list[np.ndarray]]
"""Finite-difference (∂L/∂weights, ∂L/∂biases), shaped like the network's parameters."""


# --- what the phase has computed ---------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far the current sample's step has got: layers 1..``forward`` have z and a;
    ``loss`` is known; layers ``backward``..L have δ and the edges into them ∂L/∂w
    (None: no backward yet); ``update`` applied."""

    forward: int
    loss: bool
    backward: int | None
    update: bool


def progress(phase: Phase, depth: int) -> Progress:
    kind = phase.kind
    if kind is PhaseKind.INPUT:
        return Progress(0, False, None, False)
    if kind is PhaseKind.FORWARD:
        return Progress(phase.layer, False, None, False)
    if kind is PhaseKind.LOSS:
        return Progress(depth, True, None, False)
    if kind is PhaseKind.BACKWARD:
        return Progress(depth, True, phase.layer, False)
    return Progress(depth, True, 1, True)


def focus(phase: Phase, depth: int) -> tuple[int | None, frozenset[int]]:
    """The layer the phase works on (None: no single layer) and the gaps whose edges it
    works on (gap l holds the edges from layer l to l+1)."""
    kind = phase.kind
    if kind is PhaseKind.INPUT:
        return 0, frozenset()
    if kind in (PhaseKind.FORWARD, PhaseKind.BACKWARD):
        return phase.layer, frozenset({phase.layer - 1})
    if kind is PhaseKind.LOSS:
        return depth, frozenset()
    return None, frozenset(range(depth))


def compact_lines(lines: list[Line]) -> list[Line] | None:
    """A one-line label "a = b" as two lines, "a" over "= b", to fit where the line does
    not ("0.4 − 0.0114" over "= 0.3886"); None for other labels."""
    if len(lines) != 1 or " = " not in lines[0][0]:
        return None
    text, colour, bold = lines[0]
    left, right = text.rsplit(" = ", 1)
    return [(left, colour, bold), (f"= {right}", colour, bold)]


def _loss_lines(before: str, after: str) -> list[Line]:
    """The loss before and after the update, on three short lines: the label sits beside
    the last gap's edges, and a long line would take their labels' room."""
    return [
        (f"L = {before}", "text", True),
        ("after the update:", "text", False),
        (f"L = {after}", "text", False),
    ]


def _wide_number(precision: int) -> str:
    """As wide as a number usually gets at ``precision`` decimals."""
    return "−0." + "0" * precision if precision > 0 else "−00"


def _full(value: float) -> str:
    """Full precision for tooltips: the shortest text that reads back as the same float."""
    return repr(float(value)).replace("-", "−")



# --- what each label and tooltip says -----------------------------------------------------------


class DiagramText:
    """The texts of ``model``'s current phase on a diagram of ``layout`` (read only)."""

    def __init__(self, model: SessionModel, layout: DiagramLayout) -> None:
        self.model = model
        self.layout = layout

    def value_names(self, layer: int) -> tuple[str, str]:
        """Names of z and a on this layer's nodes: the page's z, h and u, ŷ with one hidden
        layer; z, a otherwise (ŷ at the output)."""
        depth = self.layout.depth
        if layer == depth:
            return ("u" if depth == 2 else "z"), "ŷ"
        return "z", ("h" if depth == 2 else "a")

    def node_lines(self, layer: int, index: int, precision: int) -> list[Line]:
        layout = self.layout
        record = self.model.record
        result = record.result
        done = progress(self.model.phase, layout.depth)
        lines: list[Line] = [(node_name(layout.layer_sizes, layer, index), "text", True)]
        if layer == 0:
            lines.append((format_number(record.x[0, index], precision), "text", False))
            return lines
        values: list[tuple[str, float]] = []
        if layer <= done.forward:
            z_name, a_name = self.value_names(layer)
            values += [(z_name, result.forward.z[layer][0, index])]
            values += [(a_name, result.forward.a[layer][0, index])]
        if layer == layout.depth and done.loss:
            values.append(("y", record.y[0, index]))
        if done.backward is not None and layer >= done.backward:
            values.append(("δ", result.backward.delta[layer][0, index]))
        return lines + [
            (f"{name} = {format_number(v, precision)}", "text", False) for name, v in values
        ]

    def node_template(self, layer: int, index: int, precision: int) -> list[Line]:
        """The most a node of ``layer`` says in any phase, with a wide number (−0.000…)
        for every value: the diagram sizes its discs for this, so they keep their size
        from phase to phase."""
        number = _wide_number(precision)
        name: Line = (node_name(self.layout.layer_sizes, layer, index), "text", True)
        if layer == 0:
            return [name, (number, "text", False)]
        names = [*self.value_names(layer), *(["y"] if layer == self.layout.depth else []), "δ"]
        return [name] + [(f"{n} = {number}", "text", False) for n in names]

    def update_template(self, precision: int) -> list[Line]:
        """An Update label "old − change = new" of a usual width (numbers below 1): the
        room the diagram keeps for edge labels is sized on its two-line form."""
        number = _wide_number(precision).lstrip("−")
        return [(f"{number} − {number} = {number}", "text", False)]

    def loss_template(self, precision: int) -> list[Line]:
        """The most the loss label says (at the Update), with wide numbers."""
        number = _wide_number(precision)
        return _loss_lines(number, number)

    def loss_lines(self, precision: int) -> list[Line]:
        done = progress(self.model.phase, self.layout.depth)
        if not done.loss:
            return []
        record = self.model.record
        loss = format_number(record.result.backward.loss, precision)
        if done.update:
            return _loss_lines(loss, format_number(record.loss_after, precision))
        return [(f"L = {loss}", "text", True)]

    def numeric_gradient(self) -> NumericGradient | None:
        """Finite-difference gradients when the gradient check is on and a backward phase
        shows gradients (computed once per sample step by the model)."""
        model = self.model
        if not model.gradcheck or model.phase.kind is not PhaseKind.BACKWARD:
            return None
        if model.network.n_params > GRADCHECK_MAX_PARAMS:
            return None
        return self.model.numeric_gradient()

    def edge_numbers(self, gap: int, kind: str, j: int, i: int) -> tuple[float, float, float, str]:
        """(old, ∂L/∂p, new, name) of a weight or bias of this sample's step."""
        result = self.model.record.result
        depth = self.layout.depth
        if kind == "weight":
            return (
                float(result.before.weights[gap][j, i]),
                float(result.backward.grad_weights[gap][j, i]),
                float(result.after.weights[gap][j, i]),
                weight_name(depth, gap, j, i),
            )
        return (
            float(result.before.biases[gap][j]),
            float(result.backward.grad_biases[gap][j]),
            float(result.after.biases[gap][j]),
            bias_name(depth, gap, j),
        )

    def change(self, old: float, grad: float, new: float) -> float:
        """The update's change: −η·∂L/∂p for plain SGD (as the page writes it), new − old
        for optimizers with a state."""
        optimizer = self.model.config.optimizer
        if optimizer.name == "sgd":
            return -optimizer.learning_rate * grad
        return new - old

    def edge_lines(
        self,
        gap: int,
        kind: str,
        j: int,
        i: int,
        numeric: NumericGradient | None,
        precision: int,
    ) -> tuple[list[Line], str]:
        """The label on an edge and its border colour."""

        def fmt(value: float) -> str:
            return format_number(value, precision)

        old, grad, new, name = self.edge_numbers(gap, kind, j, i)
        done = progress(self.model.phase, self.layout.depth)
        current = self.model.network
        value = float(current.weights[gap][j, i] if kind == "weight" else current.biases[gap][j])
        border = COLOURS["negative" if value < 0 else "positive"]
        if done.update:
            change = self.change(old, grad, new)
            sign = "−" if change < 0 else "+"
            # Without the name: the edge says which weight it is, and the line stays short.
            text = f"{fmt(old)} {sign} {fmt(abs(change))} = {fmt(new)}"
            return [(text, "text", False)], border
        if done.backward is not None and gap + 1 >= done.backward:
            lines: list[Line] = [(f"∂L/∂{name} = {fmt(grad)}", "text", False)]
            if numeric is not None:
                est = float(numeric[0][gap][j, i] if kind == "weight" else numeric[1][gap][j])
                if relative_error(grad, est) <= DEFAULT_TOLERANCE:
                    lines.append((f"numeric {fmt(est)} ✓", "agree", True))
                else:
                    lines = [(line[0], "disagree", line[2]) for line in lines]
                    lines.append((f"numeric {fmt(est)} ✗", "disagree", True))
                    border = COLOURS["disagree"]
            return lines, border
        return [(f"{name} = {fmt(value)}", "text", False)], border

    def tooltip(self, hit: DiagramHit) -> str:
        """Every value of the node or edge ``hit`` at full precision."""
        layout = self.layout
        record = self.model.record
        result = record.result
        done = progress(self.model.phase, layout.depth)
        if hit.kind == "bias_node":
            return f"Bias unit of layer {hit.layer}: always 1; its edges are the biases b."
        if hit.kind == "neuron":
            l, k = hit.layer, hit.index
            name = node_name(layout.layer_sizes, l, k)
            lines = [f"{name}: layer {l}, neuron {k + 1}"]
            if l == 0:
                lines.append(f"x = {_full(record.x[0, k])}")
                return "\n".join(lines)
            if l <= done.forward:
                z_name, a_name = self.value_names(l)
                lines.append(f"{z_name} = {_full(result.forward.z[l][0, k])}")
                lines.append(f"{a_name} = {_full(result.forward.a[l][0, k])}")
            if l == layout.depth and done.loss:
                lines.append(f"y = {_full(record.y[0, k])} (target)")
            if done.backward is not None and l >= done.backward:
                lines.append(f"δ = ∂L/∂z = {_full(result.backward.delta[l][0, k])}")
            return "\n".join(lines)
        old, grad, new, name = self.edge_numbers(hit.layer, hit.kind, hit.index, hit.source)
        sizes = layout.layer_sizes
        source = (
            node_name(sizes, hit.layer, hit.source) if hit.kind == "weight" else "the bias unit 1"
        )
        target = node_name(sizes, hit.layer + 1, hit.index)
        array = (
            f"weights[{hit.layer}][{hit.index}, {hit.source}]"
            if hit.kind == "weight"
            else f"biases[{hit.layer}][{hit.index}]"
        )
        lines = [f"{name} = {array}, from {source} to {target}"]
        lines.append(f"value = {_full(new if done.update else old)}")
        if done.backward is not None and hit.layer + 1 >= done.backward:
            lines.append(f"∂L/∂{name} = {_full(grad)}")
            optimizer = self.model.config.optimizer
            if optimizer.name == "sgd":
                eta = optimizer.learning_rate
                lines.append(f"η·∂L/∂{name} = {_full(eta)} × {_full(grad)} = {_full(eta * grad)}")
            else:
                lines.append(f"change ({optimizer.name}) = new − old = {_full(new - old)}")
            lines.append(f"new value = {_full(new)}" + ("" if done.update else " (after Update)"))
            if done.update:
                lines.append(f"old value = {_full(old)}")
            numeric = self.numeric_gradient()
            if numeric is not None:
                est = float(
                    numeric[0][hit.layer][hit.index, hit.source]
                    if hit.kind == "weight"
                    else numeric[1][hit.layer][hit.index]
                )
                lines.append(
                    f"numeric ∂L/∂{name} = {_full(est)} "
                    f"(relative error {relative_error(grad, est):.2e})"
                )
        return "\n".join(lines)


__all__ = [
    "GRADCHECK_MAX_PARAMS",
    "DiagramText",
    "Progress",
    "compact_lines",
    "focus",
    "progress",
]
