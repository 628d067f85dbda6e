"""Lesson mode's captions: at each phase of a step, what is computed and why, in words.

The captions follow the course page's steps: the forward pass (pre-activation, then
activation, layer by layer), the loss, then backpropagation's five steps (1 output error,
2 output gradients, 3 hidden errors, 4 hidden gradients, 5 update). A Backward phase of the
Stepper computes a layer's error and its gradients together, so it covers two of the
page's steps. Symbols are the formula panel's (mlpviz.engine.trace.names): the page's x,
W, bʰ, z, h, V, bʸ, u, ŷ, δʸ, δʰ for one hidden layer, layer-indexed a⁽ˡ⁾, W⁽ˡ⁾, δ⁽ˡ⁾ for
deeper networks. The captions say what the numbers beside them mean; they never repeat
the numbers, which the diagram and the formula panel show.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlpviz.engine.network import Network
from mlpviz.engine.stepper import Phase, PhaseKind, phases
from mlpviz.engine.trace.document import Symbol
from mlpviz.engine.trace.names import ACTIVATION_CALL, Names
from mlpviz.engine.trace.text_rendering import TextMath
from mlpviz.engine.trainer import TrainingConfig

LOSS_WORDS = {
    "mse": "the mean squared error, L = (y − ŷ)² averaged over the outputs",
    "half_sse": "half the squared error, L = ½ Σₖ (yₖ − ŷₖ)²",
    "bce": "the binary cross-entropy, L = −[y log ŷ + (1 − y) log(1 − ŷ)]",
    "cross_entropy": "the cross-entropy, L = −Σₖ yₖ log ŷₖ",
}
"""How each loss is named and written in a caption (for one sample)."""

OPTIMIZER_WORDS = {
    "momentum": "with momentum, each step also keeps part of the previous one",
    "adam": "Adam scales each step by running averages of the gradient and its square",
}


@dataclass(frozen=True)
class Caption:
    """What one phase computes and why.

    ``course_step`` names the course page's step(s) (e.g. "Backpropagation, steps 1 and 2"),
    ``title`` the phase in a few words, ``text`` two or three sentences."""

    course_step: str
    title: str
    text: str


class _Words:
    """Symbols of one network as caption text."""

    def __init__(self, net: Network) -> None:
        self.names = Names(net.layer_sizes)
        self.net = net
        self._math = TextMath(6)

    def __call__(self, symbol: Symbol) -> str:
        return self._math.symbol(symbol)

    def f(self, l: int) -> str:
        """The activation of layer l as written in a formula: σ, tanh, ReLU or f."""
        return ACTIVATION_CALL.get(self.net.activations[l - 1], "f")

    def layer(self, l: int) -> str:
        return self.names.layer_name(l)

    def inputs(self) -> str:
        """x = (x₁, x₂) or x = (x₁, …, xₙ)."""
        n0 = self.net.layer_sizes[0]
        nm = self.names
        if n0 <= 3:
            parts = ", ".join(self(nm.act(0, i)) for i in range(n0))
        else:
            parts = f"{self(nm.act(0, 0))}, …, {self(nm.act(0, n0 - 1))}"
        return f"{self(nm.act(0))} = ({parts})"


def _input(w: _Words) -> Caption:
    return Caption(
        "The sample",
        "A sample enters the network",
        f"The sample {w.inputs()} enters the input layer, with its target "
        f"{w(w.names.target())}. Nothing is computed yet: step forward to watch each layer's "
        "numbers appear, and back to see them again.",
    )


def _forward(w: _Words, l: int) -> Caption:
    nm, depth = w.names, w.net.depth
    sizes = w.net.layer_sizes
    # The page's letters: i runs over the inputs, j over a hidden layer, k over the outputs.
    src, dst = ("j", "k") if l == depth else ("i", "j")
    j: int | str = 0 if sizes[l] == 1 else dst
    z, a = w(nm.pre(l, j)), w(nm.act(l, j))
    total = "Σⱼ" if src == "j" else "Σᵢ"
    weighted = (
        f"{total} {w(nm.weight(l, src, j))}·{w(nm.act(l - 1, src))} + {w(nm.bias(l, j))}"
    )
    softmax = w.net.activations[l - 1] == "softmax"
    squash = (
        f"{w(nm.act(l))} = softmax({w(nm.pre(l))})" if softmax else f"{a} = {w.f(l)}({z})"
    )
    who = "The output neuron" if sizes[l] == 1 else f"Each neuron {dst} of the {w.layer(l)}"
    if l < depth:
        return Caption(
            "Forward pass: pre-activation and activation",
            f"Forward pass through the {w.layer(l)}",
            f"{who} adds up its inputs, each times its weight, plus its bias: "
            f"{z} = {weighted}. Its output is {squash}. The forward pass carries the "
            "sample through the network one layer at a time: the next layer needs these "
            "outputs.",
        )
    return Caption(
        "Forward pass: the output",
        "Forward pass through the output layer",
        f"{who} combines the {w.layer(l - 1)}'s outputs the same way: {z} = {weighted}, "
        f"and {squash} is the network's prediction for this sample, "
        f"to be compared with the target {w(nm.target(j))}.",
    )


def _loss(w: _Words, config: TrainingConfig) -> Caption:
    words = LOSS_WORDS.get(config.loss, f"the {config.loss} loss")
    return Caption(
        "Loss calculation",
        "How wrong is the prediction?",
        f"The loss is {words}: how far the prediction {w(w.names.act(w.net.depth))} is "
        f"from the target {w(w.names.target())}. Training makes L smaller. To know which "
        "way to move each weight, backpropagation now computes ∂L/∂w for every weight, "
        "from the output back.",
    )


def _backward_output(w: _Words) -> Caption:
    nm, depth = w.names, w.net.depth
    k: int | str = 0 if w.net.layer_sizes[depth] == 1 else "k"
    delta, z, y_hat = w(nm.delta(depth, k)), w(nm.pre(depth, k)), w(nm.act(depth, k))
    if w.net.activations[-1] == "softmax":
        chain = f"∂L/∂{y_hat} · ∂{y_hat}/∂{z}"
    else:
        chain = f"∂L/∂{y_hat} · {w.f(depth)}′({z})"
    weight, carried = w(nm.weight(depth, "j", k)), w(nm.act(depth - 1, "j"))
    return Caption(
        "Backpropagation, steps 1 and 2: output error and output gradients",
        "The error at the output, and the output weights' gradients",
        f"Step 1: the output error {delta} = ∂L/∂{z} = {chain} (the chain rule) says how "
        f"much the loss changes with the output's weighted sum {z}. Step 2: a weight's "
        f"gradient is that error times the value the weight carries, ∂L/∂{weight} = "
        f"{delta}·{carried}; the bias carries 1, so ∂L/∂{w(nm.bias(depth, k))} = {delta}.",
    )


def _backward_hidden(w: _Words, l: int) -> Caption:
    nm = w.names
    sizes = w.net.layer_sizes
    k: int | str = 0 if sizes[l + 1] == 1 else "k"
    back = f"{w(nm.delta(l + 1, k))}·{w(nm.weight(l + 1, 'j', k))}"
    if k == "k":
        back = f"Σₖ {back}"
    delta = w(nm.delta(l, "j"))
    return Caption(
        "Backpropagation, steps 3 and 4: hidden errors and hidden gradients",
        f"The error flows back to the {w.layer(l)}",
        f"Step 3: each hidden neuron gets its share of the error above it, along the same "
        f"weights: {delta} = ({back}) · {w.f(l)}′({w(nm.pre(l, 'j'))}). Step 4: its "
        f"weights' gradients follow as before, ∂L/∂{w(nm.weight(l, 'i', 'j'))} = "
        f"{delta}·{w(nm.act(l - 1, 'i'))} and ∂L/∂{w(nm.bias(l, 'j'))} = {delta}. Reusing "
        "the errors of the layer above is what makes backpropagation cheap.",
    )


def _update(w: _Words, config: TrainingConfig) -> Caption:
    opt = config.optimizer
    how = OPTIMIZER_WORDS.get(opt.name, "")
    return Caption(
        "Backpropagation, step 5: update",
        "Every weight moves against its gradient",
        f"Every weight and bias p moves against its gradient: p ← p − η·∂L/∂p, with "
        f"learning rate η = {opt.learning_rate:g}"
        + (f" ({how})" if how else "")
        + ". That lowers this sample's loss if η is not too large (compare L before and "
        "after the update). Stepping on takes the next sample with the new weights.",
    )


def caption(phase: Phase, net: Network, config: TrainingConfig) -> Caption:
    """What ``phase`` computes for ``net`` trained with ``config``, and why."""
    w = _Words(net)
    if phase.kind is PhaseKind.INPUT:
        return _input(w)
    if phase.kind is PhaseKind.FORWARD:
        return _forward(w, phase.layer)
    if phase.kind is PhaseKind.LOSS:
        return _loss(w, config)
    if phase.kind is PhaseKind.BACKWARD:
        if phase.layer == net.depth:
            return _backward_output(w)
        return _backward_hidden(w, phase.layer)
    return _update(w, config)


def lesson(net: Network, config: TrainingConfig) -> list[Caption]:
    """The caption of every phase of one step, in the Stepper's order."""
    return [caption(phase, net, config) for phase in phases(net.depth)]
