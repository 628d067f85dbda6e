"""The keyboard shortcuts overlay ("?" or F1): every action's keys, over the window.

The list is made from the window's own actions (mlpviz.gui.keymap.window_actions) each time
it opens, grouped by menu, so it always says what the keys do now and cannot drift from
them. Any key or a click closes it (and does nothing else).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mlpviz.gui.keymap import key_text, plain, window_actions
from mlpviz.gui.view_options import with_keys

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

COLUMNS = 3
MIN_FIT = 0.6
"""The lists shrink to fit the panel down to this share of the window's type."""

Entry = tuple[str, str, str]
"""(what the action is called, its keys, its tooltip)."""


def shortcut_groups(window: MainWindow) -> list[tuple[str, list[Entry]]]:
    """Every action of ``window`` that has keys, grouped by its top menu: [(menu title,
    [(action, keys, tooltip), …]), …], in menu order. An action in a submenu is named with
    it ("Diagram › SVG"); the key lists are in the platform's own notation."""
    groups: dict[str, list[Entry]] = {}
    for path, action in window_actions(window):
        if not action.shortcuts():
            continue
        name = " › ".join((*path[1:], plain(action.text())))
        entry = (name, key_text(action.shortcuts()), action.toolTip())
        groups.setdefault(path[0], []).append(entry)
    return list(groups.items())


class ShortcutsOverlay(QWidget):
    """The overlay over ``window`` and the Help menu's "Keyboard Shortcuts" action that
    shows it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main_window = window
        self.setObjectName("shortcuts-overlay")
        self.setAccessibleName("Keyboard shortcuts")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.panel = QFrame(self)
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.panel.setAutoFillBackground(True)
        self.panel.setBackgroundRole(QPalette.ColorRole.Base)
        self.title = QLabel("<h2>Keyboard shortcuts</h2>", self.panel)
        self.hint = QLabel("Press any key or click to close.", self.panel)
        self.columns_host = QWidget()
        row = QHBoxLayout(self.columns_host)
        row.setSpacing(28)
        self.columns: list[QVBoxLayout] = []
        for _ in range(COLUMNS):
            column = QVBoxLayout()
            column.setSpacing(10)
            column.addStretch(1)
            row.addLayout(column)  # as wide as its longest line: none is cut off
            self.columns.append(column)
        row.addStretch(1)
        self.scroll_area = QScrollArea(self.panel)
        self.scroll_area.setWidget(self.columns_host)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setAccessibleName("Keyboard shortcuts by menu")
        inner = QVBoxLayout(self.panel)
        inner.addWidget(self.title)
        inner.addWidget(self.scroll_area, 1)
        inner.addWidget(self.hint)
        self.labels: list[QLabel] = []
        self.hide()

        key = QKeySequence.StandardKey
        keys = [QKeySequence("F1"), QKeySequence("?")]
        keys += [k for k in QKeySequence.keyBindings(key.HelpContents) if k not in keys]
        self.action = QAction("&Keyboard Shortcuts", self)
        self.action.setObjectName("help-shortcuts")
        with_keys(self.action, keys, "List every action's keyboard shortcut")
        self.action.triggered.connect(self.toggle)
        window.addAction(self.action)
        bar = window.menuBar()
        help_menu = next(
            (a.menu() for a in bar.actions() if a.text() == "&Help"), None
        ) or bar.addMenu("&Help")
        assert isinstance(help_menu, QMenu)
        help_menu.addAction(self.action)
        window.installEventFilter(self)
        self._focus_before: QWidget | None = None

    # --- showing ------------------------------------------------------------------------------
    def toggle(self) -> None:
        self.close_overlay() if self.isVisible() else self.open_overlay()

    def open_overlay(self) -> None:
        self.fill()
        self._focus_before = self.main_window.focusWidget()
        self._fit()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        if not self.isVisible():
            return
        self.hide()
        if self._focus_before is not None:
            self._focus_before.setFocus(Qt.FocusReason.OtherFocusReason)

    def fill(self) -> None:
        """List the window's actions as they are now, menu by menu, in COLUMNS columns of
        about the same length."""
        for label in self.labels:
            label.deleteLater()
        self.labels = []
        groups = shortcut_groups(self.main_window)
        lines = [len(entries) + 2 for _, entries in groups]  # a title is about two lines
        share = sum(lines) / COLUMNS
        column, filled = 0, 0.0
        for (title, entries), height in zip(groups, lines, strict=True):
            # A new column once this one would pass its share by more than half the menu.
            if filled and filled + height / 2 > share and column < COLUMNS - 1:
                column, filled = column + 1, 0.0
            label = QLabel(self._html(title, entries))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            column_layout = self.columns[column]
            column_layout.insertWidget(column_layout.count() - 1, label)  # before the stretch
            filled += height
            self.labels.append(label)

    @staticmethod
    def _html(title: str, entries: list[Entry]) -> str:
        rows = "".join(
            f"<tr><td style='padding-right: 14px'>{html.escape(name)}</td>"
            f"<td><b>{html.escape(keys)}</b></td></tr>"
            for name, keys, _tip in entries
        )
        return f"<h3>{html.escape(title)}</h3><table>{rows}</table>"

    def _fit(self) -> None:
        w = self.main_window
        self.setGeometry(w.rect())
        margin_x, margin_y = w.width() // 20, w.height() // 20
        self.panel.setGeometry(
            margin_x, margin_y, w.width() - 2 * margin_x, w.height() - 2 * margin_y
        )
        self._shrink_to_fit()

    def _shrink_to_fit(self) -> None:
        """The lists in smaller type where they would not fit the panel at the window's
        (presentation mode at 200 % hid the View menu's keys behind a scroll bar): the
        largest size that fits, found by halving, down to MIN_FIT of the window's type.
        Every key in sight is worth more than its size here."""
        base = self.font().pointSizeF()
        layout = self.panel.layout()
        assert layout is not None

        def fits(size: float) -> bool:
            font = QFont(self.font())
            font.setPointSizeF(size)
            self.columns_host.setFont(font)
            host = self.columns_host.layout()
            assert host is not None
            host.invalidate()  # it keeps its size hint from the last font otherwise
            host.activate()
            layout.activate()
            room = self.scroll_area.maximumViewportSize()
            need = self.columns_host.sizeHint()
            return need.width() <= room.width() and need.height() <= room.height()

        if base <= 0 or fits(base):
            return
        low, high = base * MIN_FIT, base  # low: what is used if nothing fits
        for _ in range(6):
            middle = (low + high) / 2
            if fits(middle):
                low = middle
            else:
                high = middle
        fits(low)

    def paintEvent(self, event: QPaintEvent) -> None:
        # A dimmed window behind the list: it is an overlay, not a new window.
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 150))

    # --- keys and clicks close it --------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self.isVisible():
            event.accept()  # the key comes here as a key press, not to a shortcut
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta)
        if event.key() not in modifiers:
            self.close_overlay()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close_overlay()
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.main_window and event.type() == QEvent.Type.Resize and self.isVisible():
            self._fit()
        return False
