"""What each hidden neuron responds to: its activation over the input plane, as small maps.

For data with two inputs, every hidden neuron gets a map of its activation a over the
plane the data view shows (each input's range, widened a little). Colours follow the
diagram's signs: blue where the neuron is more active than its midpoint, vermillion
where less, white at the midpoint (0 for tanh, 0.5 for sigmoid; for ReLU, linear and
leaky ReLU, 0, with the scale set by the largest |a| on the map). Hovering a map shows it
enlarged above the others, with its range of values.

:class:`NeuronMaps` is the panel; :func:`activation_image` computes one map's pixels and
:class:`NeuronMapOverlay` puts the maps on the network diagram's hidden nodes.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.network import Network
from mlpviz.engine.numbers import format_number
from mlpviz.engine.types import Array
from mlpviz.gui.input_plane import InputPlane, input_plane, layer_values
from mlpviz.gui.live_refresh import PANELS_MS, LiveRefresh
from mlpviz.gui.network_view import LIVE_EDGES_PER_SECOND
from mlpviz.gui.session_model import SessionModel

POSITIVE = np.array([0x00, 0x72, 0xB2], dtype=float)  # the diagram's blue
NEGATIVE = np.array([0xD5, 0x5E, 0x00], dtype=float)  # and vermillion
COLOURS: dict[str, str] = {
    "positive": "#0072B2",  # more active than the midpoint
    "negative": "#D55E00",  # less active
    "midpoint": "#FFFFFF",  # the diagram's node colour: its text stays readable on a map
}
"""The maps' colour scale, read at each drawing (the light theme as written;
:mod:`mlpviz.gui.themes` replaces the entries and calls ``apply_colours()`` on the panel
and the diagram overlay)."""
MAP_RESOLUTION = 36
"""Grid points along each axis of a neuron's map."""
TILE_PX = 52
LARGE_PX = 220
LARGE_MIN_PX = 96
"""The enlarged map is LARGE_PX square where the dock has room, and shrinks to this in a
short one: at 220 pixels fixed, it made the window too tall for a 1080p screen at 150 %
(1280 × 720 logical pixels, less a taskbar)."""
MAX_TILES_PER_LAYER = 128
"""Wider layers show their first neurons' maps only (and say so)."""
TILE_COLUMNS = 8
OVERLAY_Z = 11
"""Above the diagram's nodes (10), below its labels (20 and up)."""
NODE_FILL = 0.72
"""Side of a node's map as a share of the node's diameter: it stays inside the circle."""
HOVER_SCALE = 3.0
MIDPOINTS = {"sigmoid": 0.5}
BOUNDED = {"sigmoid": 0.5, "tanh": 1.0}
"""Half-range of bounded activations: their colour scale is fixed, so maps compare."""


def activation_image(activation: str, a: Array, shape: tuple[int, int]) -> Array:
    """RGB (R_y, R_x, 3) uint8 for one neuron's activations ``a: (R_y·R_x,)``: COLOURS'
    midpoint (white in the light theme) at the activation's midpoint, its positive colour
    above it, its negative one below (module docstring)."""
    mid = MIDPOINTS.get(activation, 0.0)
    half = BOUNDED.get(activation)
    clean = np.nan_to_num(a - mid, nan=0.0, posinf=1e300, neginf=-1e300)
    if half is None:
        top = float(np.max(np.abs(clean))) if clean.size else 0.0
        half = top if top > 0 else 1.0
    t = np.clip(clean / half, -1.0, 1.0)[:, None]
    colour = np.where(t >= 0, _rgb(COLOURS["positive"]), _rgb(COLOURS["negative"]))
    rgb = _rgb(COLOURS["midpoint"]) * (1 - np.abs(t)) + colour * np.abs(t)
    return np.clip(rgb, 0, 255).reshape(*shape, 3).astype(np.uint8)


def _rgb(colour: str) -> Array:
    c = colour.lstrip("#")
    return np.array([int(c[k : k + 2], 16) for k in (0, 2, 4)], dtype=float)


