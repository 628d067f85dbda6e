"""One display scale (100 % to 250 %) for every font, node, line and plot label of a window.

Projected in a hall, the window is read from the back row; the lecturer enlarges all of it
together rather than view by view:

- the application font (menus, docks, tables, and the formula panel and phase breadcrumb,
  which keep their own larger type as a multiple of it);
- the diagram: its labels' point size and its line widths (``network_labels``), and with the
  labels its discs, which are sized to hold their text;
- every plot: tick and axis-label fonts, legend text, curve widths and marker sizes.

Qt's own QT_SCALE_FACTOR enlarges everything as well, but only when the application starts;
this scale changes while it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from mlpviz.gui import network_labels

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

LEGEND_POINT_SIZE = 9.0
"""pyqtgraph's legend text size at 100 %."""
REFERENCE_HEIGHT = 540
"""A screen this many (logical) pixels high shows presentation mode at 100 %; a higher one
is scaled up in proportion (a 1080-pixel projector to 200 %), so that the diagram and the
formulas look the same size from the back row on any projector."""

_base_font: list[QFont] = []


def base_font() -> QFont:
    """The application font at 100 % (as it was before the first scale was applied)."""
    if not _base_font:
        _base_font.append(QFont(QApplication.font()))
    return QFont(_base_font[0])


def scaled_font(scale: float) -> QFont:
    font = base_font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    else:
        font.setPixelSize(round(font.pixelSize() * scale))
    return font


def _scaled_width(item: object, key: str, scale: float) -> None:
    """Scale an item's pen width or symbol size in ``item.opts[key]``, from the base the view
    last set (a view that restyles itself sets its base widths again)."""
    opts = getattr(item, "opts", {})
    value = opts.get(key)
    if value is None:
        return
    if key == "pen":
        pen = pg.mkPen(value)
        current = pen.widthF()
    elif isinstance(value, (int, float)):
        current = float(value)
    else:
        return  # a size per point: the view's own
    base, last = getattr(item, "_display_scale_base", {}).get(key, (None, None))
    if base is None or current != last:
        base = current
    new = base * scale
    if key == "pen" and base == 0 and scale > 1:
        new = scale  # a 0-wide pen is a one-pixel hairline
    if key == "pen":
        pen.setWidthF(new)
        item.setPen(pen)  # type: ignore[attr-defined]
    else:
        item.setSymbolSize(new)  # type: ignore[attr-defined]
    bases = dict(getattr(item, "_display_scale_base", {}))
    bases[key] = (base, new)
    item._display_scale_base = bases  # type: ignore[attr-defined]


def scale_plot(plot_widget: pg.PlotWidget, scale: float) -> None:
    """Tick and axis-label fonts, legend text, curve widths and markers of one plot."""
    font = scaled_font(scale)
    item = plot_widget.getPlotItem()
    for side in ("left", "bottom", "right", "top"):
        axis = item.getAxis(side)
        axis.setTickFont(font)
        if axis.labelText or axis.labelUnits:
            style = {**axis.labelStyle, "font-size": f"{font.pointSizeF():.1f}pt"}
            axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix, **style)
    if item.legend is not None:
        item.legend.setLabelTextSize(f"{LEGEND_POINT_SIZE * scale:.1f}pt")
        for _sample, label in item.legend.items:
            label.setText(label.text)  # a label takes its new size only when drawn anew
        item.legend.updateSize()
    for text in item.getViewBox().addedItems:
        if isinstance(text, pg.TextItem):
            text.setFont(font)  # made in the font of their time (the plots' neuron numbers)
    for data in item.listDataItems():
        _scaled_width(data, "pen", scale)
        if getattr(data, "opts", {}).get("symbol") is not None:
            _scaled_width(data, "symbolSize", scale)


def screen_scale(window: QWidget) -> int:
    """The scale, in percent, that suits the screen ``window`` is on: its logical height
    over REFERENCE_HEIGHT, in steps of 25 %, within 100..250 %."""
    height = window.screen().geometry().height()
    steps = round(height / REFERENCE_HEIGHT * 4)
    return min(max(steps * 25, 100), 250)


def _scale_dock_title(dock: QDockWidget, scale: float) -> None:
    """A dock's title in the scaled font. QDockWidget keeps the title font it had when made,
    unless its own font differs from the application's: a style strategy nobody sees
    makes it differ."""
    if scale == 1.0:
        dock.setFont(QFont())  # inherit the application's again
        return
    font = scaled_font(scale)
    font.setStyleStrategy(QFont.StyleStrategy.PreferQuality)
    dock.setFont(font)


def apply_scale(window: MainWindow, percent: int) -> None:
    """Show every font, node, line and plot label of ``window`` at ``percent`` % (100 to
    250) of its size."""
    scale = percent / 100.0
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    # Under an application style sheet (the dark and high-contrast themes), Qt keeps each
    # widget's font as it was when the sheet came, whatever the application's font does
    # after: the sheet is lifted while the font changes and laid again, and the views
    # that keep a larger type (formulas, breadcrumb, captions) are told of the change
    # once more, since laying the sheet gave their texts back their old fonts.
    sheet = app.styleSheet()
    if sheet:
        app.setStyleSheet("")
    QApplication.setFont(scaled_font(scale))
    if network_labels.display_scale() != scale:
        network_labels.set_display_scale(scale)
        window.network_view.rebuild()
    rescale_plots(window, percent)
    if sheet:
        app.setStyleSheet(sheet)
        for widget in window.findChildren(QWidget):
            QApplication.sendEvent(widget, QEvent(QEvent.Type.FontChange))
    for dock in window.findChildren(QDockWidget):
        _scale_dock_title(dock, scale)  # after the sheet, which would give back the old


def rescale_plots(window: MainWindow, percent: int) -> None:
    """Scale the plots again (after a theme restyled them at 100 %)."""
    for plot_widget in window.findChildren(pg.PlotWidget):
        scale_plot(plot_widget, percent / 100.0)
