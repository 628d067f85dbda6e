"""NetworkPanel: layers, neurons, activations, output and loss, initialisation; undoable."""

from __future__ import annotations

import numpy as np
from preset_models import preset_model
from pytestqt.qtbot import QtBot

from mlpviz.gui.network_panel import NetworkPanel
from mlpviz.gui.session_model import SessionModel


def panel_of(model: SessionModel, qtbot: QtBot) -> NetworkPanel:
    panel = NetworkPanel(model)
    qtbot.addWidget(panel)
    return panel


def test_neurons_layers_and_activations(qtbot: QtBot) -> None:
    model = preset_model("spiral")
    panel = panel_of(model, qtbot)
    assert [s.value() for s in panel.size_spins] == [16, 16]
    assert "2-16-16-1" in panel.summary.text() and "337" in panel.summary.text()
    messages: list[str] = []
    model.message.connect(messages.append)
    before = model.network.copy()
    panel.size_spins[0].setValue(8)
    assert model.network.layer_sizes == [2, 8, 16, 1]
    assert "drawn afresh" in messages[-1]
    assert "2-8-16-1" in panel.summary.text()
    panel.activation_combos[1].setCurrentText("relu")
    assert model.network.activations == ["tanh", "relu", "sigmoid"]
    panel.remove_buttons[0].click()
    assert model.network.layer_sizes == [2, 16, 1]
    assert model.network.activations == ["relu", "sigmoid"]
    panel.add_layer.click()
    assert model.network.layer_sizes == [2, 16, 16, 1]
    for _ in range(4):
        model.undo_stack.undo()
    assert model.network.equals(before)
    assert [s.value() for s in panel.size_spins] == [16, 16]


def test_removing_every_hidden_layer_and_adding_one_back(qtbot: QtBot) -> None:
    model = preset_model("xor")
    panel = panel_of(model, qtbot)
    while panel.remove_buttons:
        panel.remove_buttons[0].click()
    assert model.network.layer_sizes == [2, 1]
    panel.add_layer.click()
    assert model.network.layer_sizes == [2, 4, 1]
    assert model.network.activations == ["tanh", "sigmoid"]


def test_output_and_loss_keep_the_weights(qtbot: QtBot) -> None:
    model = preset_model("iris")
    panel = panel_of(model, qtbot)
    weights = [w.copy() for w in model.network.weights]
    panel.output.setCurrentText("sigmoid")
    assert model.network.activations[-1] == "sigmoid"
    assert model.config.loss == "bce"  # the pairing follows
    assert "usually" not in panel.pairing.text()
    index = panel.loss.findData("mse")
    panel.loss.setCurrentIndex(index)
    assert model.config.loss == "mse"
    assert "sigmoid usually goes with binary cross-entropy" in panel.pairing.text()
    for w, old in zip(model.network.weights, weights, strict=True):
        np.testing.assert_array_equal(w, old)
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert panel.output.currentText() == "softmax"
    assert panel.loss.currentData() == "cross_entropy"


def test_reinitialise_with_a_scheme_and_seed(qtbot: QtBot) -> None:
    model = preset_model("xor")
    panel = panel_of(model, qtbot)
    panel.scheme.setCurrentIndex(panel.scheme.findData("uniform01"))
    panel.seed.setValue(5)
    panel.reinitialise.click()
    # uniform01: every weight and bias uniform in [0, 1), layer by layer, W before b.
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(model.network.weights[0], rng.uniform(0, 1, (4, 2)))
    np.testing.assert_array_equal(model.network.biases[0], rng.uniform(0, 1, 4))
    panel.new_seed.click()
    assert panel.seed.value() == 6
    assert model.init.seed == 6
    model.undo_stack.undo()
    assert panel.seed.value() == 5
