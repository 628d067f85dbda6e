"""Letting the views beside the diagram catch up with the model, for tests that step it and
read those views at once."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def views_follow() -> None:
    """The views beside the diagram (formula panel, activation and loss plots, sample panel)
    follow the model's ``stepped`` and ``network_changed`` queued
    (``session_model.BEHIND_THE_DIAGRAM``): this delivers those queued calls, as the event
    loop would. Only events already posted are sent, none from the window system, so a test
    that calls it stays deterministic."""
    QCoreApplication.sendPostedEvents()
