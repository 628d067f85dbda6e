"""The network diagram: layers as columns, every weight an edge, every number of the phase.

``NetworkView`` wraps a :class:`SessionModel`. Edges are coloured by sign (Okabe–Ito blue
positive, vermillion negative and dashed) and sized by |w|, drawn as a few
``PlotCurveItem`` batches with ``connect="pairs"``, one per (layer gap, sign, width bin),
so a 784-128-64-10 network costs ~30 items, not 109,000. Nodes are one
``ScatterPlotItem``. The numbers follow the Stepper's phase: x on the inputs, z and a once
the forward pass reaches a layer, y and L at the Loss, δ and ∂L/∂w going backwards, and
old − η·∂L/∂w = new at the Update. Labels keep a constant size on screen and are placed
so that none overlaps another or a node; a label with no free spot is hidden, its value
stays in the tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QStyleOptionGraphicsItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.gradcheck import DEFAULT_TOLERANCE, relative_error
from mlpviz.engine.stepper import Phase, PhaseKind
from mlpviz.gui.network_layout import (
    DiagramLayout,
    RectSet,
    bias_name,
    diagram_layout,
    edge_number,
    edge_of,
    format_number,
    node_name,
    parse_number,
    place_labels,
    segment_distances,
    weight_name,
)
from mlpviz.gui.session_model import Selection, SessionModel

# Okabe–Ito colours on white; a theme module may replace these entries and call rebuild().
COLOURS: dict[str, str] = {
    "background": "#FFFFFF",
    "positive": "#0072B2",  # blue
    "negative": "#D55E00",  # vermillion: orange #E69F00 is too faint on white for thin lines
    "node": "#FFFFFF",
    "node_focus": "#FFF3B0",  # a light tint of Okabe–Ito yellow
    "bias_node": "#E4E4E4",
    "node_border": "#303030",
    "text": "#000000",
    "selection": "#CC79A7",  # reddish purple
    "agree": "#009E73",  # bluish green
    "disagree": "#C8102E",
}

FONT_POINT_SIZE = 12.0
"""Label text, in points; projected in a hall, so never smaller than this."""
NODE_LABEL_MAX_ROWS = 16
"""Columns taller than this get no number labels on their nodes (the tooltip has them)."""
EDGE_LABEL_MAX_EDGES = 160
"""Networks with more edges than this get no weight labels at all."""
DASHED_MAX_EDGES = 2000
"""Negative edges are dashed up to this many edges; beyond, dashes are an unreadable blur."""
WIDTH_BINS = 5
WIDTH_RANGE = (1.0, 6.0)
"""Edge widths in pixels for |w| from 0 to the network's largest |w|; never thinner than a
pixel, so the weakest edge still shows when projected."""
LARGE_ALPHA = (0.06, 0.7)
"""Opacity range of the 1-pixel edges of large networks (see NetworkView._pen)..."""
EDGES_PER_ROW_OPAQUE = 16.0
"""... scaled down in a gap whose edges are denser than this per row of its taller
column: 8,000 edges over 129 rows would otherwise pile up to a solid block."""
MIN_ALPHA = 4 / 255
"""Fainter than this, 8-bit premultiplied colour rounds blue and vermillion to greens."""
MAX_DRAWN_EDGES = 10_000
"""A gap with more edges draws only this many, those of largest |w|, and says so under
the gap: 100,000 edges are a uniform haze in which the strong ones cannot be seen."""
DOT_NODES_ROWS = 150
"""Columns taller than this draw their nodes as dots of a fixed pixel size (NODE_DOT_PX):
at fit, a disc in diagram units would be smaller than a pixel."""
NODE_DOT_PX = 4.0
DIM_ALPHA = 0.22
"""How strong the layers the phase is not working on are drawn (1 = full)."""
DIM_ALPHA_LARGE = 0.1
"""The same for large networks, whose thousands of faint edges add up."""
LABEL_GAP_PX = 3.0
"""Free pixels kept around every label."""
HIT_TOLERANCE_PX = 6.0
RELAYOUT_DELAY_MS = 60
MAX_PRECISION = 12
GRADCHECK_MAX_PARAMS = 5000
"""Finite differences cost two forward passes per parameter; beyond this the diagram
does not ask for them (the gradient check panel can, in the background)."""


# --- what the phase has computed ---------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far the current sample's step has got: layers 1..``forward`` have z and a;
    ``loss`` is known; layers ``backward``..L have δ and the edges into them ∂L/∂w
    (None: no backward yet); ``update`` applied."""

    forward: int
    loss: bool
    backward: int | None
    update: bool


def progress(phase: Phase, depth: int) -> Progress:
    kind = phase.kind
    if kind is PhaseKind.INPUT:
        return Progress(0, False, None, False)
    if kind is PhaseKind.FORWARD:
        return Progress(phase.layer, False, None, False)
    if kind is PhaseKind.LOSS:
        return Progress(depth, True, None, False)
    if kind is PhaseKind.BACKWARD:
        return Progress(depth, True, phase.layer, False)
    return Progress(depth, True, 1, True)


def focus(phase: Phase, depth: int) -> tuple[int | None, frozenset[int]]:
    """The layer the phase works on (None: no single layer) and the gaps whose edges it
    works on (gap l holds the edges from layer l to l+1)."""
    kind = phase.kind
    if kind is PhaseKind.INPUT:
        return 0, frozenset()
    if kind in (PhaseKind.FORWARD, PhaseKind.BACKWARD):
        return phase.layer, frozenset({phase.layer - 1})
    if kind is PhaseKind.LOSS:
        return depth, frozenset()
    return None, frozenset(range(depth))


Line = tuple[str, str, bool]
"""A line of a label: text, colour key in COLOURS, bold."""


