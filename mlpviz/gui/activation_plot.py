"""The activation plot: f and f′ of the layer in focus, with this sample's z marked on both.

The markers on f are the layer's activations a = f(z); the markers on f′ are the slopes
that enter δ = ∂L/∂a ⊙ f′(z) in the backward pass. They appear once the forward pass has
reached the layer, so the plot never shows a number before the lecture has computed it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.activations import ACTIVATIONS, Activation, get_activation
from mlpviz.engine.stepper import Phase, PhaseKind
from mlpviz.engine.types import Array
from mlpviz.gui.live_refresh import LiveText
from mlpviz.gui.plot_style import style_axes
from mlpviz.gui.session_model import BEHIND_THE_DIAGRAM, Selection, SessionModel

# Okabe–Ito colours on a white background; a theme module may replace these entries
# and call ActivationPlot.apply_colours().
COLOURS: dict[str, str] = {
    "background": "#FFFFFF",
    "foreground": "#000000",
    "f": "#0072B2",  # blue
    "der": "#D55E00",  # vermillion
    "guide": "#7F7F7F",
}

# Half-width of the z axis when every |z| is small; the plot widens to 1.2·|z|max otherwise.
MIN_HALF_RANGE = 5.0
CURVE_POINTS = 401  # odd, so z = 0 (the ReLU kink) is a sample point
MAX_NEURON_LABELS = 8  # number the markers only while they stay readable


def focus_layer(phase: Phase, depth: int, selection: Selection | None) -> int:
    """The layer (1..L) whose activation matters now: the selected neuron's, weight's or
    bias's layer if any, else the layer the phase works on (the Loss → L). The Update
    computes no activation: it keeps layer 1, where the backward pass ended and the next
    sample's Input starts, so the plot stays as it is from Backward 1 to Forward 1."""
    if selection is not None:
        layer = selection.layer if selection.kind == "neuron" else selection.layer + 1
        if 1 <= layer <= depth:
            return layer
    if phase.kind in (PhaseKind.FORWARD, PhaseKind.BACKWARD):
        return phase.layer
    if phase.kind in (PhaseKind.INPUT, PhaseKind.UPDATE):
        return 1
    return depth


def activation_curves(act: Activation, z_row: Array, t: Array) -> tuple[Array, Array]:
    """f and f′ along the grid ``t: (M,)`` for each neuron of a layer whose current
    pre-activations are ``z_row: (n,)``.

    Elementwise activations give one curve each, shape (1, M). Softmax couples the
    neurons, so neuron k's curve is p_k as z_k runs over ``t`` with the other z fixed at
    ``z_row``, and f′ is the Jacobian's diagonal ∂p_k/∂z_k along it: shapes (n, M).
    """
    if act.elementwise:
        col = t.reshape(-1, 1)
        return act.f(col).T, act.der(col).T
    n = len(z_row)
    fs, ders = np.empty((n, len(t))), np.empty((n, len(t)))
    for k in range(n):
        z = np.tile(z_row, (len(t), 1))
        z[:, k] = t
        fs[k], ders[k] = act.f(z)[:, k], act.der(z)[:, k]
    return fs, ders


def _joined(t: Array, curves: Array) -> tuple[Array, Array]:
    """Several curves over the same grid as one polyline broken by NaNs (one item, one pen)."""
    m = len(t)
    x = np.full(len(curves) * (m + 1), np.nan)
    y = np.full_like(x, np.nan)
    for k, c in enumerate(curves):
        x[k * (m + 1) : k * (m + 1) + m] = t
        y[k * (m + 1) : k * (m + 1) + m] = c
    return x, y


