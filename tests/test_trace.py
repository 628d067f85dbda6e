"""The worked example: the course page's numbers, correct backward numbers, every format,
arithmetic that checks out line by line, gradients against finite differences, elision."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest

from mlpviz.engine.backprop import Regularization
from mlpviz.engine.datasets import course_example_data
from mlpviz.engine.gradcheck import numeric_gradient
from mlpviz.engine.network import Network, course_example, initialise
from mlpviz.engine.optimizers import OptimizerConfig
from mlpviz.engine.stepper import Phase, PhaseKind, SampleStep, Stepper, phases
from mlpviz.engine.trace import (
    Equation,
    Focus,
    phase_sections,
    render_html,
    render_latex,
    render_markdown,
    render_text,
    trace_json,
    worked_example,
)
from mlpviz.engine.trainer import TrainingConfig

# The course example's correct values, worked by hand (the page's backward numbers are wrong).
W = [[0.2, 0.4], [0.6, 0.8]]
B_H = [0.1, 0.2]
V = [[0.3, 0.5]]
B_Y = [0.4]
ETA = 0.7
Z = [0.52, 1.14]
H = [0.627148, 0.757680]  # σ(0.52), σ(1.14)
U = 0.966984
Y_HAT = 0.724518
LOSS = 0.524926
DELTA_Y = 0.289216
GRAD_V = [[0.181381, 0.219133]]
DELTA_H = [0.020288, 0.026550]
GRAD_W = [[0.010144, 0.016231], [0.013275, 0.021240]]
LOSS_AFTER = 0.406645


def course_step(optimizer: str = "sgd") -> tuple[SampleStep, TrainingConfig]:
    data = course_example_data()
    config = TrainingConfig(optimizer=OptimizerConfig(name=optimizer, learning_rate=ETA))
    return Stepper(course_example(), data.x_train, data.y_train, config).record, config


def random_step(
    sizes: list[int],
    activations: list[str],
    loss: str = "mse",
    optimizer: str = "sgd",
    reg: Regularization | None = None,
    steps: int = 0,
    seed: int = 0,
) -> tuple[SampleStep, TrainingConfig]:
    rng = np.random.default_rng(seed)
    net = initialise(sizes, activations, "xavier", seed=seed)
    net = net.with_params(net.weights, [rng.normal(0, 0.5, b.shape) for b in net.biases])
    x = rng.normal(size=(4, sizes[0]))
    if loss == "cross_entropy":
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 4)]
    elif loss == "bce":
        y = rng.integers(0, 2, (4, sizes[-1])).astype(float)
    else:
        y = rng.uniform(-1, 1, (4, sizes[-1]))
    config = TrainingConfig(
        loss=loss,
        optimizer=OptimizerConfig(name=optimizer, learning_rate=0.3),
        regularization=reg or Regularization(),
    )
    stepper = Stepper(net, x, y, config)
    for _ in range(steps):
        stepper.next_sample()
    return stepper.record, config


# --- the course example ---------------------------------------------------------------------
def test_course_json_numbers_are_the_correct_ones() -> None:
    step, config = course_step()
    t = trace_json(step, config)
    ok = pytest.approx
    assert t["loss"] == ok(LOSS, abs=1e-6)
    assert t["layers"][0] == {"a": [0.5, 0.8]}
    hidden, out = t["layers"][1], t["layers"][2]
    assert hidden["z"] == ok(Z, abs=1e-12)
    assert hidden["a"] == ok(H, abs=1e-6)
    assert out["z"] == ok([U], abs=1e-6)
    assert out["a"] == ok([Y_HAT], abs=1e-6)
    assert out["delta"] == ok([DELTA_Y], abs=1e-6)
    assert out["grad_weights"][0] == ok(GRAD_V[0], abs=1e-6)
    assert out["grad_biases"] == ok([DELTA_Y], abs=1e-6)
    assert hidden["delta"] == ok(DELTA_H, abs=1e-6)
    for row, expected in zip(hidden["grad_weights"], GRAD_W, strict=True):
        assert row == ok(expected, abs=1e-6)
    assert hidden["grad_biases"] == ok(DELTA_H, abs=1e-6)
    # p ← p − η ∂L/∂p with the hand-worked gradients.
    new_w = np.array(W) - ETA * np.array(GRAD_W)
    new_v = np.array(V) - ETA * np.array(GRAD_V)
    assert np.allclose(t["updated"]["weights"][0], new_w, atol=1e-6)
    assert np.allclose(t["updated"]["weights"][1], new_v, atol=1e-6)
    assert np.allclose(
        t["updated"]["biases"][0], np.array(B_H) - ETA * np.array(DELTA_H), atol=1e-6
    )
    assert np.allclose(t["updated"]["biases"][1], np.array(B_Y) - ETA * DELTA_Y, atol=1e-6)
    assert t["loss_after"] == ok(LOSS_AFTER, abs=1e-6)


def check_json_shape(t: dict[str, object], net: Network) -> None:
    assert {"loss", "layers", "updated", "loss_after"} <= set(t)
    layers = t["layers"]
    assert isinstance(layers, list) and len(layers) == net.depth + 1
    assert set(layers[0]) == {"a"}
    assert np.shape(layers[0]["a"]) == (net.layer_sizes[0],)
    for l in range(1, net.depth + 1):
        n, n_prev = net.layer_sizes[l], net.layer_sizes[l - 1]
        layer = layers[l]
        assert {"z", "a", "delta", "grad_weights", "grad_biases"} <= set(layer)
        for key in ("z", "a", "delta", "grad_biases"):
            assert np.shape(layer[key]) == (n,), key
            assert all(isinstance(v, float) for v in layer[key])
        assert np.shape(layer["grad_weights"]) == (n, n_prev)
    updated = t["updated"]
    assert isinstance(updated, dict) and set(updated) == {"weights", "biases"}
    assert [np.shape(w) for w in updated["weights"]] == [w.shape for w in net.weights]
    assert [np.shape(b) for b in updated["biases"]] == [b.shape for b in net.biases]
    assert isinstance(t["loss"], float) and isinstance(t["loss_after"], float)


def test_course_json_shape() -> None:
    step, config = course_step()
    check_json_shape(trace_json(step, config), step.result.before)


def test_course_text_shows_formula_numbers_and_result() -> None:
    step, config = course_step()
    text = render_text(worked_example(step, config))
    for line in (
        "z₁ = w₁₁·x₁ + w₂₁·x₂ + bʰ₁ = 0.2·0.5 + 0.4·0.8 + 0.1 = 0.52",
        "z₂ = w₁₂·x₁ + w₂₂·x₂ + bʰ₂ = 0.6·0.5 + 0.8·0.8 + 0.2 = 1.14",
        "h₁ = σ(z₁) = σ(0.52) = 0.627148",
        "h₂ = σ(z₂) = σ(1.14) = 0.75768",
        "u = v₁₁·h₁ + v₂₁·h₂ + bʸ₁ = 0.3·0.627148 + 0.5·0.75768 + 0.4 = 0.966984",
        "ŷ = σ(u) = σ(0.966984) = 0.724518",
        "L = (y − ŷ)² = (0 − 0.724518)² = 0.524926",
        "∂L/∂ŷ = 2(ŷ − y) = 2·(0.724518 − 0) = 1.449036",
        "δʸ = ∂L/∂ŷ · σ′(u) = ∂L/∂ŷ · ŷ(1 − ŷ) = 1.449036·0.724518·(1 − 0.724518) = 0.289216",
        "∂L/∂v₁₁ = δʸ·h₁ = 0.289216·0.627148 = 0.181381",
        "∂L/∂v₂₁ = δʸ·h₂ = 0.289216·0.75768 = 0.219133",
        "∂L/∂bʸ₁ = δʸ = 0.289216",
        "∂L/∂h₁ = δʸ·v₁₁ = 0.289216·0.3 = 0.086765",
        "δʰ₁ = ∂L/∂h₁ · σ′(z₁) = ∂L/∂h₁ · h₁(1 − h₁) = 0.086765·0.627148·(1 − 0.627148) = 0.020288",
        "∂L/∂w₁₁ = δʰ₁·x₁ = 0.020288·0.5 = 0.010144",
        "∂L/∂w₂₁ = δʰ₁·x₂ = 0.020288·0.8 = 0.016231",
        "∂L/∂w₁₂ = δʰ₂·x₁ = 0.02655·0.5 = 0.013275",
        "∂L/∂w₂₂ = δʰ₂·x₂ = 0.02655·0.8 = 0.02124",
        "∂L/∂bʰ₂ = δʰ₂ = 0.02655",
        "w₁₁ ← w₁₁ − η·∂L/∂w₁₁ = 0.2 − 0.7·0.010144 = 0.192899",
        "bʸ₁ ← bʸ₁ − η·∂L/∂bʸ₁ = 0.4 − 0.7·0.289216 = 0.197549",
        "L′ = (y − ŷ′)² = (0 − 0.637687)² = 0.406645",
    ):
        assert line in text, line
    # The page's wrong backward numbers (sign and transposition errors) never appear.
    assert "−0.289" not in text and "−0.010" not in text and "0.314" not in text


def test_course_text_matrix_form() -> None:
    step, config = course_step()
    text = render_text(phase_sections(step, config, Phase(PhaseKind.FORWARD, 1)))
    assert "z = W·x + bʰ = ⎡0.2  0.4⎤ ⎡0.5⎤ + ⎡0.1⎤ = ⎡0.52⎤" in text
    assert "⎣0.6  0.8⎦ ⎣0.8⎦   ⎣0.2⎦   ⎣1.14⎦" in text
    back = render_text(phase_sections(step, config, Phase(PhaseKind.BACKWARD, 1)))
    assert "∂L/∂W = δʰ·xᵀ = ⎡0.020288⎤ [0.5  0.8] = ⎡0.010144  0.016231⎤" in back


def test_course_markdown_and_latex_carry_the_numbers() -> None:
    step, config = course_step()
    sections = worked_example(step, config)
    md = render_markdown(sections)
    tex = render_latex(sections)
    for out in (md, tex):
        for number in (
            "0.52",
            "0.627148",
            "0.524926",
            "0.289216",
            "0.181381",
            "0.219133",
            "0.020288",
            "0.02655",
            "0.010144",
            "0.016231",
            "0.013275",
            "0.02124",
            "0.406645",
        ):
            assert number in out, number
        grad_v11 = r"\frac{\partial L}{\partial v_{11}} "
        assert (
            grad_v11 + r"= \delta^{y}\cdot h_{1}" in out
            or grad_v11 + r"&= \delta^{y}\cdot h_{1}" in out
        )
        assert r"\begin{bmatrix} 0.2 & 0.4 \\ 0.6 & 0.8 \end{bmatrix}" in out
        assert "−" not in out and "·" not in out  # Unicode maths is all translated
    assert "- $z_{1} = w_{11}\\cdot x_{1}+w_{21}\\cdot x_{2}+b^{h}_{1} = 0.2\\cdot 0.5" in md
    assert "## Backward 1: hidden layer" in md
    assert r"\begin{align*}" in tex and r"\section*{Loss (mse)}" in tex
    assert "documentclass" not in tex
    full = render_latex(sections, standalone=True)
    assert full.startswith(r"\documentclass") and full.rstrip().endswith(r"\end{document}")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("which", ["course", "deep", "clipped"])
def test_latex_compiles(tmp_path: object, which: str) -> None:
    if which == "course":
        step, config = course_step("adam")
    elif which == "deep":
        step, config = random_step(
            [3, 5, 4, 2],
            ["tanh", "relu", "softmax"],
            "cross_entropy",
            "momentum",
            Regularization(0.01, 0.001),
            steps=1,
        )
    else:  # cross-entropy on a linear output: ŷ is clipped, and a note says so
        step, config = random_step([2, 3, 2], ["linear", "linear"], "cross_entropy", steps=1)
        assert "clips them" in render_text(worked_example(step, config))
    path = tmp_path / "trace.tex"  # type: ignore[operator]
    path.write_text(render_latex(worked_example(step, config), standalone=True), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:]


class _TagBalance(HTMLParser):
    VOID = ("br", "img", "hr")

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def test_course_html_is_balanced_rich_text() -> None:
    step, config = course_step()
    out = render_html(worked_example(step, config), standalone=True)
    parser = _TagBalance()
    parser.feed(out)
    assert parser.stack == []
    assert "<i>z</i><sub>1</sub> = <i>w</i><sub>11</sub>·<i>x</i><sub>1</sub>" in out
    assert "<i>b</i><sup>h</sup><sub>1</sub>" in out and "<i>δ</i><sup>y</sup>" in out
    assert "0.289216" in out and "0.406645" in out and "<table" in out


def test_precision_changes_the_digits() -> None:
    step, config = course_step()
    text = render_text(phase_sections(step, config, Phase(PhaseKind.FORWARD, 1)), precision=3)
    assert "h₁ = σ(z₁) = σ(0.52) = 0.627" in text and "0.627148" not in text
    with pytest.raises(ValueError):
        render_text([], precision=0)


# --- every line's arithmetic ------------------------------------------------------------------
_FUNCS = {
    "σ": lambda z: 1 / (1 + math.exp(-z)),
    "tanh": math.tanh,
    "ReLU": lambda z: max(0.0, z),
    "LReLU": lambda z: z if z > 0 else 0.01 * z,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "max": max,
}
_NUMERIC = re.compile(r"^[0-9.e+\-*/() ,\[\]]*$")


def _as_python(side: str) -> str | None:
    """A substituted side of a text equation as a Python expression; None if it has symbols."""
    s = (
        side.replace("−", "-")
        .replace("·", "*")
        .replace("²", "**2")
        .replace("[", "(")
        .replace("]", ")")
    )
    s = re.sub(r"√([0-9.e\-]+)", r"sqrt(\1)", s).replace("√(", "sqrt(")
    s = re.sub(r"\b(\d+(?:\.\d*)?)\(", r"\1*(", s)  # 2(ŷ − y) style implicit products
    bare = s
    for name in _FUNCS:
        bare = bare.replace(name, "")
    return s if _NUMERIC.match(bare) and re.search(r"\d", bare) else None


def check_arithmetic(text: str, rel: float) -> int:
    """Every equation line whose next-to-last side is all numbers evaluates to its result."""
    checked = 0
    joined: list[str] = []
    for line in text.splitlines():  # long equations continue on lines that start with "="
        if line.strip().startswith("= ") and joined:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    for line in joined:
        if " = " not in line or any(c in line for c in "⎡⎢⎣") or "[" in line.split(" = ")[-1]:
            continue  # not an equation, or a matrix
        lhs, arrow, rest = line.strip().partition(" ← ")
        sides = [lhs, *rest.split(" = ")] if arrow else line.strip().split(" = ")
        if len(sides) < 3:
            continue
        expr, result = _as_python(sides[-2]), _as_python(sides[-1])
        if expr is None or result is None:
            continue
        value = eval(expr, {"__builtins__": {}}, _FUNCS)  # our own output, never a user file
        expected = float(result)
        assert value == pytest.approx(expected, rel=rel, abs=rel), line
        checked += 1
    return checked


CASES = [
    ([2, 2, 1], ["sigmoid", "sigmoid"], "mse", "sgd"),
    ([2, 1], ["sigmoid"], "bce", "momentum"),
    ([3, 5, 4, 2], ["tanh", "relu", "linear"], "mse", "adam"),
    ([3, 4, 3], ["leaky_relu", "softmax"], "cross_entropy", "sgd"),
    ([3, 4, 3], ["sigmoid", "softmax"], "mse", "momentum"),
    ([2, 3, 2], ["tanh", "sigmoid"], "bce", "adam"),
    ([2, 3, 2], ["relu", "tanh"], "half_sse", "sgd"),
    ([2, 3, 1], ["linear", "linear"], "cross_entropy", "sgd"),
]


@pytest.mark.parametrize(("sizes", "acts", "loss", "opt"), CASES)
@pytest.mark.parametrize("reg", [None, Regularization(0.01, 0.02)])
def test_every_substituted_line_evaluates_to_its_result(
    sizes: list[int], acts: list[str], loss: str, opt: str, reg: Regularization | None
) -> None:
    step, config = random_step(sizes, acts, loss, opt, reg, steps=2)
    text = render_text(worked_example(step, config), precision=12)
    net = step.result.before
    # One line per neuron per layer for z and a, per weight and bias for gradients and updates.
    # 12 decimals; a tiny number keeps fewer significant digits, and dividing by it (Adam's
    # √s) amplifies that rounding, hence 1e-6 rather than 1e-12. A wrong formula is off by O(1).
    assert check_arithmetic(text, rel=1e-6) >= 2 * sum(net.layer_sizes[1:]) + net.n_params


def test_course_arithmetic_at_six_digits() -> None:
    step, config = course_step()
    assert check_arithmetic(render_text(worked_example(step, config)), rel=2e-5) >= 25


# --- deeper networks -------------------------------------------------------------------------
def test_deep_network_json_against_finite_differences() -> None:
    step, config = random_step([3, 5, 4, 2], ["tanh", "sigmoid", "linear"], "mse", steps=1, seed=7)
    net = step.result.before
    t = trace_json(step, config)
    check_json_shape(t, net)
    num_w, num_b = numeric_gradient(net, step.x, step.y, "mse")
    for l in range(1, net.depth + 1):
        layer = t["layers"][l]
        assert np.allclose(layer["grad_weights"], num_w[l - 1], rtol=1e-6, atol=1e-9)
        assert np.allclose(layer["grad_biases"], num_b[l - 1], rtol=1e-6, atol=1e-9)
        # δ = ∂L/∂z = ∂L/∂b for a single sample.
        assert np.allclose(layer["delta"], num_b[l - 1], rtol=1e-6, atol=1e-9)
        eta = config.optimizer.learning_rate
        assert np.allclose(
            t["updated"]["weights"][l - 1], net.weights[l - 1] - eta * num_w[l - 1], atol=1e-8
        )
    # The forward numbers, recomputed by hand in numpy.
    a = step.x[0]
    for l, f in enumerate([np.tanh, lambda z: 1 / (1 + np.exp(-z)), lambda z: z], start=1):
        z = net.weights[l - 1] @ a + net.biases[l - 1]
        a = f(z)
        assert np.allclose(t["layers"][l]["z"], z) and np.allclose(t["layers"][l]["a"], a)
    assert t["loss"] == pytest.approx(float(np.mean((step.y[0] - a) ** 2)))


def test_deep_network_uses_layer_indexed_names() -> None:
    step, config = random_step([3, 5, 4, 2], ["tanh", "relu", "linear"])
    text = render_text(worked_example(step, config))
    assert "z⁽¹⁾₁ = w⁽¹⁾₁₁·x₁ + w⁽¹⁾₂₁·x₂ + w⁽¹⁾₃₁·x₃ + b⁽¹⁾₁" in text
    assert "z⁽²⁾₁ = w⁽²⁾₁₁·a⁽¹⁾₁ + " in text
    assert "ŷ₂ = z⁽³⁾₂ = " in text  # linear output
    assert "δ⁽²⁾₁ = ∂L/∂a⁽²⁾₁ · ReLU′(z⁽²⁾₁)" in text
    assert "δ⁽¹⁾₁ = ∂L/∂a⁽¹⁾₁ · tanh′(z⁽¹⁾₁) = ∂L/∂a⁽¹⁾₁ · (1 − a⁽¹⁾₁²)" in text
    md = render_markdown(worked_example(step, config))
    assert r"w^{(2)}_{11}" in md and r"\delta^{(3)}_{1}" in md


def test_network_without_hidden_layer() -> None:
    net = Network([2, 1], ["sigmoid"], [np.array([[0.5, -0.25]])], [np.array([0.1])])
    config = TrainingConfig(loss="bce", optimizer=OptimizerConfig(learning_rate=0.5))
    step = Stepper(net, np.array([[1.0, 2.0]]), np.array([[1.0]]), config).record
    text = render_text(worked_example(step, config))
    # z = 0.5·1 − 0.25·2 + 0.1 = 0.1; ŷ = σ(0.1); sigmoid + bce gives δ = ŷ − y.
    y_hat = 1 / (1 + math.exp(-0.1))
    assert "z = w₁₁·x₁ + w₂₁·x₂ + b₁ = 0.5·1 + (−0.25)·2 + 0.1 = 0.1" in text
    assert f"ŷ = σ(z) = σ(0.1) = {y_hat:.6f}" in text
    assert f"δ = ∂L/∂z = ŷ − y = {y_hat:.6f} − 1 = {y_hat - 1:.6f}".replace("-", "−") in text
    g = f"{2 * (y_hat - 1):.6f}".replace("-", "−")
    assert f"w₂₁ ← w₂₁ − η·∂L/∂w₂₁ = −0.25 − 0.5·({g}) = " in text
    t = trace_json(step, config)
    check_json_shape(t, net)
    assert t["loss"] == pytest.approx(-math.log(y_hat))
    assert t["layers"][1]["grad_weights"][0] == pytest.approx([y_hat - 1, 2 * (y_hat - 1)])


# --- focus and elision -----------------------------------------------------------------------
def _equations(sections: list) -> list[Equation]:  # type: ignore[type-arg]
    return [b for s in sections for b in s.blocks if isinstance(b, Equation)]


def test_focus_on_one_weight_shows_its_gradient_only() -> None:
    step, config = course_step()
    # weights[0][1, 0] is w₁₂, from input 1 to hidden neuron 2.
    focus = Focus.weight(0, 1, 0)
    sections = phase_sections(step, config, Phase(PhaseKind.BACKWARD, 1), focus)
    text = render_text(sections)
    assert "∂L/∂w₁₂ = δʰ₂·x₁ = 0.02655·0.5 = 0.013275" in text
    assert "w₁₁" not in text and "w₂₂" not in text and "bʰ" not in text
    assert not any(s.matrix_form for s in sections)
    update = render_text(phase_sections(step, config, Phase(PhaseKind.UPDATE), focus))
    assert "w₁₂ ← w₁₂ − η·∂L/∂w₁₂ = 0.6 − 0.7·0.013275 = 0.590707" in update
    # The rule p ← p − η·∂L/∂p, η = 0.7, and the weight's own update.
    assert len(_equations(phase_sections(step, config, Phase(PhaseKind.UPDATE), focus))) == 3
    assert phase_sections(step, config, Phase(PhaseKind.BACKWARD, 2), focus) == []
    forward = render_text(phase_sections(step, config, Phase(PhaseKind.FORWARD, 1), focus))
    assert "z₂ = w₁₂·x₁ + w₂₂·x₂ + bʰ₂" in forward and "z₁" not in forward


def test_focus_on_a_neuron_and_a_bias() -> None:
    step, config = course_step()
    sections = phase_sections(step, config, Phase(PhaseKind.FORWARD, 1), Focus.neuron(1, 0))
    lhs = [render_text([]) or e.lhs for e in _equations(sections)]
    text = render_text(sections)
    assert "z₁ = " in text and "h₁ = σ(z₁)" in text and "z₂" not in text and "h₂ =" not in text
    assert len(lhs) == 3  # z₁, the rule σ(z), h₁
    assert phase_sections(step, config, Phase(PhaseKind.FORWARD, 2), Focus.neuron(1, 0)) == []
    assert "x₂ = 0.8" in render_text(
        phase_sections(step, config, Phase(PhaseKind.INPUT), Focus.neuron(0, 1))
    )
    loss = render_text(phase_sections(step, config, Phase(PhaseKind.LOSS), Focus.neuron(2, 0)))
    assert "0.524926" in loss
    bias = render_text(phase_sections(step, config, Phase(PhaseKind.BACKWARD, 2), Focus.bias(1, 0)))
    assert "∂L/∂bʸ₁ = δʸ = 0.289216" in bias and "∂L/∂v" not in bias


def test_wide_network_is_elided() -> None:
    step, config = random_step([784, 128, 64, 10], ["relu", "relu", "softmax"], "cross_entropy")
    sections = worked_example(step, config)
    text = render_text(sections)
    lines = text.splitlines()
    assert len(lines) < 600
    assert max(len(line) for line in lines) < 250
    assert "  … (124 more)" in text  # 128 hidden neurons: 3 shown, the last, and the rest
    assert "x₇₈₄ = " in text and "w⁽¹⁾₇₈₄,₁·x₇₈₄" in text and " + … + " in text
    assert "⋱" in text
    for out in (render_markdown(sections), render_latex(sections), render_html(sections)):
        assert len(out.splitlines()) < 1500
    wider = render_text(worked_example(step, config, max_terms=8, max_rows=8))
    assert len(lines) < len(wider.splitlines()) < 1500
    check_json_shape(trace_json(step, config), step.result.before)


def test_focus_keeps_its_term_inside_an_elided_sum() -> None:
    step, config = random_step([20, 3, 1], ["tanh", "sigmoid"])
    text = render_text(
        phase_sections(step, config, Phase(PhaseKind.FORWARD, 1), Focus.weight(0, 2, 9))
    )
    assert "w⁽¹⁾" not in text  # one hidden layer: the page's names
    assert "w₁₀,₃·x₁₀" in text and "w₂₀,₃·x₂₀" in text and "…" in text


def test_all_phases_in_order() -> None:
    step, config = course_step()
    sections = worked_example(step, config)
    order = [s.phase for s in sections]
    assert order == sorted(order, key=phases(2).index)
    assert {s.phase for s in sections} == set(phases(2))


def test_numbers_follow_the_app_rule() -> None:
    step, config = course_step()
    text = render_text(phase_sections(step, config, Phase(PhaseKind.FORWARD, 1)), precision=6)
    assert "= 0.52\n" in text and "0.520000" not in text  # trailing zeros trimmed
    tiny = Network([1, 1], ["linear"], [np.array([[1e-9]])], [np.array([0.0])])
    config = TrainingConfig(optimizer=OptimizerConfig(learning_rate=0.5))
    step = Stepper(tiny, np.array([[1.0]]), np.array([[0.0]]), config).record
    sections = phase_sections(step, config, Phase(PhaseKind.FORWARD, 1))
    assert "z = w₁₁·x₁ + b₁ = 1e−09·1 + 0 = 1e−09\n" in render_text(sections)  # never 0
    assert r"1 \times 10^{-9}" in render_latex(sections)
    assert "1×10<sup>−9</sup>" in render_html(sections)


def test_a_prediction_the_loss_clips_is_written_as_it_is_taken() -> None:
    # A saturated sigmoid output: ŷ = σ(60) is 1 in floating point, and cross-entropy
    # takes it as 1 − ε inside its logarithms (log(1 − ŷ) would be log 0). Written as the
    # number, it read "log(1 − 1)".
    net = Network([1, 1], ["sigmoid"], [np.array([[0.0]])], [np.array([60.0])])
    config = TrainingConfig(loss="bce", optimizer=OptimizerConfig(name="sgd", learning_rate=0.1))
    step = Stepper(net, np.array([[1.0]]), np.array([[0.0]]), config).record
    assert step.result.forward.output[0, 0] == 1.0
    text = render_text(worked_example(step, config))
    assert "log(1 − 1)" not in text
    assert "log(1 − ε)" in text and "log(1 − (1 − ε))" in text
    assert "clips them" in text
    # −[0·log(1 − ε) + 1·log(1 − (1 − ε))], in floating point as the loss computes it
    # (1 − (1 − 10⁻¹⁵) is 9.992e-16 there, not 10⁻¹⁵): 34.539576.
    expected = -math.log(1.0 - (1.0 - 1e-15))
    assert f"= {expected:.6f}" in text