def _full(value: float) -> str:
    """Full precision for tooltips: the shortest text that reads back as the same float."""
    return repr(float(value)).replace("-", "−")


# --- a label that stays the same size on screen -------------------------------------------------


class DiagramLabel(QGraphicsItem):
    """Lines of text in a box, drawn at a constant size on screen around its position
    (``anchor`` (0.5, 0.5): centred; (0, 0.5): starting at it). Cached as a device pixmap,
    repainted only when its text changes."""

    PAD_X, PAD_Y = 5.0, 2.0

    def __init__(self, anchor: tuple[float, float] = (0.5, 0.5), boxed: bool = True) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._anchor = anchor
        self._boxed = boxed
        self._lines: tuple[Line, ...] = ()
        self._border = COLOURS["text"]
        self._background: str | None = COLOURS["background"]
        self._rect = QRectF()
        self._font = QFont()
        self._font.setPointSizeF(FONT_POINT_SIZE)
        self._bold = QFont(self._font)
        self._bold.setBold(True)

    @property
    def lines(self) -> tuple[Line, ...]:
        return self._lines

    def text(self) -> str:
        return "\n".join(line[0] for line in self._lines)

    def set_content(self, lines: list[Line], border: str) -> None:
        new = tuple(lines)
        if new == self._lines and border == self._border:
            return
        self.prepareGeometryChange()
        self._lines, self._border = new, border
        width = height = 0.0
        for text, _, bold in new:
            metrics = QFontMetricsF(self._bold if bold else self._font)
            width = max(width, metrics.horizontalAdvance(text))
            height += metrics.lineSpacing()
        w, h = width + 2 * self.PAD_X, height + 2 * self.PAD_Y
        self._rect = QRectF(-self._anchor[0] * w, -self._anchor[1] * h, w, h)
        self.update()

    def set_background(self, colour: str | None) -> None:
        """The box's fill (None: none): a node's label takes the node's fill, so the box
        only shows where the text reaches beyond the disc."""
        if colour != self._background:
            self._background = colour
            self.update()

    def pixel_size(self) -> tuple[float, float]:
        return self._rect.width(), self._rect.height()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1.0, -1.0, 1.0, 1.0)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self._lines:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self._background is not None:
            background = QColor(self._background)
            background.setAlpha(235 if self._boxed else 200)
            painter.setBrush(background)
            if self._boxed:
                painter.setPen(QPen(QColor(self._border), 1.5))
            else:
                painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(self._rect, 4.0, 4.0)
        y = self._rect.top() + self.PAD_Y
        for text, colour, bold in self._lines:
            font = self._bold if bold else self._font
            height = QFontMetricsF(font).lineSpacing()
            painter.setFont(font)
            painter.setPen(QColor(COLOURS.get(colour, colour)))
            painter.drawText(
                QRectF(self._rect.left(), y, self._rect.width(), height),
                int(Qt.AlignmentFlag.AlignCenter),
                text,
            )
            y += height


class ValueEditor(QLineEdit):
    """The inline editor over a weight, a bias, an input or a target: Enter commits,
    Esc cancels; text that is not a finite number is refused, with the reason written
    under the editor, which stays open."""

    def __init__(
        self,
        parent: QWidget,
        value: float,
        on_commit: Callable[[float], None],
        on_close: Callable[[], None],
    ) -> None:
        super().__init__(repr(float(value)), parent)
        self._on_commit = on_commit
        self._on_close = on_close
        self.error = ""
        font = self.font()
        font.setPointSizeF(FONT_POINT_SIZE)
        self.setFont(font)
        self._message = QLabel(parent)
        self._message.setFont(font)
        self._message.setStyleSheet(
            f"QLabel {{ color: {COLOURS['disagree']}; background: {COLOURS['background']};"
            f" border: 1px solid {COLOURS['disagree']}; padding: 2px 4px; }}"
        )
        self._message.hide()
        self.selectAll()
        self.returnPressed.connect(self.commit)

    def commit(self) -> None:
        try:
            value = parse_number(self.text())
        except ValueError:
            self.error = f"Not a number: {self.text()!r}. Type a value such as 0.25 or −1e-3."
            self.setStyleSheet(f"QLineEdit {{ border: 2px solid {COLOURS['disagree']}; }}")
            self._message.setText(self.error)
            self._message.adjustSize()
            self._message.move(self.x(), self.y() + self.height() + 2)
            self._message.show()
            return
        self._on_close()
        self._on_commit(value)

    def close_editor(self) -> None:
        self._message.hide()
        self._message.deleteLater()
        self.hide()
        self.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._on_close()
            return
        super().keyPressEvent(event)


@dataclass(frozen=True)
class _Hit:
    """What is under a point: a neuron (``layer``, ``index``), the bias node of ``layer``,
    or an edge of gap ``layer`` ("weight" into ``index`` from ``source``, or "bias")."""

    kind: str  # "neuron", "bias_node", "weight", "bias"
    layer: int
    index: int
    source: int = 0


# --- the view ------------------------------------------------------------------------------------


