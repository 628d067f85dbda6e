"""The network panel: hidden layers and their neurons, activations, the output with its
loss, the initialisation and its seed; and :class:`DiagramShapeControls`, the same
neuron and layer editing as + and − buttons on the network diagram.

Every change goes through the SessionModel as an undoable edit. A new shape or hidden
activation draws the weights afresh (the model says so in the status bar, and Undo brings
the old network back); the output activation and the loss keep the weights. No limit is
put on the number of layers or neurons: the spin boxes stop at MAX_NEURONS, far beyond what
trains at a useful speed, and a session file refuses networks of more than ten million
weights and biases.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.activations import ACTIVATIONS
from mlpviz.engine.losses import LOSSES
from mlpviz.engine.network import INIT_SCHEMES
from mlpviz.gui.dataset_presets import LOSS_TITLES, paired_loss, shape_text
from mlpviz.gui.session_model import SessionModel

HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "softmax")
MAX_NEURONS = 1_000_000
DEFAULT_NEW_LAYER = 4
"""Neurons in a hidden layer added by "Add hidden layer" when the network has none."""
INIT_TITLES = {
    "uniform01": "uniform [0, 1] (the course page's)",
    "uniform": "uniform [−1, 1]",
    "xavier": "Xavier / Glorot",
    "he": "He",
}


class NetworkPanel(QWidget):
    """Edits the shape of the model's network (see the module docstring)."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        self.layers_box = QWidget(self)
        self.layers = QGridLayout(self.layers_box)
        self.layers.setContentsMargins(0, 0, 0, 0)
        self.size_spins: list[QSpinBox] = []
        self.activation_combos: list[QComboBox] = []
        self.remove_buttons: list[QPushButton] = []
        self.add_layer = QPushButton("Add hidden layer", self)
        self.add_layer.setToolTip("Add a hidden layer before the output (re-initialises)")
        self.add_layer.clicked.connect(self._on_add_layer)

        self.output = QComboBox(self)
        self.output.addItems(list(ACTIVATIONS))
        self.output.setToolTip("The output layer's activation; its usual loss is chosen with it")
        self.loss = QComboBox(self)
        for name in LOSSES:
            self.loss.addItem(LOSS_TITLES.get(name, name), name)
        self.pairing = QLabel(self)
        self.pairing.setWordWrap(True)

        self.scheme = QComboBox(self)
        for name in INIT_SCHEMES:
            self.scheme.addItem(INIT_TITLES.get(name, name), name)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("The same seed draws the same weights")
        self.seed.setAccessibleName("Initialisation seed")
        self.reinitialise = QPushButton("Re-initialise", self)
        self.reinitialise.setToolTip("Draw every weight afresh with this scheme and seed")
        self.reinitialise.clicked.connect(self._on_reinitialise)
        self.new_seed = QPushButton("New seed", self)
        self.new_seed.setToolTip("Next seed, and re-initialise")
        self.new_seed.clicked.connect(self._on_new_seed)

        output_form = QFormLayout()
        output_form.addRow("Output activation", self.output)
        output_form.addRow("Loss", self.loss)
        init_row = QHBoxLayout()
        init_row.addWidget(QLabel("seed"))
        init_row.addWidget(self.seed, 1)
        init_row.addWidget(self.new_seed)
        init_form = QFormLayout()
        init_form.addRow("Initialisation", self.scheme)
        init_form.addRow(init_row)
        init_form.addRow(self.reinitialise)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("<b>Hidden layers</b>"))
        layout.addWidget(self.layers_box)
        layout.addWidget(self.add_layer)
        layout.addWidget(QLabel("<b>Output</b>"))
        layout.addLayout(output_form)
        layout.addWidget(self.pairing)
        layout.addWidget(QLabel("<b>Weights</b>"))
        layout.addLayout(init_form)
        layout.addStretch(1)

        self.output.currentTextChanged.connect(self._on_output)
        self.loss.currentIndexChanged.connect(self._on_loss)
        model.structure_changed.connect(self.refresh)
        model.network_changed.connect(self.refresh)
        model.training_changed.connect(self.refresh)
        model.data_changed.connect(self.refresh)
        self._shown: tuple[list[int], list[str]] | None = None
        self.refresh()

    # --- model → panel -------------------------------------------------------------------
    def refresh(self) -> None:
        net = self.model.network
        if self._shown != (net.layer_sizes, net.activations):
            self._shown = (list(net.layer_sizes), list(net.activations))
            self._rebuild_layers()
        self.summary.setText(
            f"<b>{shape_text(net.layer_sizes)}</b>: {net.n_params:,} weights and biases "
            f"({net.layer_sizes[0]} inputs, {net.layer_sizes[-1]} outputs from the data)."
        )
        with QSignalBlocker(self.output), QSignalBlocker(self.loss):
            self.output.setCurrentText(net.activations[-1])
            self.loss.setCurrentIndex(self.loss.findData(self.model.config.loss))
        self._update_pairing()
        init = self.model.init
        with QSignalBlocker(self.scheme), QSignalBlocker(self.seed):
            self.scheme.setCurrentIndex(self.scheme.findData(init.scheme))
            self.seed.setValue(init.seed if init.seed is not None else 0)

    def _rebuild_layers(self) -> None:
        while self.layers.count():
            item = self.layers.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.size_spins, self.activation_combos, self.remove_buttons = [], [], []
        net = self.model.network
        for l in range(1, net.depth):
            spin = QSpinBox(self.layers_box)
            spin.setRange(1, MAX_NEURONS)
            spin.setValue(net.layer_sizes[l])
            spin.setKeyboardTracking(False)  # one edit per number typed, not per digit
            # Not as wide as a million: the panel lives in a narrow column.
            spin.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            spin.setMinimumWidth(90)
            spin.setToolTip(f"Neurons in hidden layer {l} (re-initialises)")
            spin.setAccessibleName(f"Neurons in hidden layer {l}")
            spin.valueChanged.connect(lambda n, l=l: self._on_size(l, n))
            combo = QComboBox(self.layers_box)
            combo.addItems(list(HIDDEN_ACTIVATIONS))
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(5)
            combo.setCurrentText(net.activations[l - 1])
            combo.setToolTip(f"Activation of hidden layer {l} (re-initialises)")
            combo.currentTextChanged.connect(lambda name, l=l: self._on_activation(l, name))
            remove = QToolButton(self.layers_box)
            remove.setText("×")
            remove.setToolTip(f"Remove hidden layer {l} (re-initialises)")
            remove.clicked.connect(lambda _=False, l=l: self._on_remove(l))
            row = l - 1
            self.layers.addWidget(QLabel(f"Layer {l}"), row, 0)
            self.layers.addWidget(spin, row, 1)
            self.layers.addWidget(combo, row, 2)
            self.layers.addWidget(remove, row, 3)
            self.size_spins.append(spin)
            self.activation_combos.append(combo)
            self.remove_buttons.append(remove)
        if net.depth == 1:
            self.layers.addWidget(QLabel("None: the inputs connect straight to the output."))

    def _update_pairing(self) -> None:
        act, loss = self.model.network.activations[-1], self.model.config.loss
        outputs = self.model.network.layer_sizes[-1]
        notes = []
        if act == "softmax" and outputs == 1:
            notes.append("Softmax of a single output is always 1: use sigmoid for two classes.")
        usual = paired_loss(act)
        if loss != usual:
            notes.append(f"{act} usually goes with {LOSS_TITLES[usual]}.")
        self.pairing.setText(" ".join(notes))
        self.pairing.setVisible(bool(notes))

    # --- panel → model -------------------------------------------------------------------
    def _on_size(self, layer: int, n: int) -> None:
        if self.model.network.layer_sizes[layer] != n:
            resize_layer(self.model, layer, n)
            self.refresh()

    def _on_activation(self, layer: int, name: str) -> None:
        net = self.model.network
        acts = list(net.activations)
        if acts[layer - 1] != name:
            acts[layer - 1] = name
            edit_shape(self.model, list(net.layer_sizes), acts)
            self.refresh()

    def _on_remove(self, layer: int) -> None:
        remove_layer(self.model, layer)

    def _on_add_layer(self) -> None:
        add_layer(self.model)

    def _on_output(self, name: str) -> None:
        if name and name != self.model.network.activations[-1]:
            self._set_output(name, paired_loss(name))

    def _on_loss(self) -> None:
        loss = self.loss.currentData()
        if loss and loss != self.model.config.loss:
            self._set_output(self.model.network.activations[-1], loss)

    def _set_output(self, activation: str, loss: str) -> None:
        try:
            self.model.set_output(activation, loss)
        except ValueError as error:
            self.model.message.emit(f"Not changed: {error}")
            self.refresh()

    def _on_reinitialise(self) -> None:
        self.model.reinitialise(self.scheme.currentData(), self.seed.value())

    def _on_new_seed(self) -> None:
        with QSignalBlocker(self.seed):
            self.seed.setValue(self.seed.value() + 1)
        self._on_reinitialise()


