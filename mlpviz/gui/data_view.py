"""The data and what the network makes of them.

Two inputs: the samples as points coloured by class (training samples filled, test samples
hollow) over the network's output on the whole plane, a heatmap: for classes, each pixel
takes the colour of the class the network picks there, the stronger the surer it is, so
the decision boundary is the pale band between colours; for regression, the output on a
sequential scale shared with the points' targets. More than two inputs: the same over a
plane of two chosen inputs, the others held at their mean. One input: the points and the
network's curve.

The view follows ``SessionModel.trained`` (live, throttled by the training controller) and
redraws only when the network or the data really changed.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.network import Network
from mlpviz.engine.numbers import format_number
from mlpviz.engine.types import Array
from mlpviz.gui.input_plane import (
    InputPlane,
    axis_range,
    class_of,
    input_line,
    input_plane,
    layer_values,
)
from mlpviz.gui.live_refresh import DATA_VIEW_MS, LiveRefresh
from mlpviz.gui.plot_style import style_axes
from mlpviz.gui.session_model import SessionModel

# Okabe–Ito first (colour-blind safe), then two of Paul Tol's for the tenth digit.
CLASS_COLOURS = (
    "#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00",
    "#56B4E9", "#F0E442", "#000000", "#999999", "#882255",
)  # fmt: skip
REGRESSION_STOPS = ((0.0, "#FFF7BC"), (0.5, "#41B6C4"), (1.0, "#253494"))
"""A sequential yellow–teal–blue scale for outputs and targets (ColorBrewer YlGnBu)."""
COLOURS: dict[str, str] = {
    "background": "#FFFFFF",
    "foreground": "#000000",  # axes, and the points of a one-input regression
    "unsure": "#FFFFFF",  # the heatmap where the network cannot tell the classes apart
    "point_edge": "#1E1E1E",  # the outline of a filled (training) point
    "curve": "#0072B2",  # the network's output over one input
    **{f"class_{k}": c for k, c in enumerate(CLASS_COLOURS)},
}
"""What the view draws in, read at each drawing; :mod:`mlpviz.gui.themes` replaces the
entries and calls :meth:`DataView.apply_colours`. As written: the light theme."""
TINT = 0.6
"""How strongly the surest pixel takes its class colour (1 = the full colour)."""
RESOLUTION = 100
"""Grid points along each axis of the heatmap..."""
LARGE_RESOLUTION = 60
"""... and for networks of more than LARGE_NETWORK weights, which cost more per point."""
LARGE_NETWORK = 5000
POINT_SIZE = 8
MAX_POINTS = 3000
"""More samples than this are drawn as a seeded random subset: the picture is the same."""


def _rgb(colour: str) -> Array:
    c = colour.lstrip("#")
    return np.array([int(c[k : k + 2], 16) for k in (0, 2, 4)], dtype=float)


def class_colours() -> list[str]:
    """The classes' colours in the theme in force (:data:`COLOURS`), class 0 first."""
    return [COLOURS[f"class_{k}"] for k in range(len(CLASS_COLOURS))]


def class_image(outputs: Array, shape: tuple[int, int]) -> Array:
    """RGBA (R_y, R_x, 4) uint8 from network outputs ``(R_y·R_x, K)``: the picked class's
    colour, tinted by how sure the network is (COLOURS["unsure"], white in the light theme,
    on the boundary)."""
    if outputs.shape[1] == 1:
        p = np.nan_to_num(outputs[:, 0], nan=0.5)
        picked = (p >= 0.5).astype(int)
        sure = np.clip(np.abs(2 * p - 1), 0, 1)
    else:
        k = outputs.shape[1]
        clean = np.nan_to_num(outputs, nan=1.0 / k)
        picked = np.argmax(clean, axis=1)
        sure = np.clip((clean.max(axis=1) - 1 / k) / (1 - 1 / k), 0, 1)
    table = np.array([_rgb(c) for c in class_colours()])
    colours = table[picked % len(table)]
    strength = (TINT * sure)[:, None]
    rgb = _rgb(COLOURS["unsure"]) * (1 - strength) + colours * strength
    return _rgba(rgb, shape)


def scale_colours(values: Array, low: float, high: float) -> Array:
    """RGB (N, 3) floats of ``values: (N,)`` on :data:`REGRESSION_STOPS` over [low, high]."""
    span = high - low if high > low else 1.0
    t = np.clip(np.nan_to_num((values - low) / span, nan=0.5), 0, 1)
    positions = [s for s, _ in REGRESSION_STOPS]
    stops = np.array([_rgb(c) for _, c in REGRESSION_STOPS])
    return np.column_stack([np.interp(t, positions, stops[:, ch]) for ch in range(3)])


def _rgba(rgb: Array, shape: tuple[int, int]) -> Array:
    image = np.empty((*shape, 4), dtype=np.uint8)
    image[..., :3] = np.clip(rgb, 0, 255).reshape(*shape, 3).astype(np.uint8)
    image[..., 3] = 255
    return image