class ActivationPlot(QWidget):
    """f and f′ of the layer in focus, a chooser for that layer, and its activation."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._layer = 1  # the layer shown

        self.layer_combo = QComboBox()
        self.layer_combo.setToolTip("Which layer's activation to plot: the phase's, or a fixed one")
        self.activation_combo = QComboBox()
        self.activation_combo.setToolTip(
            "The activation of this layer. Changing it is an edit: the step restarts at Forward 1."
        )
        self.formula_label = LiveText(self)  # a new layer's text without a new layout
        self.formula_label.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )

        row = QHBoxLayout()
        row.addWidget(QLabel("Layer:"))
        row.addWidget(self.layer_combo)
        row.addSpacing(12)
        row.addWidget(QLabel("Activation:"))
        row.addWidget(self.activation_combo)
        row.addStretch(1)

        self.plot_widget = pg.PlotWidget()
        plot = self.plot_widget.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.2)
        self.legend = plot.addLegend(offset=(10, 10))
        self.guides = pg.PlotCurveItem(connect="pairs")
        plot.addItem(self.guides)
        self.f_curve = plot.plot(name="f(z)")
        self.der_curve = plot.plot(name="f′(z)")
        # The curves change with the layer's activation and range, the markers on them at
        # every phase: kept as pictures, the curves (f′ a dashed antialiased line of 400
        # points) are copied, not stroked again, where a marker moves over them.
        for item in (self.f_curve.curve, self.der_curve.curve, self.legend):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.f_markers = plot.plot(name="a = f(z)")
        self.der_markers = plot.plot(name="f′(z) at z")
        self._labels: list[pg.TextItem] = []
        """Neuron numbers beside the markers on f, kept and moved rather than made anew."""
        self._drawn: dict[str, object] = {}
        """Each part of the plot → the inputs it was last drawn with (see _changed)."""

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.formula_label)
        layout.addWidget(self.plot_widget, 1)

        self.apply_colours()
        self._fill_layer_combo()
        self.layer_combo.currentIndexChanged.connect(self._on_layer_chosen)
        self.activation_combo.currentIndexChanged.connect(self._on_activation_chosen)
        model.stepped.connect(self._on_model_change, BEHIND_THE_DIAGRAM)
        model.network_changed.connect(self._on_model_change, BEHIND_THE_DIAGRAM)
        model.selection_changed.connect(self._on_model_change)
        model.structure_changed.connect(self._on_structure_change)
        self._on_model_change()

    # --- reading ---------------------------------------------------------------------
    @property
    def layer(self) -> int:
        """The layer shown, 1..L."""
        return self._layer

    @property
    def follows_phase(self) -> bool:
        return self.layer_combo.currentIndex() <= 0

    def choose_layer(self, layer: int | None) -> None:
        """Pin the plot to ``layer`` (1..L), or follow the phase again with None."""
        self.layer_combo.setCurrentIndex(0 if layer is None else layer)

    # --- styling ---------------------------------------------------------------------
    def apply_colours(self) -> None:
        """Re-read :data:`COLOURS` (after a theme change) and restyle."""
        c = COLOURS
        style_axes(self.plot_widget, c["background"], c["foreground"])
        plot = self.plot_widget.getPlotItem()
        plot.setLabel("bottom", "z")
        plot.setLabel("left", "f(z), f′(z)")
        self.legend.setLabelTextColor(c["foreground"])
        for _sample, label in self.legend.items:
            label.setText(label.text)  # a LabelItem takes a new colour only when re-rendered
        self.legend.setBrush(pg.mkBrush(c["background"] + "C0"))
        self.f_curve.setPen(pg.mkPen(c["f"], width=2.5))
        self.der_curve.setPen(pg.mkPen(c["der"], width=2.5, style=Qt.PenStyle.DashLine))
        # Not by colour alone: f has circles and a solid line, f′ triangles and a dashed line.
        self.f_markers.setPen(None)
        self.f_markers.setSymbol("o")
        self.f_markers.setSymbolBrush(pg.mkBrush(c["f"]))
        self.f_markers.setSymbolPen(pg.mkPen(c["foreground"], width=1))
        self.der_markers.setPen(None)
        self.der_markers.setSymbol("t1")
        self.der_markers.setSymbolBrush(pg.mkBrush(c["der"]))
        self.der_markers.setSymbolPen(pg.mkPen(c["foreground"], width=1))
        self.guides.setPen(pg.mkPen(c["guide"], width=1, style=Qt.PenStyle.DotLine))
        for label in self._labels:
            label.setColor(c["foreground"])
        self._drawn.clear()
        self._redraw()

    # --- model → view ----------------------------------------------------------------
    def _fill_layer_combo(self) -> None:
        depth = self.model.network.depth
        keep = self.layer_combo.currentIndex()
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.addItem("Follow phase")
        for l in range(1, depth + 1):
            self.layer_combo.addItem(f"Layer {l}" + (" (output)" if l == depth else ""))
        self.layer_combo.setCurrentIndex(keep if 0 < keep <= depth else 0)
        self.layer_combo.blockSignals(False)

    def _on_structure_change(self) -> None:
        self._fill_layer_combo()
        self._on_model_change()

    def _on_model_change(self) -> None:
        m = self.model
        depth = m.network.depth
        if self.layer_combo.count() != depth + 1:
            self._fill_layer_combo()
        followed = focus_layer(m.phase, depth, m.selection)
        self.layer_combo.setItemText(0, f"Follow phase (layer {followed})")
        self._layer = followed if self.follows_phase else self.layer_combo.currentIndex()
        self._fill_activation_combo()
        self._redraw()

    def _fill_activation_combo(self) -> None:
        depth = self.model.network.depth
        current = self.model.network.activations[self._layer - 1]
        key = (self._layer, depth, current)
        if key == self._drawn.get("combo"):
            return  # filling the combo box anew costs a millisecond on every step
        self._drawn["combo"] = key
        self.activation_combo.blockSignals(True)
        self.activation_combo.clear()
        for name, act in ACTIVATIONS.items():
            if not act.elementwise and self._layer != depth:
                continue  # softmax only on the output layer
            self.activation_combo.addItem(name, name)
            self.activation_combo.setItemData(
                self.activation_combo.count() - 1,
                f"{act.formula}\n{act.der_formula}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.activation_combo.setCurrentIndex(self.activation_combo.findData(current))
        self.activation_combo.blockSignals(False)

    def _forward_reached(self, layer: int) -> bool:
        phases = self.model.phases
        return phases.index(self.model.phase) >= phases.index(Phase(PhaseKind.FORWARD, layer))

    def _changed(self, part: str, key: object) -> bool:
        """Whether ``part`` of the plot must be drawn anew: its inputs ``key`` differ from
        those it was last drawn with. A step changes only the markers, mostly, and a
        step that updates the weights reaches this view twice (stepped, network_changed):
        redrawing only what changed keeps "next phase" within a frame."""
        if self._drawn.get(part) == key:
            return False
        self._drawn[part] = key
        return True

    def _redraw(self) -> None:
        if self.layer_combo.count() == 0:
            return  # apply_colours during __init__, before the model is read
        m, l = self.model, self._layer
        act = get_activation(m.network.activations[l - 1])
        fp = m.record.result.forward
        z_row = np.asarray(fp.z[l][0], dtype=float)
        shown = self._forward_reached(l)

        # The range depends on z whether or not the markers show yet, and on the z of
        # every layer with this activation, so the axes stay still while the lecture
        # steps through one sample (and are not painted anew at every phase).
        alike = [k for k, name in enumerate(m.network.activations, 1) if name == act.name]
        widest = max(float(np.max(np.abs(fp.z[k][0]), initial=0.0)) for k in alike)
        half = max(MIN_HALF_RANGE, 1.2 * widest)
        t = np.linspace(-half, half, CURVE_POINTS)
        # Softmax curves hold the other z at their values once known, at 0 before.
        fixed = z_row if shown else np.zeros_like(z_row)
        fs, ders = activation_curves(act, fixed, t)
        if self._changed("curves", (act.name, half, None if act.elementwise else fixed.tobytes())):
            self.f_curve.setData(*_joined(t, fs), connect="finite")
            self.der_curve.setData(*_joined(t, ders), connect="finite")
        if self._changed("formula", (act.name, l)):
            self._set_formula(act, l)
        if self._changed("legend", act.name):  # the layer's number is not in it
            self._set_legend(act)

        ys = [fs.min(), fs.max(), ders.min(), ders.max(), 0.0]
        if shown:
            a_row = np.asarray(fp.a[l][0], dtype=float)
            der_row = act.der(z_row.reshape(1, -1))[0]
            sizes = self._marker_sizes(len(z_row))
            ys += [float(v) for v in (a_row.min(), a_row.max(), der_row.min(), der_row.max())]
        else:
            a_row = der_row = np.empty(0)
            sizes = []
        if self._changed("markers", (z_row.tobytes(), a_row.tobytes(), shown, tuple(sizes))):
            self._set_markers(z_row, a_row, der_row, sizes)
        lo, hi = min(ys), max(ys)
        if self._changed("range", (half, lo, hi)):
            plot = self.plot_widget.getPlotItem()
            plot.setXRange(-half, half, padding=0.02)
            plot.setYRange(lo, hi if hi > lo else lo + 1.0, padding=0.08)

    def _set_formula(self, act: Activation, l: int) -> None:
        """The formula line of activation ``act`` of layer ``l``."""
        if act.elementwise:
            self.formula_label.setText(f"Layer {l}:   {act.formula}      {act.der_formula}")
        else:
            self.formula_label.setText(
                f"Layer {l}:   {act.formula}      diagonal ∂p_k/∂z_k = p_k(1 − p_k); "
                "δ uses the whole Jacobian"
            )

    def _set_legend(self, act: Activation) -> None:
        """The legend's names for the curves and markers of activation ``act`` (each
        label re-rendered is a text layout: only when the activation changes)."""
        if act.elementwise:
            f_name, der_name = f"f(z): {act.name}", "f′(z)"
            f_mark, der_mark = "a = f(z) at this sample's z", "f′(z) at z: enters δ"
        else:
            f_name, der_name = "p_k(z_k), other z fixed", "∂p_k/∂z_k: Jacobian diagonal"
            f_mark, der_mark = "p_k at this sample's z", "∂p_k/∂z_k at z"
        self.legend.getLabel(self.f_curve).setText(f_name)
        self.legend.getLabel(self.der_curve).setText(der_name)
        self.legend.getLabel(self.f_markers).setText(f_mark)
        self.legend.getLabel(self.der_markers).setText(der_mark)

    def _set_markers(self, z_row: Array, a_row: Array, der_row: Array, sizes: list[float]) -> None:
        """Markers at (z, a) and (z, f′(z)) with their guide lines, and the neuron numbers
        beside the markers on f; nothing when ``a_row`` is empty (not computed yet)."""
        if not len(a_row):
            for item in (self.f_markers, self.der_markers, self.guides):
                item.setData([], [])
            for label in self._labels:
                label.setVisible(False)
            return
        self.f_markers.setData(z_row, a_row, symbolSize=sizes)
        self.der_markers.setData(z_row, der_row, symbolSize=sizes)
        self.guides.setData(np.repeat(z_row, 2), np.column_stack([der_row, a_row]).ravel())
        numbered = len(z_row) if len(z_row) <= MAX_NEURON_LABELS else 0
        while len(self._labels) < numbered:
            label = pg.TextItem(color=COLOURS["foreground"], anchor=(1.2, 0.0))
            self.plot_widget.addItem(label)
            self._labels.append(label)
        for j, label in enumerate(self._labels):
            label.setVisible(j < numbered)
            if j < numbered:
                label.setText(str(j + 1))
                label.setPos(float(z_row[j]), float(a_row[j]))

    def _marker_sizes(self, n: int) -> list[float]:
        sel = self.model.selection
        sizes = [11.0] * n
        if sel is not None and sel.kind == "neuron" and sel.layer == self._layer and sel.index < n:
            sizes[sel.index] = 17.0  # the selected neuron stands out by size, not colour
        return sizes

    # --- view → model ----------------------------------------------------------------
    def _on_layer_chosen(self, _index: int) -> None:
        self._on_model_change()

    def _on_activation_chosen(self, index: int) -> None:
        name = self.activation_combo.itemData(index)
        layer = self._layer
        if name is None or name == self.model.network.activations[layer - 1]:
            return
        # The edit restarts the step at Forward 1; pin the plot to the edited layer so it
        # stays on what the user just changed instead of jumping with the phase.
        self.layer_combo.blockSignals(True)
        self.layer_combo.setCurrentIndex(layer)
        self.layer_combo.blockSignals(False)
        self.model.set_activation(layer, name)
