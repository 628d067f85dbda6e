"""How long the event loop stays away: a timer that should fire every few milliseconds,
and the times between its visits, for the tests that the window answers during long work."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer


class LoopGaps:
    """Seconds between the visits of a timer of ``interval_ms`` (:attr:`gaps`), from
    :meth:`start` (or the last :meth:`restart`) to :meth:`stop`."""

    def __init__(self, interval_ms: int) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.restart()
        self._timer.start()

    def restart(self) -> None:
        """Forget the gaps so far and measure from now."""
        self.gaps.clear()
        self._last = time.perf_counter()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now
