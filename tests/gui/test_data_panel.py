"""DataPanel: choosing a dataset loads it with its preset; Regenerate keeps the network."""

from __future__ import annotations

import numpy as np
from pytestqt.qtbot import QtBot

from mlpviz.engine.datasets import make_dataset
from mlpviz.engine.network import course_example
from mlpviz.gui.data_panel import DataPanel
from mlpviz.gui.session_model import SessionModel


def panel_of(model: SessionModel, qtbot: QtBot) -> DataPanel:
    panel = DataPanel(model)
    qtbot.addWidget(panel)
    return panel


def choose(panel: DataPanel, name: str) -> None:
    panel.dataset.setCurrentIndex(panel.dataset.findData(name))


def test_choosing_a_dataset_proposes_its_network(course_model: SessionModel, qtbot: QtBot) -> None:
    panel = panel_of(course_model, qtbot)
    assert panel.dataset.currentData() is None  # the course example's inline data
    messages: list[str] = []
    course_model.message.connect(messages.append)
    choose(panel, "spiral")
    m = course_model
    assert m.network.layer_sizes == [2, 16, 16, 1]
    assert m.network.activations == ["tanh", "tanh", "sigmoid"]
    assert m.config.loss == "bce"
    assert "Loaded Spiral" in messages[-1] and "2-16-16-1" in messages[-1]
    assert panel.n_samples.value() == 500 and panel.standardize.isChecked()
    assert "400 training + 100 test" in panel.current.text()
    choose(panel, "iris")
    assert m.network.layer_sizes == [4, 8, 3]
    assert m.network.activations == ["tanh", "softmax"]
    assert m.config.loss == "cross_entropy"
    assert panel.n_samples.maximum() == 150
    assert "Fisher" in panel.description.text() and "BSD-3-Clause" in panel.description.text()
    choose(panel, "sine")
    assert m.network.layer_sizes == [1, 16, 1]
    assert m.network.activations == ["tanh", "linear"] and m.config.loss == "mse"
    choose(panel, "digits")
    assert m.network.layer_sizes == [64, 32, 10]
    choose(panel, "course")
    assert m.network.equals(course_example())
    assert m.config.optimizer.learning_rate == 0.7
    m.undo_stack.undo()
    assert panel.dataset.currentData() == "digits"


def test_regenerate_keeps_the_network_and_uses_the_options(
    course_model: SessionModel, qtbot: QtBot
) -> None:
    panel = panel_of(course_model, qtbot)
    choose(panel, "circles")
    net = course_model.network.copy()
    panel.n_samples.setValue(50)
    panel.noise.setValue(0.1)
    panel.seed.setValue(4)
    panel.standardize.setChecked(False)
    panel.regenerate.click()
    want = make_dataset("circles", 50, 0.1, 0.2, 4, False)
    np.testing.assert_array_equal(course_model.x, want.x_train)
    assert course_model.network.equals(net)
    assert course_model.session.data_source["noise"] == 0.1
    assert panel.noise.value() == 0.1  # the panel shows the model's data
