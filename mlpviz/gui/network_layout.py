"""Where the network diagram puts things: nodes, edges, label spots, and what they are called.

Numbers are written by the project's one rule, :func:`mlpviz.engine.numbers.format_number`;
:func:`parse_number` reads what the user types.

numpy only (no Qt), so the geometry can be tested on its own. Coordinates are the diagram's
data units with y pointing down (the view inverts its y axis): layer l is the column
x = l·column_gap, rows are ``ROW_GAP`` apart and each column is centred on y = 0. Every
layer but the output has a bias node "1" as its last row.

Edges of gap l (from layer l to layer l+1) are numbered like ``weights[l]`` flattened row
by row (edge j·n[l] + i runs from neuron i to neuron j, the page's w_ij), followed by the
n[l+1] bias edges from the bias node of layer l.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mlpviz.engine.types import Array

ROW_GAP = 1.0
NODE_RADIUS = 0.32
MIN_COLUMN_GAP = 2.0
COLUMN_GAP_PER_ROW = 0.5
"""Columns move apart as the tallest column grows, so the diagram stays about as wide as
it is tall (a 784-input network is not a thin vertical stripe)."""

LABEL_SPOTS = tuple(sorted((k / 40 for k in range(5, 36)), key=lambda t: (abs(t - 0.5), t)))
"""Where along its edge (0 = source, 1 = target) a weight label may sit, best first: the
middle, then ever closer to the ends."""

CROSSING_CLEARANCE = 0.4
"""No other edge may cross a label's edge closer to the label's centre than this fraction
of the label's half width: a label on a crossing reads as belonging to either edge."""

LABEL_SHIFTS = (0.0, -0.35, 0.35)
"""Vertical shifts of a label off its edge's line, in label heights, tried at each spot:
centred on the line first, then resting just above or below it (the line still runs
through the box, nearer its centre than any other edge)."""

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


# --- names ------------------------------------------------------------------------------------


def subscript(*indices: int) -> str:
    """One-based indices as subscripts: (1, 2) → "₁₂"; with a comma once any has two digits,
    so w₁,₁₂ never reads as w₁₁,₂."""
    sep = "," if any(k >= 10 for k in indices) else ""
    return sep.join(str(k).translate(_SUBSCRIPT) for k in indices)


def layer_superscript(layer: int) -> str:
    """"⁽²⁾" for layer 2."""
    return "⁽" + str(layer).translate(_SUPERSCRIPT) + "⁾"


def node_name(layer_sizes: Sequence[int], layer: int, index: int) -> str:
    """The page's names with one hidden layer (x₁, h₁, ŷ); a⁽ˡ⁾ᵢ for deeper networks."""
    depth = len(layer_sizes) - 1
    if layer == 0:
        return "x" + subscript(index + 1)
    if layer == depth:
        return "ŷ" if layer_sizes[-1] == 1 else "ŷ" + subscript(index + 1)
    if depth == 2:
        return "h" + subscript(index + 1)
    return "a" + layer_superscript(layer) + subscript(index + 1)


def weight_name(depth: int, layer: int, j: int, i: int) -> str:
    """The name of ``weights[layer][j, i]`` (from neuron i to neuron j): w_ij and v_jk on
    the page's one-hidden-layer network, w⁽ˡ⁾_ij otherwise (l = layer + 1)."""
    if depth == 2:
        return ("w" if layer == 0 else "v") + subscript(i + 1, j + 1)
    return "w" + layer_superscript(layer + 1) + subscript(i + 1, j + 1)


def bias_name(depth: int, layer: int, j: int) -> str:
    """The name of ``biases[layer][j]``: bʰⱼ and bʸⱼ on the page's network, b⁽ˡ⁾ⱼ otherwise."""
    if depth == 2:
        return ("bʰ" if layer == 0 else "bʸ") + subscript(j + 1)
    return "b" + layer_superscript(layer + 1) + subscript(j + 1)


def parse_number(text: str) -> float:
    """A number typed by the user (accepts −, a decimal comma, spaces); ValueError if the
    text is not a finite number."""
    cleaned = text.strip().replace("−", "-").replace(",", ".").replace(" ", "")
    value = float(cleaned)  # ValueError on anything else
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


