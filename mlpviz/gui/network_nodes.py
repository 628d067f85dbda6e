"""The diagram's discs: every neuron and bias node of a network, drawn by one item.

A phase restyles whole columns (the layer it works on is filled, the others are not), so
the item keeps one brush and one pen per group of discs (a column, or a bias node) and
draws each group's discs with them. pyqtgraph's ScatterPlotItem, used before, keeps a
style per spot and replays a picture per spot: on the course example it cost half of a
step's painting, and restyling 989 spots of a 784-128-64-10 network cost 10 ms a phase.

Discs are drawn at their radius in diagram units, or (``dots``, for columns too tall for
readable discs) as dots of a fixed pixel size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from mlpviz.engine.types import Array


class NodeDiscs(pg.GraphicsObject):  # type: ignore[misc]
    """Discs in groups, each group with its brush and pen.

    ``set_groups`` places them: group g's discs are centred at ``(xs[g][k], ys[g][k])``;
    ``radius`` is in diagram units, or with ``dots`` ``dot_px`` is a diameter in pixels.
    """

    def __init__(self, dots: bool = False, dot_px: float = 4.0) -> None:
        super().__init__()
        self.dots = dots
        self.dot_px = dot_px
        self._centres: list[tuple[Array, Array]] = []
        self._radius = 0.0
        self._styles: list[tuple[QBrush, QPen]] = []
        self._bounds = QRectF()
        self._paths: dict[tuple[float, float], list[QPainterPath]] = {}
        """The groups' outlines for a disc size (rx, ry): one path a group, drawn in one
        call, and written to SVG as paths (which exports know how to flatten)."""

    def set_groups(self, centres: Sequence[tuple[Array, Array]], radius: float) -> None:
        """The discs' centres, group by group, and their radius in diagram units (with
        ``dots``, the room kept around each dot in the bounding rectangle)."""
        self.prepareGeometryChange()
        self._centres = [(np.asarray(x, float), np.asarray(y, float)) for x, y in centres]
        self._radius = radius
        self._paths = {}
        default = (QBrush(Qt.BrushStyle.NoBrush), QPen(Qt.PenStyle.NoPen))
        self._styles = (self._styles + [default] * len(centres))[: len(centres)]
        xs = np.concatenate([x for x, _ in self._centres]) if self._centres else np.empty(0)
        ys = np.concatenate([y for _, y in self._centres]) if self._centres else np.empty(0)
        if len(xs):
            # Room for the pen too: a border is at most a few pixels, a radius more.
            pad = 1.5 * radius
            self._bounds = QRectF(
                float(xs.min()) - pad,
                float(ys.min()) - pad,
                float(xs.max() - xs.min()) + 2 * pad,
                float(ys.max() - ys.min()) + 2 * pad,
            )
        else:
            self._bounds = QRectF()
        self.update()

    def set_style(self, group: int, brush: QBrush, pen: QPen) -> None:
        """Fill and border of group ``group``'s discs."""
        self._styles[group] = (QBrush(brush), QPen(pen))
        self.update()

    def style(self, group: int) -> tuple[QBrush, QPen]:
        return self._styles[group]

    def __len__(self) -> int:
        return len(self._centres)

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rx = ry = self._radius
        if self.dots:
            # A fixed size on screen, whatever the zoom: a pixel in diagram units.
            t = painter.transform()
            rx = self.dot_px / 2 / max(abs(t.m11()), 1e-12)
            ry = self.dot_px / 2 / max(abs(t.m22()), 1e-12)
        paths = self._paths.get((rx, ry))
        if paths is None:
            paths = []
            for xs, ys in self._centres:
                path = QPainterPath()
                for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
                    path.addEllipse(QPointF(x, y), rx, ry)
                paths.append(path)
            self._paths = {(rx, ry): paths}  # the last size only: zooming makes new ones
        for path, (brush, pen) in zip(paths, self._styles, strict=True):
            painter.setBrush(brush)
            painter.setPen(pen)
            painter.drawPath(path)


__all__ = ["NodeDiscs"]
