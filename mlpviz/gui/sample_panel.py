"""The sample panel: the data being stepped, the learning rate and the gradient-check toggle."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.numbers import format_number
from mlpviz.engine.types import Array
from mlpviz.gui.session_model import BEHIND_THE_DIAGRAM, SessionModel

# Above this many samples the table shows the first ones only; the spin box reaches all.
MAX_TABLE_ROWS = 2000


class SamplePanel(QWidget):
    """Lists the samples (x and target y); choosing a row steps that sample.

    Also holds the two settings a student changes most while stepping: the learning
    rate η and the "gradient check" toggle. Every change goes through the model.
    """

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableWidget(self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("Samples")
        # Arrow keys step the phases (the main window's shortcuts), so the table never
        # takes the keyboard focus; a click still selects a row.
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setToolTip("The training samples; select one to step it")
        self.table.itemSelectionChanged.connect(self._on_row_chosen)
        self.current = QLabel(self)
        self.current.setTextFormat(Qt.TextFormat.RichText)
        self.current.setWordWrap(True)

        self.learning_rate = QDoubleSpinBox(self)
        self.learning_rate.setDecimals(4)
        self.learning_rate.setRange(0.0001, 1000.0)
        self.learning_rate.setSingleStep(0.05)
        self.learning_rate.setAccessibleName("Learning rate η")
        self.learning_rate.setToolTip("Learning rate η (an edit: it restarts the step)")
        self.learning_rate.editingFinished.connect(self._on_learning_rate)
        self.gradcheck = QCheckBox("Gradient check (finite differences)", self)
        self.gradcheck.setToolTip(
            "During the backward phases, show the central-difference estimate beside each ∂L/∂w"
        )
        self.gradcheck.toggled.connect(model.set_gradcheck)

        form = QFormLayout()
        form.addRow("η", self.learning_rate)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.gradcheck)

        model.stepped.connect(self._on_stepped, BEHIND_THE_DIAGRAM)
        # The table is rebuilt only when the samples change (on digits a rebuild takes a
        # second); η follows the training settings.
        model.data_changed.connect(self._on_data_change)
        model.training_changed.connect(self._on_training_change)
        model.gradcheck_changed.connect(self._on_gradcheck_change)
        self._on_data_change()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # (Before __init__ has made the table, there is nothing to fit.)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "table"):
            # View › Scale: the columns were as wide as their numbers in the old type; at
            # 150 % they showed "…" instead of 0.5.
            self.table.resizeColumnsToContents()

    def _on_data_change(self) -> None:
        x, y = self.model.x, self.model.y
        rows = min(len(x), MAX_TABLE_ROWS)
        n_in, n_out = x.shape[1], y.shape[1]
        with QSignalBlocker(self.table):
            self.table.clear()
            self.table.setRowCount(rows)
            self.table.setColumnCount(n_in + n_out)
            heads = [f"x{_sub(i + 1)}" for i in range(n_in)]
            heads += ["y" if n_out == 1 else f"y{_sub(k + 1)}" for k in range(n_out)]
            self.table.setHorizontalHeaderLabels(heads)
            for r in range(rows):
                for c in range(n_in + n_out):
                    value = x[r, c] if c < n_in else y[r, c - n_in]
                    item = QTableWidgetItem(format_number(float(value), 4))
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                    self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self._on_training_change()
        self._on_stepped()

    def _on_training_change(self) -> None:
        with QSignalBlocker(self.learning_rate):
            self.learning_rate.setValue(self.model.config.optimizer.learning_rate)

    def _on_stepped(self) -> None:
        rec = self.model.record
        n = len(self.model.x)
        text = (
            f"Sample <b>{rec.sample + 1}</b> of {n}: <i>x</i> = ({vector_text(rec.x[0])}), "
            f"<i>y</i> = ({vector_text(rec.y[0])})"
        )
        if text != self.current.text():  # most steps stay on the same sample
            self.current.setText(text)
        if rec.sample < self.table.rowCount():
            with QSignalBlocker(self.table):
                self.table.selectRow(rec.sample)

    def _on_row_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.model.select_sample(rows[0].row())

    def _on_learning_rate(self) -> None:
        value = self.learning_rate.value()
        if value != self.model.config.optimizer.learning_rate:
            self.model.set_learning_rate(value)

    def _on_gradcheck_change(self) -> None:
        with QSignalBlocker(self.gradcheck):
            self.gradcheck.setChecked(self.model.gradcheck)


SHOWN_VALUES = 8
"""A sample's vector longer than this shows its first and last values and its length:
784 pixel values in one line are read by nobody and cost a step 10 ms to write."""


def vector_text(values: Array) -> str:
    """The values (n,) at 4 decimals, comma-separated; elided beyond SHOWN_VALUES."""
    if len(values) <= SHOWN_VALUES:
        return ", ".join(format_number(float(v), 4) for v in values)
    head = ", ".join(format_number(float(v), 4) for v in values[: SHOWN_VALUES - 2])
    return f"{head}, …, {format_number(float(values[-1]), 4)}; {len(values)} values"


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
