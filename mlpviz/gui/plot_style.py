"""The look every mlpviz plot shares: its background and the pens of its axes and tick labels."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem


def style_axes(plot_widget: pg.PlotWidget, background: str, foreground: str) -> None:
    """Paint ``plot_widget`` on ``background`` with its left and bottom axes, their ticks and
    tick labels in ``foreground`` (after a theme change too)."""
    plot_widget.setBackground(background)
    plot = plot_widget.getPlotItem()
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen(foreground))
        axis.setTextPen(pg.mkPen(foreground))
        # An axis draws its grid too, so its rectangle covers the whole plot and any
        # marker that moves repaints it: its tick labels and grid replayed from a picture
        # took a third of a step's time. Cached as a pixmap, it is drawn anew only when it
        # changes (range, size, pens).
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
