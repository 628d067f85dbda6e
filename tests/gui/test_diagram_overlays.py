"""On the network diagram: + and − change the shape, and each hidden neuron's map sits
on its node (hover enlarges it)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from preset_models import LIVE_WAIT_MS, preset_model
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mlpviz.engine.optimizers import OptimizerState
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.network_panel import PLACE_DELAY_MS
from mlpviz.gui.neuron_maps import HOVER_SCALE, POSITIVE


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    win = MainWindow(preset_model("gaussians"))  # 2-4-1, tanh hidden
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    return win


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Until the buttons sit on the diagram as it is laid out now (it re-fits itself
    after a change, and the buttons follow)."""
    view, controls = window.network_view, window.training.shape_controls
    qtbot.wait(PLACE_DELAY_MS + 50)
    qtbot.waitUntil(lambda: controls.placed_layout is view.diagram_layout, timeout=3000)


def click(qtbot: QtBot, window: MainWindow, item: object) -> None:
    view = window.network_view
    centre = item.sceneBoundingRect().center()  # type: ignore[attr-defined]
    point = view.canvas.mapFromScene(centre)
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_plus_and_minus_on_the_diagram(window: MainWindow, qtbot: QtBot) -> None:
    model = window.model
    controls = window.training.shape_controls
    layout = window.network_view.diagram_layout
    assert set(controls.buttons) == {("fewer", 1), ("more", 1), ("remove", 1), ("add", 1)}
    # Beside hidden column 1's bias node: − left of it, + and × right of it.
    xs = [controls.buttons[(k, 1)].pos().x() for k in ("fewer", "more", "remove")]
    assert xs[0] < layout.column(1) < xs[1] < xs[2], (xs, layout.column_x)
    assert controls.buttons[("more", 1)].pos().y() == pytest.approx(layout.bias_y[1])
    click(qtbot, window, controls.buttons[("more", 1)])
    qtbot.waitUntil(lambda: model.network.layer_sizes == [2, 5, 1], timeout=3000)
    settle(qtbot, window)  # the diagram and its buttons are laid out for the new shape
    click(qtbot, window, controls.buttons[("add", 1)])
    qtbot.waitUntil(lambda: model.network.layer_sizes == [2, 5, 5, 1], timeout=3000)
    settle(qtbot, window)
    click(qtbot, window, controls.buttons[("fewer", 2)])
    qtbot.waitUntil(lambda: model.network.layer_sizes == [2, 5, 4, 1], timeout=3000)
    settle(qtbot, window)
    click(qtbot, window, controls.buttons[("remove", 1)])
    qtbot.waitUntil(lambda: model.network.layer_sizes == [2, 4, 1], timeout=3000)
    for _ in range(4):
        model.undo_stack.undo()
    assert model.network.layer_sizes == [2, 4, 1]
    assert model.undo_stack.undoText().startswith("Load")


def test_each_hidden_neuron_shows_its_map_on_its_node(window: MainWindow, qtbot: QtBot) -> None:
    model = window.model
    overlay = window.training.node_maps
    assert overlay.items == []  # before training the discs hold the lecture's numbers
    window.training.training_panel.step_action.trigger()
    qtbot.waitUntil(lambda: model.history.epoch == [1], timeout=3000)
    assert [(item.layer, item.index) for item in overlay.items] == [(1, j) for j in range(4)]
    net = model.network.copy()
    net.weights[0][2] = [2.0, 0.0]  # neuron 3: a = tanh(2·x1 + 0.5)
    net.biases[0][2] = 0.5
    model.apply_training(net, OptimizerState(), model.history, running=True)
    qtbot.wait(LIVE_WAIT_MS)  # live training spreads the views' repaints
    item = overlay.items[2]
    plane = overlay._plane
    assert plane is not None
    image = np.asarray(item.image)
    # Its column c is x1 = xs[c]: blue where tanh(2·x1 + 0.5) > 0, as strong as |a|.
    c = len(plane.xs) - 1
    a = np.tanh(2.0 * plane.xs[c] + 0.5)
    want = 255 * (1 - a) + POSITIVE * a
    np.testing.assert_allclose(image[0, c], want, atol=1)
    # Centred on its node, inside the disc; hovering makes it larger.
    x, y = window.network_view.node_position(1, 2)
    rect = item.mapRectToParent(item.boundingRect())
    assert rect.center().x() == pytest.approx(x) and rect.center().y() == pytest.approx(y)
    radius = window.network_view.diagram_layout.radius
    assert rect.width() < 2 * radius

    class Hover:
        def isExit(self) -> bool:
            return False

    item.hoverEvent(Hover())
    bigger = item.mapRectToParent(item.boundingRect())
    assert bigger.width() == pytest.approx(HOVER_SCALE * rect.width())
    window.training.node_maps_action.setChecked(False)
    assert overlay.items == []


def test_node_maps_follow_live_training_with_the_diagram_edges(
    window: MainWindow, qtbot: QtBot
) -> None:
    model = window.model
    overlay = window.training.node_maps
    window.training.training_panel.step_action.trigger()
    qtbot.waitUntil(lambda: model.history.epoch == [1], timeout=3000)
    plane = overlay._plane
    assert plane is not None
    c = len(plane.xs) - 1

    def shown_on_neuron_3(w: float) -> np.ndarray:
        """The right edge of neuron 3's map for a = tanh(w·x1), by hand."""
        a = np.tanh(w * plane.xs[c])
        return 255 * (1 - a) + POSITIVE * a

    def map_edge() -> np.ndarray:
        return np.asarray(overlay.items[2].image)[0, c]

    def trained(w: float, running: bool) -> None:
        net = model.network.copy()
        net.weights[0][2] = [w, 0.0]
        net.biases[0][2] = 0.0
        model.apply_training(net, OptimizerState(), model.history, running=running)

    # The first live hand-over redraws the maps at once, in the same hand-over as the
    # diagram's edges (one repaint of the diagram for both)...
    with pytest.MonkeyPatch.context() as clock:
        # The clock stands still: the second hand-over comes within 1/LIVE_EDGES_PER_SECOND
        # s of the first however busy the machine is.
        clock.setattr(time, "monotonic", lambda: 1000.0)
        trained(2.0, running=True)
        np.testing.assert_allclose(map_edge(), shown_on_neuron_3(2.0), atol=1)
        # ... the next one within 1/LIVE_EDGES_PER_SECOND s does not, as the edges do not ...
        trained(0.5, running=True)
        np.testing.assert_allclose(map_edge(), shown_on_neuron_3(2.0), atol=1)
    # ... and stopping always brings them up to date.
    trained(0.5, running=False)
    np.testing.assert_allclose(map_edge(), shown_on_neuron_3(0.5), atol=1)
