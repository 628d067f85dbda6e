"""The sample panel lists the samples, follows edits to them, and steps the chosen one."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot
from views_follow import views_follow

from mlpviz.engine.datasets import Dataset
from mlpviz.gui.sample_panel import SamplePanel
from mlpviz.gui.session_model import SessionModel


def test_the_table_follows_sample_edits_and_undo(course_model: SessionModel, qtbot: QtBot) -> None:
    panel = SamplePanel(course_model)
    qtbot.addWidget(panel)
    assert [panel.table.item(0, c).text() for c in range(3)] == ["0.5", "0.8", "0"]
    course_model.set_target(0, 0, 1.0)
    assert panel.table.item(0, 2).text() == "1"
    course_model.undo_stack.undo()
    assert panel.table.item(0, 2).text() == "0"


def test_choosing_a_row_steps_that_sample(course_model: SessionModel, qtbot: QtBot) -> None:
    x = np.array([[0.5, 0.8], [0.1, 0.2], [0.9, 0.4]])
    y = np.array([[0.0], [1.0], [1.0]])
    data = Dataset("three", x, y, x[:0], y[:0])
    course_model.set_dataset(data, {"kind": "inline"})
    panel = SamplePanel(course_model)
    qtbot.addWidget(panel)
    assert panel.table.rowCount() == 3
    panel.table.selectRow(2)
    views_follow()
    assert course_model.record.sample == 2
    assert "Sample <b>3</b> of 3" in panel.current.text()


def test_learning_rate_edit_goes_through_the_model(
    course_model: SessionModel, qtbot: QtBot
) -> None:
    panel = SamplePanel(course_model)
    qtbot.addWidget(panel)
    panel.learning_rate.setValue(0.5)
    panel.learning_rate.editingFinished.emit()
    assert course_model.config.optimizer.learning_rate == 0.5
    course_model.undo_stack.undo()
    assert panel.learning_rate.value() == 0.7


def test_a_long_sample_shows_its_ends_and_its_length() -> None:
    from mlpviz.gui.sample_panel import vector_text

    assert vector_text(np.array([0.5, 0.8])) == "0.5, 0.8"  # the course example's x
    pixels = np.arange(784) / 1000
    assert vector_text(pixels) == (
        "0, 0.001, 0.002, 0.003, 0.004, 0.005, …, 0.783; 784 values"
    )


def test_the_columns_widen_with_the_type(course_model: SessionModel, qtbot: QtBot) -> None:
    # View › Scale sets a larger font: the columns, fitted to their numbers in the old
    # type, showed "…" for 0.5 and 0.8 at 150 %.
    panel = SamplePanel(course_model)
    qtbot.addWidget(panel)
    panel.show()
    table = panel.table
    before = [table.columnWidth(c) for c in range(table.columnCount())]
    font = QFont(panel.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    panel.setFont(font)
    for c in range(table.columnCount()):
        assert table.columnWidth(c) >= table.sizeHintForColumn(c)
        assert table.columnWidth(c) > before[c]
