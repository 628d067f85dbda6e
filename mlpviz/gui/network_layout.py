"""Where the network diagram puts things: nodes, edges, label spots, and what they are called.

Numbers are written by the project's one rule, :func:`mlpviz.engine.numbers.format_number`;
:func:`parse_number` reads what the user types.

numpy only (no Qt), so the geometry can be tested on its own. Coordinates are the diagram's
data units with y pointing down (the view inverts its y axis): layer l is the column
x = column(l), rows are ``ROW_GAP`` apart and each column is centred on y = 0. Every
layer but the output has a bias node "1" as its last row.

The column gaps and the node radius follow the view (:func:`fitted_geometry`): the columns
spread to fill a wide view, a gap with more labels to place gets more of the width, and
the discs grow, up to a limit, to hold their text, or shrink to leave the labels room.

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
"""A node's radius in row gaps, unless its text or the labels beside it ask otherwise."""
MIN_NODE_RADIUS, MAX_NODE_RADIUS = 0.22, 0.42
"""The least radius a disc shrinks to, to leave the edges room for their labels, and the
largest it grows to, to hold its text: its selection ring (1.25 r) still clears the next
disc in the column."""
RING_REACH = 1.3
"""How far beyond its disc the selection ring (1.25 r and its pen) reaches, in radii."""
MIN_COLUMN_GAP_RADII, MAX_COLUMN_GAP_RADII = 4.0, 16.0
"""Column spacing of a network with few rows, in node radii, whatever the view: at least a
disc's width free between discs; at most so far that edges are long thin lines across an
empty screen."""
DEFAULT_COLUMN_GAP = 2.0
"""In row gaps, while the view's shape is not known."""
COLUMN_GAP_PER_ROW = 0.5
MIN_COLUMN_GAP_PER_ROW, MAX_COLUMN_GAP_PER_ROW = 0.25, 1.0
"""For tall columns the spacing grows with the tallest column: COLUMN_GAP_PER_ROW when the
view's shape is not known (about as wide as tall), between the MIN and MAX rates when it
is, so a 784-input network is never a thin vertical stripe."""
FIT_MARGIN_PX = 12.0
"""Free pixels kept around the fitted diagram."""

LABEL_SPOTS = tuple(sorted((k / 80 for k in range(6, 75)), key=lambda t: (abs(t - 0.5), t)))
"""Where along its edge (0 = source, 1 = target) a weight label may sit, best first: the
middle, then ever closer to the ends."""

CROSSING_CLEARANCE = 0.4
"""No other edge may cross a label's edge closer to the label's centre than this fraction
of the label's half width: a label on a crossing reads as belonging to either edge."""

LABEL_SHIFTS = (0.0, -0.2, 0.2, -0.35, 0.35)
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

    column_x[l]: x of layer l's column (column_x[0] = 0, increasing); node_x[l], node_y[l]:
    (n[l],) centres of layer l's neurons; bias_y[l]: the bias node of layer l (l < L), in
    the same column. ``radius`` is a node's radius.
    """

    layer_sizes: tuple[int, ...]
    column_x: tuple[float, ...]
    radius: float
    node_x: tuple[Array, ...]
    node_y: tuple[Array, ...]
    bias_y: tuple[float, ...]

    @property
    def depth(self) -> int:
        return len(self.layer_sizes) - 1

    def column(self, layer: int) -> float:
        return self.column_x[layer]

    def column_gap(self, gap: int) -> float:
        """Distance from column ``gap`` to column gap+1."""
        return self.column_x[gap + 1] - self.column_x[gap]

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


def column_rows(layer_sizes: Sequence[int]) -> list[int]:
    """Rows of every column: a layer's neurons, and its bias node but at the output."""
    depth = len(layer_sizes) - 1
    return [int(n) + (1 if l < depth else 0) for l, n in enumerate(layer_sizes)]


