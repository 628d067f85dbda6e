"""TrainingPanel driven with qtbot: play, pause, step epoch, reset, settings changed while
training runs, and the NaN guard's dialog."""

from __future__ import annotations

import numpy as np
from preset_models import preset_model
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mlpviz.engine.optimizers import OptimizerConfig
from mlpviz.engine.trainer import Trainer
from mlpviz.gui.session_model import SessionModel
from mlpviz.gui.training_controller import TrainingController
from mlpviz.gui.training_panel import TrainingPanel


def panel_of(model: SessionModel, qtbot: QtBot) -> TrainingPanel:
    panel = TrainingPanel(TrainingController(model))
    qtbot.addWidget(panel)
    panel.show()
    return panel


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_play_pause_step_and_reset_with_the_buttons(qtbot: QtBot) -> None:
    model = preset_model("circles")
    panel = panel_of(model, qtbot)
    controller = panel.controller
    initial = model.network.copy()
    assert panel.play_button.text() == "▶ Train"
    click(qtbot, panel.play_button)
    assert controller.running and panel.play_button.text() == "■ Pause"
    qtbot.waitUntil(lambda: len(model.history.epoch) >= 3, timeout=5000)
    assert "samples/s" in panel.epoch_label.text()
    click(qtbot, panel.play_button)
    assert not controller.running and panel.play_button.text() == "▶ Train"
    epochs = len(model.history.epoch)
    assert f"Epoch <b>{epochs}</b> of 100" in panel.epoch_label.text()
    click(qtbot, panel.step_button)
    qtbot.waitUntil(lambda: not controller.running, timeout=5000)
    assert len(model.history.epoch) == epochs + 1
    click(qtbot, panel.reset_button)
    assert model.network.equals(initial)
    assert "Epoch <b>0</b>" in panel.epoch_label.text()


def test_settings_show_the_model_and_edit_it(qtbot: QtBot) -> None:
    model = preset_model("spiral")
    panel = panel_of(model, qtbot)
    assert panel.optimizer.currentData() == "adam"
    assert panel.learning_rate.value() == 0.02
    assert panel.batch_mode.currentText() == "mini-batch" and panel.batch_size.value() == 10
    assert panel.epoch_limit.value() == 200
    assert not panel.momentum.isEnabled() and panel.adam_row.isEnabled()
    panel.batch_mode.setCurrentText("full batch")
    assert model.config.batch_size == 0
    panel.batch_mode.setCurrentText("online")
    assert model.config.batch_size == 1
    panel.l2.setValue(0.001)
    assert model.config.regularization.l2 == 0.001
    panel.use_target.setChecked(True)
    assert model.config.target_loss == 0.01
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("momentum"))
    assert model.config.optimizer.name == "momentum" and panel.momentum.isEnabled()
    assert model.undo_stack.undoText() == "Optimizer SGD with momentum"
    for _ in range(5):
        model.undo_stack.undo()
    assert panel.batch_mode.currentText() == "mini-batch"
    assert panel.optimizer.currentData() == "adam"


def test_learning_rate_changed_while_training_keeps_going(qtbot: QtBot) -> None:
    model = preset_model("spiral")
    panel = panel_of(model, qtbot)
    panel.play_action.trigger()
    qtbot.waitUntil(lambda: len(model.history.epoch) >= 2, timeout=5000)
    panel.learning_rate.setValue(0.005)
    assert panel.controller.running
    epochs = len(model.history.epoch)
    qtbot.waitUntil(lambda: len(model.history.epoch) >= epochs + 2, timeout=5000)
    panel.play_action.trigger()
    assert model.config.optimizer.learning_rate == 0.005
    assert model.stepper.optimizer.config.learning_rate == 0.005
    assert model.history.epoch[0] == 1  # the same run went on, not a new one


def test_the_nan_guard_dialog_names_the_parameter_and_restores(qtbot: QtBot) -> None:
    model = preset_model("sine")
    panel = panel_of(model, qtbot)
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("sgd"))
    panel.learning_rate.setValue(1e6)
    assert model.config.optimizer == OptimizerConfig("sgd", 1e6)
    reference = Trainer(model.network, model.data, model.config)
    with np.errstate(all="ignore"):
        bad = next(p for p in reference.run(10) if p.non_finite)
    click(qtbot, panel.play_button)
    qtbot.waitUntil(lambda: panel.non_finite_box is not None, timeout=5000)
    box = panel.non_finite_box
    assert box is not None
    assert not panel.controller.running
    assert "weights[0][0, 0], is nan" in box.text()
    assert "learning rate of 1e+06" in box.text()
    restore = next(b for b in box.buttons() if b.text() == "Restore the last finite weights")
    click(qtbot, restore)
    assert panel.non_finite_box is None
    assert model.network.equals(bad.network)
    assert all(np.isfinite(p).all() for p in model.network.params())


def test_the_status_line_changes_without_a_new_layout_of_the_panel(qtbot: QtBot) -> None:
    # Its text changes at every live repaint; a label in the panel's layout would re-lay
    # out the panel (dozens of fields) each time. Only a text that needs another height
    # (one more line) asks for a new layout.
    from layout_requests import LayoutRequests

    panel = panel_of(preset_model("circles"), qtbot)
    panel.resize(300, 600)
    qtbot.wait(20)
    line = panel.status_line
    requests = LayoutRequests()
    panel.installEventFilter(requests)
    for epoch in (11, 12, 13):
        line.setText(f"Epoch <b>{epoch}</b> · 12,345 samples/s")
        qtbot.wait(1)
    assert panel.epoch_label.text() == "Epoch <b>13</b> · 12,345 samples/s"
    assert requests.count == 0
    one_line = line.height()
    line.setText(" · ".join(["Epoch <b>14</b> · 12,345 samples/s"] * 6))
    qtbot.waitUntil(lambda: line.height() > one_line, timeout=1000)
    assert requests.count > 0
    assert line.height() >= panel.epoch_label.heightForWidth(line.width())