class NetworkView(QWidget):
    """The network diagram of a :class:`SessionModel` (see the module docstring)."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._precision = 4
        self._auto_fit = True
        self._layout: DiagramLayout | None = None
        self._curves: dict[tuple[int, int, int], pg.PlotCurveItem] = {}
        self._nodes: pg.ScatterPlotItem | None = None
        self._ring: pg.ScatterPlotItem | None = None
        self._halo: pg.PlotCurveItem | None = None
        self._node_labels: list[list[DiagramLabel]] = []
        self._bias_labels: list[DiagramLabel] = []
        self._edge_labels: list[list[DiagramLabel]] = []
        self._loss_label: DiagramLabel | None = None
        self._notes: list[DiagramLabel] = []  # "drawn: the 10,000 largest |w| of …"
        self._segments: list[tuple[np.ndarray, ...]] = []
        self._values: list[np.ndarray] = []  # per gap: weights row-major then biases
        self._label_rects: list[tuple[str, float, float, float, float]] = []
        self._outlined: Selection | None = None
        self._editor: ValueEditor | None = None
        self._small = True  # few enough edges to draw antialiased, dashed and labelled

        self.canvas = pg.GraphicsView(self)
        self.canvas.setBackground(COLOURS["background"])
        # Clipping 100,000 edges to the several small rectangles a label change exposes
        # is far slower than repainting the whole viewport once.
        self.canvas.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.view_box = pg.ViewBox(lockAspect=True, enableMenu=False, invertY=True)
        self.canvas.setCentralItem(self.view_box)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.canvas)

        self.fit_action = QAction("Fit to window", self)
        self.fit_action.setShortcut(QKeySequence("F"))
        self.fit_action.setToolTip("Fit the whole network into the window (F)")
        self.fit_action.triggered.connect(self.fit)
        self.addAction(self.fit_action)

        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(RELAYOUT_DELAY_MS)
        self._relayout.timeout.connect(self._place_labels)
        self.view_box.sigRangeChanged.connect(self._on_range_changed)
        self.view_box.sigRangeChangedManually.connect(self._on_manual_range)
        self.view_box.sigResized.connect(self._on_resized)
        scene = self.canvas.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        # Double-clicks are taken from the viewport itself: pyqtgraph's scene reports the
        # second press of a double-click as a single click on some platforms.
        self.canvas.viewport().installEventFilter(self)

        model.stepped.connect(self._on_stepped)
        model.network_changed.connect(self._on_network_changed)
        model.structure_changed.connect(self.rebuild)
        model.selection_changed.connect(self._update_selection)
        model.gradcheck_changed.connect(self._on_gradcheck_changed)
        self.rebuild()

    # --- public -------------------------------------------------------------------------
    @property
    def diagram_layout(self) -> DiagramLayout:
        assert self._layout is not None
        return self._layout

    @property
    def precision(self) -> int:
        return self._precision

    def set_precision(self, decimals: int) -> None:
        """Decimals shown on the diagram (trailing zeros trimmed); tooltips stay exact."""
        if not 0 <= decimals <= MAX_PRECISION:
            raise ValueError(f"precision must be in 0..{MAX_PRECISION}, got {decimals}")
        if decimals != self._precision:
            self._precision = decimals
            self._update_texts()

    def fit(self) -> None:
        """Show the whole network, with room for the labels around it."""
        if self._layout is None:
            return
        x0, y0, x1, y1 = self._layout.bounds()
        # Room for labels drawn at a fixed size on screen: node texts and the loss on small
        # networks, the "largest |w|" notes under large ones.
        margin = 0.5 if self._small else 0.05 * (y1 - y0)
        self.view_box.setRange(
            QRectF(x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin),
            padding=0.0,
        )
        self._auto_fit = True
        self._place_labels()

    def rebuild(self) -> None:
        """Build every item anew for the model's network (after a structure change)."""
        self._close_editor()
        old = [*self._curves.values(), *self._notes, self._nodes, self._ring, self._halo]
        for item in [*old, self._loss_label]:
            if item is not None:
                self.view_box.removeItem(item)
        for group in [*self._node_labels, self._bias_labels, *self._edge_labels]:
            for label in group:
                self.view_box.removeItem(label)
        net = self.model.network
        self._layout = layout = diagram_layout(net.layer_sizes)
        depth = layout.depth
        self._segments = [layout.segments(g) for g in range(depth)]
        n_edges = sum(layout.edge_count(g) for g in range(depth))
        rows = max(n + (l < depth) for l, n in enumerate(layout.layer_sizes))
        self._small = n_edges <= DASHED_MAX_EDGES
        self._curves = {}

        dots = rows > DOT_NODES_ROWS
        self._nodes = pg.ScatterPlotItem(pxMode=dots, antialias=True, symbol="o")
        self._nodes.setZValue(10)
        xs = np.concatenate([*layout.node_x, [layout.column(l) for l in range(depth)]])
        ys = np.concatenate([*layout.node_y, layout.bias_y])
        self._nodes.setData(x=xs, y=ys, size=NODE_DOT_PX if dots else 2 * layout.radius)
        self.view_box.addItem(self._nodes, ignoreBounds=True)
        self._ring = pg.ScatterPlotItem(pxMode=False, antialias=True, symbol="o")
        self._ring.setZValue(12)
        self.view_box.addItem(self._ring, ignoreBounds=True)
        self._halo = pg.PlotCurveItem(antialias=True)
        self._halo.setZValue(1)
        self.view_box.addItem(self._halo, ignoreBounds=True)

        self._node_labels, self._bias_labels, self._edge_labels = [], [], []
        if rows <= NODE_LABEL_MAX_ROWS:
            for l, n in enumerate(layout.layer_sizes):
                labels = [self._add_label(DiagramLabel(boxed=False), 30) for _ in range(n)]
                for label, x, y in zip(labels, layout.node_x[l], layout.node_y[l], strict=True):
                    label.setPos(float(x), float(y))
                self._node_labels.append(labels)
            for l in range(depth):
                label = self._add_label(DiagramLabel(boxed=False), 30)
                label.setPos(layout.column(l), layout.bias_y[l])
                label.set_content([("1", "text", True)], COLOURS["text"])
                label.set_background(None)
                self._bias_labels.append(label)
        if n_edges <= EDGE_LABEL_MAX_EDGES:
            self._edge_labels = [
                [self._add_label(DiagramLabel(), 20) for _ in range(layout.edge_count(g))]
                for g in range(depth)
            ]
        self._loss_label = self._add_label(DiagramLabel(anchor=(0.5, 0.0)), 20)
        self._notes = []
        for g in range(depth):
            count = layout.edge_count(g)
            if count > MAX_DRAWN_EDGES:
                note = self._add_label(DiagramLabel(anchor=(0.5, 0.0)), 20)
                text = f"drawn: the {MAX_DRAWN_EDGES:,} largest |w| of {count:,}"
                note.set_content([(text, "text", False)], COLOURS["node_border"])
                note.setPos((layout.column(g) + layout.column(g + 1)) / 2, layout.bounds()[3])
                self._notes.append(note)

        self._update_edges()
        self._update_texts()
        self._update_selection()
        if self.isVisible():
            self.fit()

    # --- read-only accessors (tests, other panels) ----------------------------------------
    def node_text(self, layer: int, index: int) -> str:
        """What node ``index`` of ``layer`` says at this phase (shown when there is room)."""
        return "\n".join(line[0] for line in self._node_lines(layer, index))

    def node_label_visible(self, layer: int, index: int) -> bool:
        return bool(self._node_labels) and self._node_labels[layer][index].isVisible()

    def edge_label_text(self, layer: int, j: int, i: int) -> str | None:
        """The label on the edge of ``weights[layer][j, i]``; None when hidden."""
        return self._label_text(layer, edge_number(self._gap_sizes(layer), "weight", j, i))

    def bias_label_text(self, layer: int, j: int) -> str | None:
        """The label on the edge of ``biases[layer][j]``; None when hidden."""
        return self._label_text(layer, edge_number(self._gap_sizes(layer), "bias", j))

    def loss_text(self) -> str | None:
        label = self._loss_label
        return label.text() if label is not None and label.isVisible() else None

    def visible_edge_labels(self) -> int:
        return sum(label.isVisible() for group in self._edge_labels for label in group)

    def highlighted_layer(self) -> int | None:
        return focus(self.model.phase, self.diagram_layout.depth)[0]

    def edge_item_count(self) -> int:
        """Graphics items drawing the edges (a few batches, never one per edge)."""
        return len(self._curves)

    def label_rects(self, kind: str | None = None) -> list[tuple[float, float, float, float]]:
        """(x, y, width, height) in diagram units of every visible label as last placed, or
        of one kind of label: "node" (bias nodes included), "edge" or "loss"."""
        return [rect[1:] for rect in self._label_rects if kind in (None, rect[0])]

    def selection_outline(self) -> Selection | None:
        """The neuron, weight or bias drawn outlined (the model's selection, if shown)."""
        return self._outlined

    def node_position(self, layer: int, index: int) -> tuple[float, float]:
        layout = self.diagram_layout
        return float(layout.node_x[layer][index]), float(layout.node_y[layer][index])

    def edge_point(self, layer: int, j: int, i: int | None, t: float = 0.5) -> tuple[float, float]:
        """The point a fraction ``t`` along the edge of weights[layer][j, i] (bias if i None)."""
        number = edge_number(self._gap_sizes(layer), "bias" if i is None else "weight", j, i or 0)
        x0, y0, x1, y1 = (float(s[number]) for s in self._segments[layer])
        return x0 + t * (x1 - x0), y0 + t * (y1 - y0)

    def map_to_viewport(self, x: float, y: float) -> QPoint:
        """A diagram point in the canvas viewport's pixel coordinates."""
        return self.canvas.mapFromScene(self.view_box.mapViewToScene(QPointF(x, y)))

    def tooltip_at(self, x: float, y: float) -> str | None:
        """The tooltip for the diagram point (x, y): exact values of the node or edge there."""
        hit = self._hit(x, y)
        return None if hit is None else self._tooltip(hit)

    @property
    def editor(self) -> ValueEditor | None:
        return self._editor

    # --- model signals --------------------------------------------------------------------
    def _on_stepped(self) -> None:
        self._close_editor()
        self._update_texts()

    def _on_network_changed(self) -> None:
        if tuple(self.model.network.layer_sizes) != self.diagram_layout.layer_sizes:
            self.rebuild()
            return
        self._update_edges()
        self._update_texts()

    def _on_gradcheck_changed(self) -> None:
        self._update_texts()

    # --- drawing ----------------------------------------------------------------------------
    def _add_label(self, label: DiagramLabel, z: float) -> DiagramLabel:
        label.setZValue(z)
        self.view_box.addItem(label, ignoreBounds=True)
        return label

    def _gap_sizes(self, gap: int) -> tuple[int, int]:
        sizes = self.diagram_layout.layer_sizes
        return sizes[gap], sizes[gap + 1]

    def _label_text(self, gap: int, number: int) -> str | None:
        if not self._edge_labels:
            return None
        label = self._edge_labels[gap][number]
        return label.text() if label.isVisible() else None

    def _pen(self, gap: int, sign: int, width_bin: int, strong: bool) -> QPen:
        """The pen of a batch: width by |w| on networks small enough to read; on large ones
        |w| sets the opacity of 1-pixel lines, since Qt strokes wide lines ten times slower
        and 100,000 wide edges are one dark mass anyway."""
        colour = QColor(COLOURS["positive" if sign == 0 else "negative"])
        strength = (width_bin + 0.5) / WIDTH_BINS
        if self._small:
            alpha = 1.0
            width = WIDTH_RANGE[0] + (WIDTH_RANGE[1] - WIDTH_RANGE[0]) * strength
        else:
            layout = self.diagram_layout
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

    def _width_bins(self, values: np.ndarray, top: float) -> np.ndarray:
        return np.minimum((np.abs(values) / top * WIDTH_BINS).astype(int), WIDTH_BINS - 1)

    def _update_edges(self) -> None:
        """Re-bin every edge by sign and |w| into the batch items (after a network change)."""
        net = self.model.network
        layout = self.diagram_layout
        self._values = [
            np.concatenate([net.weights[g].ravel(), net.biases[g]]) for g in range(layout.depth)
        ]
        top = max((float(np.max(np.abs(v))) for v in self._values), default=0.0)
        top = top if top > 0 and math.isfinite(top) else 1.0
        for g, values in enumerate(self._values):
            x0, y0, x1, y1 = self._segments[g]
            signs = (values < 0).astype(int)
            clean = np.nan_to_num(values, nan=0.0, posinf=top, neginf=-top)
            bins = self._width_bins(clean, top)
            drawn = np.ones(len(values), dtype=bool)
            if len(values) > MAX_DRAWN_EDGES:
                drawn[:] = False
                drawn[np.argpartition(np.abs(clean), -MAX_DRAWN_EDGES)[-MAX_DRAWN_EDGES:]] = True
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
                        self.view_box.addItem(item, ignoreBounds=True)
                        self._curves[key] = item
                    px = np.column_stack([x0[mask], x1[mask]]).ravel()
                    py = np.column_stack([y0[mask], y1[mask]]).ravel()
                    item.setData(x=px, y=py, connect="pairs")
        self._update_highlight()

    def _update_highlight(self) -> None:
        layer, gaps = focus(self.model.phase, self.diagram_layout.depth)
        for (g, sign, b), item in self._curves.items():
            item.setPen(self._pen(g, sign, b, g in gaps))
        assert self._nodes is not None
        layout = self.diagram_layout
        brushes, pens = [], []
        strong_pen = pg.mkPen(COLOURS["node_border"], width=2.5 if self._small else 1.0)
        dim_border = QColor(COLOURS["node_border"])
        dim_border.setAlphaF(0.45)
        dim_pen = pg.mkPen(dim_border, width=1.5 if self._small else 0.5)
        for l, n in enumerate(layout.layer_sizes):
            on = l == layer
            brushes += [pg.mkBrush(COLOURS["node_focus" if on else "node"])] * n
            pens += [strong_pen if on else dim_pen] * n
        for l in range(layout.depth):
            brushes.append(pg.mkBrush(COLOURS["bias_node"]))
            pens.append(strong_pen if l in gaps else dim_pen)
        self._nodes.setBrush(brushes)
        self._nodes.setPen(pens)
        for l, labels in enumerate(self._node_labels):
            for label in labels:
                label.setOpacity(1.0 if l == layer else 0.55)
                label.set_background(COLOURS["node_focus" if l == layer else "node"])
        for l, label in enumerate(self._bias_labels):
            label.setOpacity(1.0 if l in gaps else 0.55)
        for g, labels in enumerate(self._edge_labels):
            for label in labels:
                label.setOpacity(1.0 if g in gaps else 0.5)

    def _update_texts(self) -> None:
        """Numbers of the current phase on the nodes and edges; then place the labels."""
        for l, labels in enumerate(self._node_labels):
            for k, label in enumerate(labels):
                label.set_content(self._node_lines(l, k), COLOURS["text"])
        if self._edge_labels:
            numeric = self._numeric_gradient()
            for g, labels in enumerate(self._edge_labels):
                sizes = self._gap_sizes(g)
                for e, label in enumerate(labels):
                    kind, j, i = edge_of(sizes, e)
                    lines, border = self._edge_lines(g, kind, j, i, numeric)
                    label.set_content(lines, border)
        assert self._loss_label is not None
        self._loss_label.set_content(self._loss_lines(), COLOURS["text"])
        self._update_highlight()
        self._place_labels()

    # --- what each label says -----------------------------------------------------------------
    def _fmt(self, value: float) -> str:
        return format_number(value, self._precision)

    def _value_names(self, layer: int) -> tuple[str, str]:
        """Names of z and a on this layer's nodes: the page's z, h and u, ŷ with one hidden
        layer; z, a otherwise (ŷ at the output)."""
        depth = self.diagram_layout.depth
        if layer == depth:
            return ("u" if depth == 2 else "z"), "ŷ"
        return "z", ("h" if depth == 2 else "a")

    def _node_lines(self, layer: int, index: int) -> list[Line]:
        layout = self.diagram_layout
        record = self.model.record
        result = record.result
        done = progress(self.model.phase, layout.depth)
        lines: list[Line] = [(node_name(layout.layer_sizes, layer, index), "text", True)]
        if layer == 0:
            lines.append((self._fmt(record.x[0, index]), "text", False))
            return lines
        values: list[tuple[str, float]] = []
        if layer <= done.forward:
            z_name, a_name = self._value_names(layer)
            values += [(z_name, result.forward.z[layer][0, index])]
            values += [(a_name, result.forward.a[layer][0, index])]
        if layer == layout.depth and done.loss:
            values.append(("y", record.y[0, index]))
        if done.backward is not None and layer >= done.backward:
            values.append(("δ", result.backward.delta[layer][0, index]))
        return lines + [(f"{name} = {self._fmt(v)}", "text", False) for name, v in values]

    def _loss_lines(self) -> list[Line]:
        done = progress(self.model.phase, self.diagram_layout.depth)
        if not done.loss:
            return []
        record = self.model.record
        lines: list[Line] = [(f"L = {self._fmt(record.result.backward.loss)}", "text", True)]
        if done.update:
            lines.append((f"after the update: {self._fmt(record.loss_after)}", "text", False))
        return lines

    def _numeric_gradient(self) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
        """Finite-difference gradients when the gradient check is on and a backward phase
        shows gradients (computed once per sample step by the model)."""
        model = self.model
        if not model.gradcheck or model.phase.kind is not PhaseKind.BACKWARD:
            return None
        if model.network.n_params > GRADCHECK_MAX_PARAMS:
            return None
        return self.model.numeric_gradient()

    def _edge_numbers(self, gap: int, kind: str, j: int, i: int) -> tuple[float, float, float, str]:
        """(old, ∂L/∂p, new, name) of a weight or bias of this sample's step."""
        result = self.model.record.result
        depth = self.diagram_layout.depth
        if kind == "weight":
            return (
                float(result.before.weights[gap][j, i]),
                float(result.backward.grad_weights[gap][j, i]),
                float(result.after.weights[gap][j, i]),
                weight_name(depth, gap, j, i),
            )
        return (
            float(result.before.biases[gap][j]),
            float(result.backward.grad_biases[gap][j]),
            float(result.after.biases[gap][j]),
            bias_name(depth, gap, j),
        )

    def _change(self, old: float, grad: float, new: float) -> float:
        """The update's change: −η·∂L/∂p for plain SGD (as the page writes it), new − old
        for optimizers with a state."""
        optimizer = self.model.config.optimizer
        if optimizer.name == "sgd":
            return -optimizer.learning_rate * grad
        return new - old

    def _edge_lines(
        self,
        gap: int,
        kind: str,
        j: int,
        i: int,
        numeric: tuple[list[np.ndarray], list[np.ndarray]] | None,
    ) -> tuple[list[Line], str]:
        old, grad, new, name = self._edge_numbers(gap, kind, j, i)
        done = progress(self.model.phase, self.diagram_layout.depth)
        current = self.model.network
        value = float(current.weights[gap][j, i] if kind == "weight" else current.biases[gap][j])
        border = COLOURS["negative" if value < 0 else "positive"]
        if done.update:
            change = self._change(old, grad, new)
            sign = "−" if change < 0 else "+"
            # Without the name: the edge says which weight it is, and the line stays short.
            text = f"{self._fmt(old)} {sign} {self._fmt(abs(change))} = {self._fmt(new)}"
            return [(text, "text", False)], border
        if done.backward is not None and gap + 1 >= done.backward:
            lines: list[Line] = [(f"∂L/∂{name} = {self._fmt(grad)}", "text", False)]
            if numeric is not None:
                est = float(numeric[0][gap][j, i] if kind == "weight" else numeric[1][gap][j])
                if relative_error(grad, est) <= DEFAULT_TOLERANCE:
                    lines.append((f"numeric {self._fmt(est)} ✓", "agree", True))
                else:
                    lines = [(line[0], "disagree", line[2]) for line in lines]
                    lines.append((f"numeric {self._fmt(est)} ✗", "disagree", True))
                    border = COLOURS["disagree"]
            return lines, border
        return [(f"{name} = {self._fmt(value)}", "text", False)], border

    # --- placing labels --------------------------------------------------------------------------
    def _on_range_changed(self, *_: object) -> None:
        self._relayout.start()

    def _on_manual_range(self, *_: object) -> None:
        self._auto_fit = False
        self._close_editor()

    def _on_resized(self, *_: object) -> None:
        if self._auto_fit and self._layout is not None:
            self.fit()
        else:
            self._relayout.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._auto_fit:
            self.fit()

    def _pixel_size(self) -> tuple[float, float] | None:
        if self.view_box.width() <= 0 or self.view_box.height() <= 0:
            return None
        try:
            px, py = self.view_box.viewPixelSize()
        except (ZeroDivisionError, ValueError):
            return None
        if not (px > 0 and py > 0 and math.isfinite(px) and math.isfinite(py)):
            return None
        return px, py

    def _place_labels(self) -> None:
        """Put every label where it overlaps nothing placed before it; hide the rest.

        Order of precedence: node discs, node labels (column by column), the loss, then the
        edge labels of the gaps the phase works on, then the others."""
        self._relayout.stop()
        self._label_rects = []
        layout = self._layout
        scale = self._pixel_size()
        if layout is None:
            return
        if scale is None:
            for label in [*self._iter_value_labels()]:
                label.setVisible(False)
            return
        px, py = scale
        gap_x, gap_y = LABEL_GAP_PX * px, LABEL_GAP_PX * py
        r = layout.radius
        discs = RectSet()
        for l in range(layout.depth + 1):
            for x, y in zip(layout.node_x[l], layout.node_y[l], strict=True):
                discs.add(float(x), float(y), r, r)
        for l in range(layout.depth):
            discs.add(layout.column(l), layout.bias_y[l], r, r)
        taken = RectSet()
        shown: list[tuple[str, float, float, float, float]] = []

        def fixed(
            label: DiagramLabel, kind: str, cx: float, cy: float, hw: float, hh: float
        ) -> bool:
            """A label at a fixed spot: shown unless it hits another label or another disc."""
            on_disc = discs.rects
            other = ~((np.abs(on_disc[:, 0] - cx) < 1e-12) & (np.abs(on_disc[:, 1] - cy) < 1e-12))
            hits_disc = np.any(
                other
                & (np.abs(on_disc[:, 0] - cx) < on_disc[:, 2] + hw)
                & (np.abs(on_disc[:, 1] - cy) < on_disc[:, 3] + hh)
            )
            ok = bool(label.lines) and not hits_disc and not taken.overlaps(cx, cy, hw, hh)
            label.setVisible(ok)
            if ok:
                taken.add(cx, cy, hw, hh)
                shown.append((kind, cx, cy, hw, hh))
            return ok

        def half(label: DiagramLabel) -> tuple[float, float]:
            w, h = label.pixel_size()
            return w / 2 * px + gap_x, h / 2 * py + gap_y

        for l, labels in enumerate(self._node_labels):
            for k, label in enumerate(labels):
                hw, hh = half(label)
                fixed(label, "node", float(layout.node_x[l][k]), float(layout.node_y[l][k]), hw, hh)
        for l, label in enumerate(self._bias_labels):
            hw, hh = half(label)
            fixed(label, "node", layout.column(l), layout.bias_y[l], hw, hh)

        loss = self._loss_label
        if loss is not None:
            # Under the output column, below the lowest output's disc or label.
            hw, hh = half(loss)
            out = layout.depth
            lowest = int(np.argmax(layout.node_y[out]))
            reach = r
            if self._node_labels and self._node_labels[out][lowest].isVisible():
                reach = max(r, half(self._node_labels[out][lowest])[1])
            top = float(layout.node_y[out][lowest]) + reach + 2 * gap_y
            loss.setPos(layout.column(out), top)
            fixed(loss, "loss", layout.column(out), top + hh - gap_y, hw, hh)

        for k in range(len(discs)):
            taken.add(*discs.rects[k])
        if self._edge_labels:
            _, gaps = focus(self.model.phase, layout.depth)
            order = sorted(range(layout.depth), key=lambda g: (g not in gaps, g))
            for g in order:
                labels = self._edge_labels[g]
                sizes = np.array([half(label) for label in labels])
                x0, y0, x1, y1 = self._segments[g]
                spots = place_labels(x0, y0, x1, y1, sizes[:, 0], sizes[:, 1], taken)
                for label, (cx, cy), (hw, hh) in zip(labels, spots, sizes, strict=True):
                    ok = bool(label.lines) and not math.isnan(cx)
                    label.setVisible(ok)
                    if ok:
                        label.setPos(float(cx), float(cy))
                        shown.append(("edge", float(cx), float(cy), float(hw), float(hh)))
        self._label_rects = [
            (kind, cx - hw + gap_x, cy - hh + gap_y, 2 * (hw - gap_x), 2 * (hh - gap_y))
            for kind, cx, cy, hw, hh in shown
        ]

    def _iter_value_labels(self) -> list[DiagramLabel]:
        labels = [lb for group in [*self._node_labels, *self._edge_labels] for lb in group]
        labels += self._bias_labels
        if self._loss_label is not None:
            labels.append(self._loss_label)
        return labels

    # --- selection -----------------------------------------------------------------------------
    def _update_selection(self) -> None:
        assert self._ring is not None and self._halo is not None
        layout = self.diagram_layout
        sel = self.model.selection
        self._ring.clear()
        self._halo.setData(x=np.empty(0), y=np.empty(0))
        self._outlined = None
        if sel is None:
            return
        pen = QPen(QColor(COLOURS["selection"]), 4.0)
        pen.setCosmetic(True)
        sizes = layout.layer_sizes
        if sel.kind == "neuron" and 0 <= sel.layer <= layout.depth and sel.index < sizes[sel.layer]:
            x, y = self.node_position(sel.layer, sel.index)
            self._ring.setData(
                x=[x], y=[y], size=2 * layout.radius * 1.25, pen=pen, brush=pg.mkBrush(None)
            )
            self._outlined = sel
        elif (
            sel.kind in ("weight", "bias")
            and 0 <= sel.layer < layout.depth
            and sel.index < sizes[sel.layer + 1]
            and sel.source < sizes[sel.layer]
        ):
            i = sel.source if sel.kind == "weight" else None
            x0, y0 = self.edge_point(sel.layer, sel.index, i, 0.0)
            x1, y1 = self.edge_point(sel.layer, sel.index, i, 1.0)
            colour = QColor(COLOURS["selection"])
            colour.setAlphaF(0.7)
            halo = QPen(colour, 14.0)
            halo.setCosmetic(True)
            self._halo.setData(x=[x0, x1], y=[y0, y1], pen=halo)
            self._outlined = sel

    # --- the mouse ---------------------------------------------------------------------------
    def _hit(self, x: float, y: float) -> _Hit | None:
        """The node or edge at the diagram point (x, y), nodes first; edges within a few
        pixels, tested for the whole gap at once with numpy."""
        layout = self._layout
        if layout is None:
            return None
        scale = self._pixel_size()
        tolerance = HIT_TOLERANCE_PX * scale[0] if scale else 0.1
        r = max(layout.radius, tolerance)  # dots on tall columns are smaller than a disc
        column = round(x / layout.column_gap)
        if 0 <= column <= layout.depth and abs(x - layout.column(column)) <= r:
            ys = layout.node_y[column]
            d = np.abs(ys - y)
            k = int(np.argmin(d))
            if np.hypot(x - layout.column(column), d[k]) <= r:
                return _Hit("neuron", column, k)
            if column < layout.depth and np.hypot(
                x - layout.column(column), y - layout.bias_y[column]
            ) <= r:
                return _Hit("bias_node", column, 0)
        gap = math.floor(x / layout.column_gap)
        if not 0 <= gap < layout.depth:
            return None
        distances = segment_distances(x, y, *self._segments[gap])
        e = int(np.argmin(distances))
        if distances[e] > tolerance:
            return None
        kind, j, i = edge_of(self._gap_sizes(gap), e)
        return _Hit(kind, gap, j, i)

    def _tooltip(self, hit: _Hit) -> str:
        layout = self.diagram_layout
        record = self.model.record
        result = record.result
        done = progress(self.model.phase, layout.depth)
        if hit.kind == "bias_node":
            return f"Bias unit of layer {hit.layer}: always 1; its edges are the biases b."
        if hit.kind == "neuron":
            l, k = hit.layer, hit.index
            name = node_name(layout.layer_sizes, l, k)
            lines = [f"{name}: layer {l}, neuron {k + 1}"]
            if l == 0:
                lines.append(f"x = {_full(record.x[0, k])}")
                return "\n".join(lines)
            if l <= done.forward:
                z_name, a_name = self._value_names(l)
                lines.append(f"{z_name} = {_full(result.forward.z[l][0, k])}")
                lines.append(f"{a_name} = {_full(result.forward.a[l][0, k])}")
            if l == layout.depth and done.loss:
                lines.append(f"y = {_full(record.y[0, k])} (target)")
            if done.backward is not None and l >= done.backward:
                lines.append(f"δ = ∂L/∂z = {_full(result.backward.delta[l][0, k])}")
            return "\n".join(lines)
        old, grad, new, name = self._edge_numbers(hit.layer, hit.kind, hit.index, hit.source)
        sizes = layout.layer_sizes
        source = (
            node_name(sizes, hit.layer, hit.source) if hit.kind == "weight" else "the bias unit 1"
        )
        target = node_name(sizes, hit.layer + 1, hit.index)
        array = (
            f"weights[{hit.layer}][{hit.index}, {hit.source}]"
            if hit.kind == "weight"
            else f"biases[{hit.layer}][{hit.index}]"
        )
        lines = [f"{name} = {array}, from {source} to {target}"]
        lines.append(f"value = {_full(new if done.update else old)}")
        if done.backward is not None and hit.layer + 1 >= done.backward:
            lines.append(f"∂L/∂{name} = {_full(grad)}")
            optimizer = self.model.config.optimizer
            if optimizer.name == "sgd":
                eta = optimizer.learning_rate
                lines.append(f"η·∂L/∂{name} = {_full(eta)} × {_full(grad)} = {_full(eta * grad)}")
            else:
                lines.append(f"change ({optimizer.name}) = new − old = {_full(new - old)}")
            lines.append(f"new value = {_full(new)}" + ("" if done.update else " (after Update)"))
            if done.update:
                lines.append(f"old value = {_full(old)}")
            numeric = self._numeric_gradient()
            if numeric is not None:
                est = float(
                    numeric[0][hit.layer][hit.index, hit.source]
                    if hit.kind == "weight"
                    else numeric[1][hit.layer][hit.index]
                )
                lines.append(
                    f"numeric ∂L/∂{name} = {_full(est)} "
                    f"(relative error {relative_error(grad, est):.2e})"
                )
        return "\n".join(lines)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self.view_box.mapSceneToView(scene_pos)
        hit = self._hit(point.x(), point.y())
        text = "" if hit is None else self._tooltip(hit)
        if text != self.view_box.toolTip():
            self.view_box.setToolTip(text)
            if QToolTip.isVisible():
                where = self.canvas.mapFromScene(scene_pos)
                QToolTip.showText(self.canvas.mapToGlobal(where), text)

    def _on_mouse_clicked(self, event: object) -> None:
        if event.double() or event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        point = self.view_box.mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        self._close_editor()
        self.model.select(_selection(self._hit(point.x(), point.y())))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.canvas.viewport()
            and event.type() == QEvent.Type.MouseButtonDblClick
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            scene_pos = self.canvas.mapToScene(event.position().toPoint())
            point = self.view_box.mapSceneToView(scene_pos)
            return self.edit_at(point.x(), point.y()) is not None
        return super().eventFilter(watched, event)

    # --- inline editing ---------------------------------------------------------------------
    def edit(self, hit: _Hit) -> ValueEditor | None:
        """Open the inline editor on a weight, a bias, an input or an output's target."""
        record = self.model.record
        layout = self.diagram_layout
        net = self.model.network
        if hit.kind == "weight":
            value = float(net.weights[hit.layer][hit.index, hit.source])
            x, y = self._edit_spot(hit)
            def commit(v: float) -> None:
                self.model.set_weight(hit.layer, hit.index, hit.source, v)
        elif hit.kind == "bias":
            value = float(net.biases[hit.layer][hit.index])
            x, y = self._edit_spot(hit)
            def commit(v: float) -> None:
                self.model.set_bias(hit.layer, hit.index, v)
        elif hit.kind == "neuron" and hit.layer == 0:
            value = float(record.x[0, hit.index])
            x, y = self.node_position(0, hit.index)
            def commit(v: float) -> None:
                self.model.set_input(record.sample, hit.index, v)
        elif hit.kind == "neuron" and hit.layer == layout.depth:
            value = float(record.y[0, hit.index])
            x, y = self.node_position(hit.layer, hit.index)
            def commit(v: float) -> None:
                self.model.set_target(record.sample, hit.index, v)
        else:
            return None
        self._close_editor()
        editor = ValueEditor(self.canvas.viewport(), value, commit, self._close_editor)
        editor.adjustSize()
        editor.setFixedWidth(max(editor.width(), 160))
        centre = self.map_to_viewport(x, y)
        editor.move(centre.x() - editor.width() // 2, centre.y() - editor.height() // 2)
        editor.show()
        editor.setFocus()
        self._editor = editor
        return editor

    def edit_at(self, x: float, y: float) -> ValueEditor | None:
        """Open the editor on whatever editable thing is at the diagram point (x, y)."""
        hit = self._hit(x, y)
        return None if hit is None else self.edit(hit)

    def _edit_spot(self, hit: _Hit) -> tuple[float, float]:
        number = edge_number(self._gap_sizes(hit.layer), hit.kind, hit.index, hit.source)
        if self._edge_labels:
            label = self._edge_labels[hit.layer][number]
            if label.isVisible():
                return label.pos().x(), label.pos().y()
        return self.edge_point(hit.layer, hit.index, hit.source if hit.kind == "weight" else None)

    def _close_editor(self) -> None:
        editor, self._editor = self._editor, None
        if editor is not None:
            editor.close_editor()


def _selection(hit: _Hit | None) -> Selection | None:
    if hit is None or hit.kind == "bias_node":
        return None
    if hit.kind == "neuron":
        return Selection("neuron", hit.layer, hit.index)
    return Selection(hit.kind, hit.layer, hit.index, hit.source)


__all__ = ["COLOURS", "DiagramLabel", "NetworkView", "Progress", "ValueEditor", "focus", "progress"]
