"""The Trainer: it learns, it can be paused and resumed, and it stops at a NaN."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.backprop import loss_value
from mlpviz.engine.datasets import Dataset
from mlpviz.engine.network import course_example, initialise
from mlpviz.engine.optimizers import Optimizer, OptimizerConfig
from mlpviz.engine.trainer import (
    PACKED_UPDATE_MAX_PARAMS,
    Trainer,
    TrainingConfig,
    accuracy,
    train_step,
)

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def xor_data() -> Dataset:
    return Dataset("xor", XOR_X, XOR_Y, XOR_X, XOR_Y, task="classification")


def run_all(trainer: Trainer, epochs: int) -> list:
    return list(trainer.run(epochs))


@pytest.mark.parametrize(
    ("optimizer", "batch"),
    [
        (OptimizerConfig("sgd", 0.5), 1),
        (OptimizerConfig("momentum", 0.2), 2),
        (OptimizerConfig("adam", 0.05), 0),
    ],
)
def test_learns_xor(optimizer: OptimizerConfig, batch: int) -> None:
    net = initialise([2, 4, 1], ["tanh", "sigmoid"], "xavier", seed=1)
    cfg = TrainingConfig(loss="bce", optimizer=optimizer, batch_size=batch, seed=0)
    trainer = Trainer(net, xor_data(), cfg)
    run_all(trainer, 1500)
    assert trainer.history.train_accuracy[-1] == 1.0
    assert trainer.history.train_loss[-1] < 0.1
    assert trainer.history.train_loss[-1] < trainer.history.train_loss[0] / 3


def test_one_online_epoch_on_the_course_example_is_the_page_step() -> None:
    data = Dataset("course", [[0.5, 0.8]], [[0.0]], np.empty((0, 2)), np.empty((0, 1)))
    cfg = TrainingConfig(loss="mse", optimizer=OptimizerConfig("sgd", 0.7), batch_size=1)
    trainer = Trainer(course_example(), data, cfg)
    progress = run_all(trainer, 1)
    assert progress[-1].done and progress[-1].epoch == 1
    assert trainer.history.train_loss == [pytest.approx(0.406645, abs=1e-6)]
    assert np.isnan(trainer.history.test_loss[0])


def test_pause_and_resume_equals_one_run() -> None:
    cfg = TrainingConfig(
        loss="mse", optimizer=OptimizerConfig("momentum", 0.1), batch_size=3, seed=4
    )
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 3))
    data = Dataset("r", x, x[:, :1] * 2 - x[:, 1:2], x[:2], x[:2, :1])
    net = initialise([3, 5, 1], ["tanh", "linear"], seed=2)
    one = Trainer(net, data, cfg)
    run_all(one, 5)
    two = Trainer(net, data, cfg)
    run_all(two, 2)
    run_all(two, 3)
    assert one.net.equals(two.net)
    assert one.history.train_loss == two.history.train_loss
    assert one.updates == two.updates == 5 * 4  # ceil(10 / 3) batches per epoch


def test_stopping_at_a_yield_keeps_the_position() -> None:
    cfg = TrainingConfig(loss="mse", optimizer=OptimizerConfig("sgd", 0.1), batch_size=1)
    data = Dataset("r", XOR_X, XOR_Y, XOR_X[:0], XOR_Y[:0])
    trainer = Trainer(initialise([2, 3, 1], ["tanh", "sigmoid"], seed=0), data, cfg)
    gen = trainer.run(3, report_every=0.0)
    first = next(gen)
    assert first.updates == 1 and not first.epoch_finished
    gen.close()
    assert trainer.updates == 1
    rest = list(trainer.run(3))
    assert rest[-1].epoch == 3 and trainer.updates == 12


def test_target_loss_stops_early() -> None:
    cfg = TrainingConfig(
        loss="bce", optimizer=OptimizerConfig("adam", 0.05), batch_size=0, target_loss=0.3
    )
    trainer = Trainer(initialise([2, 4, 1], ["tanh", "sigmoid"], seed=1), xor_data(), cfg)
    progress = run_all(trainer, 5000)
    assert progress[-1].done
    assert trainer.history.train_loss[-1] <= 0.3
    assert all(v > 0.3 for v in trainer.history.train_loss[:-1])
    assert trainer.epoch < 5000


def test_a_huge_learning_rate_stops_with_the_parameter_named() -> None:
    cfg = TrainingConfig(loss="mse", optimizer=OptimizerConfig("sgd", 1e6), batch_size=1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 2)) * 100
    data = Dataset("r", x, x.sum(axis=1, keepdims=True) * 100, x[:0], x[:0, :1])
    net = initialise([2, 8, 1], ["relu", "linear"], seed=0)
    trainer = Trainer(net, data, cfg)
    with np.errstate(all="ignore"):
        progress = run_all(trainer, 100)
    last = progress[-1]
    assert last.done and last.non_finite is not None
    assert last.non_finite.startswith(("weights[", "biases[", "the loss"))
    assert trainer.net.first_non_finite() is None  # the last finite network is kept


def test_accuracy_definitions() -> None:
    assert accuracy(
        np.array([[0.2], [0.6], [0.5]]), np.array([[0.0], [1.0], [0.0]])
    ) == pytest.approx(2 / 3)
    y_hat = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
    assert accuracy(y_hat, np.array([[0, 1, 0], [0, 0, 1]], dtype=float)) == 0.5


def test_shape_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="inputs"):
        Trainer(initialise([3, 1], ["sigmoid"]), xor_data(), TrainingConfig())


def test_an_sgd_step_is_the_page_rule_on_packed_and_on_gathered_parameters() -> None:
    x, y = np.array([[0.5, 0.8]]), np.array([[0.0]])
    # The page's update, p − η ∂L/∂p, with the hand-worked gradients (η = 0.7).
    grad_w = [
        np.array([[0.010144, 0.016231], [0.013275, 0.021240]]),
        np.array([[0.181381, 0.219133]]),
    ]
    grad_b = [np.array([0.020288, 0.026550]), np.array([0.289216])]
    packed = course_example()
    gathered = course_example()
    gathered.weights = [w.copy() for w in gathered.weights]  # no longer one packed vector
    for net in (packed, gathered):
        step = train_step(net, Optimizer(OptimizerConfig("sgd", 0.7)), x, y, "mse")
        for l in range(2):
            np.testing.assert_allclose(
                step.after.weights[l], net.weights[l] - 0.7 * grad_w[l], atol=1e-6
            )
            np.testing.assert_allclose(
                step.after.biases[l], net.biases[l] - 0.7 * grad_b[l], atol=1e-6
            )
        assert step.before is net and net.equals(course_example())  # left unchanged
        assert loss_value(step.after, x, y, "mse") == pytest.approx(0.406645, abs=1e-6)
        # The new network's arrays are views of its packed vector, which an edit reaches.
        step.after.weights[1][0, 0] = 1.5
        assert step.after.packed_params()[6] == 1.5


def test_momentum_and_adam_steps_keep_their_state_per_array() -> None:
    x, y = np.array([[0.5, 0.8]]), np.array([[0.0]])
    for name in ("momentum", "adam"):
        optimizer = Optimizer(OptimizerConfig(name, 0.1))
        step = train_step(course_example(), optimizer, x, y, "mse")
        state = optimizer.state.velocity if name == "momentum" else optimizer.state.m
        assert [s.shape for s in state] == [(2, 2), (2,), (1, 2), (1,)]
        assert step.after.first_non_finite() is None


def test_a_large_network_is_updated_array_by_array_by_the_same_rule() -> None:
    net = initialise([200, 100, 1], ["tanh", "sigmoid"], "xavier", seed=3)
    assert net.n_params > PACKED_UPDATE_MAX_PARAMS
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(4, 200)), rng.uniform(size=(4, 1))
    step = train_step(net, Optimizer(OptimizerConfig("sgd", 0.3)), x, y, "mse")
    grads = step.backward.grad_weights + step.backward.grad_biases
    news = step.after.weights + step.after.biases
    for p, g, new in zip(net.weights + net.biases, grads, news, strict=True):
        np.testing.assert_allclose(new, p - 0.3 * g, rtol=1e-15, atol=1e-17)
    assert step.after.first_non_finite() is None
    step.after.biases[0][7] = np.inf
    assert step.after.first_non_finite() == "biases[0][7] = inf"
