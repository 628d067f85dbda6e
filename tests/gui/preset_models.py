"""Models of a built-in dataset with its preset network, as the data panel loads them."""

from __future__ import annotations

from dataclasses import replace

from mlpviz.engine.datasets import Dataset, make_dataset
from mlpviz.engine.session import default_session
from mlpviz.engine.trainer import TrainingConfig
from mlpviz.gui.dataset_presets import DatasetPreset, dataset_preset
from mlpviz.gui.session_model import SessionModel

LIVE_WAIT_MS = 120
"""Long enough for every view's live repaint (mlpviz/gui/live_refresh.py) to have run."""


def preset(name: str) -> DatasetPreset:
    p = dataset_preset(name)
    assert p is not None
    return p


def preset_data(name: str, **changes: object) -> Dataset:
    p = replace(preset(name), **changes)  # type: ignore[arg-type]
    return make_dataset(name, p.n_samples, p.noise, p.test_ratio, p.seed, p.standardize)


def preset_model(name: str, config: TrainingConfig | None = None, **data: object) -> SessionModel:
    """A fresh model of the course example, then ``name`` loaded with its preset."""
    model = SessionModel(default_session())
    p = preset(name)
    d = preset_data(name, **data)
    source = {"kind": "dataset", "name": name, "seed": p.seed, "standardize": p.standardize}
    training = config if config is not None else p.training(d)
    model.set_dataset(d, source, p.network(d), training, p.init)
    return model
