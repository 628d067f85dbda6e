"""Layer health indicators and the input plane, against hand-worked values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpviz.engine.network import Network
from mlpviz.gui.input_plane import class_of, input_line, input_plane, layer_values
from mlpviz.gui.layer_health import LayerHealth, dead_share, layer_health, saturated_share


def test_dead_relu_is_one_never_active_on_any_sample() -> None:
    # z of unit 1 is x > 0, of unit 2 is −x − 10 < 0 for every x here.
    net = Network([1, 2, 1], ["relu", "linear"], [np.array([[1.0], [-1.0]]),
                  np.array([[1.0, 1.0]])], [np.array([0.0, -10.0]), np.array([0.0])])  # fmt: skip
    x = np.array([[1.0], [2.0], [3.0]])
    health = layer_health(net, x, np.zeros((3, 1)), "mse")
    assert health[0].dead == 0.5
    assert health[0].saturated is None
    assert health[1].dead is None  # linear units cannot die


def test_saturated_tanh_activations() -> None:
    # z of unit 1 is 10x: 10, −10, 0.5 (|z| ≥ 1.82 twice); of unit 2 is 0.1x: never.
    z = np.array([[10.0, 0.1], [-10.0, -0.1], [0.5, 0.005]])
    assert saturated_share("tanh", z) == pytest.approx(2 / 6)
    # Sigmoid's slope σ(1 − σ) falls to 0.025 (a tenth of its peak) at |z| = 3.64.
    assert saturated_share("sigmoid", np.array([[3.6, 3.7, -3.7, 0.0]])) == 0.5
    assert saturated_share("relu", z) is None
    assert dead_share("leaky_relu", np.array([[-1.0, 2.0], [-3.0, -1.0]])) == 0.5


def test_gradient_size_per_layer_by_hand() -> None:
    # 1-1-1, both linear: ŷ = 3·(2·x) = 6 for x = 1, y = 0, L = (ŷ − y)² = 36.
    # ∂L/∂ŷ = 12; ∂L/∂w₂ = 12·a₁ = 24; ∂L/∂w₁ = 12·3·x = 36.
    net = Network([1, 1, 1], ["linear", "linear"], [np.array([[2.0]]), np.array([[3.0]])],
                  [np.zeros(1), np.zeros(1)])  # fmt: skip
    h = layer_health(net, np.array([[1.0]]), np.array([[0.0]]), "mse")
    assert h[0].gradient_rms == pytest.approx(36.0)
    assert h[1].gradient_rms == pytest.approx(24.0)
    assert h[0].gradient_ratio == pytest.approx(1.5)
    assert h[0].verdict == ""


def test_verdicts() -> None:
    def health(rms: float, ratio: float) -> LayerHealth:
        return LayerHealth(1, "sigmoid", 4, 0.0, None, rms, ratio)

    assert health(1e-9, 1e-4).verdict == "vanishing"
    assert health(1e3, 1e3).verdict == "exploding"
    assert health(math.nan, math.nan).verdict == "not finite"
    assert health(0.1, math.nan).verdict == ""


def test_input_plane_grid_and_fixed_inputs() -> None:
    x = np.array([[0.0, 0.0, 5.0], [1.0, 2.0, 7.0]])
    plane = input_plane(x, (0, 1), resolution=3, margin=0.1)
    np.testing.assert_allclose(plane.xs, [-0.1, 0.5, 1.1])
    np.testing.assert_allclose(plane.ys, [-0.2, 1.0, 2.2])
    # Row r·3 + c is (xs[c], ys[r]) with the third input at its mean, 6.
    np.testing.assert_allclose(plane.points[5], [1.1, 1.0, 6.0])
    np.testing.assert_allclose(plane.points[:, 2], 6.0)
    np.testing.assert_allclose(plane.rect(), (-0.4, -0.8, 1.8, 3.6))
    # A linear neuron summing its inputs: its value over the plane is x + y + 6.
    net = Network([3, 1], ["linear"], [np.ones((1, 3))], [np.zeros(1)])
    image = layer_values(net, plane.points)[1][:, 0].reshape(plane.shape)
    assert image[2, 0] == pytest.approx(-0.1 + 2.2 + 6.0)
    with pytest.raises(ValueError, match="two different inputs"):
        input_plane(x, (1, 1))


def test_input_line_and_classes() -> None:
    line = input_line(np.array([[1.0], [3.0]]), resolution=5, margin=0.5)
    np.testing.assert_allclose(line[:, 0], [0.0, 1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(class_of(np.array([[0.0], [1.0]])), [0, 1])
    np.testing.assert_array_equal(class_of(np.array([[0, 0, 1.0], [0, 1.0, 0]])), [2, 1])


def test_a_sigmoid_output_with_bce_is_never_called_saturated() -> None:
    # z = 10 on every sample: σ' ≈ 4.5e−5, but with binary cross-entropy δ = ŷ − y.
    net = Network([1, 1], ["sigmoid"], [np.zeros((1, 1))], [np.array([10.0])])
    x, y = np.zeros((3, 1)), np.ones((3, 1))
    assert layer_health(net, x, y, "bce")[0].saturated is None
    assert layer_health(net, x, y, "mse")[0].saturated == 1.0
