"""Counting the layout requests a widget receives: a text that changes at every live
repaint must not make Qt lay out its panel, and the window around it, again."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject


class LayoutRequests(QObject):
    """An event filter counting ``QEvent.LayoutRequest`` on the objects it is installed on."""

    count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False
