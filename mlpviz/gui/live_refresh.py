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

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

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

    def __init__(
        self, model: SessionModel, refresh: Callable[[], None], delay_ms: int, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._refresh = refresh
        self._view: QWidget | None = None
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

    def _on_trained(self) -> None:
        view = self._view
        if view is not None and view.isVisible() and not view.visibleRegion().isEmpty():
            self.trigger()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Show:
            self._refresh()
        return False

    def trigger(self) -> None:
        if self.model.training_live:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()
            self._refresh()
