"""The network diagram: layers as columns, every weight an edge, every number of the phase.

``NetworkView`` wraps a :class:`SessionModel`. Edges are coloured by sign (Okabe–Ito blue
positive, vermillion negative and dashed) and sized by |w|, stroked in batches, one path
per (layer gap, sign, width bin), into pictures the view keeps until the weights or the
view change (network_edges); the discs are drawn by column, each column a cached picture
too (network_nodes), so that a step repaints the numbers, not the network. The texts are
written and the labels placed once per step, whatever signals it brings. The numbers
follow the Stepper's phase: x on the inputs, z and a once
the forward pass reaches a layer, y and L at the Loss, δ and ∂L/∂w going backwards, and
old − η·∂L/∂w = new at the Update (network_texts). Edge labels keep a constant size on
screen and are placed so that none overlaps another or a node (on two lines where one does
not fit, at 12 physical points where the screen shows them larger); a label with no free
spot is hidden, its value stays in the tooltip. Node texts sit inside their discs and
shrink with them (network_labels). The layout follows the view: when the view is resized
(throttled by RELAYOUT_DELAY_MS) the columns spread to fill its width, and the discs grow
to hold their text or shrink to leave the edge labels room. Geometry, names and
hit-testing are Qt-free (network_layout).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QMouseEvent, QPen, QShowEvent
from PySide6.QtWidgets import QGraphicsView, QToolTip, QVBoxLayout, QWidget

from mlpviz.engine.network import Network
from mlpviz.engine.stepper import Phase, SampleStep
from mlpviz.gui.network_edges import DASHED_MAX_EDGES, MAX_DRAWN_EDGES, EdgeBatches
from mlpviz.gui.network_labels import (
    COLOURS,
    FONT_POINT_SIZE,
    LABEL_GAP_PX,
    NODE_TEXT_INSET_PX,
    NODE_TEXT_MIN_POINT_SIZE,
    DiagramLabel,
    LabelRect,
    ValueEditor,
    display_scale,
    place_diagram_labels,
    text_radius,
    text_size,
)
from mlpviz.gui.network_layout import (
    DiagramHit,
    DiagramLayout,
    FittedGeometry,
    diagram_layout,
    edge_number,
    edge_of,
    fitted_geometry,
    hit_test,
    label_density,
)
from mlpviz.gui.network_nodes import NodeDiscs
from mlpviz.gui.network_texts import DiagramText, Progress, compact_lines, focus, progress
from mlpviz.gui.session_model import Selection, SessionModel

NODE_LABEL_MAX_ROWS = 16
LIVE_EDGES_PER_SECOND = 5
"""How often the edges follow the weights while training runs (STYLE.md: throttled)."""
"""Columns taller than this get no number labels on their nodes (the tooltip has them)."""
EDGE_LABEL_MAX_EDGES = 160
"""Networks with more edges than this get no weight labels at all."""
DOT_NODES_ROWS = 150
"""Columns taller than this draw their nodes as dots of a fixed pixel size (NODE_DOT_PX):
at fit, a disc in diagram units would be smaller than a pixel."""
NODE_DOT_PX = 4.0
HIT_TOLERANCE_PX = 6.0
RELAYOUT_DELAY_MS = 60
LABEL_ROOM_WIDTHS = 1.1
"""Free width kept between the discs of a gap (where the view is wide enough), in widths of
a two-line Update label: room to stagger the labels of crossing edges."""
EDGE_LABEL_MIN_POINT_SIZE = 12.0
"""Edge labels that find no room at full size may shrink down to this on the physical
screen (points at the device pixel ratio): at --scale 1.5 they are 18 points, and a
12-point label shown beats an 18-point one hidden. At scale 1 they never shrink."""
MAX_PRECISION = 12


class NetworkView(QWidget):
    """The network diagram of a :class:`SessionModel` (see the module docstring).

    ``layout_changed`` is emitted whenever the nodes move (a rebuild, or a new layout for a
    resized view): overlays drawn on the nodes read ``diagram_layout`` again then."""

    layout_changed = Signal()

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._precision = 4
        self._auto_fit = True
        self._layout: DiagramLayout | None = None
        self._geometry: FittedGeometry | None = None
        self._node_text_radius: list[float] = []  # per layer, the largest text's, px
        self._edges: EdgeBatches | None = None
        self._text: DiagramText | None = None
        self._nodes: NodeDiscs | None = None
        """The discs in groups: one per column, then one per bias node, each drawn with
        one brush and pen, so a phase restyles the two columns it moves between."""
        self._ring: pg.ScatterPlotItem | None = None
        self._halo: pg.PlotCurveItem | None = None
        self._node_labels: list[list[DiagramLabel]] = []
        self._bias_labels: list[DiagramLabel] = []
        self._edge_labels: list[list[DiagramLabel]] = []
        self._loss_label: DiagramLabel | None = None
        self._notes: list[DiagramLabel] = []  # "drawn: the 10,000 largest |w| of …"
        self._segments: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._label_rects: list[LabelRect] = []
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
        self._relayout.timeout.connect(self._on_relayout)
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
        model.trained.connect(self._on_trained)
        self._last_live_edges = -math.inf
        self._texts_shown: tuple[Network, SampleStep, Phase] | None = None
        """The network, step record and phase the texts were last written for."""
        self.rebuild()

    # --- public -------------------------------------------------------------------------
    @property
    def diagram_layout(self) -> DiagramLayout:
        assert self._layout is not None
        return self._layout

    @property
    def diagram_text(self) -> DiagramText:
        """What the labels and tooltips say at the model's phase."""
        assert self._text is not None
        return self._text

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
            # Wider numbers need wider discs.
            if self._auto_fit and self._adapt_layout():
                self._fit_range()
                self._place_labels()

    def fit(self) -> None:
        """Lay the network out for the view's size and show all of it, with room for the
        labels around it."""
        if self._layout is None:
            return
        self._adapt_layout()
        self._fit_range()
        self._auto_fit = True
        self._place_labels()

    def _fit_range(self) -> None:
        """Show the whole diagram (as the last geometry fitted it)."""
        layout = self._layout
        assert layout is not None
        if self._geometry is not None:
            x, y, w, h = self._geometry.view_rect(layout)
        else:  # the view has no size yet: a margin that suits most sizes
            x0, y0, x1, y1 = layout.bounds()
            margin = 0.5 if self._small else 0.05 * (y1 - y0)
            x, y, w, h = x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin
        self.view_box.setRange(QRectF(x, y, w, h), padding=0.0)

    def _adapt_layout(self) -> bool:
        """Lay the network out anew if the view's size (or the node texts) asks for another
        column gap or node radius; True if it did."""
        layout = self._layout
        if layout is None or self.view_box.width() <= 0 or self.view_box.height() <= 0:
            return False
        assert self._text is not None and self._loss_label is not None
        self._node_text_radius = [
            max(text_radius(self._text.node_template(l, k, self._precision)) for k in range(n))
            for l, n in enumerate(len(labels) for labels in self._node_labels)
        ]
        template = max(self._node_text_radius, default=0.0)
        loss_w, loss_h = text_size(self._text.loss_template(self._precision))
        loss = (loss_w + 2 * DiagramLabel.PAD_X, loss_h + 2 * DiagramLabel.PAD_Y + 3 * LABEL_GAP_PX)
        notes = max((note.pixel_size()[1] for note in self._notes), default=0.0)
        label_room = 0.0
        if self._edge_labels:
            compact = compact_lines(self._text.update_template(self._precision))
            assert compact is not None
            width = text_size(compact)[0] + 2 * DiagramLabel.PAD_X + 2 * LABEL_GAP_PX
            # Where edge labels may shrink (a high pixel ratio), room for them as shrunk
            # leaves the discs, and the node texts in them, larger.
            label_room = LABEL_ROOM_WIDTHS * width * self._edge_label_scale()
        geometry = fitted_geometry(
            layout.layer_sizes,
            self.view_box.width(),
            self.view_box.height(),
            text_radius_px=template + NODE_TEXT_INSET_PX if template else 0.0,
            output_label_px=loss,
            below_px=notes,
            gap_weights=self._gap_weights(),
            label_room_px=label_room,
        )
        if geometry is None or geometry == self._geometry:
            return False
        self._geometry = geometry
        new = diagram_layout(layout.layer_sizes, geometry.column_gaps, geometry.radius)
        if (new.column_x, new.radius) != (layout.column_x, layout.radius):
            self._apply_layout(new)
        return True

    def _gap_weights(self) -> list[float] | None:
        """Gaps with labels get width by how crowded their labels are; the loss label,
        under the output, counts as one more label of the last gap."""
        if not self._edge_labels:
            return None
        sizes = self.diagram_layout.layer_sizes
        weights = label_density(sizes)
        weights[-1] *= (self.diagram_layout.edge_count(len(sizes) - 2) + 1) / (
            self.diagram_layout.edge_count(len(sizes) - 2)
        )
        return weights

    def _apply_layout(self, layout: DiagramLayout) -> None:
        """Move every item to ``layout`` (of the same network)."""
        self._layout = layout
        depth = layout.depth
        self._segments = [layout.segments(g) for g in range(depth)]
        assert self._edges is not None and self._text is not None and self._nodes is not None
        self._edges.set_layout(layout, self._segments)
        self._text.layout = layout
        columns = [(layout.node_x[l], layout.node_y[l]) for l in range(depth + 1)]
        biases = [([layout.column(l)], [layout.bias_y[l]]) for l in range(depth)]
        self._nodes.set_groups([*columns, *biases], layout.radius)
        for l, labels in enumerate(self._node_labels):
            for label, x, y in zip(labels, layout.node_x[l], layout.node_y[l], strict=True):
                label.setPos(float(x), float(y))
        for l, label in enumerate(self._bias_labels):
            label.setPos(layout.column(l), layout.bias_y[l])
        self._place_notes()
        self._update_edges()
        self._update_selection()
        self.layout_changed.emit()

    def rebuild(self) -> None:
        """Build every item anew for the model's network (after a structure change)."""
        self._close_editor()
        if self._edges is not None:
            self._edges.remove()
        old = [*self._notes, self._nodes, self._ring, self._halo]
        for item in [*old, self._loss_label]:
            if item is not None:
                self.view_box.removeItem(item)
        for group in [*self._node_labels, self._bias_labels, *self._edge_labels]:
            for label in group:
                self.view_box.removeItem(label)
        net = self.model.network
        # Laid out for a view of unknown shape; fit() adapts it to the view's.
        self._layout = layout = diagram_layout(net.layer_sizes)
        self._geometry = None
        depth = layout.depth
        self._segments = [layout.segments(g) for g in range(depth)]
        n_edges = sum(layout.edge_count(g) for g in range(depth))
        rows = max(n + (l < depth) for l, n in enumerate(layout.layer_sizes))
        self._small = n_edges <= DASHED_MAX_EDGES
        self._edges = EdgeBatches(self.view_box, layout, self._segments, self._small)
        self._text = DiagramText(self.model, layout)

        dots = rows > DOT_NODES_ROWS
        self._nodes = NodeDiscs(dots=dots, dot_px=NODE_DOT_PX)
        self._nodes.setZValue(10)
        self.view_box.addItem(self._nodes, ignoreBounds=True)
        self._ring = pg.ScatterPlotItem(pxMode=False, antialias=True, symbol="o")
        self._ring.setZValue(12)
        self.view_box.addItem(self._ring, ignoreBounds=True)
        self._halo = pg.PlotCurveItem(antialias=True)
        self._halo.setZValue(1)
        self.view_box.addItem(self._halo, ignoreBounds=True)

        self._node_labels, self._bias_labels, self._edge_labels = [], [], []
        if rows <= NODE_LABEL_MAX_ROWS:
            # Unboxed and unfilled: the text stays inside its disc.
            for n in layout.layer_sizes:
                labels = [self._add_label(DiagramLabel(boxed=False), 30) for _ in range(n)]
                for label in labels:
                    label.set_background(None)
                self._node_labels.append(labels)
            for _ in range(depth):
                label = self._add_label(DiagramLabel(boxed=False), 30)
                label.set_content([("1", "text", True)], COLOURS["text"])
                label.set_background(None)
                self._bias_labels.append(label)
        if n_edges <= EDGE_LABEL_MAX_EDGES:
            self._edge_labels = [
                [self._add_label(DiagramLabel(), 20) for _ in range(layout.edge_count(g))]
                for g in range(depth)
            ]
        # Starting at the output disc's left edge: centred, it would take the room the
        # labels of the last gap's lowest edges need.
        self._loss_label = self._add_label(DiagramLabel(anchor=(0.0, 0.0)), 20)
        self._notes = []
        for g in range(depth):
            count = layout.edge_count(g)
            if count > MAX_DRAWN_EDGES:
                note = self._add_label(DiagramLabel(anchor=(0.5, 0.0)), 20)
                text = f"drawn: the {MAX_DRAWN_EDGES:,} largest |w| of {count:,}"
                note.set_content([(text, "text", False)], COLOURS["node_border"])
                self._notes.append(note)

        self._apply_layout(layout)
        self._update_texts()
        if self.isVisible():
            self.fit()

    # --- read-only accessors (tests, other panels) ----------------------------------------
    def node_text(self, layer: int, index: int) -> str:
        """What node ``index`` of ``layer`` says at this phase (shown when there is room)."""
        lines = self.diagram_text.node_lines(layer, index, self._precision)
        return "\n".join(line[0] for line in lines)

    def node_label_visible(self, layer: int, index: int) -> bool:
        return bool(self._node_labels) and self._node_labels[layer][index].isVisible()

    def node_text_scale(self, layer: int, index: int) -> float:
        """How much node ``index`` of ``layer``'s text is shrunk to fit its disc (1: not)."""
        return self._node_labels[layer][index].text_scale() if self._node_labels else 0.0

    def edge_label_text(self, layer: int, j: int, i: int) -> str | None:
        """The label on the edge of ``weights[layer][j, i]`` as shown (one line, or two
        where one does not fit); None when hidden."""
        sizes = self.diagram_layout.gap_sizes(layer)
        return self._label_text(layer, edge_number(sizes, "weight", j, i))

    def bias_label_text(self, layer: int, j: int) -> str | None:
        """The label on the edge of ``biases[layer][j]``; None when hidden."""
        sizes = self.diagram_layout.gap_sizes(layer)
        return self._label_text(layer, edge_number(sizes, "bias", j))

    def loss_text(self) -> str | None:
        label = self._loss_label
        return label.text() if label is not None and label.isVisible() else None

    def visible_edge_labels(self) -> int:
        return sum(label.isVisible() for group in self._edge_labels for label in group)

    def highlighted_layer(self) -> int | None:
        return focus(self.model.phase, self.diagram_layout.depth)[0]

    def node_fills(self) -> list[str]:
        """The fill colour (#rrggbb) of each column's discs, layer 0 to L, as drawn."""
        assert self._nodes is not None
        depth = self.diagram_layout.depth
        return [self._nodes.style(l)[0].color().name() for l in range(depth + 1)]

    def edge_item_count(self) -> int:
        """Graphics items drawing the edges (a few batches, never one per edge)."""
        return 0 if self._edges is None else len(self._edges)

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
        kind = "bias" if i is None else "weight"
        number = edge_number(self.diagram_layout.gap_sizes(layer), kind, j, i or 0)
        x0, y0, x1, y1 = (float(s[number]) for s in self._segments[layer])
        return x0 + t * (x1 - x0), y0 + t * (y1 - y0)

    def map_to_viewport(self, x: float, y: float) -> QPoint:
        """A diagram point in the canvas viewport's pixel coordinates."""
        return self.canvas.mapFromScene(self.view_box.mapViewToScene(QPointF(x, y)))

    def tooltip_at(self, x: float, y: float) -> str | None:
        """The tooltip for the diagram point (x, y): exact values of the node or edge there."""
        hit = self._hit(x, y)
        return None if hit is None else self.diagram_text.tooltip(hit)

    @property
    def editor(self) -> ValueEditor | None:
        return self._editor

    # --- model signals --------------------------------------------------------------------
    def _on_stepped(self) -> None:
        self._close_editor()
        if not self._texts_current():
            self._update_texts()

    def _on_network_changed(self) -> None:
        if tuple(self.model.network.layer_sizes) != self.diagram_layout.layer_sizes:
            self.rebuild()
            return
        self._update_edges()
        if not self._texts_current():
            self._update_texts()

    def _texts_current(self) -> bool:
        """Whether the texts show the model's network, step record and phase already. A
        step into Update emits stepped and network_changed, an edit network_changed and
        stepped: writing the texts and placing the labels once is half the work."""
        m, shown = self.model, self._texts_shown
        return shown is not None and (
            shown[0] is m.network and shown[1] is m.record and shown[2] == m.phase
        )

    def _on_trained(self) -> None:
        # While training runs the weights move on without network_changed (that comes
        # when it stops): the edges follow, at most LIVE_EDGES_PER_SECOND times a second,
        # so a lecture hall sees the network learn without the diagram eating the time.
        if not self.model.training_live:
            return
        now = time.monotonic()
        if now - self._last_live_edges >= 1.0 / LIVE_EDGES_PER_SECOND:
            self._last_live_edges = now
            self._update_edges()
        self._hide_edge_labels_while_training()

    def _hide_edge_labels_while_training(self) -> None:
        """The weights' numbers would stay those of the weights before training while the
        edges move, and placing a hundred labels at each live repaint halved the rate of
        repaints: they are hidden while training runs, and written and placed again for
        the weights it stops at (network_changed)."""
        if not self.model.training_live:
            return
        for labels in self._edge_labels:
            for label in labels:
                if label.isVisible():
                    label.setVisible(False)

    def _on_gradcheck_changed(self) -> None:
        self._update_texts()

    # --- drawing ----------------------------------------------------------------------------
    def _add_label(self, label: DiagramLabel, z: float) -> DiagramLabel:
        label.setZValue(z)
        self.view_box.addItem(label, ignoreBounds=True)
        return label

    def _label_text(self, gap: int, number: int) -> str | None:
        if not self._edge_labels:
            return None
        label = self._edge_labels[gap][number]
        return label.text() if label.isVisible() else None

    def _update_edges(self) -> None:
        """Re-bin every edge by sign and |w| into the batch items (after a network change)."""
        net = self.model.network
        depth = self.diagram_layout.depth
        assert self._edges is not None
        # Per gap: weights row-major then biases, the layout's edge order.
        self._edges.set_values(
            [np.concatenate([net.weights[g].ravel(), net.biases[g]]) for g in range(depth)]
        )
        self._update_highlight()

    def _update_highlight(self) -> None:
        layer, gaps = focus(self.model.phase, self.diagram_layout.depth)
        assert self._edges is not None
        self._edges.set_focus(gaps)
        layout = self.diagram_layout
        k = display_scale()
        strong_pen = pg.mkPen(COLOURS["node_border"], width=(2.5 if self._small else 1.0) * k)
        dim_border = QColor(COLOURS["node_border"])
        dim_border.setAlphaF(0.45)
        dim_pen = pg.mkPen(dim_border, width=(1.5 if self._small else 0.5) * k)
        fills = [COLOURS["node_focus" if l == layer else "node"] for l in range(layout.depth + 1)]
        strong = [l == layer for l in range(layout.depth + 1)]
        fills += [COLOURS["bias_node"]] * layout.depth
        strong += [l in gaps for l in range(layout.depth)]
        assert self._nodes is not None
        for n in range(self._nodes.group_count()):
            # The same style again changes nothing (NodeDiscs compares them).
            self._nodes.set_style(n, pg.mkBrush(fills[n]), strong_pen if strong[n] else dim_pen)
        for l, labels in enumerate(self._node_labels):
            for label in labels:
                label.setOpacity(1.0 if l == layer else 0.55)
        for l, label in enumerate(self._bias_labels):
            label.setOpacity(1.0 if l in gaps else 0.55)
        for g, labels in enumerate(self._edge_labels):
            for label in labels:
                label.setOpacity(1.0 if g in gaps else 0.5)

    def _update_texts(self) -> None:
        """Numbers of the current phase on the nodes and edges; then place the labels."""
        text, precision = self.diagram_text, self._precision
        m = self.model
        self._texts_shown = (m.network, m.record, m.phase)
        for l, labels in enumerate(self._node_labels):
            for k, label in enumerate(labels):
                label.set_content(text.node_lines(l, k, precision), COLOURS["text"])
        if self._edge_labels:
            numeric = text.numeric_gradient()
            for g, labels in enumerate(self._edge_labels):
                sizes = self.diagram_layout.gap_sizes(g)
                for e, label in enumerate(labels):
                    kind, j, i = edge_of(sizes, e)
                    lines, border = text.edge_lines(g, kind, j, i, numeric, precision)
                    label.set_content(lines, border, compact_lines(lines))
        assert self._loss_label is not None
        self._loss_label.set_content(text.loss_lines(precision), COLOURS["text"])
        self._update_highlight()
        self._place_labels()

    # --- placing labels --------------------------------------------------------------------------
    def _on_range_changed(self, *_: object) -> None:
        self._relayout.start()

    def _on_relayout(self) -> None:
        """After the view's size or range settled: lay out anew for its shape (if fitted),
        then place the labels."""
        if self._auto_fit and self._adapt_layout():
            self._fit_range()
        self._place_labels()

    def _on_manual_range(self, *_: object) -> None:
        self._auto_fit = False
        self._close_editor()

    def _on_resized(self, *_: object) -> None:
        # Refit the present layout at once; a new layout for the new shape waits until the
        # resizing pauses (RELAYOUT_DELAY_MS), since a large network re-bins every edge.
        if self._auto_fit and self._layout is not None:
            self._fit_range()
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
        """Put every label where it overlaps nothing placed before it; hide the rest
        (see :func:`place_diagram_labels`)."""
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
        self._place_notes()
        _, gaps = focus(self.model.phase, layout.depth)
        self._label_rects = place_diagram_labels(
            layout,
            self._segments,
            scale,
            self._node_labels,
            self._bias_labels,
            self._loss_label,
            self._edge_labels,
            gaps,
            node_text_radius=self._node_text_radius,
            edge_label_scale=self._edge_label_scale(),
            min_text_scale=NODE_TEXT_MIN_POINT_SIZE / (FONT_POINT_SIZE * self._screen_ratio()),
        )
        self._hide_edge_labels_while_training()  # a resize or zoom while training runs

    def _place_notes(self) -> None:
        """The "drawn: the largest |w|" notes under their gaps, kept within the diagram's
        width (the first gap's centre is often nearer the edge than half a note)."""
        layout = self._layout
        if layout is None or not self._notes:
            return
        scale = self._pixel_size()
        x_min, _, x_max, bottom = layout.bounds()
        gaps = [g for g in range(layout.depth) if layout.edge_count(g) > MAX_DRAWN_EDGES]
        for note, g in zip(self._notes, gaps, strict=True):
            x = (layout.column(g) + layout.column(g + 1)) / 2
            if scale is not None:
                half = note.pixel_size()[0] / 2 * scale[0]
                x = min(max(x, x_min + half), max(x_max - half, x_min + half))
            note.setPos(x, bottom)

    def _screen_ratio(self) -> float:
        """How many times their size at FONT_POINT_SIZE and ratio 1 the labels are drawn on
        the physical screen: the device pixel ratio times the display scale (View › Scale),
        which enlarges them as a ratio would."""
        return self.devicePixelRatioF() * display_scale()

    def _edge_label_scale(self) -> float:
        """How far edge labels may shrink on this screen (1: not at all)."""
        ratio = self._screen_ratio()
        return min(1.0, EDGE_LABEL_MIN_POINT_SIZE / (FONT_POINT_SIZE * ratio))

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
        pen = QPen(QColor(COLOURS["selection"]), 4.0 * display_scale())
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
            halo = QPen(colour, 14.0 * display_scale())
            halo.setCosmetic(True)
            self._halo.setData(x=[x0, x1], y=[y0, y1], pen=halo)
            self._outlined = sel

    # --- the mouse ---------------------------------------------------------------------------
    def _hit(self, x: float, y: float) -> DiagramHit | None:
        """The node or edge at the diagram point (x, y); edges within a few pixels."""
        layout = self._layout
        if layout is None:
            return None
        scale = self._pixel_size()
        tolerance = HIT_TOLERANCE_PX * scale[0] if scale else 0.1
        return hit_test(layout, self._segments, x, y, tolerance)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self.view_box.mapSceneToView(scene_pos)
        hit = self._hit(point.x(), point.y())
        text = "" if hit is None else self.diagram_text.tooltip(hit)
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
    def edit(self, hit: DiagramHit) -> ValueEditor | None:
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

    def _edit_spot(self, hit: DiagramHit) -> tuple[float, float]:
        sizes = self.diagram_layout.gap_sizes(hit.layer)
        number = edge_number(sizes, hit.kind, hit.index, hit.source)
        if self._edge_labels:
            label = self._edge_labels[hit.layer][number]
            if label.isVisible():
                return label.pos().x(), label.pos().y()
        return self.edge_point(hit.layer, hit.index, hit.source if hit.kind == "weight" else None)

    def _close_editor(self) -> None:
        editor, self._editor = self._editor, None
        if editor is not None:
            editor.close_editor()


def _selection(hit: DiagramHit | None) -> Selection | None:
    if hit is None or hit.kind == "bias_node":
        return None
    if hit.kind == "neuron":
        return Selection("neuron", hit.layer, hit.index)
    return Selection(hit.kind, hit.layer, hit.index, hit.source)


__all__ = ["COLOURS", "DiagramLabel", "NetworkView", "Progress", "ValueEditor", "focus", "progress"]
