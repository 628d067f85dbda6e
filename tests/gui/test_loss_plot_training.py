"""LossPlot follows the model's training history: loss and, for classes, accuracy."""

from __future__ import annotations

import math

import numpy as np
from preset_models import LIVE_WAIT_MS, preset_model
from pytestqt.qtbot import QtBot

from mlpviz.engine.optimizers import OptimizerState
from mlpviz.engine.trainer import History
from mlpviz.gui.loss_plot import LossPlot
from mlpviz.gui.session_model import SessionModel


def plot_of(model: SessionModel, qtbot: QtBot) -> LossPlot:
    plot = LossPlot(model)
    qtbot.addWidget(plot)
    plot.show()
    return plot


def test_a_classification_history_shows_loss_and_accuracy(qtbot: QtBot) -> None:
    model = preset_model("xor")
    plot = plot_of(model, qtbot)
    assert not plot.history_shown and plot.accuracy_widget.isHidden()
    history = History([1, 2], [0.6, 0.4], [0.7, 0.5], [0.6, 0.8], [0.55, 0.7])
    model.apply_training(model.network, OptimizerState(), history, running=True)
    qtbot.wait(LIVE_WAIT_MS)  # live training spreads the views' repaints
    assert plot.history_shown
    np.testing.assert_array_equal(plot.train_curve.getData()[1], [0.6, 0.4])
    np.testing.assert_array_equal(plot.test_curve.getData()[1], [0.7, 0.5])
    np.testing.assert_array_equal(plot.train_accuracy_curve.getData()[1], [0.6, 0.8])
    np.testing.assert_array_equal(plot.test_accuracy_curve.getData()[1], [0.55, 0.7])
    assert plot.accuracy_widget.isVisible()
    assert "accuracy: train 80.0 %, test 70.0 %" in plot.latest_label.text()
    model.reset_training()
    assert not plot.history_shown and plot.accuracy_widget.isHidden()


def test_a_regression_history_has_no_accuracy_plot(qtbot: QtBot) -> None:
    model = preset_model("sine")
    plot = plot_of(model, qtbot)
    nan = math.nan
    model.apply_training(
        model.network, OptimizerState(), History([1], [0.3], [0.4], [nan], [nan]), running=True
    )
    qtbot.wait(LIVE_WAIT_MS)
    assert plot.history_shown
    assert plot.accuracy_widget.isHidden()
    assert "accuracy" not in plot.latest_label.text()


def test_no_test_part_no_test_curve(qtbot: QtBot) -> None:
    model = preset_model("xor", test_ratio=0.0)
    plot = plot_of(model, qtbot)
    nan = math.nan
    model.apply_training(
        model.network, OptimizerState(), History([1], [0.3], [nan], [0.9], [nan]), running=True
    )
    qtbot.wait(LIVE_WAIT_MS)
    assert not plot.test_curve.isVisible()
    assert "test" not in plot.latest_label.text()
