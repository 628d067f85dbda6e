"""The presets the data panel proposes learn their data: accuracy on the held-out test part.

Engine only (the presets module is Qt-free): each dataset is built as the data panel builds
it, its preset network trained by the same Trainer the window runs, with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.backprop import forward
from mlpviz.engine.datasets import make_dataset
from mlpviz.engine.trainer import Trainer
from mlpviz.gui.dataset_presets import DatasetPreset, adapt_network, dataset_preset, output_for


def preset_of(name: str) -> DatasetPreset:
    preset = dataset_preset(name)
    assert preset is not None
    return preset


def train(name: str) -> Trainer:
    p = preset_of(name)
    data = make_dataset(name, p.n_samples, p.noise, p.test_ratio, p.seed, p.standardize)
    trainer = Trainer(p.network(data), data, p.training(data))
    for _ in trainer.run():
        pass
    return trainer


def test_accuracy_agrees_with_a_count_of_right_answers() -> None:
    # The accuracy the tests rely on, recounted here from the network's outputs.
    trainer = train("xor")
    data = trainer.data
    y_hat = forward(trainer.net, data.x_test).output[:, 0]
    right = sum(
        int((p >= 0.5) == (t == 1.0)) for p, t in zip(y_hat, data.y_test[:, 0], strict=True)
    )
    assert trainer.history.test_accuracy[-1] == pytest.approx(right / len(y_hat))


@pytest.mark.parametrize(("name", "least"), [("xor", 0.95), ("circles", 0.95), ("spiral", 0.95)])
def test_two_class_sets_reach_95_percent_on_the_test_part(name: str, least: float) -> None:
    trainer = train(name)
    h = trainer.history
    assert len(h.epoch) == preset_of(name).epochs  # bounded: the preset's epoch limit
    assert len(trainer.data.x_test) >= 40
    assert h.test_accuracy[-1] >= least
    assert h.train_accuracy[-1] >= least
    # It learned: at the start the network is no better than a coin.
    assert h.test_accuracy[0] < h.test_accuracy[-1]


def test_iris_reaches_90_percent_on_the_test_part() -> None:
    trainer = train("iris")
    assert trainer.history.test_accuracy[-1] >= 0.90
    assert len(trainer.history.epoch) <= 100


def test_sine_is_fitted_closely() -> None:
    trainer = train("sine")
    # The test part's mean squared error against sin(x) itself (noise-free data):
    # well below the variance of sin on [−π, π], which is 1/2.
    assert trainer.history.test_loss[-1] < 0.01


def test_presets_pair_the_output_with_its_loss() -> None:
    for name in ("xor", "spiral", "iris", "digits", "sine", "plane"):
        p = preset_of(name)
        data = make_dataset(name, n_samples=20 if name != "iris" else 30, seed=1)
        net = p.network(data)
        assert net.layer_sizes == [data.n_inputs, *p.hidden, data.n_outputs]
        activation, loss = output_for(data)
        assert net.activations[-1] == activation
        assert p.training(data).loss == loss
    assert output_for(make_dataset("iris")) == ("softmax", "cross_entropy")
    assert output_for(make_dataset("xor")) == ("sigmoid", "bce")
    assert output_for(make_dataset("sine")) == ("linear", "mse")
    assert dataset_preset("course") is None


def test_adapt_network_keeps_the_hidden_layers() -> None:
    data = make_dataset("iris")
    spiral = preset_of("spiral").network(make_dataset("spiral"))
    net, loss = adapt_network(spiral, data)
    assert net.layer_sizes == [4, 16, 16, 3]
    assert net.activations == ["tanh", "tanh", "softmax"]
    assert loss == "cross_entropy"
    assert np.isfinite(net.weights[0]).all()
