"""The diagram's labels: text boxes of a constant size on screen, the inline value editor,
and where every label goes so that none overlaps another or a node.

Edge labels keep their size on screen and go where they overlap nothing; one with no free
spot (in any of its forms: one line, then two) is hidden, its value stays in the tooltip.
A node's text is drawn inside its disc: it shrinks with the disc (never grows past
FONT_POINT_SIZE), all node texts alike so they keep one size from phase to phase, and
hides when it would be too small to read.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QLabel, QLineEdit, QStyleOptionGraphicsItem, QWidget

from mlpviz.engine.types import Array
from mlpviz.gui.network_layout import DiagramLayout, Obstacles, parse_number, place_labels

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
"""Label text, in points at display scale 1; projected in a hall, so never smaller than this."""
_display_scale = [1.0]


def display_scale() -> float:
    """How much larger than at 100 % the diagram's type and lines are drawn (View › Scale)."""
    return _display_scale[0]


def set_display_scale(scale: float) -> None:
    """Draw labels at ``scale`` × FONT_POINT_SIZE (and lines ``scale`` times as wide); a
    NetworkView shows it after its rebuild(), its discs grow with their texts."""
    if not 0.5 <= scale <= 4.0:
        raise ValueError(f"display scale must be in 0.5..4, got {scale}")
    if scale != _display_scale[0]:
        _display_scale[0] = scale
        _font.cache_clear()
LABEL_GAP_PX = 3.0
"""Free pixels kept around every label."""
NODE_TEXT_INSET_PX = 4.0
"""Free pixels between a node's text and its disc's rim (the rim's pen is 2.5 px wide)."""
NODE_TEXT_MIN_POINT_SIZE = 6.0
"""A node text that would be smaller than this on the physical screen (points at the
device pixel ratio) is hidden rather than shrunk further; the tooltip has the values."""

Line = tuple[str, str, bool]
"""A line of a label: text, colour key in COLOURS, bold."""
LabelRect = tuple[str, float, float, float, float]
"""A placed label: kind ("node", "edge" or "loss"), then x, y, width, height or, while
placing, centre and half sizes."""


# --- a label that stays the same size on screen -------------------------------------------------


class DiagramLabel(QGraphicsItem):
    """Lines of text in a box, drawn at a constant size on screen around its position
    (``anchor`` (0.5, 0.5): centred; (0, 0.5): starting at it). Cached as a device pixmap,
    repainted only when its text changes.

    A label may have a second, compact form of the same text (``set_content(compact=…)``)
    that the placement uses where the first does not fit (:meth:`set_form`). Its
    :meth:`text_scale` multiplies its size on screen (node texts shrink with their disc):
    the label's own, not ``QGraphicsItem.setScale``, whose change a device-cached item
    ignoring transformations does not always repaint."""

    PAD_X, PAD_Y = 5.0, 2.0

    def __init__(self, anchor: tuple[float, float] = (0.5, 0.5), boxed: bool = True) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._anchor = anchor
        self._boxed = boxed
        self._forms: tuple[tuple[Line, ...], ...] = ((),)
        self._form = 0
        self._border = COLOURS["text"]
        self._background: str | None = COLOURS["background"]
        self._rect = QRectF()  # at text scale 1
        self._scale = 1.0
        self._sizes: list[tuple[float, float]] | None = None  # form_sizes(), kept
        self._radius: float | None = None  # text_radius(), kept

    @property
    def lines(self) -> tuple[Line, ...]:
        """The lines of the form shown."""
        return self._forms[self._form]

    @property
    def form(self) -> int:
        return self._form

    def text(self) -> str:
        return "\n".join(line[0] for line in self.lines)

    def set_content(
        self, lines: list[Line], border: str, compact: list[Line] | None = None
    ) -> None:
        """The text (and its ``compact`` form, if any); the label shows the first form
        until :meth:`set_form` says otherwise."""
        forms = (tuple(lines),) if compact is None else (tuple(lines), tuple(compact))
        if forms == self._forms and border == self._border:
            return
        self._forms, self._border = forms, border
        self._sizes = None
        self._show(0 if self._form >= len(forms) else self._form, force=True)

    def set_form(self, form: int) -> None:
        """Show form 0 (the text as given) or 1 (its compact form)."""
        self._show(form)

    def _show(self, form: int, force: bool = False) -> None:
        if form == self._form and not force:
            return
        self.prepareGeometryChange()
        self._form = form
        self._radius = None
        w, h = self.form_sizes()[form]
        self._rect = QRectF(-self._anchor[0] * w, -self._anchor[1] * h, w, h)
        self.update()

    def text_scale(self) -> float:
        return self._scale

    def set_text_scale(self, scale: float) -> None:
        """Draw the label ``scale`` times its size (1: FONT_POINT_SIZE)."""
        if scale != self._scale:
            self.prepareGeometryChange()
            self._scale = scale
            self.update()

    def set_background(self, colour: str | None) -> None:
        """The box's fill (None: none)."""
        if colour != self._background:
            self._background = colour
            self.update()

    def pixel_size(self) -> tuple[float, float]:
        """(width, height) on screen of the form shown, at the label's scale."""
        k = self._scale
        return self._rect.width() * k, self._rect.height() * k

    def form_sizes(self) -> list[tuple[float, float]]:
        """(width, height) on screen of every form at text scale 1."""
        if self._sizes is None:
            sizes = [text_size(lines) for lines in self._forms]
            self._sizes = [(w + 2 * self.PAD_X, h + 2 * self.PAD_Y) for w, h in sizes]
        return list(self._sizes)

    def text_radius(self) -> float:
        """Radius on screen, at scale 1, of the least circle round the label's centre that
        holds its text (see :func:`text_radius`)."""
        if self._radius is None:
            self._radius = text_radius(self.lines)
        return self._radius

    def boundingRect(self) -> QRectF:
        k = self._scale
        rect = QRectF(self._rect.x() * k, self._rect.y() * k, self._rect.width() * k,
                      self._rect.height() * k)
        return rect.adjusted(-1.0, -1.0, 1.0, 1.0)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self.lines:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.scale(self._scale, self._scale)
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
        for text, colour, bold in self.lines:
            font = _font(bold)
            height = QFontMetricsF(font).lineSpacing()
            painter.setFont(font)
            painter.setPen(QColor(COLOURS.get(colour, colour)))
            painter.drawText(
                QRectF(self._rect.left(), y, self._rect.width(), height),
                int(Qt.AlignmentFlag.AlignCenter),
                text,
            )
            y += height


