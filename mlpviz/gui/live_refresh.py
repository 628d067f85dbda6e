"""Spreading the views' live repaints over several visits of the event loop.

While training runs, every hand-over to the SessionModel (``trained``) would make each
live view update at once, and Qt would then paint them all in one pass: the sum of their
costs is how long input waits. A view that is costly to update instead goes through a
:class:`LiveRefresh` with its own small delay, so the decision boundary, the curves, the
neuron maps and layer health are updated and painted in turn, each in its own visit of
the event loop (superqt's trailing throttler: a burst of triggers gives one refresh).
The maps on the diagram's nodes follow the diagram's own, slower live rate instead
(mlpviz/gui/neuron_maps.py).
Outside live training a view refreshes at once, as before.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, QTimer, SignalInstance
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QSizePolicy, QWidget

from mlpviz.gui.session_model import SessionModel

DATA_VIEW_MS = 0
LOSS_PLOT_MS = 1
PANELS_MS = 2
"""Delays after a live hand-over, one per view, so that the views update in turn, each
in its own visit of the event loop; all shorter than the training controller's PAINT_MS,
so that every view has followed a hand-over before training goes on (the controller
then counts their cost when it decides the rate of repaints)."""


class LiveRefresh(QObject):
    """Calls ``refresh`` at once, or ``delay_ms`` later while training runs live."""

    _view: QWidget | None = None
    """The view followed in sight (a class default too: Qt may call eventFilter on a
    wrapper PySide made anew, without the instance's attributes)."""
    _stale = False
    """A change came while the view was out of sight: refresh when it is shown."""
    _dock: QDockWidget | None = None

    def __init__(
        self, model: SessionModel, refresh: Callable[[], None], delay_ms: int, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._refresh = refresh
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(refresh)

    def follow_training_in_sight(self, view: QWidget) -> None:
        """Refresh ``view`` on each training hand-over only while it can be seen (a dock
        behind another tab stays "visible" to Qt, only out of sight), and at once when it
        is shown again, to catch up."""
        self._view = view
        self.model.trained.connect(self._on_trained)
        view.installEventFilter(self)

    def follow_changes_in_sight(self, *signals: SignalInstance) -> None:
        """Refresh on each of ``signals`` while the view can be seen; out of sight in a
        window on screen (a dock behind another tab), only once it is shown again. A
        change of weights or data redraws a decision boundary or a health table of a
        784-input network in tens of milliseconds that a step into Update need not wait
        for when nobody sees them. Call after :meth:`follow_training_in_sight`."""
        for signal in signals:
            signal.connect(self._on_change)

    def _in_sight(self) -> bool:
        view = self._view
        return view is not None and view.isVisible() and not view.visibleRegion().isEmpty()

    def _on_change(self) -> None:
        view = self._view
        if view is None or self._in_sight() or not view.window().isVisible():
            self._stale = False
            self._refresh()
        else:
            self._out_of_sight()

    def _on_trained(self) -> None:
        if self._in_sight():
            self.trigger()
        else:
            self._out_of_sight()

    def _out_of_sight(self) -> None:
        """Remember to catch up, and watch the dock holding the view: a dock behind
        another tab stays visible to Qt, so raising its tab sends no Show event, only
        the dock's visibilityChanged."""
        self._stale = True
        dock = self._view
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if dock is not None and dock is not self._dock:
            self._dock = dock
            dock.visibilityChanged.connect(self._on_dock_shown)

    def _on_dock_shown(self, visible: bool) -> None:
        if visible and self._stale:
            self._stale = False
            self._refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Show:
            self._stale = False
            self._refresh()
        return False

    def trigger(self) -> None:
        if self.model.training_live:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()
            self._refresh()


class LiveText(QWidget):
    """Text that changes at every live repaint (an epoch counter, the latest loss).

    A QLabel in a layout makes Qt lay out again every layout around it, up to the whole
    window, at each new text; here the label (:attr:`label`) is placed by hand inside this
    widget, which asks its layout for another size only when the text needs another
    height (a wrapped text that takes one more line). Its width comes from the layout,
    or with ``grow`` from the widest text it has shown (a status bar's field: it widens
    when a text needs it, and never narrows, so the texts of a step do not move it).
    Also for texts that change at every step (the phase in the status bar, the formula
    panel's heading): each new layout of the window cost a step a millisecond or more.
    """

    def __init__(
        self, parent: QWidget | None = None, wrap: bool = False, grow: bool = False
    ) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(wrap)
        self._grow = grow
        self._width = 0
        horizontal = QSizePolicy.Policy.Fixed if grow else QSizePolicy.Policy.Ignored
        self.setSizePolicy(horizontal, QSizePolicy.Policy.Fixed)
        self._height = self._needed_height()

    def setText(self, text: str) -> None:
        self.label.setText(text)
        self._follow_height()

    def text(self) -> str:
        return self.label.text()

    def sizeHint(self) -> QSize:
        return QSize(self._width, self._height)

    def minimumSizeHint(self) -> QSize:
        return QSize(self._width, self._height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "label"):
            self._width = 0  # the display scale changed: measure anew
            self._follow_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.label.setGeometry(0, 0, self.width(), self.height())
        super().resizeEvent(event)
        self._follow_height()

    def _needed_height(self) -> int:
        label = self.label
        if label.wordWrap() and self.width() > 0:
            return label.heightForWidth(self.width())
        return label.sizeHint().height()

    def _follow_height(self) -> None:
        needed = self._needed_height()
        wider = self._grow and self.label.sizeHint().width() > self._width
        if wider:
            self._width = self.label.sizeHint().width()
        if needed != self._height or wider:
            self._height = needed
            self.updateGeometry()
