"""The loss plot: the loss after each update while stepping, or train/test loss per epoch.

While the user steps, the plot shows the loss on each stepped sample after its update
(x = update 1..N), growing and shrinking with Step and Back. After training,
:meth:`LossPlot.set_history` shows the train and test loss per epoch instead; the two
never share the x axis, since an update and an epoch are different units. For
classification, a second plot beside it shows the train and test accuracy per epoch.

The plot follows the model's training history (``SessionModel.history_changed``, emitted
only when an epoch was added or the history cleared) while training runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mlpviz.gui.live_refresh import LOSS_PLOT_MS, LiveRefresh
from mlpviz.gui.plot_style import style_axes
from mlpviz.gui.session_model import SessionModel

# Okabe–Ito colours on a white background; a theme module may replace these entries
# and call LossPlot.apply_colours().
COLOURS: dict[str, str] = {
    "background": "#FFFFFF",
    "foreground": "#000000",
    "steps": "#009E73",  # bluish green
    "train": "#0072B2",  # blue
    "test": "#E69F00",  # orange
}

# Points get markers while there are few enough to tell apart.
MAX_MARKED_POINTS = 40


class _IntegerAxis(pg.AxisItem):
    """A bottom axis for update or epoch numbers: ticks only at whole numbers."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        levels = [
            (spacing, [v for v in values if float(v).is_integer()])
            for spacing, values in super().tickValues(minVal, maxVal, size)
            if spacing >= 1
        ]
        if not levels:
            first, last = math.ceil(minVal), math.floor(maxVal)
            levels = [(1.0, [float(v) for v in range(first, last + 1)])]
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [str(round(v * scale)) for v in values]