def edit_shape(model: SessionModel, sizes: list[int], activations: list[str]) -> None:
    """``model.set_structure``, with a refusal said in the status bar."""
    try:
        model.set_structure(sizes, activations)
    except ValueError as error:
        model.message.emit(f"Not changed: {error}")


def resize_layer(model: SessionModel, layer: int, n: int) -> None:
    """Hidden layer ``layer`` with ``n`` neurons (at least one)."""
    if n < 1:
        model.message.emit(f"Layer {layer} keeps at least one neuron; remove the layer instead.")
        return
    net = model.network
    sizes = list(net.layer_sizes)
    sizes[layer] = n
    edit_shape(model, sizes, list(net.activations))


def remove_layer(model: SessionModel, layer: int) -> None:
    net = model.network
    sizes, acts = list(net.layer_sizes), list(net.activations)
    del sizes[layer]
    del acts[layer - 1]
    edit_shape(model, sizes, acts)


def add_layer(model: SessionModel) -> None:
    """A hidden layer before the output: a copy of the last hidden layer's size and
    activation, or a small tanh layer for a network without one."""
    net = model.network
    sizes, acts = list(net.layer_sizes), list(net.activations)
    size = sizes[-2] if net.depth > 1 else DEFAULT_NEW_LAYER
    act = acts[-2] if net.depth > 1 else "tanh"
    edit_shape(model, [*sizes[:-1], size, sizes[-1]], [*acts[:-1], act, acts[-1]])


