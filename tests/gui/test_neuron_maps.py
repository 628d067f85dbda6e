"""NeuronMaps: each hidden neuron's activation over the input plane, hover to enlarge."""

from __future__ import annotations

import numpy as np
from preset_models import LIVE_WAIT_MS, preset_model
from PySide6.QtCore import QPointF
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mlpviz.engine.optimizers import OptimizerState
from mlpviz.engine.trainer import History
from mlpviz.gui.neuron_maps import (
    LARGE_MIN_PX,
    LARGE_PX,
    NEGATIVE,
    POSITIVE,
    NeuronMaps,
    activation_image,
)
from mlpviz.gui.session_model import SessionModel


def maps_of(model: SessionModel, qtbot: QtBot) -> NeuronMaps:
    maps = NeuronMaps(model)
    qtbot.addWidget(maps)
    maps.show()
    return maps


def test_activation_colours_by_hand() -> None:
    # tanh: white at 0, the diagram's blue at +1, half-way to vermillion at −0.5.
    image = activation_image("tanh", np.array([0.0, 1.0, -0.5]), (1, 3))
    np.testing.assert_array_equal(image[0, 0], [255, 255, 255])
    np.testing.assert_array_equal(image[0, 1], POSITIVE.astype(np.uint8))
    np.testing.assert_allclose(image[0, 2], 0.5 * 255 + 0.5 * NEGATIVE, atol=1)
    # sigmoid's midpoint is 0.5; ReLU's scale is the largest value on the map.
    assert (activation_image("sigmoid", np.array([0.5]), (1, 1)) == 255).all()
    relu = activation_image("relu", np.array([0.0, 2.0, 4.0]), (1, 3))
    np.testing.assert_allclose(relu[0, 1], 0.5 * 255 + 0.5 * POSITIVE, atol=1)


def test_a_neuron_map_is_its_activation_over_the_plane(qtbot: QtBot) -> None:
    model = preset_model("gaussians")  # 2-4-1, tanh hidden
    maps = maps_of(model, qtbot)
    assert [len(row) for row in maps.tiles] == [4]
    net = model.network.copy()
    net.weights[0][1] = [2.0, 0.0]  # neuron 2: a = tanh(2·x1 + 0.5)
    net.biases[0][1] = 0.5
    model.apply_training(net, OptimizerState(), History(), running=True)
    qtbot.wait(LIVE_WAIT_MS)  # live training spreads the views' repaints
    plane = maps.plane
    assert plane is not None
    values = maps.neuron_values(1, 1)
    assert values.shape == plane.shape
    want = np.tanh(2.0 * plane.xs + 0.5)  # the same in every row
    np.testing.assert_allclose(values, np.tile(want, (len(plane.ys), 1)), atol=1e-12)


def test_hover_enlarges_a_map(qtbot: QtBot) -> None:
    model = preset_model("spiral")  # 2-16-16-1
    maps = maps_of(model, qtbot)
    maps.show()
    assert [len(row) for row in maps.tiles] == [16, 16]
    assert "Layer 1, neuron 1" in maps.caption.text()
    before = maps.large.pixmap().toImage()
    tile = maps.tiles[1][4]
    QApplication.sendEvent(tile, QEnterEvent(QPointF(3, 3), QPointF(3, 3), QPointF(3, 3)))
    assert "Layer 2, neuron 5" in maps.caption.text()
    assert maps.large.pixmap().toImage() != before


def test_without_two_inputs_it_says_why(qtbot: QtBot) -> None:
    maps = maps_of(preset_model("iris"), qtbot)
    assert maps.tiles == []
    assert "the data have 4 inputs" in maps.note.text()
    model = preset_model("xor")
    maps = maps_of(model, qtbot)
    model.set_structure([2, 3, 1], ["relu", "sigmoid"])
    assert [len(row) for row in maps.tiles] == [3]
    model.set_structure([2, 1], ["sigmoid"])
    assert "no hidden layer" in maps.note.text()


def test_the_enlarged_map_stays_square_and_shrinks_in_a_short_dock(qtbot: QtBot) -> None:
    maps = maps_of(preset_model("spiral"), qtbot)
    maps.resize(400, 700)
    qtbot.waitUntil(lambda: maps.large.square().width() == LARGE_PX)
    maps.resize(400, maps.minimumSizeHint().height())
    qtbot.waitUntil(lambda: maps.large.square().width() < LARGE_PX)
    square = maps.large.square()
    assert square.width() == square.height() >= LARGE_MIN_PX
    # The map is drawn into that square: its centre pixel is the pixmap's centre colour.
    shown = maps.large.grab().toImage()
    pixmap = maps.large.pixmap().toImage()
    centre = shown.pixelColor(square.center())
    expected = pixmap.pixelColor(pixmap.width() // 2, pixmap.height() // 2)
    assert abs(centre.red() - expected.red()) <= 8 and abs(centre.blue() - expected.blue()) <= 8