class LossPlot(QWidget):
    """Loss after each update of the session model's Stepper, or a training History."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._history_shown = False

        self.latest_label = QLabel()
        self.latest_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Its text changes at every repaint while training runs: a width that followed it
        # would re-lay out the window's whole row of docks each time.
        self.latest_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.log_check = QCheckBox("Log scale")
        self.log_check.setToolTip("Show the loss on a logarithmic axis")
        row = QHBoxLayout()
        row.addWidget(self.latest_label, 1)
        row.addWidget(self.log_check)

        self.plot_widget = pg.PlotWidget(axisItems={"bottom": _IntegerAxis("bottom")})
        self.accuracy_widget = pg.PlotWidget(axisItems={"bottom": _IntegerAxis("bottom")})
        accuracy = self.accuracy_widget.getPlotItem()
        accuracy.showGrid(x=True, y=True, alpha=0.2)
        accuracy.setLabel("bottom", "epoch")
        accuracy.setLabel("left", "accuracy")
        accuracy.setYRange(0.0, 1.0, padding=0.03)
        accuracy.setMouseEnabled(y=False)
        # Bottom right: a rising accuracy leaves that corner empty.
        self.accuracy_legend = accuracy.addLegend(offset=(-10, -10))
        self.train_accuracy_curve = accuracy.plot(name="train")
        self.test_accuracy_curve = accuracy.plot(name="test")
        plot = self.plot_widget.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.2)
        # Losses read as plain numbers: "0.4", never "400 (x0.001)".
        plot.getAxis("left").enableAutoSIPrefix(False)
        # Top right: a falling loss leaves that corner empty.
        self.legend = plot.addLegend(offset=(-10, 10))
        self.step_curve = plot.plot()
        self.train_curve = plot.plot()
        self.test_curve = plot.plot()
        # Legend name and the symbol drawn while there are few points, per curve.
        self._names = {
            self.step_curve: ("loss after each update", "o"),
            self.train_curve: ("train", "o"),
            self.test_curve: ("test", "s"),
        }

        plots = QHBoxLayout()
        plots.addWidget(self.plot_widget, 3)
        plots.addWidget(self.accuracy_widget, 2)
        self._legend_listed: tuple[pg.PlotDataItem, ...] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(plots, 1)

        # Axis text is the costliest thing to paint here; cached as a pixmap, it is drawn
        # again only when its ticks change, not at every repaint of the curves.
        for widget in (self.plot_widget, self.accuracy_widget):
            for side in ("left", "bottom"):
                axis = widget.getPlotItem().getAxis(side)
                axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

        self.apply_colours()
        self.log_check.toggled.connect(self._on_log_toggled)
        model.stepped.connect(self._on_model_change)
        model.network_changed.connect(self._on_model_change)
        self._live = LiveRefresh(model, self._on_history_changed, LOSS_PLOT_MS, self)
        model.history_changed.connect(self._live.trigger)
        self._on_model_change()
        self._on_history_changed()

    # --- public ----------------------------------------------------------------------
    def set_history(
        self,
        epochs: Sequence[float],
        train_loss: Sequence[float],
        test_loss: Sequence[float] | None = None,
        train_accuracy: Sequence[float] | None = None,
        test_accuracy: Sequence[float] | None = None,
    ) -> None:
        """Show the loss per epoch of a training run: ``train_loss`` (and ``test_loss``
        when given) against ``epochs``, all the same length; and, beside it, the
        accuracies when given and not all NaN (regression has none). Empty ``epochs``
        goes back to the loss after each stepped update."""
        ep = np.asarray(epochs, dtype=float)
        train = np.asarray(train_loss, dtype=float)
        test = np.asarray(test_loss if test_loss is not None else [], dtype=float)
        if len(train) != len(ep) or (test_loss is not None and len(test) != len(ep)):
            raise ValueError(
                f"set_history needs as many losses as epochs: {len(ep)} epochs, "
                f"{len(train)} train, {len(test)} test"
            )
        self._history_shown = len(ep) > 0
        self._draw(self.train_curve, ep, train)
        if test_loss is not None and len(test):
            self._draw(self.test_curve, ep, test)
        else:
            self.test_curve.setData([], [])
        for curve, values in (
            (self.train_accuracy_curve, train_accuracy),
            (self.test_accuracy_curve, test_accuracy),
        ):
            acc = np.asarray(values if values is not None else [], dtype=float)
            if len(acc) != len(ep) or not np.isfinite(acc).any():
                curve.setData([], [])
            else:
                curve.setData(ep, acc)
                curve.setSymbol("o" if len(ep) <= MAX_MARKED_POINTS else None)
        self._refresh()

    def clear_history(self) -> None:
        """Back to the loss after each stepped update."""
        self.set_history([], [], None)

    @property
    def history_shown(self) -> bool:
        return self._history_shown

    def apply_colours(self) -> None:
        """Re-read :data:`COLOURS` (after a theme change) and restyle."""
        c = COLOURS
        style_axes(self.plot_widget, c["background"], c["foreground"])
        self.legend.setLabelTextColor(c["foreground"])
        self.legend.setBrush(pg.mkBrush(c["background"] + "C0"))
        # Not by colour alone: the test curve is dashed with squares.
        style_axes(self.accuracy_widget, c["background"], c["foreground"])
        self.accuracy_legend.setLabelTextColor(c["foreground"])
        self.accuracy_legend.setBrush(pg.mkBrush(c["background"] + "C0"))
        for curve, key, style in (
            (self.step_curve, "steps", Qt.PenStyle.SolidLine),
            (self.train_curve, "train", Qt.PenStyle.SolidLine),
            (self.test_curve, "test", Qt.PenStyle.DashLine),
            (self.train_accuracy_curve, "train", Qt.PenStyle.SolidLine),
            (self.test_accuracy_curve, "test", Qt.PenStyle.DashLine),
        ):
            curve.setPen(pg.mkPen(c[key], width=2.5, style=style))
            curve.setSymbolBrush(pg.mkBrush(c[key]))
            curve.setSymbolPen(pg.mkPen(c["foreground"], width=1))
            curve.setSymbolSize(8)
        self._refresh()

    # --- model → view ----------------------------------------------------------------
    def _on_model_change(self) -> None:
        losses = self.model.stepper.losses_after_updates
        self._draw(self.step_curve, np.arange(1, len(losses) + 1, dtype=float), np.asarray(losses))
        self._refresh()

    def _on_history_changed(self) -> None:
        h = self.model.history
        if not h.epoch:
            if self._history_shown:
                self.clear_history()
            else:
                self._refresh()
            return
        has_test = bool(np.isfinite(np.asarray(h.test_loss, dtype=float)).any())
        self.set_history(
            h.epoch,
            h.train_loss,
            h.test_loss if has_test else None,
            h.train_accuracy,
            h.test_accuracy,
        )

    def _on_log_toggled(self, on: bool) -> None:
        self.plot_widget.getPlotItem().setLogMode(y=on)
        self._refresh()

    def _draw(self, curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> None:
        curve.setData(x, y)
        curve.setSymbol(self._names[curve][1] if len(x) <= MAX_MARKED_POINTS else None)

    def _refresh(self) -> None:
        """Which curves show, the axis labels, the ranges and the latest value."""
        history = self._history_shown
        accuracy = history and _count(self.train_accuracy_curve) > 0
        self.accuracy_widget.setVisible(accuracy)
        self.step_curve.setVisible(not history)
        self.train_curve.setVisible(history)
        self.test_curve.setVisible(history and _count(self.test_curve) > 0)
        # A hidden item would keep its legend row: list only what is drawn (rebuilt only
        # when that changes: while training runs this is called at every repaint).
        listed = tuple(curve for curve in self._names if curve.isVisible())
        if listed != self._legend_listed:
            self._legend_listed = listed
            self.legend.clear()
            for curve in listed:
                self.legend.addItem(curve, self._names[curve][0])

        plot = self.plot_widget.getPlotItem()
        # Only on change: a new label text re-lays out the whole plot, and while training
        # runs this is called at every repaint.
        for side, label in (
            ("bottom", "epoch" if history else "update"),
            ("left", "loss" + (" (log scale)" if self.log_check.isChecked() else "")),
        ):
            if plot.getAxis(side).labelText != label:
                plot.setLabel(side, label)

        shown = self.train_curve if history else self.step_curve
        if history:
            epoch = round(float(self.train_curve.xData[-1]))
            text = f"Train loss after epoch {epoch}: {float(self.train_curve.yData[-1]):.6g}"
            if self.test_curve.isVisible():
                text += f"    test: {float(self.test_curve.yData[-1]):.6g}"
            if accuracy:
                text += f"    accuracy: train {_percent(self.train_accuracy_curve)}"
                if _count(self.test_accuracy_curve):
                    text += f", test {_percent(self.test_accuracy_curve)}"
            self.latest_label.setToolTip(text)
        elif _count(self.step_curve):
            n = _count(self.step_curve)
            text = f"Loss after update {n}: {float(self.step_curve.yData[-1]):.6g}"
        else:
            text = "Loss after each update: none yet (step through to Update)"
        if self.latest_label.text() != text:
            self.latest_label.setText(text)
        plot.setXRange(0.5, max(_count(shown), 1) + 0.5, padding=0.02)
        plot.enableAutoRange(axis="y")
        if accuracy:
            last = float(self.train_accuracy_curve.xData[-1])
            self.accuracy_widget.getPlotItem().setXRange(0.5, last + 0.5, padding=0.02)


def _count(curve: pg.PlotDataItem) -> int:
    return 0 if curve.xData is None else len(curve.xData)


def _percent(curve: pg.PlotDataItem) -> str:
    value = float(curve.yData[-1])
    return "—" if math.isnan(value) else f"{100 * value:.1f} %"
