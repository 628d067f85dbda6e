"""A step is painted on the diagram first; the views beside it follow afterwards.

The views beside the diagram follow the model queued (session_model.BEHIND_THE_DIAGRAM), so
that a "next phase" key press shows its numbers on the diagram, which the room watches,
before the formula panel and the plots do their work. Connected directly, their work came
before the diagram's repaint."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from mlpviz.gui.formula_panel import FormulaPanel
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import SessionModel

LOSS = "0.5249"  # the course example's loss 0.524926, worked by hand, to the default 4 decimals


class PaintsOf(QObject):
    """Notes "paint" in ``order`` each time ``widget`` receives a Paint event (installed on
    the application, it sees every widget's events before they are delivered)."""

    def __init__(self, widget: QWidget, order: list[str]) -> None:
        super().__init__()
        self.widget = widget
        self.order = order

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.widget:
            self.order.append("paint")
        return False


def test_a_step_paints_the_diagram_before_the_formula_panel_follows(
    course_model: SessionModel, qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    refresh = FormulaPanel.refresh

    def noted_refresh(panel: FormulaPanel) -> None:
        order.append(f"refresh {panel.model.phase.label}")
        refresh(panel)

    # Before the window is made: the panel connects its bound refresh in __init__.
    monkeypatch.setattr(FormulaPanel, "refresh", noted_refresh)
    window = MainWindow(course_model)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view, heading = window.network_view, window.formula_panel.heading
    paints = PaintsOf(view.canvas.viewport(), order)
    qapp.installEventFilter(paints)
    try:
        course_model.go_to(course_model.phases[2])  # Forward 2: no loss on the diagram yet
        # Settled: the panel followed and the diagram was painted since.
        qtbot.waitUntil(
            lambda: "refresh Forward 2" in order
            and "paint" in order[order.index("refresh Forward 2") :]
        )
        assert view.loss_text() is None and "Forward 2" in heading.text()
        order.clear()

        course_model.step()  # into Loss
        # (a) The diagram's labels already show the new phase; the formula panel has not
        # been told yet and still shows the one before.
        assert view.loss_text() == f"L = {LOSS}"
        assert "Forward 2" in heading.text() and "Loss" not in heading.text()
        assert order == []

        # (b) The event loop then paints the diagram before the panel's refresh runs.
        qtbot.waitUntil(lambda: "refresh Loss" in order and "paint" in order)
        assert "Loss" in heading.text()
        assert order.index("paint") < order.index("refresh Loss"), order
    finally:
        qapp.removeEventFilter(paints)
