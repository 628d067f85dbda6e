"""The diagram's edges: every weight and bias a line, drawn in a few batches.

Edges are coloured by sign (Okabe–Ito blue positive, vermillion negative and dashed) and
sized by |w|, drawn as ``PlotCurveItem`` batches with ``connect="pairs"``, one per
(layer gap, sign, width bin), so a 784-128-64-10 network costs ~30 items, not 109,000.
A gap with more than :data:`MAX_DRAWN_EDGES` edges draws only those of largest |w|.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from mlpviz.engine.types import Array
from mlpviz.gui.network_labels import COLOURS, display_scale
from mlpviz.gui.network_layout import DiagramLayout

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
"""How strong the layers the phase is not working on are drawn (1 = full)."""
DIM_ALPHA_LARGE = 0.1
"""The same for large networks, whose thousands of faint edges add up."""


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


class EdgeBatches:
    """The edge items of one diagram layout in ``view_box``: one ``PlotCurveItem`` per
    (gap, sign, width bin), created when a bin first has edges. ``small``: few enough
    edges to draw antialiased, dashed and with widths by |w|."""

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
        self._curves: dict[tuple[int, int, int], pg.PlotCurveItem] = {}

    def __len__(self) -> int:
        """Graphics items drawing the edges (a few batches, never one per edge)."""
        return len(self._curves)

    def set_layout(
        self, layout: DiagramLayout, segments: Sequence[tuple[Array, Array, Array, Array]]
    ) -> None:
        """Move the edges to a new layout of the same network (``segments[g]`` is
        ``layout.segments(g)``); set_values then draws them there."""
        self._layout = layout
        self._segments = segments

    def remove(self) -> None:
        """Take every item out of the view box (before a new layout)."""
        for item in self._curves.values():
            self._view_box.removeItem(item)
        self._curves = {}

    def set_values(self, values: Sequence[Array]) -> None:
        """Re-bin every edge by sign and |w| into the batch items. ``values[g]``: gap g's
        weights row-major then biases, (edge_count(g),). Pens follow with set_focus."""
        top = max((float(np.max(np.abs(v))) for v in values), default=0.0)
        top = top if top > 0 and math.isfinite(top) else 1.0
        for g, gap_values in enumerate(values):
            x0, y0, x1, y1 = self._segments[g]
            signs = (gap_values < 0).astype(int)
            clean = np.nan_to_num(gap_values, nan=0.0, posinf=top, neginf=-top)
            bins = width_bins(clean, top)
            drawn = largest_subset(np.abs(clean))
            for sign in (0, 1):
                for b in range(WIDTH_BINS):
                    mask = (signs == sign) & (bins == b) & drawn
                    key = (g, sign, b)
                    item = self._curves.get(key)
                    if not mask.any():
                        if item is not None:
                            item.setData(x=np.empty(0), y=np.empty(0))
                        continue
                    if item is None:
                        item = pg.PlotCurveItem(antialias=self._small, skipFiniteCheck=True)
                        item.setZValue(2 + b)
                        self._view_box.addItem(item, ignoreBounds=True)
                        self._curves[key] = item
                    px = np.column_stack([x0[mask], x1[mask]]).ravel()
                    py = np.column_stack([y0[mask], y1[mask]]).ravel()
                    item.setData(x=px, y=py, connect="pairs")

    def set_focus(self, gaps: frozenset[int]) -> None:
        """Draw the edges of ``gaps`` (those the phase works on) strong, the others dim."""
        for (g, sign, b), item in self._curves.items():
            item.setPen(self.pen(g, sign, b, g in gaps))

    def pen(self, gap: int, sign: int, width_bin: int, strong: bool) -> QPen:
        """The pen of a batch: width by |w| on networks small enough to read; on large ones
        |w| sets the opacity of 1-pixel lines, since Qt strokes wide lines ten times slower
        and 100,000 wide edges are one dark mass anyway."""
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
        dim = DIM_ALPHA if self._small else DIM_ALPHA_LARGE
        colour.setAlphaF(max(MIN_ALPHA, alpha * (1.0 if strong else dim)))
        pen = QPen(colour, width)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if sign == 1 and self._small:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen


__all__ = [
    "DASHED_MAX_EDGES",
    "MAX_DRAWN_EDGES",
    "WIDTH_BINS",
    "EdgeBatches",
    "largest_subset",
    "width_bins",
]
