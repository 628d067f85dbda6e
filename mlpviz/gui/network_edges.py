"""The diagram's edges: every weight and bias a line, drawn by one item through a cache.

Edges are coloured by sign (Okabe–Ito blue positive, vermillion negative and dashed) and
sized by |w|, batched into one path per (layer gap, sign, width bin) with
``connect="pairs"``, so a 784-128-64-10 network strokes ~30 paths, not 109,000 lines.
A gap with more than :data:`MAX_DRAWN_EDGES` edges draws only those of largest |w|.

One :class:`EdgePicture` item strokes every batch into images of the view's pixels, once
per change of the weights or of the view's transform or size: one image as the edges look
where the phase works, one as they look dimmed. Every repaint in between (labels,
selection, hover, the next phase) only copies each gap's strip from one image or the other,
so stepping through phases strokes nothing. Stroking is the slow part: 1,064 antialiased
edges 1.5–5.5 px wide take ~20 ms solid, ~26 ms dashed, and 140–460 ms when the pen is
translucent, as a dimmed stroke would be (Qt fills translucent wide strokes on a slow
path); copying an image of the view takes about a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPaintEngine, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from mlpviz.engine.types import Array
from mlpviz.gui.network_labels import COLOURS, display_scale
from mlpviz.gui.network_layout import ROW_GAP, DiagramLayout

DASHED_MAX_EDGES = 2000
"""Negative edges are dashed up to this many edges; beyond, dashes are an unreadable blur."""
WIDTH_BINS = 5
WIDTH_RANGE = (1.0, 6.0)
"""Edge widths in pixels for |w| from 0 to the network's largest |w|; never thinner than a
pixel, so the weakest edge still shows when projected."""
LARGE_ALPHA = (0.06, 0.7)
"""Opacity range of the 1-pixel edges of large networks (see EdgeBatches.pen)..."""
EDGES_PER_ROW_OPAQUE = 16.0
"""... scaled down in a gap whose edges are denser than this per row of its taller
column: 8,000 edges over 129 rows would otherwise pile up to a solid block."""
MIN_ALPHA = 4 / 255
"""Fainter than this, 8-bit premultiplied colour rounds blue and vermillion to greens."""
MAX_DRAWN_EDGES = 10_000
"""A gap with more edges draws only this many, those of largest |w|, and says so under
the gap: 100,000 edges are a uniform haze in which the strong ones cannot be seen."""
DIM_ALPHA = 0.22
"""The opacity of each batch of a gap the phase is not working on (1 = full)."""
DIM_ALPHA_LARGE = 0.3
"""On large networks, the opacity of such a gap's whole picture: its 1-pixel lines are
translucent already, and at DIM_ALPHA 10,000 of them fade to nearly nothing."""


def width_bins(values: Array, top: float) -> np.ndarray:
    """The width bin 0..WIDTH_BINS−1 of every value (m,), by |value| / ``top``."""
    return np.minimum((np.abs(values) / top * WIDTH_BINS).astype(int), WIDTH_BINS - 1)


def largest_subset(magnitudes: Array, limit: int = MAX_DRAWN_EDGES) -> np.ndarray:
    """A mask (m,) of the ``limit`` largest of ``magnitudes`` (m,); all of them if m ≤ limit."""
    drawn = np.ones(len(magnitudes), dtype=bool)
    if len(magnitudes) > limit:
        drawn[:] = False
        drawn[np.argpartition(magnitudes, -limit)[-limit:]] = True
    return drawn


@dataclass(frozen=True)
class EdgeBatch:
    """The edges of one gap, sign and width bin, stroked with one pen.

    ``edges``: (k,) their numbers in the gap (the layout's edge order); ``path``: their
    segments as one path of k separate lines.
    """

    gap: int
    sign: int  # 0 positive (or zero), 1 negative
    width_bin: int
    pen: QPen
    edges: np.ndarray
    path: QPainterPath


class EdgePicture(QGraphicsItem):
    """One graphics item drawing every edge batch, through images of the view's pixels.

    ``strong`` holds every batch as drawn for the gaps the phase works on, ``dim`` as
    drawn for the others: on small networks each batch at ``dim_opacity`` over the ones
    before it (so where dim edges of different batches cross, the crossing is darker);
    on large ones there is no ``dim`` image and the strong picture is copied at
    ``dim_opacity``. The images are stroked again only when the batches change, or the
    view's transform or size. A repaint copies them column strip by column strip (gap g
    runs from layer g's column to layer g+1's), each gap's from its image.

    Painting on anything but a raster device (an SVG export) strokes the batches there
    directly, so vector output gets vector paths.
    """

    def __init__(self, antialias: bool, dim_opacity: float, dim_per_batch: bool) -> None:
        super().__init__()
        self._antialias = antialias
        self._dim_opacity = dim_opacity
        self._dim_per_batch = dim_per_batch
        self._batches: list[EdgeBatch] = []
        self._columns: list[float] = []  # x of every layer's column, data units
        self._strong: frozenset[int] = frozenset()
        self._bounds = QRectF()
        self._images: tuple[QImage, QImage | None] | None = None
        self._images_key: tuple[object, ...] | None = None
        self.renders = 0
        """How often the batches were stroked into the images (read by tests)."""

    def set_batches(
        self, batches: Sequence[EdgeBatch], columns: Sequence[float], bounds: QRectF
    ) -> None:
        """Draw these batches (stroked in this order), for a layout with these column x."""
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(bounds)
        self._batches = list(batches)
        self._columns = [float(x) for x in columns]
        self._images, self._images_key = None, None
        self.update()

    def set_strong(self, gaps: frozenset[int]) -> None:
        """Draw these gaps strong, the others dim; the images stay as they are."""
        if gaps != self._strong:
            self._strong = frozenset(gaps)
            self.update()

    @property
    def batches(self) -> list[EdgeBatch]:
        return list(self._batches)

    @property
    def strong_gaps(self) -> frozenset[int]:
        return self._strong

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        if not self._batches:
            return
        engine = painter.paintEngine()
        world = painter.transform()
        # Widget coordinates → device pixels: the device pixel ratio, and for a widget
        # painted into a larger picture (an export) its place and scale there.
        inverse, invertible = world.inverted()
        outer = inverse * painter.deviceTransform()
        if (
            widget is None
            or engine is None
            or engine.type() != QPaintEngine.Type.Raster
            or not invertible
            or (outer.m12(), outer.m21(), outer.m13(), outer.m23()) != (0, 0, 0, 0)
            or outer.m11() <= 0
            or not math.isclose(outer.m11(), outer.m22())
        ):
            self._paint_directly(painter)
            return
        scale = outer.m11()
        area = outer.mapRect(QRectF(widget.rect())).toAlignedRect()
        if area.isEmpty():
            return
        key = (_transform_key(world), _transform_key(outer), area.getRect())
        if self._images is None or key != self._images_key:
            self._images = self._render(world, outer, area)
            self._images_key = key
        strong, dim = self._images
        # Device pixels of the image → widget coordinates, in which the painter then draws.
        x0 = (area.left() - outer.dx()) / scale
        y0 = (area.top() - outer.dy()) / scale
        cuts = [
            round(world.map(QPointF(x, 0)).x() * scale + outer.dx()) - area.left()
            for x in self._columns[1:-1]
        ]
        # Strips meet at the columns, on whole device pixels, so none is copied twice.
        cuts = [0, *cuts, area.width()]
        painter.save()
        painter.resetTransform()
        for g in range(len(self._columns) - 1):
            left, right = sorted((cuts[g], cuts[g + 1]))
            left, right = max(left, 0), min(right, area.width())
            if right <= left:
                continue
            image, opacity = strong, 1.0
            if g not in self._strong:
                image, opacity = (dim, 1.0) if dim is not None else (strong, self._dim_opacity)
            source = QRectF(left, 0, right - left, area.height())
            target = QRectF(x0 + left / scale, y0, (right - left) / scale, area.height() / scale)
            painter.setOpacity(opacity)
            painter.drawImage(target, image, source)
        painter.restore()

    def _paint_directly(self, painter: QPainter) -> None:
        painter.save()
        for g in range(len(self._columns) - 1):
            for batch in self._batches:
                if batch.gap == g:
                    # Dim batches translucent, as the dim image lays them (slow, but an
                    # export paints once).
                    painter.setOpacity(1.0 if g in self._strong else self._dim_opacity)
                    self._stroke(painter, batch)
        painter.restore()

    def _render(
        self, world: QTransform, outer: QTransform, area: QRect
    ) -> tuple[QImage, QImage | None]:
        """The strong and dim images of ``area`` (device pixels), the item drawn there as
        ``world`` and then ``outer`` place it."""
        scale = outer.m11()
        # The image's pixels are device pixels from the area's corner; its device pixel
        # ratio is the scale, so pens are drawn as on the device itself.
        shift = QTransform.fromTranslate(
            (outer.dx() - area.left()) / scale, (outer.dy() - area.top()) / scale
        )

        def image() -> QImage:
            made = QImage(area.size(), QImage.Format.Format_ARGB32_Premultiplied)
            made.setDevicePixelRatio(scale)
            made.fill(Qt.GlobalColor.transparent)
            return made

        def painter_on(target: QImage) -> QPainter:
            painter = QPainter(target)
            # A clip as large as the image: Qt then strokes 1-pixel aliased lines one by
            # one (its cosmetic stroker), 10 to 20 times faster than the whole path at once.
            painter.setClipRect(QRectF(0, 0, area.width() / scale, area.height() / scale))
            painter.setTransform(world * shift)
            return painter

        strong = image()
        self.renders += 1
        if not self._dim_per_batch:
            # Large networks: each sign into its own image, then the two added. Stroked
            # one over the other, the 10,000 1-pixel lines of a dense gap saturate, and
            # the sign drawn last covered the other everywhere (a 784-128-64-10 network
            # looked all negative); added, the colours mix where both signs crowd and
            # stay pure where one does.
            by_sign = image(), image()
            for sign, target in enumerate(by_sign):
                painter = painter_on(target)
                for batch in self._batches:
                    if batch.sign == sign:
                        self._stroke(painter, batch)
                painter.end()
            painter = QPainter(strong)
            painter.drawImage(QPointF(0, 0), by_sign[0])
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Plus)
            painter.drawImage(QPointF(0, 0), by_sign[1])
            painter.end()
            return strong, None
        # Each batch stroked once into a scratch image, then laid over the strong picture
        # as it is and over the dim one at the dim opacity: as if each batch were stroked
        # translucent (which Qt does 5 to 20 times slower), except that lines of one batch
        # do not darken one another where they cross.
        dim, scratch = image(), image()
        on_strong, on_dim = QPainter(strong), QPainter(dim)
        on_dim.setOpacity(self._dim_opacity)
        to_pixels = world * shift * QTransform.fromScale(scale, scale)
        for batch in self._batches:
            # Only the pixels the batch may cover: a gap's strip, not the whole view.
            reach = batch.pen.widthF() * scale + 2
            covered = to_pixels.mapRect(batch.path.controlPointRect())
            pixels = covered.adjusted(-reach, -reach, reach, reach).toAlignedRect()
            pixels &= scratch.rect()
            if pixels.isEmpty():
                continue
            logical = QRectF(pixels.topLeft().toPointF() / scale, pixels.size().toSizeF() / scale)
            painter = painter_on(scratch)
            painter.save()
            painter.resetTransform()
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.fillRect(logical, Qt.GlobalColor.transparent)
            painter.restore()
            self._stroke(painter, batch)
            painter.end()
            on_strong.drawImage(logical, scratch, QRectF(pixels))
            on_dim.drawImage(logical, scratch, QRectF(pixels))
        on_strong.end()
        on_dim.end()
        return strong, dim

    def _stroke(self, painter: QPainter, batch: EdgeBatch) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias)
        painter.setPen(batch.pen)
        painter.drawPath(batch.path)


def _transform_key(t: QTransform) -> tuple[float, ...]:
    return (t.m11(), t.m12(), t.m13(), t.m21(), t.m22(), t.m23(), t.m31(), t.m32(), t.m33())


class EdgeBatches:
    """The edges of one diagram layout in ``view_box``: one :class:`EdgePicture` holding a
    batch per (gap, sign, width bin) that has edges. ``small``: few enough edges to draw
    antialiased, dashed and with widths by |w|."""

    def __init__(
        self,
        view_box: pg.ViewBox,
        layout: DiagramLayout,
        segments: Sequence[tuple[Array, Array, Array, Array]],
        small: bool,
    ) -> None:
        self._view_box = view_box
        self._layout = layout
        self._segments = segments
        self._small = small
        self._focus: frozenset[int] = frozenset(range(layout.depth))
        # Large networks' 1-pixel lines stay aliased: 10,000 of them would otherwise take
        # as long to stroke as the wide ones.
        self.picture: EdgePicture | None = EdgePicture(
            antialias=small,
            dim_opacity=DIM_ALPHA if small else DIM_ALPHA_LARGE,
            dim_per_batch=small,
        )
        # Above the selection halo (1), below the nodes (10).
        self.picture.setZValue(2)
        view_box.addItem(self.picture, ignoreBounds=True)

    def __len__(self) -> int:
        """Graphics items drawing the edges (one, never one per edge)."""
        return 0 if self.picture is None else 1

    def set_layout(
        self, layout: DiagramLayout, segments: Sequence[tuple[Array, Array, Array, Array]]
    ) -> None:
        """Move the edges to a new layout of the same network (``segments[g]`` is
        ``layout.segments(g)``); set_values then draws them there."""
        self._layout = layout
        self._segments = segments

    def remove(self) -> None:
        """Take the edges out of the view box (before a new layout)."""
        if self.picture is not None:
            self._view_box.removeItem(self.picture)
            self.picture = None

    def set_values(self, values: Sequence[Array]) -> None:
        """Re-bin every edge by sign and |w| into the batches. ``values[g]``: gap g's
        weights row-major then biases, (edge_count(g),)."""
        if self.picture is None:
            return
        top = max((float(np.max(np.abs(v))) for v in values), default=0.0)
        top = top if top > 0 and math.isfinite(top) else 1.0
        by_gap: list[list[EdgeBatch]] = []
        for g, gap_values in enumerate(values):
            x0, y0, x1, y1 = self._segments[g]
            signs = (gap_values < 0).astype(int)
            clean = np.nan_to_num(gap_values, nan=0.0, posinf=top, neginf=-top)
            bins = width_bins(clean, top)
            drawn = largest_subset(np.abs(clean))
            gap_batches = []
            # Wider bins last, so strong edges lie on top of weak ones.
            for b in range(WIDTH_BINS):
                for sign in (0, 1):
                    edges = np.flatnonzero((signs == sign) & (bins == b) & drawn)
                    if edges.size == 0:
                        continue
                    px = np.column_stack([x0[edges], x1[edges]]).ravel()
                    py = np.column_stack([y0[edges], y1[edges]]).ravel()
                    path = pg.arrayToQPath(px, py, connect="pairs", finiteCheck=False)
                    pen = self.pen(g, sign, b)
                    gap_batches.append(EdgeBatch(g, sign, b, pen, edges, path))
            by_gap.append(gap_batches)
        layout = self._layout
        x_min, y_min, x_max, y_max = layout.bounds()
        # The discs' bounds hold every edge's ends; a row more for the widest pen.
        bounds = QRectF(x_min, y_min, x_max - x_min, y_max - y_min).adjusted(
            -ROW_GAP, -ROW_GAP, ROW_GAP, ROW_GAP
        )
        columns = [layout.column(l) for l in range(layout.depth + 1)]
        self.picture.set_batches([b for batches in by_gap for b in batches], columns, bounds)
        self.set_focus(self._focus)

    def set_focus(self, gaps: frozenset[int]) -> None:
        """Draw the edges of ``gaps`` (those the phase works on) strong, the others dim."""
        self._focus = frozenset(gaps)
        if self.picture is None:
            return
        self.picture.set_strong(self._focus)

    def pen(self, gap: int, sign: int, width_bin: int) -> QPen:
        """The pen of a batch at full strength: width by |w| on networks small enough to
        read; on large ones |w| sets the opacity of 1-pixel lines, since Qt strokes wide
        lines ten times slower and 100,000 wide edges are one dark mass anyway."""
        colour = QColor(COLOURS["positive" if sign == 0 else "negative"])
        strength = (width_bin + 0.5) / WIDTH_BINS
        if self._small:
            alpha = 1.0
            width = WIDTH_RANGE[0] + (WIDTH_RANGE[1] - WIDTH_RANGE[0]) * strength
            width *= display_scale()
        else:
            layout = self._layout
            rows = max(layout.layer_sizes[gap : gap + 2]) + 1  # the height the gap spans
            drawn = min(layout.edge_count(gap), MAX_DRAWN_EDGES)
            density = min(1.0, EDGES_PER_ROW_OPAQUE * rows / drawn)
            # Squared, so the strongest weights stand out of the mass of weak ones.
            alpha = density * (LARGE_ALPHA[0] + (LARGE_ALPHA[1] - LARGE_ALPHA[0]) * strength**2)
            width = 1.0
        colour.setAlphaF(max(MIN_ALPHA, alpha))
        pen = QPen(colour, width)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if sign == 1 and self._small:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen

    @property
    def batches(self) -> list[EdgeBatch]:
        """Every batch as drawn, in stroking order (empty once removed)."""
        return [] if self.picture is None else self.picture.batches


__all__ = [
    "DASHED_MAX_EDGES",
    "MAX_DRAWN_EDGES",
    "WIDTH_BINS",
    "EdgeBatch",
    "EdgeBatches",
    "EdgePicture",
    "largest_subset",
    "width_bins",
]
