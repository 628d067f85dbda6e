"""The diagram's discs: every neuron and bias node of a network, in groups.

A phase restyles whole columns (the layer it works on is filled, the others are not), so
the discs come in groups (a column, or a bias node), each one item with one brush and
one pen that draws its discs as one path. Each group is cached as a picture in device
pixels: a step repaints labels around the discs, and an antialiased disc the size of the
course example's costs a sixth of a millisecond to fill anew, a copy almost nothing; a
phase that restyles two columns draws those two again, not the others. (pyqtgraph's
ScatterPlotItem, used before, kept a style per spot and replayed a picture per spot:
half of a step's painting on the course example, and 10 ms a phase to restyle the 989
nodes of a 784-128-64-10 network.)

Discs are drawn at their radius in diagram units, or (``dots``, for columns too tall for
readable discs) as dots of a fixed pixel size. Paths, not ellipses, so that an SVG
export holds paths, which it knows how to flatten (mlpviz/gui/exports.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from mlpviz.engine.types import Array

BORDER_PX = 8.0
"""Room kept around a disc for its border, in pixels: the widest pen is 2.5 px times the
display scale (up to 2.5), half of it outside the disc."""


class DiscGroup(pg.GraphicsObject):  # type: ignore[misc]
    """The discs of one group, centred at ``xs``, ``ys``, filled with one brush and
    bordered with one (cosmetic) pen."""

    def __init__(self, parent: QGraphicsItem, dots: bool, dot_px: float) -> None:
        super().__init__(parent)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._dots = dots
        self._dot_px = dot_px
        self._xs: list[float] = []
        self._ys: list[float] = []
        self._radius = 0.0
        self.brush = QBrush(Qt.BrushStyle.NoBrush)
        self.pen = QPen(Qt.PenStyle.NoPen)
        self._path: tuple[tuple[float, float], QPainterPath] | None = None
        self._pixel: tuple[float, float] | None = None
        """A screen pixel's width and height in diagram units (None: not known yet)."""

    def place(self, xs: Array, ys: Array, radius: float) -> None:
        self.prepareGeometryChange()
        self._xs = [float(v) for v in xs]
        self._ys = [float(v) for v in ys]
        self._radius = radius
        self._path = None
        self.update()

    def viewTransformChanged(self) -> None:
        # Zoom or resize: a dot's size and a border's width are in pixels, so the
        # rectangle the group needs in diagram units changes (and with the cache, it is
        # where the painting is cut).
        self.prepareGeometryChange()
        self._pixel = None
        super().viewTransformChanged()

    def set_style(self, brush: QBrush, pen: QPen) -> None:
        self.brush, self.pen = QBrush(brush), QPen(pen)
        self.update()

    def boundingRect(self) -> QRectF:
        if not self._xs:
            return QRectF()
        pixel = self._pixel
        if pixel is None:
            width, height = self.pixelSize()
            pixel = (width or 0.0, height or 0.0)
            if pixel[0] > 0 and pixel[1] > 0:
                self._pixel = pixel  # kept until the view's transform changes
        pw, ph = pixel
        rx = self._dot_px / 2 * pw if self._dots else self._radius
        ry = self._dot_px / 2 * ph if self._dots else self._radius
        rx, ry = rx + BORDER_PX * pw, ry + BORDER_PX * ph
        x0, y0 = min(self._xs) - rx, min(self._ys) - ry
        return QRectF(x0, y0, max(self._xs) + rx - x0, max(self._ys) + ry - y0)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        rx = ry = self._radius
        if self._dots:
            # A fixed size on screen, whatever the zoom: pixels in diagram units.
            t = painter.transform()
            rx = self._dot_px / 2 / max(abs(t.m11()), 1e-12)
            ry = self._dot_px / 2 / max(abs(t.m22()), 1e-12)
        if self._path is None or self._path[0] != (rx, ry):
            path = QPainterPath()
            for x, y in zip(self._xs, self._ys, strict=True):
                path.addEllipse(QPointF(x, y), rx, ry)
            self._path = (rx, ry), path
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(self.brush)
        painter.setPen(self.pen)
        painter.drawPath(self._path[1])