def column_gap_range(
    layer_sizes: Sequence[int], radius: float = NODE_RADIUS
) -> tuple[float, float]:
    """The (least, greatest) column gap for these layers with discs of ``radius``, in row
    gaps."""
    rows = max(column_rows(layer_sizes))
    return (
        max(MIN_COLUMN_GAP_RADII * radius, MIN_COLUMN_GAP_PER_ROW * rows),
        max(MAX_COLUMN_GAP_RADII * radius, MAX_COLUMN_GAP_PER_ROW * rows),
    )


def label_density(layer_sizes: Sequence[int]) -> list[float]:
    """How crowded each gap's labels are: its edges (one label each) per row it spans."""
    rows = column_rows(layer_sizes)
    return [
        (layer_sizes[g] + 1) * layer_sizes[g + 1] / max(rows[g], rows[g + 1])
        for g in range(len(layer_sizes) - 1)
    ]


def diagram_layout(
    layer_sizes: Sequence[int],
    column_gaps: Sequence[float] | None = None,
    radius: float = NODE_RADIUS,
) -> DiagramLayout:
    """Node positions for ``layer_sizes``, with ``column_gaps[g]`` between column g and
    g+1; None: one spacing for a view of unknown shape (about as wide as tall), see
    :func:`fitted_geometry` for a known one."""
    sizes = tuple(int(n) for n in layer_sizes)
    depth = len(sizes) - 1
    rows = column_rows(sizes)
    if column_gaps is None:
        low, high = column_gap_range(sizes, radius)
        gap = max(DEFAULT_COLUMN_GAP, COLUMN_GAP_PER_ROW * max(rows))
        column_gaps = [min(high, max(low, gap))] * depth
    if len(column_gaps) != depth:
        raise ValueError(f"{depth} column gaps needed, got {len(column_gaps)}")
    column_x = (0.0, *(float(x) for x in np.cumsum(column_gaps)))
    node_x, node_y, bias_y = [], [], []
    for l, n in enumerate(sizes):
        ys = (np.arange(rows[l], dtype=float) - (rows[l] - 1) / 2) * ROW_GAP
        node_x.append(np.full(n, column_x[l]))
        node_y.append(ys[:n])
        if l < depth:
            bias_y.append(float(ys[n]))
    return DiagramLayout(
        sizes, column_x, float(radius), tuple(node_x), tuple(node_y), tuple(bias_y)
    )


@dataclass(frozen=True)
class FittedGeometry:
    """How a network fills a view: ``column_gaps`` and ``radius`` for :func:`diagram_layout`,
    the scale at fit (``pixels_per_unit``), and the extra pixels kept free right of the
    diagram and under it (``right_px``, ``bottom_px``: for the loss under the output,
    the notes under the gaps)."""

    column_gaps: tuple[float, ...]
    radius: float
    pixels_per_unit: float
    right_px: float = 0.0
    bottom_px: float = 0.0

    def view_rect(self, layout: DiagramLayout) -> tuple[float, float, float, float]:
        """(x, y, width, height) in diagram units to show: every disc with its selection
        ring, ``FIT_MARGIN_PX`` around it, and the extra room right and under it."""
        x0, y0, x1, y1 = layout.bounds()
        pad = layout.radius * (RING_REACH - 1) + FIT_MARGIN_PX / self.pixels_per_unit
        right = self.right_px / self.pixels_per_unit
        bottom = self.bottom_px / self.pixels_per_unit
        return x0 - pad, y0 - pad, x1 - x0 + 2 * pad + right, y1 - y0 + 2 * pad + bottom


