"""Diagrams for the tests of the network view and its edges: a shown view, a model of any
network sizes."""

from __future__ import annotations

import numpy as np
from pytestqt.qtbot import QtBot

from mlpviz.engine.datasets import Dataset
from mlpviz.engine.network import initialise
from mlpviz.engine.session import Session, default_session
from mlpviz.gui.network_view import NetworkView
from mlpviz.gui.session_model import SessionModel


def shown(qtbot: QtBot, model: SessionModel, width: int = 1200, height: int = 800) -> NetworkView:
    """A NetworkView of ``model``, shown at this size and fitted."""
    view = NetworkView(model)
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    view.fit()
    return view


def model_of(sizes: list[int], seed: int = 1) -> SessionModel:
    """A sigmoid network of the given sizes with mixed-sign weights and one sample."""
    net = initialise(sizes, ["sigmoid"] * (len(sizes) - 1), scheme="uniform", seed=seed)
    rng = np.random.default_rng(seed)
    data = Dataset(
        "one sample",
        rng.uniform(0, 1, (1, sizes[0])),
        rng.uniform(0, 1, (1, sizes[-1])),
        np.empty((0, sizes[0])),
        np.empty((0, sizes[-1])),
    )
    return SessionModel(Session(network=net, training=default_session().training, data=data))