class NodeDiscs(pg.GraphicsObject):  # type: ignore[misc]
    """Discs in groups (:class:`DiscGroup`), each group with its brush and pen.

    ``set_groups`` places them: group g's discs are centred at ``(xs[g][k], ys[g][k])``;
    ``radius`` is in diagram units, or with ``dots`` ``dot_px`` is a diameter in pixels.

    A group keeps one item per style it has been drawn in (up to :data:`LOOKS_KEPT`), each
    with its picture, and shows the one of its present style: a phase moves the focus
    from column to column, so each column goes back and forth between two looks, and
    showing a kept picture costs nothing where drawing the discs anew took ~0.5 ms a
    column on the course example.
    """

    LOOKS_KEPT = 4

    def __init__(self, dots: bool = False, dot_px: float = 4.0) -> None:
        super().__init__()
        # The groups draw; this item only holds them.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.dots = dots
        self.dot_px = dot_px
        self._groups: list[DiscGroup] = []
        """Per group, the item shown."""
        self._looks: list[dict[tuple[object, ...], DiscGroup]] = []
        """Per group, its items by style (the one shown among them), oldest first."""
        self._shown_keys: list[tuple[object, ...] | None] = []
        """Per group, the style of the item shown (None before its first)."""
        self._places: list[tuple[Array, Array]] = []
        self._radius = 0.0

    def set_groups(self, centres: Sequence[tuple[Array, Array]], radius: float) -> None:
        """The discs' centres, group by group, and their radius in diagram units (with
        ``dots``, the room kept around each dot in the bounding rectangle)."""
        for item in self._all_items():
            if item not in self._groups[: len(centres)]:
                self._remove(item)  # a look kept for the old places, or a group no more
        del self._groups[len(centres) :]
        while len(self._groups) < len(centres):
            self._groups.append(DiscGroup(self, self.dots, self.dot_px))
        self._places = [(np.asarray(xs, float), np.asarray(ys, float)) for xs, ys in centres]
        self._radius = radius
        self._looks = [{} for _ in centres]
        self._shown_keys = [None] * len(centres)
        for group, (xs, ys) in zip(self._groups, self._places, strict=True):
            group.place(xs, ys, radius)

    def set_style(self, group: int, brush: QBrush, pen: QPen) -> None:
        """Fill and border of group ``group``'s discs."""
        key = _style_key(brush, pen)
        if key == self._shown_keys[group]:
            return
        looks, shown = self._looks[group], self._groups[group]
        item = looks.get(key)
        if item is None:
            if self._shown_keys[group] is None:
                item = shown  # a group's first style: drawn by the item it has
            else:
                item = DiscGroup(self, self.dots, self.dot_px)
                item.place(*self._places[group], self._radius)
            item.set_style(brush, pen)
            looks[key] = item
            while len(looks) > self.LOOKS_KEPT:
                oldest = next(k for k, v in looks.items() if v is not item)
                self._remove(looks.pop(oldest))
        if item is not shown:
            # Transparent, not hidden: Qt drops a hidden item's cached picture.
            shown.setOpacity(0.0)
            item.setOpacity(1.0)
            self._groups[group] = item
        self._shown_keys[group] = key

    def _all_items(self) -> list[DiscGroup]:
        items = list(self._groups)
        for looks in self._looks:
            items += [item for item in looks.values() if item not in items]
        return items

    def _remove(self, item: DiscGroup) -> None:
        item.setParentItem(None)
        if item.scene() is not None:
            item.scene().removeItem(item)

    def viewTransformChanged(self) -> None:
        # pyqtgraph tells this item, added to the view box, of zoom and resize; not the
        # groups made as its children before it was added.
        super().viewTransformChanged()
        for item in self._all_items():
            item.viewTransformChanged()

    def style(self, group: int) -> tuple[QBrush, QPen]:
        g = self._groups[group]
        return g.brush, g.pen

    def group_count(self) -> int:
        return len(self._groups)

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        pass  # see the groups


def _style_key(brush: QBrush, pen: QPen) -> tuple[object, ...]:
    """What makes two styles draw alike: fill colour and pattern, border colour, width,
    pattern and whether it is cosmetic."""
    return (
        brush.color().rgba(),
        brush.style(),
        pen.color().rgba(),
        pen.widthF(),
        pen.style(),
        pen.isCosmetic(),
    )


__all__ = ["DiscGroup", "NodeDiscs"]