def fitted_geometry(
    layer_sizes: Sequence[int],
    width_px: float,
    height_px: float,
    text_radius_px: float = 0.0,
    output_label_px: tuple[float, float] = (0.0, 0.0),
    below_px: float = 0.0,
    gap_weights: Sequence[float] | None = None,
    label_room_px: float = 0.0,
) -> FittedGeometry | None:
    """The column gaps and node radius with which the network fills a view of
    ``width_px`` × ``height_px`` (None if the view is too small to hold anything).

    The tallest column sets the row pitch. The disc is the least in [NODE_RADIUS,
    MAX_NODE_RADIUS] that holds a text of radius ``text_radius_px`` (the largest node
    text; 0 if nodes carry none) at that pitch, unless the width then leaves less than
    ``label_room_px`` free between the discs of a gap on average: then it shrinks, down to
    MIN_NODE_RADIUS, until it does (the node texts shrink with it; edge labels keep their
    size). The columns then spread to fill the width, the free width shared among the
    gaps in proportion to the square root of their ``gap_weights`` (all equal if None;
    :func:`label_density` when gaps carry labels), within :func:`column_gap_range`. A view
    too narrow for the least gaps sets the scale by its width instead.
    ``output_label_px``: (width, height) of a label kept under the lowest output's disc,
    from the disc's left edge on (the loss); ``below_px``: room kept under the diagram.
    """
    sizes = tuple(int(n) for n in layer_sizes)
    depth = len(sizes) - 1
    tallest = max(column_rows(sizes))
    span = (tallest - 1) * ROW_GAP  # centre of the top row to centre of the bottom one
    shares = np.sqrt(np.ones(depth) if gap_weights is None else np.asarray(gap_weights, float))
    shares = shares / shares.sum()
    # Rows free under the lowest output: the loss goes there if it fits.
    free_below_output = (tallest - sizes[-1]) / 2 * ROW_GAP
    label_w, label_h = output_label_px
    right, bottom = 0.0, below_px
    result: FittedGeometry | None = None
    for _ in range(4):  # the room the loss needs depends on the scale it is solved for
        avail_w = width_px - 2 * FIT_MARGIN_PX - right
        avail_h = height_px - 2 * FIT_MARGIN_PX - bottom
        if avail_w <= 0 or avail_h <= 0:
            return result
        radius = _radius_for(text_radius_px, (avail_h - 2 * RING_REACH * text_radius_px) / span)
        pitch = avail_h / (span + 2 * RING_REACH * radius)
        # Across the view: the outer discs' rings, a disc's width per gap, and the free
        # width between discs, label_room_px per gap if there is room for it.
        disc_px = (avail_w - depth * label_room_px) / (2 * depth + 2 * RING_REACH)
        if label_room_px > 0 and disc_px < radius * pitch:
            # r·pitch = disc_px with pitch = avail_h / (span + 2·RING_REACH·r)
            room = avail_h - 2 * RING_REACH * disc_px
            wanted = disc_px * span / room if disc_px > 0 and room > 0 else 0.0
            radius = min(radius, max(MIN_NODE_RADIUS, wanted))
            pitch = avail_h / (span + 2 * RING_REACH * radius)
        low, high = column_gap_range(sizes, radius)
        free = max(0.0, avail_w / pitch - 2 * RING_REACH * radius - depth * 2 * radius)
        gaps = np.clip(2 * radius + free * shares, low, high)
        scale = min(pitch, avail_w / (gaps.sum() + 2 * RING_REACH * radius))
        result = FittedGeometry(tuple(float(g) for g in gaps), radius, scale, right, bottom)
        ring = radius * (RING_REACH - 1)
        need_below = below_px + max(0.0, label_h - (free_below_output + ring) * scale)
        need_right = max(0.0, label_w - (1 + RING_REACH) * radius * scale)
        if need_below <= bottom + 0.5 and need_right <= right + 0.5:
            break
        right, bottom = max(right, need_right), max(bottom, need_below)
    return result


