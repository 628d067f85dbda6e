"""The diagram's labels: text boxes of a constant size on screen, the inline value editor,
and where every label goes so that none overlaps another or a node.

A label with no free spot is hidden; its value stays in the tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QLabel, QLineEdit, QStyleOptionGraphicsItem, QWidget

from mlpviz.engine.types import Array
from mlpviz.gui.network_layout import DiagramLayout, RectSet, parse_number, place_labels

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
LABEL_GAP_PX = 3.0
"""Free pixels kept around every label."""

Line = tuple[str, str, bool]
"""A line of a label: text, colour key in COLOURS, bold."""
LabelRect = tuple[str, float, float, float, float]
"""A placed label: kind ("node", "edge" or "loss"), then x, y, width, height or, while
placing, centre and half sizes."""


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
) -> list[LabelRect]:
    """Put every label where it overlaps nothing placed before it; hide the rest. Returns
    the (kind, x, y, width, height) of every label shown, in diagram units.

    Order of precedence: node discs, node labels (column by column), the loss, then the
    edge labels of ``focus_gaps`` (the gaps the phase works on), then the others.
    ``segments[g]`` is ``layout.segments(g)``; ``pixel_size`` is a pixel's (width, height)
    in diagram units."""
    px, py = pixel_size
    gap_x, gap_y = LABEL_GAP_PX * px, LABEL_GAP_PX * py
    r = layout.radius
    discs = RectSet()
    for l in range(layout.depth + 1):
        for x, y in zip(layout.node_x[l], layout.node_y[l], strict=True):
            discs.add(float(x), float(y), r, r)
    for l in range(layout.depth):
        discs.add(layout.column(l), layout.bias_y[l], r, r)
    taken = RectSet()
    shown: list[LabelRect] = []

    def fixed(label: DiagramLabel, kind: str, cx: float, cy: float, hw: float, hh: float) -> bool:
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

    for l, labels in enumerate(node_labels):
        for k, label in enumerate(labels):
            hw, hh = half(label)
            fixed(label, "node", float(layout.node_x[l][k]), float(layout.node_y[l][k]), hw, hh)
    for l, label in enumerate(bias_labels):
        hw, hh = half(label)
        fixed(label, "node", layout.column(l), layout.bias_y[l], hw, hh)

    if loss_label is not None:
        # Under the output column, below the lowest output's disc or label.
        hw, hh = half(loss_label)
        out = layout.depth
        lowest = int(np.argmax(layout.node_y[out]))
        reach = r
        if node_labels and node_labels[out][lowest].isVisible():
            reach = max(r, half(node_labels[out][lowest])[1])
        top = float(layout.node_y[out][lowest]) + reach + 2 * gap_y
        loss_label.setPos(layout.column(out), top)
        fixed(loss_label, "loss", layout.column(out), top + hh - gap_y, hw, hh)

    for k in range(len(discs)):
        taken.add(*discs.rects[k])
    if edge_labels:
        order = sorted(range(layout.depth), key=lambda g: (g not in focus_gaps, g))
        for g in order:
            labels = edge_labels[g]
            sizes = np.array([half(label) for label in labels])
            x0, y0, x1, y1 = segments[g]
            spots = place_labels(x0, y0, x1, y1, sizes[:, 0], sizes[:, 1], taken)
            for label, (cx, cy), (hw, hh) in zip(labels, spots, sizes, strict=True):
                ok = bool(label.lines) and not math.isnan(cx)
                label.setVisible(ok)
                if ok:
                    label.setPos(float(cx), float(cy))
                    shown.append(("edge", float(cx), float(cy), float(hw), float(hh)))
    return [
        (kind, cx - hw + gap_x, cy - hh + gap_y, 2 * (hw - gap_x), 2 * (hh - gap_y))
        for kind, cx, cy, hw, hh in shown
    ]


__all__ = [
    "COLOURS",
    "FONT_POINT_SIZE",
    "LABEL_GAP_PX",
    "DiagramLabel",
    "LabelRect",
    "Line",
    "ValueEditor",
    "place_diagram_labels",
]
