"""Per-layer indicators a debugger wants while a network trains: saturated sigmoid and tanh
units, dead ReLUs, and the size of the gradient per layer (vanishing or exploding).

The numbers come from :mod:`mlpviz.gui.layer_health` on the first training samples; the
table follows ``SessionModel.trained`` (throttled by the training controller) and the
network's edits, and recomputes only when the network really changed.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.network import Network
from mlpviz.engine.numbers import format_number
from mlpviz.gui.layer_health import (
    EXPLODING_RATIO,
    HEALTH_SAMPLES,
    SATURATED_SLOPE,
    VANISHING_RATIO,
    LayerHealth,
    layer_health,
)
from mlpviz.gui.live_refresh import PANELS_MS, LiveRefresh
from mlpviz.gui.session_model import SessionModel

COLUMNS = ("Layer", "Saturated", "Dead", "‖∂L/∂W‖ (RMS)", "vs output", "")
WARN = "#FDE2C8"  # a light tint of Okabe–Ito orange behind a worrying number
COLOURS: dict[str, str] = {"warn": WARN, "warn_text": "#000000"}
"""The tint behind a worrying number and that number's colour (the light theme as written;
:mod:`mlpviz.gui.themes` replaces them and calls :meth:`HealthView.apply_colours`)."""
WARN_SHARE = 0.5
"""A layer with at least this share saturated or dead is marked."""


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


class HealthView(QWidget):
    """A table of :class:`LayerHealth` per layer of the model's network."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._drawn: tuple[Network, object, object] | None = None
        self.health: list[LayerHealth] = []

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Layer health")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for column, tip in enumerate(
            (
                "Layer number and activation",
                f"Share of the layer's activations where f'(z) ≤ {SATURATED_SLOPE:g} of its "
                "peak: little gradient passes (sigmoid and tanh only)",
                "Share of the layer's units with z ≤ 0 on every sample: they pass no "
                "gradient (ReLU and leaky ReLU only)",
                "Root mean square of the gradient of the weights into the layer",
                "That gradient size over the output layer's",
                f"Vanishing below {VANISHING_RATIO:g} of the output layer's, exploding above "
                f"{EXPLODING_RATIO:g} times",
            )
        ):
            item = self.table.horizontalHeaderItem(column)
            if item is not None:
                item.setToolTip(tip)
        self.caption = QLabel(
            f"On the first {HEALTH_SAMPLES} training samples, with the weights in force.", self
        )
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)

        self._live = LiveRefresh(model, self.refresh, PANELS_MS, self)
        self._live.follow_training_in_sight(self)
        self._live.follow_changes_in_sight(
            model.network_changed, model.data_changed, model.training_changed
        )
        self.refresh()

    def refresh(self) -> None:
        """Recompute the indicators if the network, the data or the loss changed."""
        m = self.model
        key = (m.network, m.x, m.config)
        if self._drawn is not None and all(a is b for a, b in zip(key, self._drawn, strict=True)):
            return
        self._drawn = key
        self._fill()

    def apply_colours(self) -> None:
        """Re-read :data:`COLOURS` (after a theme change) and re-tint the marked cells."""
        self._fill()

    def _fill(self) -> None:
        m = self.model
        self.health = layer_health(
            m.network, m.x, m.y, m.config.loss, m.config.regularization, HEALTH_SAMPLES
        )
        self.table.setRowCount(len(self.health))
        for row, h in enumerate(self.health):
            ratio = "—" if math.isnan(h.gradient_ratio) else format_number(h.gradient_ratio, 3)
            cells = (
                f"{h.layer} ({h.activation}, {h.units})",
                _share(h.saturated),
                _share(h.dead),
                format_number(h.gradient_rms, 3),
                ratio,
                h.verdict,
            )
            warn = (
                (h.saturated or 0) >= WARN_SHARE,
                (h.dead or 0) >= WARN_SHARE,
                bool(h.verdict),
            )
            for column, text in enumerate(cells):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, column, item)
                if item.text() != text:
                    item.setText(text)
                if column > 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                marked = (
                    (column == 1 and warn[0])
                    or (column == 2 and warn[1])
                    or (column >= 3 and warn[2])
                )
                # The marked cell's text gets its own colour: the palette's text (light in a
                # dark theme) would be unreadable on the tint.
                item.setBackground(QColor(COLOURS["warn"]) if marked else QColor(0, 0, 0, 0))
                item.setForeground(QColor(COLOURS["warn_text"]) if marked else QBrush())