def _radius_for(text_radius_px: float, pixels_per_unit: float) -> float:
    """The least node radius whose disc holds the text at this scale, within bounds."""
    if text_radius_px <= 0:
        return NODE_RADIUS
    if pixels_per_unit <= 0:
        return MAX_NODE_RADIUS
    return min(MAX_NODE_RADIUS, max(NODE_RADIUS, text_radius_px / pixels_per_unit))


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
    columns = np.asarray(layout.column_x)
    column = int(np.argmin(np.abs(columns - x)))
    if abs(x - layout.column(column)) <= r:
        ys = layout.node_y[column]
        d = np.abs(ys - y)
        k = int(np.argmin(d))
        if np.hypot(x - layout.column(column), d[k]) <= r:
            return DiagramHit("neuron", column, k)
        if column < layout.depth and np.hypot(
            x - layout.column(column), y - layout.bias_y[column]
        ) <= r:
            return DiagramHit("bias_node", column, 0)
    gap = int(np.searchsorted(columns, x, side="right")) - 1
    if not 0 <= gap < layout.depth:
        return None
    distances = segment_distances(x, y, *segments[gap])
    e = int(np.argmin(distances))
    if distances[e] > tolerance:
        return None
    kind, j, i = edge_of(layout.gap_sizes(gap), e)
    return DiagramHit(kind, gap, j, i)


# --- labels that never overlap ----------------------------------------------------------------


class Obstacles:
    """What labels must not overlap: axis-aligned rectangles (centre, half sizes), such as
    labels already placed, and discs (centre, radius), the nodes. A disc is tested as a
    circle, not its bounding square, so a label may sit in the corner beside a node."""

    def __init__(self) -> None:
        self._rects = np.empty((64, 4))
        self._count = 0
        self._discs: list[tuple[float, float, float]] = []

    def __len__(self) -> int:
        return self._count + len(self._discs)

    @property
    def rects(self) -> Array:
        """(count, 4): cx, cy, half width, half height."""
        return self._rects[: self._count]

    @property
    def discs(self) -> Array:
        """(count, 3): cx, cy, radius."""
        return np.array(self._discs, dtype=float).reshape(-1, 3)

    def overlaps(self, cx: float, cy: float, hw: float, hh: float) -> bool:
        """Whether the rectangle centred at (cx, cy) with half sizes (hw, hh) overlaps any."""
        return bool(self.overlaps_each(np.array([cx]), np.array([cy]), hw, hh)[0])

    def overlaps_each(
        self, cx: Array, cy: Array, hw: float | Array, hh: float | Array
    ) -> np.ndarray:
        """For each of the rectangles centred at (cx, cy) (n,) with half sizes (hw, hh)
        (the same for all, or (n,) each), whether it overlaps anything: (n,) bool."""
        if np.ndim(hw):
            hw, hh = np.asarray(hw)[:, None], np.asarray(hh)[:, None]
        r = self.rects
        hit = np.any(
            (np.abs(r[:, 0] - cx[:, None]) < r[:, 2] + hw)
            & (np.abs(r[:, 1] - cy[:, None]) < r[:, 3] + hh),
            axis=1,
        )
        if self._discs:
            d = self.discs
            # Distance from each disc's centre to the nearest point of each rectangle.
            gap_x = np.maximum(np.abs(d[:, 0] - cx[:, None]) - hw, 0.0)
            gap_y = np.maximum(np.abs(d[:, 1] - cy[:, None]) - hh, 0.0)
            hit |= np.any(gap_x**2 + gap_y**2 < d[:, 2] ** 2, axis=1)
        return np.asarray(hit)

    def add(self, cx: float, cy: float, hw: float, hh: float) -> None:
        """A rectangle: centre and half sizes."""
        if self._count == len(self._rects):
            self._rects = np.concatenate([self._rects, np.empty_like(self._rects)])
        self._rects[self._count] = (cx, cy, hw, hh)
        self._count += 1

    def add_disc(self, cx: float, cy: float, radius: float) -> None:
        self._discs.append((cx, cy, radius))

    def fingerprint(self) -> bytes:
        """The rectangles and discs as bytes: equal for obstacles that are equal."""
        return self.rects.tobytes() + b"|" + self.discs.tobytes()

    def copy(self) -> Obstacles:
        other = Obstacles()
        other._rects, other._count = self._rects.copy(), self._count
        other._discs = list(self._discs)
        return other


