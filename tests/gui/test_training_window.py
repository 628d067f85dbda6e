"""Live training in the whole window: the spiral learned through the panels, the window
answering while it trains, and a large network on the digits."""

from __future__ import annotations

import pytest
from loop_gaps import LoopGaps
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import SessionModel


@pytest.fixture
def window(course_model: SessionModel, qtbot: QtBot) -> MainWindow:
    win = MainWindow(course_model)
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    return win


def choose(window: MainWindow, name: str) -> None:
    combo = window.training.data_panel.dataset
    combo.setCurrentIndex(combo.findData(name))


def test_the_spiral_learned_through_the_window(window: MainWindow, qtbot: QtBot) -> None:
    choose(window, "spiral")
    ws = window.training
    qtbot.mouseClick(ws.training_panel.play_button, Qt.MouseButton.LeftButton)
    assert ws.controller.running
    assert ws.docks["data_view"].isVisible()  # the decision boundary comes to the front
    qtbot.waitUntil(lambda: not ws.controller.running, timeout=30000)
    h = window.model.history
    assert len(h.epoch) == 200
    assert h.test_accuracy[-1] >= 0.95
    assert "Epoch limit reached" in window.statusBar().currentMessage()
    assert "Epoch <b>200</b> of 200" in ws.training_panel.epoch_label.text()
    # Every view shows the final weights once training stopped.
    assert window.loss_plot.history_shown
    assert ws.neuron_maps.tiles and ws.health_view.health


def test_the_window_answers_while_training_runs(window: MainWindow, qtbot: QtBot) -> None:
    choose(window, "spiral")
    ws = window.training
    ws.training_panel.epoch_limit.setValue(0)  # the preset's 200 epochs take about a second
    ws.docks["data_view"].raise_()
    probe = LoopGaps(5)
    ws.training_panel.play_action.trigger()
    qtbot.wait(300)  # past the first repaints
    probe.start()
    qtbot.wait(700)
    probe.stop()
    gaps = probe.gaps
    assert ws.controller.running
    # Input is handled within 100 ms: the event loop is free at least that often, live
    # repaints of the decision boundary and the curves included. One late tick is let
    # pass (the machine may be busy with other work), never a long one.
    worst = sorted(gaps)[-5:]
    assert worst[-2] < 0.1 and worst[-1] < 0.2, worst
    # A click on the panel's button is answered: training pauses.
    qtbot.mouseClick(ws.training_panel.play_button, Qt.MouseButton.LeftButton)
    assert not ws.controller.running
    assert ws.training_panel.play_button.text() == "▶ Train"


def test_a_large_network_on_the_digits(window: MainWindow, qtbot: QtBot) -> None:
    choose(window, "digits")
    model = window.model
    assert model.network.layer_sizes == [64, 32, 10]
    ws = window.training
    for _ in range(2):
        ws.training_panel.step_action.trigger()
        qtbot.waitUntil(lambda: not ws.controller.running, timeout=30000)
    assert model.history.epoch == [1, 2]
    assert model.history.test_accuracy[-1] > 0.85
    assert "64 inputs" in ws.neuron_maps.note.text()
    assert window.network_view.edge_item_count() > 0


def test_a_view_behind_a_tab_catches_up_when_shown_not_before(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlpviz.gui.data_view import DataView

    docks = window.training.docks
    window.findChild(type(docks["data_view"]), "dock-formula").raise_()
    qtbot.wait(20)
    view = window.training.data_view
    assert view.visibleRegion().isEmpty()  # behind the formula's tab
    calls: list[object] = []
    drawing = DataView._draw_plane

    def counted(self: DataView, net: object, plane: object) -> None:
        calls.append(net)
        drawing(self, net, plane)

    monkeypatch.setattr(DataView, "_draw_plane", counted)
    window.model.set_weight(0, 0, 0, 0.25)  # an edit of the weights, out of its sight
    assert calls == []
    docks["data_view"].raise_()
    qtbot.waitUntil(lambda: len(calls) == 1)
    assert calls[0] is window.model.network  # drawn for the edited network
    qtbot.wait(20)
    window.model.set_weight(0, 0, 0, 0.3)  # in sight: at once
    assert len(calls) == 2


def test_the_training_panels_are_tabs_below_and_come_forward_when_training_starts(
    window: MainWindow, qtbot: QtBot
) -> None:
    ws = window.training
    samples, training, setup = window.docks["samples"], ws.docks["training"], ws.docks["setup"]
    bottom = Qt.DockWidgetArea.BottomDockWidgetArea
    assert {window.dockWidgetArea(d) for d in (samples, training, setup)} == {bottom}
    assert set(window.tabifiedDockWidgets(samples)) == {training, setup}
    # Nothing docked beside the diagram on its left: it takes most of the window's width.
    diagram = window.network_view
    assert diagram.mapTo(window, QPoint(0, 0)).x() < 20
    assert diagram.width() > window.width() / 2
    qtbot.waitUntil(lambda: not samples.visibleRegion().isEmpty())  # the samples in front
    assert training.visibleRegion().isEmpty()

    choose(window, "spiral")
    ws.training_panel.play_action.trigger()
    qtbot.waitUntil(
        lambda: not training.visibleRegion().isEmpty()
        and not ws.docks["data_view"].visibleRegion().isEmpty()
    )
    ws.training_panel.play_action.trigger()  # pause
    assert not ws.controller.running