LABEL_SCALE_STEP = 0.85
"""A crowded gap's labels shrink by this factor at a time, down to the least scale, and
the first size that shows them all is kept: as large as the gap allows (shrinking to the
least at once made a projector's labels half their size where 85 % fitted)."""


def _label_scales(least: float) -> list[float]:
    """The sizes a gap's labels are tried at, largest first, ending at ``least``."""
    scales = [1.0]
    while least < 1.0 and scales[-1] * LABEL_SCALE_STEP > least:
        scales.append(scales[-1] * LABEL_SCALE_STEP)
    if least < 1.0:
        scales.append(least)
    return scales


@functools.cache
def _font(bold: bool) -> QFont:
    """The label font (made on first use: a QFont needs the QApplication)."""
    font = QFont()
    font.setPointSizeF(FONT_POINT_SIZE * display_scale())
    font.setBold(bold)
    return font


def text_size(lines: Sequence[Line]) -> tuple[float, float]:
    """(width, height) in pixels of ``lines`` at the label font, padding not included."""
    width = height = 0.0
    for text, _, bold in lines:
        metrics = QFontMetricsF(_font(bold))
        width = max(width, metrics.horizontalAdvance(text))
        height += metrics.lineSpacing()
    return width, height


def text_radius(lines: Sequence[Line]) -> float:
    """Radius in pixels of the least circle round the centre of ``lines`` (each centred,
    stacked) that holds every line's box: a short first line lets a tall text fit a disc
    whose square it would not. 0 for no lines."""
    _, total = text_size(lines)
    top = -total / 2
    radius = 0.0
    for text, _, bold in lines:
        metrics = QFontMetricsF(_font(bold))
        half_w = metrics.horizontalAdvance(text) / 2 + DiagramLabel.PAD_X
        bottom = top + metrics.lineSpacing()
        radius = max(radius, math.hypot(half_w, max(abs(top), abs(bottom))))
        top = bottom
    return radius


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
        font.setPointSizeF(FONT_POINT_SIZE * display_scale())
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


# --- where the labels go -------------------------------------------------------------------------