PLACEMENT_ORDERS = 24
"""How many orders the greedy label placement tries in a gap (fewer in large gaps)."""
PLACEMENT_SEARCH_STEPS = 800
PLACEMENT_SEARCH_MAX_LABELS = 16
"""When no greedy order shows every label that has a spot, in a gap of at most
PLACEMENT_SEARCH_MAX_LABELS labels, a depth-first search for a placement that shows more
runs for at most PLACEMENT_SEARCH_STEPS steps (each one numpy comparison, ~20 µs). Denser
gaps hide labels whatever the order, and would only cost time."""


def place_labels(
    x0: Array,
    y0: Array,
    x1: Array,
    y1: Array,
    half_w: Array,
    half_h: Array,
    taken: Obstacles,
    spots: Sequence[float] = LABEL_SPOTS,
    shifts: Sequence[float] = LABEL_SHIFTS,
) -> tuple[Array, np.ndarray]:
    """Centres (m, 2) and forms (m,) for labels on the m edges (x0, y0)–(x1, y1) of one gap.

    A label may come in several forms (say one line, then the same text on two lines):
    ``half_w``, ``half_h`` are (m,) for one form or (m, F) for F forms, best first; a
    form's NaN size means the label has no such form. A label may sit at a spot along its
    edge (``spots``, best first) and shift off it (``shifts``, in label heights) where its
    rectangle overlaps nothing in ``taken``, no other of these edges passes within its half
    height of its centre, and no other edge crosses its own near its centre
    (:data:`CROSSING_CLEARANCE`): a label must be read for one edge only. Among those, each
    label takes its first in a greedy pass that skips spots other labels already hold; the
    pass runs in several orders (as given, reversed, fewest spots first, then shuffled) and
    the one that shows most labels, then in their first forms, then nearest the middle,
    wins. If that leaves out a label that has spots, a bounded search
    (:data:`PLACEMENT_SEARCH_STEPS`) looks for a placement that shows more. Placed labels
    are added to ``taken``; a label with no spot gets NaN centres and form −1: it is hidden.

    Placements are remembered: the same edges, label sizes and obstacles give the same
    placement, and stepping through phases asks for it again and again (the weights'
    labels keep their sizes through the forward pass, the nodes never move).
    """
    m = len(x0)
    half_w = np.asarray(half_w, dtype=float).reshape(m, -1)
    half_h = np.asarray(half_h, dtype=float).reshape(m, -1)
    key = (
        b"".join(np.ascontiguousarray(a, dtype=float).tobytes() for a in (x0, y0, x1, y1)),
        half_w.shape,
        half_w.tobytes() + half_h.tobytes(),
        taken.fingerprint(),
        tuple(spots),
        tuple(shifts),
    )
    known = _PLACEMENTS.pop(key, None)
    if known is None:
        before = len(taken.rects)
        out, forms = _place_labels(x0, y0, x1, y1, half_w, half_h, taken, spots, shifts)
        known = out, forms, taken.rects[before:].copy()
    else:
        for rect in known[2]:
            taken.add(*(float(v) for v in rect))
    _PLACEMENTS[key] = known  # most recently used last
    while len(_PLACEMENTS) > PLACEMENT_MEMORY:
        del _PLACEMENTS[next(iter(_PLACEMENTS))]
    return known[0].copy(), known[1].copy()


PLACEMENT_MEMORY = 64
"""Placements remembered (a few per gap and phase of the network on screen)."""
_PLACEMENTS: dict[tuple[object, ...], tuple[Array, np.ndarray, Array]] = {}


