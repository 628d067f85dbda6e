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
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from mlpviz.gui.live_refresh import LOSS_PLOT_MS, LiveRefresh, LiveText
from mlpviz.gui.plot_style import style_axes
from mlpviz.gui.session_model import BEHIND_THE_DIAGRAM, SessionModel

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
MIN_DRAWN_POINTS = 100
POINTS_PER_PIXEL = 0.7
"""A long history is drawn as the envelope of about this many points per pixel of the
plot's width (never fewer than MIN_DRAWN_POINTS): wide antialiased lines cost Qt time per
point, and more points than pixels look the same."""


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

        # Its text changes at every repaint while training runs: in a layout, each new
        # text would re-lay out the window's whole row of docks (Qt passes a label's
        # geometry change up through every layout), so it sits in a line of its own.
        line = LiveText()
        self.latest_label = line.label
        self.latest_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_check = QCheckBox("Log scale")
        self.log_check.setToolTip("Show the loss on a logarithmic axis")
        row = QHBoxLayout()
        row.addWidget(line, 1)
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
        self._steps_drawn: list[float] | None = None
        """The losses after updates the step curve shows."""
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
        model.stepped.connect(self._on_model_change, BEHIND_THE_DIAGRAM)
        model.network_changed.connect(self._on_model_change, BEHIND_THE_DIAGRAM)
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
        self._draw(self.train_curve, ep, train, self.plot_widget)
        if test_loss is not None and len(test):
            self._draw(self.test_curve, ep, test, self.plot_widget)
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
                self._draw(curve, ep, acc, self.accuracy_widget)
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
        if self._steps_drawn == losses:
            return  # most phases add no loss: the plot need not be drawn again
        self._steps_drawn = list(losses)
        x = np.arange(1, len(losses) + 1, dtype=float)
        self._draw(self.step_curve, x, np.asarray(losses, dtype=float), self.plot_widget)
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

    def _draw(
        self, curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray, widget: pg.PlotWidget
    ) -> None:
        """``curve`` through (x, y), a long one as its envelope (see :func:`peak_envelope`).

        Every point stays on the curve as ``full_data`` (x, y): exports write those
        (mlpviz.gui.exports.plot_series), and a resize draws the envelope again from them.
        """
        width = widget.getPlotItem().getViewBox().width()
        keep = peak_envelope(y, max(MIN_DRAWN_POINTS, int(width * POINTS_PER_PIXEL)))
        curve.setData(x[keep], y[keep])
        curve.full_data = (x, y)
        curve.drawn_width = width
        symbol = self._names[curve][1] if curve in self._names else "o"
        curve.setSymbol(symbol if len(x) <= MAX_MARKED_POINTS else None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A long curve's envelope was cut for the width it had (or had none, hidden).
        for curve, widget in self._curves_and_plots():
            full = getattr(curve, "full_data", None)
            if full is None or len(full[0]) <= MIN_DRAWN_POINTS:
                continue
            width = widget.getPlotItem().getViewBox().width()
            if abs(width - getattr(curve, "drawn_width", 0.0)) > 0.2 * max(width, 1.0):
                self._draw(curve, full[0], full[1], widget)

    def _curves_and_plots(self) -> list[tuple[pg.PlotDataItem, pg.PlotWidget]]:
        loss = (self.step_curve, self.train_curve, self.test_curve)
        accuracy = (self.train_accuracy_curve, self.test_accuracy_curve)
        return [(c, self.plot_widget) for c in loss] + [(c, self.accuracy_widget) for c in accuracy]

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
            epoch = round(_last_x(self.train_curve))
            text = f"Train loss after epoch {epoch}: {float(self.train_curve.yData[-1]):.6g}"
            if self.test_curve.isVisible():
                text += f"    test: {float(self.test_curve.yData[-1]):.6g}"
            if accuracy:
                text += f"    accuracy: train {_percent(self.train_accuracy_curve)}"
                if _count(self.test_accuracy_curve):
                    text += f", test {_percent(self.test_accuracy_curve)}"
            self.latest_label.setToolTip(text)
        elif _count(self.step_curve):
            n = round(_last_x(self.step_curve))
            text = f"Loss after update {n}: {float(self.step_curve.yData[-1]):.6g}"
        else:
            text = "Loss after each update: none yet (step through to Update)"
        if self.latest_label.text() != text:
            self.latest_label.setText(text)
        # Ranges in steps (axis_end, value_range): an axis whose range is unchanged is not
        # drawn again, and its tick labels are most of what a repaint costs.
        end = axis_end(_last_x(shown) if _count(shown) else 1.0)
        plot.setXRange(0.5, end + 0.5, padding=0.02)
        drawn = [c.yData for c in (self.train_curve, self.test_curve, self.step_curve)
                 if c.isVisible() and _count(c)]  # fmt: skip
        log = self.log_check.isChecked()
        # From 0 on a linear scale: a loss is never negative, and a range that only
        # grows past round steps moves far less often than one hugging the values.
        if log:
            values = value_range([_log10(y) for y in drawn])
        else:
            values = value_range([*drawn, np.zeros(1)]) if drawn else None
        if values is not None:
            plot.setYRange(*values, padding=0.05)
        if accuracy:
            end = axis_end(_last_x(self.train_accuracy_curve))
            self.accuracy_widget.getPlotItem().setXRange(0.5, end + 0.5, padding=0.02)
        # The view boxes apply new ranges lazily, just before they paint, which moves the
        # axes and makes Qt paint the plot twice; applied now, it paints once.
        for widget in (self.plot_widget, self.accuracy_widget):
            widget.getPlotItem().getViewBox().prepareForPaint()


NICE_ENDS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def axis_end(last: float) -> float:
    """Where an axis of updates or epochs 1..``last`` ends: at 10 up to 10, then the first
    of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above it. While training adds epochs
    or a lecture steps through updates, the axis changes every 20–25 % of growth instead
    of at every point (its tick labels are most of what drawing the plot costs)."""
    if last <= 10:
        return 10.0
    decade = 10.0 ** math.floor(math.log10(last))
    return next(m * decade for m in NICE_ENDS if m * decade >= last)


def value_range(curves: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """(low, high) over the finite values of ``curves``, widened to whole multiples of a
    round step (1, 2 or 5 × 10^k) of about a sixth of their span; None if none is
    finite. The range changes only when a value crosses such a step."""
    finite = [c[np.isfinite(c)] for c in curves]
    values = np.concatenate(finite) if finite else np.empty(0)
    if not values.size:
        return None
    low, high = float(values.min()), float(values.max())
    span = high - low
    step = _round_step((span if span > 0 else abs(high) or 1.0) / 6)
    if span == 0:
        return low - step, high + step
    return math.floor(low / step) * step, math.ceil(high / step) * step


def _round_step(raw: float) -> float:
    """The least of 1, 2, 5 × 10^k at or above ``raw`` > 0."""
    decade = 10.0 ** math.floor(math.log10(raw))
    return next(m * decade for m in (1.0, 2.0, 5.0, 10.0) if m * decade >= raw * (1 - 1e-12))


def peak_envelope(y: np.ndarray, most: int) -> np.ndarray:
    """Indices of the points to draw of a curve with values ``y: (n,)``: all of them when
    n ≤ ``most``; otherwise, in buckets of consecutive points, the lowest and the highest
    of each (in their order), at most about ``most`` in all, so that every peak and dip
    stays; the first and the last point always. NaN is neither lowest nor highest unless
    its whole bucket is NaN."""
    n = len(y)
    if n <= most:
        return np.arange(n)
    size = -(-2 * n // most)  # points per bucket, two kept of each
    buckets = -(-n // size)
    grid = np.full(buckets * size, np.nan)
    grid[:n] = y
    grid = grid.reshape(buckets, size)
    nan = np.isnan(grid)
    low = np.where(nan, np.inf, grid).argmin(axis=1)
    high = np.where(nan, -np.inf, grid).argmax(axis=1)
    starts = np.arange(buckets) * size
    keep = np.concatenate([[0, n - 1], starts + low, starts + high])
    return np.unique(keep[keep < n])


def _log10(y: np.ndarray) -> np.ndarray:
    """log10 of the positive values (what a log axis draws); the others left out."""
    return np.log10(y[y > 0])


def _last_x(curve: pg.PlotDataItem) -> float:
    return float(curve.xData[-1])


def _count(curve: pg.PlotDataItem) -> int:
    return 0 if curve.xData is None else len(curve.xData)


def _percent(curve: pg.PlotDataItem) -> str:
    value = float(curve.yData[-1])
    return "—" if math.isnan(value) else f"{100 * value:.1f} %"