def _pixmap(rgb: Array, size: int) -> QPixmap:
    height, width = rgb.shape[:2]
    # Flip so that the first row (the lowest y) is drawn at the bottom, as on a plot.
    data = np.ascontiguousarray(rgb[::-1])
    image = QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(image).scaled(
        size,
        size,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class _Tile(QLabel):
    """One neuron's small map; hovering it shows it enlarged."""

    def __init__(self, layer: int, index: int, panel: NeuronMaps) -> None:
        super().__init__(panel)
        self.layer, self.index = layer, index
        self._panel = panel
        self.setFixedSize(TILE_PX, TILE_PX)
        self.setFrameShape(QLabel.Shape.Box)

    def enterEvent(self, event: QEvent) -> None:
        self._panel.show_large(self.layer, self.index)
        super().enterEvent(event)


class _LargeMap(QWidget):
    """The enlarged map: a square pixmap drawn as large as the widget allows, up to
    LARGE_PX and down to LARGE_MIN_PX, framed."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self.setMinimumSize(LARGE_MIN_PX, LARGE_MIN_PX)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)

    def sizeHint(self) -> QSize:
        return QSize(LARGE_PX, LARGE_PX)

    def pixmap(self) -> QPixmap:
        return self._pixmap

    def setPixmap(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self.update()

    def clear(self) -> None:
        self.setPixmap(QPixmap())

    def square(self) -> QRect:
        """Where the map is drawn: the largest centred square, frame included."""
        side = min(self.width(), self.height())
        return QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        square = self.square()
        if not self._pixmap.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawPixmap(square.adjusted(1, 1, -1, -1), self._pixmap)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawRect(square.adjusted(0, 0, -1, -1))
        painter.end()


class NeuronMaps(QWidget):
    """A map per hidden neuron of what it responds to over the input plane (two inputs)."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._plane: InputPlane | None = None
        self._values: list[Array] = []  # a[l] over the plane, l = 0..L
        self._drawn: tuple[Network, int] | None = None
        self._revision = 0
        self._large = (1, 0)
        self.tiles: list[list[_Tile]] = []

        self.large = _LargeMap(self)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.grid_host = QWidget()
        self.grid = QVBoxLayout(self.grid_host)
        self.grid.setSpacing(3)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.large, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)

        self._live = LiveRefresh(model, self.refresh, PANELS_MS, self)
        self._live.follow_training_in_sight(self)
        self._live.follow_changes_in_sight(model.network_changed)
        model.structure_changed.connect(self._rebuild)
        model.data_changed.connect(self._rebuild)
        self._rebuild()

    # --- public ---------------------------------------------------------------------
    @property
    def plane(self) -> InputPlane | None:
        return self._plane

    def neuron_values(self, layer: int, index: int) -> Array:
        """The activations of neuron ``index`` of hidden layer ``layer`` over the plane,
        (R_y, R_x); empty without two inputs."""
        if self._plane is None:
            return np.empty((0, 0))
        return self._values[layer][:, index].reshape(self._plane.shape)

    def show_large(self, layer: int, index: int) -> None:
        """Show neuron ``index`` of hidden layer ``layer`` enlarged (what hovering does)."""
        self._large = (layer, index)
        self._draw_large()

    def apply_colours(self) -> None:
        """Re-read :data:`COLOURS` (after a theme change) and redraw the maps."""
        self._drawn = None
        self.refresh()

    def refresh(self) -> None:
        """Recompute the maps if the network changed since they were drawn."""
        net = self.model.network
        if self._plane is None or (
            self._drawn is not None and self._drawn[0] is net and self._drawn[1] == self._revision
        ):
            return
        if [len(tiles) for tiles in self.tiles] != [
            min(n, MAX_TILES_PER_LAYER) for n in net.layer_sizes[1:-1]
        ]:
            return  # a new shape: structure_changed rebuilds the tiles
        self._drawn = (net, self._revision)
        self._values = layer_values(net, self._plane.points)
        for l, tiles in enumerate(self.tiles, start=1):
            act = net.activations[l - 1]
            for tile in tiles:
                rgb = activation_image(act, self._values[l][:, tile.index], self._plane.shape)
                tile.setPixmap(_pixmap(rgb, TILE_PX))
        self._draw_large()

    # --- building ------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self._revision += 1
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.tiles = []
        data, net = self.model.data, self.model.network
        hidden = net.layer_sizes[1:-1]
        if data.n_inputs != 2 or not hidden:
            self._plane = None
            why = (
                f"the data have {data.n_inputs} input{'s' if data.n_inputs != 1 else ''}"
                if data.n_inputs != 2
                else "the network has no hidden layer"
            )
            self.note.setText(f"Neuron maps are drawn for two inputs and hidden layers: {why}.")
            self.large.clear()
            self.large.hide()
            self.caption.clear()
            return
        x = np.concatenate([data.x_train, data.x_test]) if len(data.x_test) else data.x_train
        self._plane = input_plane(x, (0, 1), MAP_RESOLUTION)
        self.large.show()
        cut = [n for n in hidden if n > MAX_TILES_PER_LAYER]
        self.note.setText(
            "Blue: more active than the midpoint, vermillion: less; hover a map to enlarge it."
            + (f" Layers wider than {MAX_TILES_PER_LAYER} show their first ones." if cut else "")
        )
        for l, n in enumerate(hidden, start=1):
            self.grid.addWidget(QLabel(f"Layer {l} ({net.activations[l - 1]}, {n} neurons)"))
            block = QWidget()
            tiles = QGridLayout(block)
            tiles.setContentsMargins(0, 0, 0, 0)
            tiles.setSpacing(3)
            row = []
            for j in range(min(n, MAX_TILES_PER_LAYER)):
                tile = _Tile(l, j, self)
                tile.setToolTip(f"Layer {l}, neuron {j + 1}")
                tiles.addWidget(tile, j // TILE_COLUMNS, j % TILE_COLUMNS)
                row.append(tile)
            tiles.setColumnStretch(TILE_COLUMNS, 1)
            self.grid.addWidget(block)
            self.tiles.append(row)
        self.grid.addStretch(1)
        if not (1 <= self._large[0] <= len(hidden) and self._large[1] < hidden[self._large[0] - 1]):
            self._large = (1, 0)
        self._drawn = None
        self.refresh()

    def _draw_large(self) -> None:
        if self._plane is None or not self._values:
            return
        layer, index = self._large
        act = self.model.network.activations[layer - 1]
        values = self._values[layer][:, index]
        rgb = activation_image(act, values, self._plane.shape)
        self.large.setPixmap(_pixmap(rgb, LARGE_PX))
        low, high = (format_number(float(v), 3) for v in (np.nanmin(values), np.nanmax(values)))
        self.caption.setText(
            f"<b>Layer {layer}, neuron {index + 1}</b> ({act}): a from {low} to {high} "
            "over the input plane (x₁ across, x₂ up)."
        )


class _NodeMap(pg.ImageItem):
    """A neuron's map on its node of the diagram, inside its circle; HOVER_SCALE times
    larger and on top while hovered."""

    def __init__(self, layer: int, index: int) -> None:
        super().__init__(axisOrder="row-major")
        self.layer, self.index = layer, index
        self._centre, self._size = (0.0, 0.0), 1.0
        self.hovered = False
        self.setAcceptHoverEvents(True)
        self.setZValue(OVERLAY_Z)

    def place(self, centre: tuple[float, float], size: float) -> None:
        self._centre, self._size = centre, size
        s = size * (HOVER_SCALE if self.hovered else 1.0)
        x, y = centre
        self.setRect(QRectF(x - s / 2, y - s / 2, s, s))

    def set_rgb(self, rgb: Array) -> None:
        # The diagram's y axis points down: flip so that x₂ grows upwards as on a plot.
        self.setImage(np.ascontiguousarray(rgb[::-1]), autoLevels=False)
        self.place(self._centre, self._size)

    def hoverEvent(self, event: object) -> None:
        self.hovered = not event.isExit()  # type: ignore[attr-defined]
        self.setZValue(OVERLAY_Z + 30 if self.hovered else OVERLAY_Z)
        self.place(self._centre, self._size)


class NeuronMapOverlay(QObject):
    """Each hidden neuron's map drawn on its node of the network diagram (two inputs).

    Uses only the diagram's public accessors: ``view_box``, ``node_position(layer, index)``,
    ``diagram_layout`` and ``layout_changed``. The maps appear once the network has been
    trained (an epoch in the history, or training running): before that the diagram is
    the stepping lecture's, whose numbers fill the discs. Layers wider than
    MAX_TILES_PER_LAYER get no maps (their nodes are dots by then). :meth:`set_shown`
    turns them off and on.
    """

    def __init__(self, model: SessionModel, diagram: QWidget) -> None:
        super().__init__(diagram)
        self.model = model
        self.diagram = diagram
        self.items: list[_NodeMap] = []
        self.shown = True
        self._plane: InputPlane | None = None
        self._drawn: Network | None = None
        self._built_for: list[int] = []
        self._built_wanted = False
        self.placed_layout: object = None
        # The diagram says when its nodes move (a rebuild for a new shape included).
        diagram.layout_changed.connect(self._on_layout_changed)  # type: ignore[attr-defined]
        self._last_live = -math.inf
        model.trained.connect(self._on_trained)
        model.network_changed.connect(self.refresh)
        model.data_changed.connect(self.rebuild)
        model.trained.connect(self._on_training)
        model.history_changed.connect(self._on_training)
        self.rebuild()

    def set_shown(self, on: bool) -> None:
        self.shown = on
        self.rebuild()

    def apply_colours(self) -> None:
        """Re-read :data:`COLOURS` (after a theme change) and redraw the maps."""
        self._drawn = None
        self.refresh()

    def _wanted(self) -> bool:
        return self.shown and (self.model.training_live or bool(self.model.history.epoch))

    def _on_trained(self) -> None:
        # While training runs, the maps change with the diagram's edges: at most
        # LIVE_EDGES_PER_SECOND times a second, in the same hand-over, so that the
        # diagram, costly to paint, is painted once for both.
        if self.model.training_live:
            now = time.monotonic()
            if now - self._last_live < 1.0 / LIVE_EDGES_PER_SECOND:
                return
            self._last_live = now
        else:
            self._last_live = -math.inf  # the next run's first hand-over shows at once
        self.refresh()

    def _on_training(self) -> None:
        if self._wanted() != self._built_wanted:
            self.rebuild()

    def rebuild(self) -> None:
        box = self.diagram.view_box  # type: ignore[attr-defined]
        for item in self.items:
            box.removeItem(item)
        self.items = []
        self._drawn = None
        self._plane = None
        data, net = self.model.data, self.model.network
        self._built_for = list(net.layer_sizes)
        self._built_wanted = self._wanted()
        hidden = net.layer_sizes[1:-1]
        if not self._built_wanted or data.n_inputs != 2 or not hidden:
            return
        if max(hidden) > MAX_TILES_PER_LAYER:
            return
        x = np.concatenate([data.x_train, data.x_test]) if len(data.x_test) else data.x_train
        self._plane = input_plane(x, (0, 1), MAP_RESOLUTION)
        for l, n in enumerate(hidden, start=1):
            for j in range(n):
                item = _NodeMap(l, j)
                box.addItem(item, ignoreBounds=True)
                self.items.append(item)
        self.place()
        self.refresh()

    def _on_layout_changed(self) -> None:
        if self.model.network.layer_sizes != self._built_for:
            self.rebuild()
        else:
            self.place()

    def place(self) -> None:
        """Put the maps on the nodes as the diagram is laid out now."""
        layout = self.diagram.diagram_layout  # type: ignore[attr-defined]
        if list(layout.layer_sizes) != self.model.network.layer_sizes:
            return  # the diagram has not been rebuilt yet: layout_changed follows
        self.placed_layout = layout
        size = 2 * float(layout.radius) * NODE_FILL
        for item in self.items:
            item.place(self.diagram.node_position(item.layer, item.index), size)  # type: ignore[attr-defined]

    def refresh(self) -> None:
        net = self.model.network
        if self._plane is None or net is self._drawn or not self.items:
            return
        if net.layer_sizes != self._built_for:
            return  # a new shape: the queued rebuild draws it
        self._drawn = net
        values = layer_values(net, self._plane.points)
        for item in self.items:
            act = net.activations[item.layer - 1]
            item.set_rgb(
                activation_image(act, values[item.layer][:, item.index], self._plane.shape)
            )
