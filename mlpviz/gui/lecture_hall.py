"""The lecture-hall part of the main window: View › Theme, Decimals, Scale and Panels, the
lesson captions, presentation mode and the keyboard shortcuts overlay.

The main window creates one :class:`LectureHall` after every other menu and dock, so that
its keymap sees every action. The app hands it the settings at start
(:meth:`LectureHall.restore_settings`); a saved session's view keeps which panels show,
in the window and in presentation mode (:meth:`capture_view`, :meth:`restore_view`,
called by mlpviz.gui.file_actions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from mlpviz.gui.keymap import complete_actions
from mlpviz.gui.lesson import LessonMode
from mlpviz.gui.presentation import Presentation
from mlpviz.gui.settings import AppSettings
from mlpviz.gui.shortcuts_overlay import ShortcutsOverlay
from mlpviz.gui.view_options import ViewOptions

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow


class LectureHall(QObject):
    """View options, lesson mode, presentation mode and the shortcuts overlay of ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view_options = ViewOptions(window)
        self.lesson = LessonMode(window)
        self.presentation = Presentation(window, self.view_options)
        self.presentation.left.connect(self.lesson.show_as_chosen)
        self.shortcuts = ShortcutsOverlay(window)
        complete_actions(window)

    def restore_settings(self, settings: AppSettings) -> None:
        """Theme, decimals, scale and lesson captions as the settings keep them."""
        self.view_options.restore_settings(settings)
        self.lesson.restore_settings(settings)

    # --- a session's view ------------------------------------------------------------------
    def capture_view(self) -> dict[str, object]:
        """Entries of a session's view: "panels" (toolbars and status bar shown) and
        "presentation" (the panels presentation mode shows). While presenting, also the
        window's "docks" as they were before, which a save keeps rather than the
        presentation's."""
        view: dict[str, object] = {"panels": self.view_options.capture_panels()}
        before = self.presentation.normal_view()
        if before is not None:
            view.update(docks=before.get("docks"), panels=before.get("panels"))
        view["presentation"] = self.presentation.capture()
        return view

    def restore_view(self, view: Mapping[str, object]) -> None:
        """Decimals (on the formula panel too), panels and presentation panels of a saved
        view; entries missing or of the wrong type are skipped."""
        precision = view.get("precision")
        if isinstance(precision, int) and not isinstance(precision, bool) and 0 <= precision <= 12:
            self.view_options.set_precision(precision)
        panels = view.get("panels")
        if isinstance(panels, Mapping):
            self.view_options.restore_panels(panels)
        presentation = view.get("presentation")
        if isinstance(presentation, Mapping):
            self.presentation.restore(presentation)
