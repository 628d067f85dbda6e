"""What the window proposes for each dataset: a network, an initialisation and how to train.

Choosing a dataset in the data panel loads it with its preset, so that pressing Play
learns it. The presets are small on purpose (the diagram stays readable) and were chosen
so that, with the seeds given here, the network learns its data within ``epochs``
(tests/test_learning.py holds them to it). Qt-free: the tests and the command line may use
it without a display.

Output activation and loss go in pairs (:data:`OUTPUT_PAIRINGS`): sigmoid with binary
cross-entropy for one 0/1 output, softmax with cross-entropy for one-hot classes, linear
with the mean squared error for regression. :func:`adapt_network` fits a network's input
and output layers to new data and keeps its hidden layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mlpviz.engine.datasets import Dataset
from mlpviz.engine.network import Network, initialise
from mlpviz.engine.optimizers import OptimizerConfig
from mlpviz.engine.session import InitConfig
from mlpviz.engine.trainer import TrainingConfig

OUTPUT_PAIRINGS: dict[str, str] = {
    "sigmoid": "bce",
    "softmax": "cross_entropy",
    "linear": "mse",
}
"""The loss that goes with each output activation; other activations pair with mse."""

LOSS_TITLES: dict[str, str] = {
    "mse": "mean squared error",
    "half_sse": "½ sum of squared errors",
    "bce": "binary cross-entropy",
    "cross_entropy": "cross-entropy",
}


def paired_loss(output_activation: str) -> str:
    """The loss that suits ``output_activation`` (mse for any activation not paired)."""
    return OUTPUT_PAIRINGS.get(output_activation, "mse")


def output_for(data: Dataset) -> tuple[str, str]:
    """(output activation, loss) suited to ``data``: sigmoid + bce for one 0/1 output,
    softmax + cross-entropy for one-hot classes, linear + mse for regression."""
    if data.task == "classification":
        return ("sigmoid", "bce") if data.n_outputs == 1 else ("softmax", "cross_entropy")
    return "linear", "mse"


@dataclass(frozen=True)
class DatasetPreset:
    """The network, initialisation, training settings and data options proposed for a dataset.

    ``hidden``: sizes of the hidden layers; ``activation``: theirs (one for all);
    the output layer follows the data (:func:`output_for`). ``epochs`` is the epoch limit
    within which the preset learns its data.
    """

    dataset: str
    hidden: tuple[int, ...]
    activation: str
    init: InitConfig = field(default_factory=InitConfig)
    optimizer: OptimizerConfig = field(default_factory=lambda: OptimizerConfig("adam", 0.01))
    batch_size: int = 10
    epochs: int = 200
    n_samples: int | None = None
    """Samples to generate; None: the dataset's default (:func:`dataset_info`)."""
    noise: float = 0.0
    test_ratio: float = 0.2
    standardize: bool = True
    seed: int = 0

    def layer_sizes(self, data: Dataset) -> list[int]:
        return [data.n_inputs, *self.hidden, data.n_outputs]

    def activations(self, data: Dataset) -> list[str]:
        return [self.activation] * len(self.hidden) + [output_for(data)[0]]

    def network(self, data: Dataset) -> Network:
        """The preset's network for ``data``, drawn with :attr:`init`."""
        init = self.init
        return initialise(
            self.layer_sizes(data), self.activations(data), init.scheme, init.seed, init.scale
        )

    def training(self, data: Dataset) -> TrainingConfig:
        return TrainingConfig(
            loss=output_for(data)[1],
            optimizer=self.optimizer,
            batch_size=self.batch_size,
            seed=self.seed,
            epochs=self.epochs,
        )


_PRESETS: dict[str, DatasetPreset] = {
    p.dataset: p
    for p in (
        DatasetPreset("xor", (4, 4), "tanh", optimizer=OptimizerConfig("adam", 0.03), epochs=100),
        DatasetPreset("circles", (8,), "tanh", optimizer=OptimizerConfig("adam", 0.03), epochs=100),
        DatasetPreset(
            "gaussians", (4,), "tanh", optimizer=OptimizerConfig("adam", 0.03), epochs=50
        ),
        # Two hidden layers of 16 and 500 samples: 2-8-8-1 learns the spiral too, but
        # takes two to four times as many epochs and misses 95 % on some seeds; with the
        # default 300 samples, 2-16-16-1 overfits.
        DatasetPreset(
            "spiral",
            (16, 16),
            "tanh",
            optimizer=OptimizerConfig("adam", 0.02),
            epochs=200,
            n_samples=500,
        ),
        DatasetPreset("moons", (16,), "tanh", optimizer=OptimizerConfig("adam", 0.03), epochs=100),
        DatasetPreset("sine", (16,), "tanh", epochs=300),
        DatasetPreset("plane", (4,), "tanh", epochs=200),
        DatasetPreset("iris", (8,), "tanh", epochs=100),
        DatasetPreset(
            "digits",
            (32,),
            "relu",
            init=InitConfig("he", 0),
            optimizer=OptimizerConfig("adam", 0.005),
            batch_size=32,
            epochs=30,
            standardize=False,
        ),
    )
}


def dataset_preset(name: str) -> DatasetPreset | None:
    """The preset of the dataset ``name``; None for the course example, which keeps the
    course page's network, and for unknown names."""
    return _PRESETS.get(name)


def adapt_network(
    net: Network, data: Dataset, init: InitConfig | None = None
) -> tuple[Network, str]:
    """(a network for ``data``, its loss): ``net``'s hidden layers and activations with
    input and output layers sized for the data, output activation and loss from
    :func:`output_for`, weights drawn afresh by ``init`` (default Xavier, seed 0).
    Softmax on a hidden layer, impossible by construction, is never produced."""
    init = init if init is not None else InitConfig()
    activation, loss = output_for(data)
    sizes = [data.n_inputs, *net.layer_sizes[1:-1], data.n_outputs]
    activations = [*net.activations[:-1], activation]
    return initialise(sizes, activations, init.scheme, init.seed, init.scale), loss


def fits(net: Network, data: Dataset) -> bool:
    """True when ``net`` has as many inputs and outputs as ``data`` has."""
    return net.layer_sizes[0] == data.n_inputs and net.layer_sizes[-1] == data.n_outputs


def shape_text(layer_sizes: Sequence[int]) -> str:
    """The shape as the window writes it, e.g. "2-16-16-1"."""
    return "-".join(str(n) for n in layer_sizes)