COLOURS: dict[str, str] = {
    "button_fill": "#FFFFFF",
    "button_text": "#303030",
    "button_border": "#909090",
}
"""The diagram's −, +, × and "+ layer" buttons (the light theme as written;
:mod:`mlpviz.gui.themes` replaces the entries and calls
:meth:`DiagramShapeControls.apply_colours`)."""
BUTTON_ALPHA = 230
"""The buttons' fill lets an edge behind them show through a little."""


class _DiagramButton(pg.TextItem):
    """A small button drawn on the diagram at a constant size on screen."""

    def __init__(
        self, text: str, tip: str, anchor: tuple[float, float], action: Callable[[], None]
    ):
        super().__init__(text, anchor=anchor)
        self.apply_colours()
        self.setToolTip(tip)
        self.setZValue(BUTTON_Z)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.action = action

    def mouseClickEvent(self, event: object) -> None:
        if event.button() == Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            event.accept()  # type: ignore[attr-defined]
            # After the click is handled: the action rebuilds the diagram under it.
            QTimer.singleShot(0, self.action)

    def apply_colours(self) -> None:
        """Text, border and fill from :data:`COLOURS`."""
        fill = pg.mkColor(COLOURS["button_fill"])
        fill.setAlpha(BUTTON_ALPHA)
        self.fill = pg.mkBrush(fill)
        self.border = pg.mkPen(COLOURS["button_border"])
        self.setColor(COLOURS["button_text"])
        self.update()


BUTTON_Z = 40
"""Above the diagram's edges, nodes and labels."""
BUTTON_SPACING_PX = 22.0
BUTTON_GAP_PX = 6.0
PLACE_DELAY_MS = 50
"""After a zoom or pan settles, the buttons move to keep their distance on screen."""
"""After the diagram's own re-layout on a resize (which waits 60 ms), the buttons move."""