def _place_labels(
    x0: Array,
    y0: Array,
    x1: Array,
    y1: Array,
    half_w: Array,
    half_h: Array,
    taken: Obstacles,
    spots: Sequence[float],
    shifts: Sequence[float],
) -> tuple[Array, np.ndarray]:
    """:func:`place_labels` worked out: ``half_w``, ``half_h`` are (m, F)."""
    m = len(x0)
    # Every label's candidates (cx, cy, hw, hh, form), best first; they depend on the
    # edges and on ``taken``, not on each other.
    if m <= BATCHED_CANDIDATES_MAX:
        candidates = _gap_candidates(x0, y0, x1, y1, half_w, half_h, taken, spots, shifts)
    else:
        candidates = [
            _candidates(k, x0, y0, x1, y1, half_w[k], half_h[k], taken, spots, shifts)
            for k in range(m)
        ]
    counts = np.array([len(c) for c in candidates])
    orders = [list(range(m)), list(range(m - 1, -1, -1)), list(np.argsort(counts, kind="stable"))]
    rng = np.random.default_rng(0)  # the same shuffles every time: a stable picture
    tries = max(len(orders), min(PLACEMENT_ORDERS, 2000 // max(m, 1)))
    while len(orders) < tries:
        orders.append(list(rng.permutation(m)))
    # No order can beat every placeable label at its first candidate: an order reaching
    # that ends the tries (a sparse diagram's first order usually does), and since ties
    # keep the earlier order, the result is the one all the tries would give.
    placeable = int(np.sum(counts > 0))
    unbeatable = (placeable, -sum(int(c[0, 4]) for c in candidates if len(c)), 0)
    best: tuple[tuple[int, int, int], dict[int, int]] | None = None
    tried: set[tuple[int, ...]] = set()
    # Plain lists for the tries' loops: indexing numpy arrays element by element is slow.
    rows = [c.tolist() for c in candidates]
    has = [len(c) > 0 for c in candidates]
    for order in orders:
        # Labels with no spot take no part: orders alike but for them (and the shuffles
        # of a gap of three labels, which has only six orders) give the same placement.
        effective = tuple(int(k) for k in order if has[k])
        if effective in tried:
            continue
        tried.add(effective)
        picks = _greedy(rows, order)
        score = (
            len(picks),
            -sum(int(rows[k][i][4]) for k, i in picks.items()),
            -sum(picks.values()),
        )
        if best is None or score > best[0]:
            best = score, picks
        if score == unbeatable:
            break
    assert best is not None
    if len(best[1]) < placeable and m <= PLACEMENT_SEARCH_MAX_LABELS:
        more = _search(candidates, best[1], PLACEMENT_SEARCH_STEPS)
        if more is not None:
            best = best[0], more
    out = np.full((m, 2), np.nan)
    forms = np.full(m, -1)
    for k, i in best[1].items():
        cx, cy, hw, hh, form = candidates[k][i]
        out[k] = cx, cy
        forms[k] = int(form)
        taken.add(cx, cy, hw, hh)
    return out, forms


def _greedy(
    candidates: Sequence[Sequence[Sequence[float]]], order: Sequence[int]
) -> dict[int, int]:
    """Label → index of its first candidate that overlaps no label placed before it.

    ``candidates[k]`` holds rows (cx, cy, hw, hh, …): arrays, or for speed the same as
    lists (``Array.tolist()``). A pass of plain Python that stops at the first free
    candidate: the tries of a gap's orders called it two dozen times a step, and numpy's
    cost per call on a handful of rectangles made that 3 ms into Update."""
    picks: dict[int, int] = {}
    chosen: list[tuple[float, float, float, float]] = []
    for k in order:
        for i, row in enumerate(candidates[k]):
            cx, cy, hw, hh = float(row[0]), float(row[1]), float(row[2]), float(row[3])
            if all(
                not (abs(cx - ox) < hw + ow and abs(cy - oy) < hh + oh)
                for ox, oy, ow, oh in chosen
            ):
                picks[int(k)] = i
                chosen.append((cx, cy, hw, hh))
                break
    return picks


def _search(
    candidates: Sequence[Array], known: dict[int, int], budget: int
) -> dict[int, int] | None:
    """Label → candidate index for more labels than ``known`` shows, found depth first
    (labels with fewest candidates first, candidates best first), or None if none is
    found within ``budget`` steps."""
    order = sorted((k for k in range(len(candidates)) if len(candidates[k])), key=lambda k: (
        len(candidates[k]), k))
    target = len(order)
    found: list[dict[int, int]] = []
    floor = len(known)
    steps = 0

    def visit(pos: int, chosen: Array, picks: dict[int, int]) -> bool:
        """True to stop: every label placed, or the budget spent."""
        nonlocal steps, floor
        if len(picks) + (target - pos) <= floor:
            return False  # cannot beat the best so far
        if pos == target:
            found.append(dict(picks))
            floor = len(picks)
            return floor == target
        steps += 1
        if steps > budget:
            return True
        k = order[pos]
        c = candidates[k]
        free = ~np.any(
            (np.abs(c[:, None, 0] - chosen[None, :, 0]) < c[:, None, 2] + chosen[None, :, 2])
            & (np.abs(c[:, None, 1] - chosen[None, :, 1]) < c[:, None, 3] + chosen[None, :, 3]),
            axis=1,
        )
        for i in np.flatnonzero(free):
            picks[k] = int(i)
            if visit(pos + 1, np.vstack([chosen, c[i, :4]]), picks):
                return True
            del picks[k]
        return visit(pos + 1, chosen, picks)  # or leave label k hidden

    visit(0, np.empty((0, 4)), {})
    return found[-1] if found else None


def _candidates(
    k: int,
    x0: Array,
    y0: Array,
    x1: Array,
    y1: Array,
    half_w: Array,
    half_h: Array,
    taken: Obstacles,
    spots: Sequence[float],
    shifts: Sequence[float],
) -> Array:
    """(n, 5) rows cx, cy, hw, hh, form: where label k may sit (see :func:`place_labels`),
    form by form, spot by spot, shift by shift."""
    others = np.ones(len(x0), dtype=bool)
    others[k] = False
    ox0, oy0, ox1, oy1 = x0[others], y0[others], x1[others], y1[others]
    dx, dy = x1[k] - x0[k], y1[k] - y0[k]
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = dy / dx
        other_slope = (oy1 - oy0) / (ox1 - ox0)
        # Where each other edge crosses this one (NaN if parallel): a label there would
        # sit on two edges at once.
        crossing = (oy0 - other_slope * ox0 - y0[k] + slope * x0[k]) / (slope - other_slope)
    inside = (crossing >= np.maximum(x0[k], ox0)) & (crossing <= np.minimum(x1[k], ox1))
    crossing = crossing[inside]
    t = np.asarray(spots, dtype=float)
    on_x, on_y = x0[k] + t * dx, y0[k] + t * dy  # (S,)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = (on_x[:, None] - ox0) / (ox1 - ox0)  # (S, m−1)
    heights = np.where((u >= 0) & (u <= 1), oy0 + u * (oy1 - oy0), np.nan)
    shift = np.asarray(shifts, dtype=float)
    rows = []
    for form, (hw, hh) in enumerate(zip(half_w, half_h, strict=True)):
        if math.isnan(hw) or math.isnan(hh):
            continue
        clear = ~np.any(np.abs(crossing - on_x[:, None]) <= CROSSING_CLEARANCE * hw, axis=1)
        cy = on_y[:, None] + 2 * shift * hh  # (S, H)
        alone = ~np.any(np.abs(heights[:, None, :] - cy[:, :, None]) < hh, axis=2)
        cx = np.broadcast_to(on_x[:, None], cy.shape)
        ok = (clear[:, None] & alone).ravel()
        cx, cy = cx.ravel()[ok], cy.ravel()[ok]
        free = ~taken.overlaps_each(cx, cy, hw, hh)
        n = int(np.sum(free))
        rows.append(
            np.column_stack([cx[free], cy[free], np.full(n, hw), np.full(n, hh), np.full(n, form)])
        )
    return np.concatenate(rows) if rows else np.empty((0, 5))


BATCHED_CANDIDATES_MAX = 32
"""Gaps of at most this many labels work out every label's candidates in one pass of
array operations (m² × spots × shifts values) instead of one pass a label: the same
numbers, a tenth of the numpy calls that made placement most of a step's cost."""


def _gap_candidates(
    x0: Array,
    y0: Array,
    x1: Array,
    y1: Array,
    half_w: Array,
    half_h: Array,
    taken: Obstacles,
    spots: Sequence[float],
    shifts: Sequence[float],
) -> list[Array]:
    """:func:`_candidates` of every label k of the gap at once (same values, same order):
    ``half_w``, ``half_h`` are (m, F)."""
    m, forms = half_w.shape
    dx, dy = x1 - x0, y1 - y0
    other = ~np.eye(m, dtype=bool)  # [k, j]: j is another edge than k
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = dy / dx
        # [k, j]: where edge j crosses edge k (written as _candidates does, same bits).
        crossing = (y0[None, :] - slope[None, :] * x0[None, :] - y0[:, None]) + (
            slope[:, None] * x0[:, None]
        )
        crossing = crossing / (slope[:, None] - slope[None, :])
    inside = (
        (crossing >= np.maximum(x0[:, None], x0[None, :]))
        & (crossing <= np.minimum(x1[:, None], x1[None, :]))
        & other
    )
    t = np.asarray(spots, dtype=float)
    on_x = x0[:, None] + t[None, :] * dx[:, None]  # (m, S)
    on_y = y0[:, None] + t[None, :] * dy[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        u = (on_x[:, :, None] - x0[None, None, :]) / (x1 - x0)[None, None, :]  # (m, S, m)
    within = (u >= 0) & (u <= 1) & other[:, None, :]
    heights = np.where(within, y0[None, None, :] + u * (y1 - y0)[None, None, :], np.nan)
    shift = np.asarray(shifts, dtype=float)
    found: list[list[Array]] = [[] for _ in range(m)]
    for form in range(forms):
        hw, hh = half_w[:, form], half_h[:, form]  # (m,)
        has = ~(np.isnan(hw) | np.isnan(hh))
        near = np.abs(crossing[:, None, :] - on_x[:, :, None]) <= (
            CROSSING_CLEARANCE * hw
        )[:, None, None]
        clear = ~np.any(inside[:, None, :] & near, axis=2)  # (m, S)
        cy = on_y[:, :, None] + (2 * shift)[None, None, :] * hh[:, None, None]  # (m, S, H)
        alone = ~np.any(
            np.abs(heights[:, :, None, :] - cy[:, :, :, None]) < hh[:, None, None, None],
            axis=3,
        )
        ok = (clear[:, :, None] & alone & has[:, None, None]).reshape(m, -1)
        k, where = np.nonzero(ok)  # by label, then spot by spot, shift by shift
        cx = np.broadcast_to(on_x[:, :, None], cy.shape).reshape(m, -1)[k, where]
        cyk = cy.reshape(m, -1)[k, where]
        free = ~taken.overlaps_each(cx, cyk, hw[k], hh[k])
        k, cx, cyk = k[free], cx[free], cyk[free]
        rows = np.column_stack([cx, cyk, hw[k], hh[k], np.full(len(k), float(form))])
        bounds = np.searchsorted(k, np.arange(m + 1))
        for label in range(m):
            found[label].append(rows[bounds[label] : bounds[label + 1]])
    return [np.concatenate(parts) if parts else np.empty((0, 5)) for parts in found]


def rects_intersect(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two (x, y, width, height) rectangles share any interior point."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


__all__ = [
    "FIT_MARGIN_PX",
    "LABEL_SPOTS",
    "MAX_NODE_RADIUS",
    "MIN_NODE_RADIUS",
    "NODE_RADIUS",
    "DiagramHit",
    "DiagramLayout",
    "FittedGeometry",
    "Obstacles",
    "bias_name",
    "column_gap_range",
    "column_rows",
    "diagram_layout",
    "edge_number",
    "edge_of",
    "fitted_geometry",
    "hit_test",
    "label_density",
    "layer_superscript",
    "node_name",
    "parse_number",
    "place_labels",
    "rects_intersect",
    "segment_distances",
    "subscript",
    "weight_name",
]