def place_diagram_labels(
    layout: DiagramLayout,
    segments: Sequence[tuple[Array, Array, Array, Array]],
    pixel_size: tuple[float, float],
    node_labels: Sequence[Sequence[DiagramLabel]],
    bias_labels: Sequence[DiagramLabel],
    loss_label: DiagramLabel | None,
    edge_labels: Sequence[Sequence[DiagramLabel]],
    focus_gaps: frozenset[int],
    node_text_radius: Sequence[float] = (),
    min_text_scale: float = 0.0,
    edge_label_scale: float = 1.0,
) -> list[LabelRect]:
    """Put every label where it overlaps nothing placed before it; hide the rest. Returns
    the (kind, x, y, width, height) of every label shown, in diagram units.

    Node texts go inside their discs, those of a layer l all scaled alike so that a text of
    radius ``node_text_radius[l]`` (pixels at scale 1: the largest the layer shows) fits,
    further if one is larger still, and hidden below ``min_text_scale``. Then, in order
    of precedence: the loss (under the output column, from its disc's left edge), the edge
    labels of ``focus_gaps`` (the gaps the phase works on), the others. An edge label tries
    its forms (one line, two); a gap where that hides labels is placed again with every
    label smaller, LABEL_SCALE_STEP at a time down to ``edge_label_scale`` (if < 1), until
    one shows them all; the placement that shows most, the largest of those, is kept: the
    labels of a gap keep one size. ``segments[g]`` is ``layout.segments(g)``;
    ``pixel_size`` is a pixel's (width, height) in diagram units."""
    px, py = pixel_size
    gap_x, gap_y = LABEL_GAP_PX * px, LABEL_GAP_PX * py
    r = layout.radius
    taken = Obstacles()
    for l in range(layout.depth + 1):
        for x, y in zip(layout.node_x[l], layout.node_y[l], strict=True):
            taken.add_disc(float(x), float(y), r)
    for l in range(layout.depth):
        taken.add_disc(layout.column(l), layout.bias_y[l], r)
    shown: list[LabelRect] = []
    # The room inside a disc, in pixels (the aspect is locked: px = py).
    room = r / px - NODE_TEXT_INSET_PX

    def in_disc(label: DiagramLabel, cx: float, cy: float, common: float = 0.0) -> None:
        radius = label.text_radius()
        scale = 1.0 if common <= 0 else min(1.0, room / common)
        if radius > 0:
            scale = min(scale, room / radius)
        ok = bool(label.lines) and scale >= min_text_scale and scale > 0
        label.setVisible(ok)
        if ok:
            label.set_text_scale(scale)
            w, h = label.pixel_size()
            shown.append(("node", cx, cy, w / 2 * px + gap_x, h / 2 * py + gap_y))

    def half(label: DiagramLabel) -> tuple[float, float]:
        w, h = label.pixel_size()
        return w / 2 * px + gap_x, h / 2 * py + gap_y

    for l, labels in enumerate(node_labels):
        common = node_text_radius[l] if l < len(node_text_radius) else 0.0
        for k, label in enumerate(labels):
            in_disc(label, float(layout.node_x[l][k]), float(layout.node_y[l][k]), common)
    for l, label in enumerate(bias_labels):
        in_disc(label, layout.column(l), layout.bias_y[l])

    if loss_label is not None:
        # Under the output column, below the lowest output's disc, from its left edge on.
        hw, hh = half(loss_label)
        out = layout.depth
        lowest = float(np.max(layout.node_y[out]))
        left, top = layout.column(out) - r, lowest + r + 2 * gap_y
        cx, cy = left + hw - gap_x, top + hh - gap_y
        loss_label.setPos(left, top)
        ok = bool(loss_label.lines) and not taken.overlaps(cx, cy, hw, hh)
        loss_label.setVisible(ok)
        if ok:
            taken.add(cx, cy, hw, hh)
            shown.append(("loss", cx, cy, hw, hh))

    if edge_labels:
        order = sorted(range(layout.depth), key=lambda g: (g not in focus_gaps, g))
        for g in order:
            labels = edge_labels[g]
            forms = max(len(label.form_sizes()) for label in labels)
            sizes = np.full((len(labels), forms, 2), np.nan)  # (label, form, w/h) at scale 1
            for k, label in enumerate(labels):
                for f, size in enumerate(label.form_sizes()):
                    sizes[k, f] = size
            x0, y0, x1, y1 = segments[g]
            wanted = np.array([bool(label.lines) for label in labels])
            best: tuple[int, float, Array, np.ndarray, Array, Array, Obstacles] | None = None
            for scale in _label_scales(edge_label_scale):
                half_w = sizes[:, :, 0] * scale / 2 * px + gap_x
                half_h = sizes[:, :, 1] * scale / 2 * py + gap_y
                trial = taken.copy()
                spots, chosen = place_labels(x0, y0, x1, y1, half_w, half_h, trial)
                count = int(np.sum((chosen >= 0) & wanted))
                if best is None or count > best[0]:
                    best = count, scale, spots, chosen, half_w, half_h, trial
                if count == int(np.sum(wanted)):
                    break  # every label shown: no need to shrink
            assert best is not None
            _, scale, spots, chosen, half_w, half_h, taken = best
            for k, label in enumerate(labels):
                form = int(chosen[k])
                ok = bool(label.lines) and form >= 0
                label.setVisible(ok)
                if ok:
                    label.set_form(form)
                    label.set_text_scale(scale)
                    cx, cy = float(spots[k, 0]), float(spots[k, 1])
                    label.setPos(cx, cy)
                    shown.append(("edge", cx, cy, half_w[k, form], half_h[k, form]))
    return [
        (kind, cx - hw + gap_x, cy - hh + gap_y, 2 * (hw - gap_x), 2 * (hh - gap_y))
        for kind, cx, cy, hw, hh in shown
    ]


__all__ = [
    "COLOURS",
    "FONT_POINT_SIZE",
    "LABEL_GAP_PX",
    "NODE_TEXT_INSET_PX",
    "NODE_TEXT_MIN_POINT_SIZE",
    "DiagramLabel",
    "LabelRect",
    "Line",
    "ValueEditor",
    "display_scale",
    "place_diagram_labels",
    "set_display_scale",
    "text_radius",
    "text_size",
]
