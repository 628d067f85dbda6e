"""SessionModel's data, shape and training edits: undoable where they are edits, history
where they are training, and to_session() always saving what is shown."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from mlpviz.engine.datasets import make_dataset
from mlpviz.engine.network import course_example
from mlpviz.engine.optimizers import OptimizerConfig, OptimizerState
from mlpviz.engine.session import InitConfig
from mlpviz.engine.stepper import PhaseKind
from mlpviz.engine.trainer import History
from mlpviz.gui.dataset_presets import dataset_preset
from mlpviz.gui.session_model import SessionModel

SPIRAL_SOURCE = {"kind": "dataset", "name": "spiral", "n_samples": 40, "seed": 3}


def spiral_model(model: SessionModel) -> SessionModel:
    data = make_dataset("spiral", n_samples=40, seed=3)
    preset = dataset_preset("spiral")
    assert preset is not None
    model.set_dataset(data, SPIRAL_SOURCE, preset.network(data), preset.training(data), preset.init)
    return model


def test_set_dataset_with_a_network_and_undo(course_model: SessionModel, qtbot: QtBot) -> None:
    m = course_model
    with qtbot.waitSignals([m.data_changed, m.structure_changed, m.history_changed]):
        spiral_model(m)
    assert m.network.layer_sizes == [2, 16, 16, 1]
    assert m.config.loss == "bce"
    assert m.config.optimizer.name == "adam"
    assert len(m.x) == 32  # 40 samples, 20 % held out
    assert m.phase.kind is PhaseKind.INPUT
    saved = m.to_session()
    assert saved.data_source["name"] == "spiral"
    assert saved.history is None
    m.undo_stack.undo()
    assert m.network.equals(course_example())
    np.testing.assert_array_equal(m.x, [[0.5, 0.8]])
    assert m.to_session().data_source == {"kind": "inline"}
    m.undo_stack.redo()
    assert m.network.layer_sizes == [2, 16, 16, 1]


def test_set_dataset_keeps_a_network_that_fits(course_model: SessionModel) -> None:
    m = spiral_model(course_model)
    net = m.network.copy()
    xor = make_dataset("xor", n_samples=20, seed=1)
    m.set_dataset(xor, {"kind": "dataset", "name": "xor", "n_samples": 20, "seed": 1})
    assert m.network.equals(net)  # 2 inputs, 1 output, classification: it fits
    np.testing.assert_array_equal(m.x, xor.x_train)


def test_set_dataset_of_another_task_refits_the_output(course_model: SessionModel) -> None:
    m = course_model  # regression, mse
    m.set_dataset(make_dataset("xor", n_samples=20), {"kind": "dataset", "name": "xor"})
    assert m.network.layer_sizes == [2, 2, 1]
    assert m.network.activations == ["sigmoid", "sigmoid"]
    assert m.config.loss == "bce"
    assert not m.network.equals(course_example())  # drawn afresh


def test_set_dataset_adapts_a_network_that_does_not(course_model: SessionModel) -> None:
    m = course_model
    messages: list[str] = []
    m.message.connect(messages.append)
    m.set_dataset(make_dataset("iris"), {"kind": "dataset", "name": "iris"})
    # The hidden layer of 2 is kept, the input and output layers fit the data.
    assert m.network.layer_sizes == [4, 2, 3]
    assert m.network.activations == ["sigmoid", "softmax"]
    assert m.config.loss == "cross_entropy"
    assert "4-2-3" in messages[-1] and "afresh" in messages[-1]


def test_set_structure_draws_afresh_and_undo_brings_the_weights_back(
    course_model: SessionModel,
) -> None:
    m = spiral_model(course_model)
    before = m.network.copy()
    messages: list[str] = []
    m.message.connect(messages.append)
    m.set_structure([2, 8, 3, 1], ["relu", "tanh", "sigmoid"])
    net = m.network
    assert net.layer_sizes == [2, 8, 3, 1]
    assert net.activations == ["relu", "tanh", "sigmoid"]
    # Xavier: uniform within ±sqrt(6 / (n_in + n_out)), biases zero.
    assert np.abs(net.weights[0]).max() <= np.sqrt(6 / 10)
    assert not net.biases[0].any()
    assert "2-8-3-1" in messages[-1] and "drawn afresh" in messages[-1]
    assert m.undo_stack.undoText() == "Shape 2-8-3-1"
    m.undo_stack.undo()
    assert m.network.equals(before)
    with pytest.raises(ValueError, match="does not fit"):
        m.set_structure([3, 4, 1], ["tanh", "sigmoid"])


def test_reinitialise_draws_he_weights_from_the_seed(course_model: SessionModel) -> None:
    m = course_model
    m.reinitialise("he", 7)
    # He: normal with standard deviation sqrt(2 / n_in), drawn layer by layer from one
    # generator seeded 7; biases zero.
    rng = np.random.default_rng(7)
    w0 = rng.normal(0.0, np.sqrt(2 / 2), (2, 2))
    w1 = rng.normal(0.0, np.sqrt(2 / 2), (1, 2))
    np.testing.assert_array_equal(m.network.weights[0], w0)
    np.testing.assert_array_equal(m.network.weights[1], w1)
    assert m.to_session().init == InitConfig("he", 7)
    m.undo_stack.undo()
    assert m.network.equals(course_example())


def test_set_output_keeps_the_weights(course_model: SessionModel) -> None:
    m = course_model
    m.set_output("linear", "bce")
    assert m.network.activations == ["sigmoid", "linear"]
    assert m.config.loss == "bce"
    np.testing.assert_array_equal(m.network.weights[1], [[0.3, 0.5]])
    m.step()
    m.reset()  # back to the initial weights, with the new output kept
    assert m.network.activations == ["sigmoid", "linear"]
    m.undo_stack.undo()
    assert m.network.activations == ["sigmoid", "sigmoid"]
    assert m.config.loss == "mse"
    assert m.network.equals(course_example())


def trained_network(model: SessionModel) -> tuple[History, OptimizerState]:
    """Pretend training moved every weight by +1 over two epochs."""
    net = model.network.copy()
    net.weights = [w + 1.0 for w in net.weights]
    history = History([1, 2], [0.5, 0.4], [0.6, 0.5], [0.7, 0.8], [0.6, 0.7])
    state = OptimizerState(t=3)
    model.apply_training(net, state, history)
    return history, state


def test_apply_training_is_history_not_an_edit(course_model: SessionModel, qtbot: QtBot) -> None:
    m = course_model
    with qtbot.waitSignals([m.trained, m.history_changed, m.network_changed, m.stepped]):
        history, _state = trained_network(m)
    assert m.undo_stack.count() == 0
    np.testing.assert_allclose(m.network.weights[1], [[1.3, 1.5]])
    assert m.phase.kind is PhaseKind.INPUT
    assert m.stepper.optimizer.state.t == 3
    history.epoch.append(3)  # the model keeps its own copy
    assert m.history.epoch == [1, 2]
    saved = m.to_session()
    assert saved.history is not None and saved.history.train_loss == [0.5, 0.4]
    assert saved.initial_network is not None and saved.initial_network.equals(course_example())
    m.reset_training()
    assert m.network.equals(course_example())
    assert m.history.epoch == []
    assert m.stepper.optimizer.state.t == 0


def test_apply_training_while_running_says_little(course_model: SessionModel) -> None:
    m = course_model
    heard: list[str] = []
    for name in ("trained", "history_changed", "network_changed", "stepped"):
        getattr(m, name).connect(lambda name=name: heard.append(name))
    net = m.network.copy()
    m.apply_training(net, OptimizerState(), History(), running=True)
    assert heard == ["trained"]  # the history did not grow
    m.apply_training(net, OptimizerState(), History([1], [0.1], [0.1], [1.0], [1.0]), True)
    assert heard == ["trained", "trained", "history_changed"]


def test_learning_rate_undo_keeps_the_trained_weights(course_model: SessionModel) -> None:
    m = course_model
    config = replace(m.config, optimizer=OptimizerConfig("adam", 0.05))
    m.set_training_config(config, "Optimizer Adam")
    trained_network(m)
    m.undo_stack.undo()
    assert m.config.optimizer.name == "sgd"
    np.testing.assert_allclose(m.network.weights[1], [[1.3, 1.5]])
    m.set_learning_rate(0.2)
    m.undo_stack.undo()
    np.testing.assert_allclose(m.network.weights[1], [[1.3, 1.5]])
    assert m.config.optimizer.learning_rate == 0.7


def test_an_update_makes_earlier_weight_edits_history(course_model: SessionModel) -> None:
    m = course_model
    m.set_learning_rate(0.5)  # a setting: it works on whatever weights are in force
    m.set_weight(0, 0, 0, 1.0)  # w11 = 1
    assert m.undo_stack.count() == 2
    m.go_to(m.phases[-2])  # Backward 1, before the update: both still undoable
    assert m.undo_stack.canUndo()
    m.step()  # into Update: the weights move on by learning
    assert m.phase.kind is PhaseKind.UPDATE
    # Undoing w11 = 1 would now restore the weights from before the update and lose it
    # (and redo would not come back to these), so the stack is emptied.
    assert not m.undo_stack.canUndo() and m.undo_stack.count() == 0
    learned = [w.copy() for w in m.network.weights]
    # By hand: w11 ← 1 − 0.5·∂L/∂w11 moved it below 1.
    assert learned[0][0, 0] < 1.0
    m.undo_stack.undo()  # nothing to undo: the learned weights stay
    np.testing.assert_array_equal(m.network.weights[0], learned[0])


def test_edits_that_keep_the_weights_in_force_stay_undoable_after_an_update(
    course_model: SessionModel,
) -> None:
    m = course_model
    m.set_learning_rate(0.5)
    m.go_to(m.phases[-2])
    m.step()  # into Update
    assert m.undo_stack.canUndo()  # a setting only: still undoable
    m.undo_stack.undo()
    assert m.config.optimizer.learning_rate == pytest.approx(0.7)