class DiagramShapeControls(QObject):
    """− and + beside each hidden column's bias node on the network diagram (a neuron
    fewer or more), × after them (remove the layer) and "+ layer" after the last ones (a
    hidden layer more, before the output).

    Each is the same undoable edit as in :class:`NetworkPanel`. Uses only the diagram's
    public accessors: ``view_box``, ``node_position``, ``diagram_layout`` and
    ``layout_changed``.
    """

    def __init__(self, model: SessionModel, diagram: QWidget) -> None:
        super().__init__(diagram)
        self.model = model
        self.diagram = diagram
        self.buttons: dict[tuple[str, int], _DiagramButton] = {}
        self.shown = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PLACE_DELAY_MS)
        self._timer.timeout.connect(self.place)
        self.placed_layout: object = None
        self._built_for: list[int] = []
        # The buttons keep a constant distance on screen from the nodes: zooming moves them.
        diagram.view_box.sigRangeChanged.connect(self._timer.start)  # type: ignore[attr-defined]
        # The diagram says when its nodes move (a rebuild for a new shape included).
        diagram.layout_changed.connect(self._on_layout_changed)  # type: ignore[attr-defined]
        self.rebuild()

    def set_shown(self, on: bool) -> None:
        """Show or hide every button (presentation mode hides them)."""
        self.shown = on
        for button in self.buttons.values():
            button.setVisible(on)

    def apply_colours(self) -> None:
        """Re-read :data:`COLOURS` (after a theme change) and restyle the buttons."""
        for button in self.buttons.values():
            button.apply_colours()

    def rebuild(self) -> None:
        box = self.diagram.view_box  # type: ignore[attr-defined]
        for button in self.buttons.values():
            box.removeItem(button)
        self.buttons = {}
        self._built_for = list(self.model.network.layer_sizes)
        depth = self.model.network.depth
        for l in range(1, depth):
            self._add(("fewer", l), "−", f"One neuron fewer in layer {l}", (1.0, 0.5),
                      lambda l=l: self._resize(l, -1))  # fmt: skip
            self._add(("more", l), "+", f"One neuron more in layer {l}", (0.0, 0.5),
                      lambda l=l: self._resize(l, +1))  # fmt: skip
            self._add(("remove", l), "×", f"Remove hidden layer {l}", (0.0, 0.5),
                      lambda l=l: self._remove(l))  # fmt: skip
        self._add(("add", depth - 1), "+ layer", "Add a hidden layer before the output",
                  (0.0, 0.5), self._add_layer)  # fmt: skip
        self.place()

    def _add(
        self, key: tuple[str, int], text: str, tip: str, anchor: tuple[float, float],
        action: Callable[[], None],
    ) -> None:  # fmt: skip
        button = _DiagramButton(text, tip, anchor, action)
        button.setVisible(self.shown)
        self.diagram.view_box.addItem(button, ignoreBounds=True)  # type: ignore[attr-defined]
        self.buttons[key] = button

    def _on_layout_changed(self) -> None:
        if self.model.network.layer_sizes != self._built_for:
            self.rebuild()
        else:
            self.place()

    def place(self) -> None:
        """Put the buttons at the diagram's columns as it is laid out now: − left of each
        hidden column's bias node, + and × right of it (the diagram fits its nodes into
        the view, so beside the lowest node is in sight), and "+ layer" after those of the
        last hidden column (the input's bias node when there is none)."""
        layout = self.diagram.diagram_layout  # type: ignore[attr-defined]
        if list(layout.layer_sizes) != self.model.network.layer_sizes:
            return  # the diagram has not been rebuilt yet: layout_changed follows
        self.placed_layout = layout
        px = self.diagram.view_box.viewPixelSize()[0]  # type: ignore[attr-defined]
        r = float(layout.radius)
        side = {"fewer": -1.0, "more": 1.0, "remove": 1.0, "add": 1.0}
        extra = {"fewer": 0.0, "more": 0.0, "remove": 1.0, "add": 2.0}
        for (kind, l), button in self.buttons.items():
            gap = BUTTON_GAP_PX + extra[kind] * BUTTON_SPACING_PX
            x = layout.column(l) + side[kind] * (r + gap * px)
            button.setPos(x, float(layout.bias_y[l]))

    def _resize(self, layer: int, change: int) -> None:
        resize_layer(self.model, layer, self.model.network.layer_sizes[layer] + change)

    def _remove(self, layer: int) -> None:
        remove_layer(self.model, layer)

    def _add_layer(self) -> None:
        add_layer(self.model)