class DataView(QWidget):
    """Samples and the network's output over their inputs (see the module docstring)."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._drawn: tuple[Network, int] | None = None  # network and data revision drawn
        self._revision = 0
        self._plane: InputPlane | None = None
        self._target_range = (0.0, 1.0)

        self.x_feature = QComboBox(self)
        self.y_feature = QComboBox(self)
        self.x_feature.setToolTip("The input on the horizontal axis")
        self.y_feature.setToolTip("The input on the vertical axis")
        self.features_row = QWidget(self)
        row = QHBoxLayout(self.features_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Across"))
        row.addWidget(self.x_feature, 1)
        row.addWidget(QLabel("and"))
        row.addWidget(self.y_feature, 1)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)

        self.plot_widget = pg.PlotWidget(background=COLOURS["background"])
        # The heatmap's pixels blend into each other instead of showing as blocks.
        self.plot_widget.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        plot = self.plot_widget.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.curve = pg.PlotCurveItem()
        plot.addItem(self.curve)
        self.train_points = pg.ScatterPlotItem(size=POINT_SIZE)
        self.test_points = pg.ScatterPlotItem(size=POINT_SIZE)
        for points in (self.train_points, self.test_points):
            # The samples stay put while training redraws the heatmap under them: kept as
            # a pixmap, they are not drawn again point by point at every live repaint.
            points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.addItem(points)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.features_row)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.legend)

        self.x_feature.currentIndexChanged.connect(self._on_features_chosen)
        self.y_feature.currentIndexChanged.connect(self._on_features_chosen)
        self._live = LiveRefresh(model, self.refresh, DATA_VIEW_MS, self)
        self._live.follow_training_in_sight(self)
        self._live.follow_changes_in_sight(model.network_changed)
        model.data_changed.connect(self._on_data_changed)
        model.structure_changed.connect(self._on_data_changed)
        self._style_plot()
        self._on_data_changed()

    # --- public ---------------------------------------------------------------------
    @property
    def plane(self) -> InputPlane | None:
        """The grid the heatmap is drawn on (None for one input)."""
        return self._plane

    def image_array(self) -> Array | None:
        """The heatmap's RGBA pixels (R_y, R_x, 4), row r at the plane's ys[r]."""
        return None if self.image.image is None else np.asarray(self.image.image)

    def apply_colours(self) -> None:
        """Re-read :data:`COLOURS` (after a theme change): background, axes, curve, points,
        legend and heatmap."""
        self._style_plot()
        self._draw_points()
        self._drawn = None
        self.refresh()

    def _style_plot(self) -> None:
        c = COLOURS
        style_axes(self.plot_widget, c["background"], c["foreground"])
        self.curve.setPen(pg.mkPen(c["curve"], width=3))

    def refresh(self) -> None:
        """Redraw the network's output if the network changed since the last drawing."""
        net = self.model.network
        if self._drawn is not None and self._drawn[0] is net and self._drawn[1] == self._revision:
            return
        self._drawn = (net, self._revision)
        if self._plane is not None:
            self._draw_plane(net, self._plane)
        elif self.model.data.n_inputs == 1:
            self._draw_line(net)

    # --- data --------------------------------------------------------------------------
    def _all_x(self) -> Array:
        d = self.model.data
        return np.concatenate([d.x_train, d.x_test]) if len(d.x_test) else d.x_train

    def _on_data_changed(self) -> None:
        self._revision += 1
        d = self.model.data
        names = d.feature_names or [f"x{i + 1}" for i in range(d.n_inputs)]
        many = d.n_inputs > 2
        self.features_row.setVisible(many)
        with QSignalBlocker(self.x_feature), QSignalBlocker(self.y_feature):
            self.x_feature.clear()
            self.y_feature.clear()
            if d.n_inputs >= 2:
                self.x_feature.addItems(names)
                self.y_feature.addItems(names)
                first, second = _default_features(d.feature_names, d.n_inputs)
                self.x_feature.setCurrentIndex(first)
                self.y_feature.setCurrentIndex(second)
        self._on_features_chosen()

    def _on_features_chosen(self) -> None:
        d = self.model.data
        plot = self.plot_widget.getPlotItem()
        names = d.feature_names or [f"x{i + 1}" for i in range(d.n_inputs)]
        if d.n_inputs >= 2:
            i, j = self.x_feature.currentIndex(), self.y_feature.currentIndex()
            if i == j:
                j = (i + 1) % d.n_inputs
            large = self.model.network.n_params > LARGE_NETWORK
            resolution = LARGE_RESOLUTION if large else RESOLUTION
            self._plane = input_plane(self._all_x(), (i, j), resolution)
            plot.setLabel("bottom", names[i])
            plot.setLabel("left", names[j])
        else:
            self._plane = None
            plot.setLabel("bottom", names[0])
            plot.setLabel("left", (d.target_names or ["y"])[0])
        self.image.setVisible(self._plane is not None)
        self.curve.setVisible(self._plane is None)
        if d.task == "regression":
            ys = np.concatenate([d.y_train[:, 0], d.y_test[:, 0]])
            self._target_range = (float(ys.min()), float(ys.max()))
        self._draw_points()
        self._drawn = None
        self.refresh()
        # The range from the data, not pyqtgraph's auto range: that pads the points by
        # their size in pixels, which is huge in data units while the view is small or
        # behind another tab.
        if self._plane is not None:
            x, y, w, h = self._plane.rect()
            plot.setRange(xRange=(x, x + w), yRange=(y, y + h), padding=0.0)
        else:
            xs = input_line(self._all_x(), resolution=2)[:, 0]
            ys = np.concatenate([d.y_train[:, 0], d.y_test[:, 0]])
            plot.setRange(xRange=tuple(xs), yRange=axis_range(ys), padding=0.0)

    def _draw_points(self) -> None:
        d = self.model.data
        rng = np.random.default_rng(0)
        for part, item, filled in (
            ((d.x_train, d.y_train), self.train_points, True),
            ((d.x_test, d.y_test), self.test_points, False),
        ):
            x, y = part
            if len(x) > MAX_POINTS:
                keep = np.sort(rng.choice(len(x), MAX_POINTS, replace=False))
                x, y = x[keep], y[keep]
            if len(x) == 0:
                item.setData([], [])
                continue
            if self._plane is not None:
                px, py = x[:, self._plane.features[0]], x[:, self._plane.features[1]]
            else:
                px, py = x[:, 0], y[:, 0]
            colours = self._point_colours(y)
            edge = pg.mkColor(COLOURS["point_edge"])
            edge.setAlpha(200)
            brushes = [pg.mkBrush(*c) if filled else pg.mkBrush(255, 255, 255, 0) for c in colours]
            pens = [pg.mkPen(edge, width=1) if filled else pg.mkPen(*c, width=2) for c in colours]
            item.setData(px, py, brush=brushes, pen=pens, symbol="o")
        self._update_legend()

    def _point_colours(self, y: Array) -> list[tuple[int, int, int]]:
        d = self.model.data
        if d.task == "classification":
            table = [tuple(int(v) for v in _rgb(c)) for c in class_colours()]
            return [table[k % len(table)] for k in class_of(y)]  # type: ignore[misc]
        if self._plane is None:
            return [tuple(int(v) for v in _rgb(COLOURS["foreground"]))] * len(y)  # type: ignore[misc]
        rgb = scale_colours(y[:, 0], *self._target_range).astype(int)
        return [tuple(int(v) for v in c) for c in rgb]  # type: ignore[misc]

    def _update_legend(self) -> None:
        d = self.model.data
        parts = []
        if d.task == "classification":
            names = d.class_names or [str(k) for k in range(max(d.n_outputs, 2))]
            colours = class_colours()
            for k, name in enumerate(names):
                colour = colours[k % len(colours)]
                parts.append(f"<span style='color:{colour}'>●</span> {name}")
        parts.append(f"● training ({len(d.x_train)})")
        if len(d.x_test):
            parts.append(f"○ test ({len(d.x_test)})")
        if self._plane is not None:
            if d.task == "classification":
                parts.append("background: the class the network picks, paler where less sure")
            else:
                low, high = (format_number(v, 3) for v in self._target_range)
                parts.append(
                    f"colour: the target (points) and the network's output (background), "
                    f"from {low} (pale) to {high} (dark)"
                )
            if d.n_inputs > 2:
                parts.append("the other inputs at their mean")
        elif d.n_inputs == 1:
            parts.append("line: the network's output")
        self.legend.setText("&nbsp;&nbsp; ".join(parts))

    # --- the network's output ----------------------------------------------------------
    def _draw_plane(self, net: Network, plane: InputPlane) -> None:
        outputs = layer_values(net, plane.points)[-1]
        if self.model.data.task == "classification":
            image = class_image(outputs, plane.shape)
        else:
            rgb = scale_colours(outputs[:, 0], *self._target_range)
            image = _rgba(255 * 0.35 + 0.65 * rgb, plane.shape)  # paler than the points
        self.image.setImage(image, autoLevels=False)
        x, y, w, h = plane.rect()
        self.image.setRect(x, y, w, h)

    def _draw_line(self, net: Network) -> None:
        line = input_line(self._all_x())
        outputs = layer_values(net, line)[-1]
        self.curve.setData(line[:, 0], np.nan_to_num(outputs[:, 0]))


def _default_features(names: list[str], n_inputs: int) -> tuple[int, int]:
    """The two inputs shown first: for Fisher's irises the petal measurements, which
    separate the species best; otherwise the first two."""
    petals = [k for k, name in enumerate(names) if name.startswith("petal")]
    if len(petals) == 2:
        return petals[0], petals[1]
    return 0, min(1, n_inputs - 1)