# --- geometry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramLayout:
    """Positions of every node of a network with ``layer_sizes`` = [n0, …, nL].

    node_x[l], node_y[l]: (n[l],) centres of layer l's neurons; bias_y[l]: the bias node of
    layer l (l < L), in the same column. ``radius`` is a node's radius.
    """

    layer_sizes: tuple[int, ...]
    column_gap: float
    radius: float
    node_x: tuple[Array, ...]
    node_y: tuple[Array, ...]
    bias_y: tuple[float, ...]

    @property
    def depth(self) -> int:
        return len(self.layer_sizes) - 1

    def column(self, layer: int) -> float:
        return layer * self.column_gap

    def gap_sizes(self, gap: int) -> tuple[int, int]:
        """(n_in, n_out) of gap ``gap``: the layers its edges run from and to."""
        return self.layer_sizes[gap], self.layer_sizes[gap + 1]

    def edge_count(self, gap: int) -> int:
        """Edges from layer ``gap`` to layer gap+1, bias edges included."""
        return (self.layer_sizes[gap] + 1) * self.layer_sizes[gap + 1]

    def segments(self, gap: int) -> tuple[Array, Array, Array, Array]:
        """(x0, y0, x1, y1), each (edge_count(gap),): weight edges row-major, then bias edges."""
        n_in, n_out = self.layer_sizes[gap], self.layer_sizes[gap + 1]
        src_y = np.concatenate([np.tile(self.node_y[gap], n_out), np.full(n_out, self.bias_y[gap])])
        dst_y = np.concatenate([np.repeat(self.node_y[gap + 1], n_in), self.node_y[gap + 1]])
        count = src_y.size
        x0 = np.full(count, self.column(gap))
        x1 = np.full(count, self.column(gap + 1))
        return x0, src_y, x1, dst_y

    def bounds(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of every node's disc."""
        ys = np.concatenate([*self.node_y, np.asarray(self.bias_y, dtype=float)])
        r = self.radius
        return -r, float(ys.min()) - r, self.column(self.depth) + r, float(ys.max()) + r


def diagram_layout(layer_sizes: Sequence[int]) -> DiagramLayout:
    sizes = tuple(int(n) for n in layer_sizes)
    depth = len(sizes) - 1
    rows = [n + (1 if l < depth else 0) for l, n in enumerate(sizes)]
    gap = max(MIN_COLUMN_GAP, COLUMN_GAP_PER_ROW * max(rows))
    node_x, node_y, bias_y = [], [], []
    for l, n in enumerate(sizes):
        ys = (np.arange(rows[l], dtype=float) - (rows[l] - 1) / 2) * ROW_GAP
        node_x.append(np.full(n, l * gap))
        node_y.append(ys[:n])
        if l < depth:
            bias_y.append(float(ys[n]))
    return DiagramLayout(sizes, gap, NODE_RADIUS, tuple(node_x), tuple(node_y), tuple(bias_y))


def edge_of(gap_sizes: tuple[int, int], edge: int) -> tuple[str, int, int]:
    """("weight", j, i) or ("bias", j, 0) for edge number ``edge`` of a gap with
    (n_in, n_out) = ``gap_sizes``."""
    n_in, n_out = gap_sizes
    if edge < n_in * n_out:
        return "weight", edge // n_in, edge % n_in
    return "bias", edge - n_in * n_out, 0


def edge_number(gap_sizes: tuple[int, int], kind: str, j: int, i: int = 0) -> int:
    """Inverse of :func:`edge_of`."""
    n_in, n_out = gap_sizes
    return j * n_in + i if kind == "weight" else n_in * n_out + j


def segment_distances(
    px: float, py: float, x0: Array, y0: Array, x1: Array, y1: Array
) -> Array:
    """Distance from the point (px, py) to every segment (x0, y0)–(x1, y1), all (m,)."""
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0, ((px - x0) * dx + (py - y0) * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.asarray(np.hypot(x0 + t * dx - px, y0 + t * dy - py))


# --- what is under a point -------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramHit:
    """What is under a point: a neuron (``layer``, ``index``), the bias node of ``layer``,
    or an edge of gap ``layer`` ("weight" into ``index`` from ``source``, or "bias")."""

    kind: str  # "neuron", "bias_node", "weight", "bias"
    layer: int
    index: int
    source: int = 0


def hit_test(
    layout: DiagramLayout,
    segments: Sequence[tuple[Array, Array, Array, Array]],
    x: float,
    y: float,
    tolerance: float,
) -> DiagramHit | None:
    """The node or edge at the diagram point (x, y), nodes first; edges within ``tolerance``
    (diagram units), tested for the whole gap at once with numpy. ``segments[g]`` is
    ``layout.segments(g)``, which the caller keeps."""
    r = max(layout.radius, tolerance)  # dots on tall columns are smaller than a disc
    column = round(x / layout.column_gap)
    if 0 <= column <= layout.depth and abs(x - layout.column(column)) <= r:
        ys = layout.node_y[column]
        d = np.abs(ys - y)
        k = int(np.argmin(d))
        if np.hypot(x - layout.column(column), d[k]) <= r:
            return DiagramHit("neuron", column, k)
        if column < layout.depth and np.hypot(
            x - layout.column(column), y - layout.bias_y[column]
        ) <= r:
            return DiagramHit("bias_node", column, 0)
    gap = math.floor(x / layout.column_gap)
    if not 0 <= gap < layout.depth:
        return None
    distances = segment_distances(x, y, *segments[gap])
    e = int(np.argmin(distances))
    if distances[e] > tolerance:
        return None
    kind, j, i = edge_of(layout.gap_sizes(gap), e)
    return DiagramHit(kind, gap, j, i)


# --- labels that never overlap ----------------------------------------------------------------


class RectSet:
    """Axis-aligned rectangles (centre, half sizes) already taken in the diagram."""

    def __init__(self) -> None:
        self._rects = np.empty((64, 4))
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def rects(self) -> Array:
        """(count, 4): cx, cy, half width, half height."""
        return self._rects[: self._count]

    def overlaps(self, cx: float, cy: float, hw: float, hh: float) -> bool:
        r = self.rects
        return bool(
            np.any((np.abs(r[:, 0] - cx) < r[:, 2] + hw) & (np.abs(r[:, 1] - cy) < r[:, 3] + hh))
        )

    def copy(self) -> RectSet:
        other = RectSet()
        other.assign(self)
        return other

    def assign(self, other: RectSet) -> None:
        """Make this set hold the same rectangles as ``other``."""
        self._rects = other._rects.copy()
        self._count = other._count

    def add(self, cx: float, cy: float, hw: float, hh: float) -> None:
        if self._count == len(self._rects):
            self._rects = np.concatenate([self._rects, np.empty_like(self._rects)])
        self._rects[self._count] = (cx, cy, hw, hh)
        self._count += 1


def place_labels(
    x0: Array,
    y0: Array,
    x1: Array,
    y1: Array,
    half_w: Array,
    half_h: Array,
    taken: RectSet,
    spots: Sequence[float] = LABEL_SPOTS,
    shifts: Sequence[float] = LABEL_SHIFTS,
) -> Array:
    """Centres (m, 2) for labels on the m edges (x0, y0)–(x1, y1) of one layer gap.

    Each label goes to the first spot along its edge (and shift off it, in label heights)
    where its rectangle (half sizes ``half_w``, ``half_h``) overlaps nothing in ``taken``,
    no other of these edges passes within ``half_h`` of its centre, and no other edge
    crosses its own near its centre (:data:`CROSSING_CLEARANCE`): a label must be read for
    one edge only. Placed labels are added to ``taken``. NaN where no spot qualifies: the
    label is hidden. The labels are placed greedily in order and in reverse order, and the
    order that places more wins.
    """
    dx = x1 - x0
    best: tuple[int, Array, RectSet] | None = None
    # Greedy placement depends on the order; trying it both ways places more labels.
    for order in (range(len(x0)), range(len(x0) - 1, -1, -1)):
        out = np.full((len(x0), 2), np.nan)
        trial = taken.copy()
        for k in order:
            _place_one(k, x0, y0, x1, y1, dx, half_w[k], half_h[k], trial, spots, shifts, out)
        placed = int(np.sum(~np.isnan(out[:, 0])))
        if best is None or placed > best[0]:
            best = placed, out, trial
    assert best is not None
    taken.assign(best[2])
    return best[1]


def _place_one(
    k: int,
    x0: Array,
    y0: Array,
    x1: Array,
    y1: Array,
    dx: Array,
    hw: float,
    hh: float,
    taken: RectSet,
    spots: Sequence[float],
    shifts: Sequence[float],
    out: Array,
) -> bool:
    """Place label k (see :func:`place_labels`); False if it has no free spot."""
    others = np.ones(len(x0), dtype=bool)
    others[k] = False
    ox0, oy0, ox1, oy1, odx = x0[others], y0[others], x1[others], y1[others], dx[others]
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (y1[k] - y0[k]) / dx[k]
        other_slope = (oy1 - oy0) / odx
        # Where each other edge crosses this one (NaN if parallel): a label there would
        # sit on two edges at once.
        crossing = (oy0 - other_slope * ox0 - y0[k] + slope * x0[k]) / (slope - other_slope)
    inside = (crossing >= np.maximum(x0[k], ox0)) & (crossing <= np.minimum(x1[k], ox1))
    crossing = np.where(inside, crossing, np.nan)
    for t in spots:
        on_x = x0[k] + t * dx[k]
        on_y = y0[k] + t * (y1[k] - y0[k])
        if np.any(np.abs(crossing - on_x) <= CROSSING_CLEARANCE * hw):
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            u = (on_x - ox0) / odx
        spans = (u >= 0) & (u <= 1)
        heights = oy0[spans] + u[spans] * (oy1[spans] - oy0[spans])
        for shift in shifts:
            cy = on_y + 2 * shift * hh
            if taken.overlaps(on_x, cy, hw, hh) or np.any(np.abs(heights - cy) < hh):
                continue
            taken.add(on_x, cy, hw, hh)
            out[k] = on_x, cy
            return True
    return False


def rects_intersect(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two (x, y, width, height) rectangles share any interior point."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


__all__ = [
    "LABEL_SPOTS",
    "NODE_RADIUS",
    "DiagramHit",
    "DiagramLayout",
    "RectSet",
    "bias_name",
    "diagram_layout",
    "edge_number",
    "edge_of",
    "hit_test",
    "layer_superscript",
    "node_name",
    "parse_number",
    "place_labels",
    "rects_intersect",
    "segment_distances",
    "subscript",
    "weight_name",
]
