"""HealthView: per-layer saturation, dead units and gradient size, against hand values."""

from __future__ import annotations

import numpy as np
import pytest
from preset_models import preset_model
from pytestqt.qtbot import QtBot

from mlpviz.engine.network import Network
from mlpviz.engine.optimizers import OptimizerState
from mlpviz.engine.trainer import History
from mlpviz.gui.health_view import WARN, HealthView


def test_gradient_sizes_of_a_linear_chain_by_hand(qtbot: QtBot) -> None:
    model = preset_model("sine")
    view = HealthView(model)
    qtbot.addWidget(view)
    view.show()
    model.set_structure([1, 1, 1], ["linear", "linear"])
    net = Network([1, 1, 1], ["linear", "linear"], [np.array([[2.0]]), np.array([[3.0]])],
                  [np.zeros(1), np.zeros(1)])  # fmt: skip
    model.apply_training(net, OptimizerState(), History())
    # ŷ = 3·2·x; L = mean((ŷ − y)²): ∂L/∂w₂ = mean(2(ŷ − y)·2x), ∂L/∂w₁ = mean(2(ŷ − y)·3x).
    x, y = model.x[:256, 0], model.y[:256, 0]
    residual = 6 * x - y
    g2 = abs(np.mean(2 * residual * 2 * x))
    g1 = abs(np.mean(2 * residual * 3 * x))
    assert view.health[0].gradient_rms == pytest.approx(g1)
    assert view.health[1].gradient_rms == pytest.approx(g2)
    assert view.health[0].gradient_ratio == pytest.approx(1.5)
    assert view.table.item(0, 4).text() == "1.5"
    assert view.table.item(0, 0).text() == "1 (linear, 1)"


def test_dead_relus_are_counted_and_marked(qtbot: QtBot) -> None:
    model = preset_model("xor")
    view = HealthView(model)
    qtbot.addWidget(view)
    view.show()
    model.set_structure([2, 2, 1], ["relu", "sigmoid"])
    net = model.network.copy()
    # Unit 2's z = −100 + (tiny) is negative on every sample in [−1, 1]²: dead.
    net.weights[0][1] = [0.01, 0.01]
    net.biases[0][1] = -100.0
    net.weights[0][0] = [1.0, 0.0]
    model.apply_training(net, OptimizerState(), History())
    assert view.health[0].dead == 0.5
    assert view.table.item(0, 2).text() == "50 %"
    assert view.table.item(0, 2).background().color().name().upper() == WARN.upper()
    assert view.table.item(0, 1).text() == "—"  # ReLU does not saturate


def test_saturated_sigmoids(qtbot: QtBot) -> None:
    model = preset_model("xor")
    view = HealthView(model)
    qtbot.addWidget(view)
    view.show()
    model.set_structure([2, 2, 1], ["sigmoid", "sigmoid"])
    net = model.network.copy()
    net.weights[0][:] = 0.0
    net.biases[0][:] = [10.0, 0.0]  # unit 1: z = 10 always (saturated); unit 2: z = 0
    model.apply_training(net, OptimizerState(), History())
    assert view.health[0].saturated == 0.5
    assert view.table.item(0, 1).text() == "50 %"
