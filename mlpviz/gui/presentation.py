"""Presentation mode: the diagram, the formula panel and the phase breadcrumb, full screen.

- F5 (or Shift+F5, as slide software) enters it: full screen, only the diagram, the formula
  panel and the phase indicator (and the lesson caption, if on), at the presentation scale:
  the one the lecturer chose last (Ctrl++ / Ctrl+−), else one that suits the screen
  (200 % on a 1080-pixel projector). Esc or F5 leaves it and puts every dock, toolbar and
  size back as it was.
- A presenter remote sends PageDown / PageUp (some send Right / Left, Space, Home, B or a
  period): the window's stepping actions take PageDown, Right and Space (next phase),
  PageUp and Left (back) and Home (reset) in any mode; B and the period blank the screen.
- B or the period blanks the screen (black, as slide software does); any key, a click or B
  again brings it back, and that key does nothing else.
- F11 toggles full screen alone, in or out of presentation mode.
- The diagram's −, +, × and "+ layer" buttons (editing the shape) hide while presenting.
- Which panels presentation mode shows can be changed while presenting (Alt+1…9 for the
  docks, View › Toolbars and Status Bar's keys); the choice is kept in a saved session's
  view (:meth:`Presentation.capture`), as classroom mode keeps TensorFlow Playground's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence, QMouseEvent, QPalette
from PySide6.QtWidgets import QDockWidget, QLabel, QToolBar, QWidget

from mlpviz.gui.display_scale import screen_scale
from mlpviz.gui.file_actions import capture_view
from mlpviz.gui.settings import AUTOMATIC_SCALE
from mlpviz.gui.view_options import PANEL_KEYS, ViewOptions, view_menu, with_keys

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

DEFAULT_DOCKS = ("formula",)
DEFAULT_TOOLBARS = ("toolbar-phases",)
SCALE_NOTE_MS = 1200
FORMULA_SHARE = 0.4
"""The formula panel's share of the screen's width in presentation mode."""


class BlankScreen(QWidget):
    """A black cover over the whole window. While it shows it takes every key (so a key
    that brings the picture back does nothing else) and a click; either hides it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("blank-screen")
        self.setAccessibleName("Blank screen: press any key to show the window again")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
        self.setPalette(palette)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.hide()
        self._focus_before: QWidget | None = None
        parent.installEventFilter(self)

    def blank(self) -> None:
        parent = self.parentWidget()
        assert parent is not None
        self._focus_before = parent.focusWidget()
        self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def unblank(self) -> None:
        if not self.isVisible():
            return
        self.hide()
        if self._focus_before is not None:
            self._focus_before.setFocus(Qt.FocusReason.OtherFocusReason)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes here as a key press, not to a shortcut
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in (
            Qt.Key.Key_Shift,
            Qt.Key.Key_Control,
            Qt.Key.Key_Alt,
            Qt.Key.Key_Meta,
        ):
            self.unblank()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.unblank()
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            assert parent is not None
            self.setGeometry(parent.rect())
        return False


class Presentation(QObject):
    """Presentation mode, full screen and the blank screen for one :class:`MainWindow`.

    ``left`` is emitted after presentation mode has put the window back as it was."""

    left = Signal()

    def __init__(self, window: MainWindow, options: ViewOptions) -> None:
        super().__init__(window)
        self.window = window
        self.options = options
        self.presenting = False
        self.blank_screen = BlankScreen(window)
        self.panels: dict[str, object] = {
            "docks": list(DEFAULT_DOCKS),
            "toolbars": list(DEFAULT_TOOLBARS),
            "status_bar": False,
        }
        self._before: dict[str, object] = {}  # the window before presentation mode
        self._windowed: dict[str, object] = {}  # the window before full screen

        self.scale_note = QLabel(window)
        self.scale_note.setObjectName("scale-note")
        self.scale_note.setAccessibleName("Display scale")
        self.scale_note.setStyleSheet(
            "QLabel { background: rgba(0, 0, 0, 190); color: white; padding: 10px 18px;"
            " border-radius: 8px; }"
        )
        self.scale_note.hide()
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(SCALE_NOTE_MS)
        self._note_timer.timeout.connect(self.scale_note.hide)

        self.actions: dict[str, QAction] = {}
        self._action(
            "present",
            "&Presentation Mode",
            [QKeySequence("F5"), QKeySequence("Shift+F5")],
            "Full screen with only the diagram, the formulas and the phases, in large type",
        ).triggered.connect(self.toggle)
        self.actions["present"].setCheckable(True)
        self._action(
            "leave",
            "Leave Presentation Mode",
            [QKeySequence("Esc")],
            "Back to the window as it was before presentation mode",
        ).triggered.connect(self.leave)
        self.actions["leave"].setEnabled(False)  # Esc belongs to the widgets otherwise
        full_screen = [QKeySequence("F11")]
        full_screen += [
            k
            for k in QKeySequence.keyBindings(QKeySequence.StandardKey.FullScreen)
            if k not in full_screen
        ]
        self._action(
            "full_screen", "&Full Screen", full_screen, "Full screen on or off"
        ).triggered.connect(self.toggle_full_screen)
        self.actions["full_screen"].setCheckable(True)
        self._action(
            "blank",
            "&Blank Screen",
            [QKeySequence("B"), QKeySequence(".")],
            "Black screen while you talk; any key brings the picture back",
        ).triggered.connect(self.blank_screen.blank)

        menu = view_menu(window)
        menu.addSeparator()
        for action in self.actions.values():
            menu.addAction(action)
            window.addAction(action)
        options.scale_changed.connect(self._on_scale_changed)
        window.installEventFilter(self)

    def _action(self, name: str, text: str, keys: list[QKeySequence], tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"present-{name}")
        with_keys(action, keys, tip)
        self.actions[name] = action
        return action

    # --- full screen ---------------------------------------------------------------------
    def toggle_full_screen(self) -> None:
        if self.window.isFullScreen():
            self._windowed_again()
        else:
            self._full_screen()
        self._sync_actions()

    def _full_screen(self) -> None:
        w = self.window
        self._windowed = {"maximized": w.isMaximized(), "geometry": w.saveGeometry()}
        # Without a window manager (a bare X server, a kiosk) full screen is only a state:
        # the screen's size is set as well.
        w.setGeometry(w.screen().geometry())
        w.showFullScreen()

    def _windowed_again(self) -> None:
        """Out of full screen, to the size and place the window had before it."""
        w = self.window
        w.showMaximized() if self._windowed.get("maximized") else w.showNormal()
        geometry = self._windowed.get("geometry")
        if isinstance(geometry, QByteArray) and not self._windowed.get("maximized"):
            w.restoreGeometry(geometry)

    # --- presentation mode -------------------------------------------------------------------
    def toggle(self) -> None:
        self.leave() if self.presenting else self.enter()

    def enter(self) -> None:
        """Full screen, only the presentation panels, at the presentation scale."""
        if self.presenting:
            return
        w = self.window
        options = self.options
        self._before = {
            "state": w.saveState(),
            "full_screen": w.isFullScreen(),
            "menu_bar": not w.menuBar().isHidden(),
            "panels": options.capture_panels(),
            "view": self._normal_view(),
        }
        self.presenting = True
        self._show_panels(self.panels)
        w.menuBar().hide()
        if not w.isFullScreen():
            self._full_screen()
        options.presenting = True
        percent = options.settings.presentation_scale()
        options.set_scale(percent if percent != AUTOMATIC_SCALE else screen_scale(w))
        self._share_width()
        w.training.shape_controls.set_shown(False)  # the lecture shows the network, not edits
        w.network_view.setFocus(Qt.FocusReason.OtherFocusReason)  # arrows step, not edit
        self._sync_actions()

    def leave(self) -> None:
        """Back to the window as it was: docks, toolbars, sizes, scale, full screen."""
        if not self.presenting:
            return
        w = self.window
        options = self.options
        self.blank_screen.unblank()
        self.panels = self._visible_panels()
        self.presenting = False
        options.presenting = False
        options.set_scale(options.settings.scale())
        if w.isFullScreen() and not self._before.get("full_screen"):
            self._windowed_again()
        state = self._before.get("state")
        if isinstance(state, QByteArray):
            w.restoreState(state)
        w.menuBar().setVisible(bool(self._before.get("menu_bar", True)))
        w.training.shape_controls.set_shown(True)
        panels = self._before.get("panels")
        if isinstance(panels, Mapping):
            options.restore_panels(panels)
        w.network_view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._before = {}
        self._sync_actions()
        self.left.emit()

    def _share_width(self) -> None:
        """The formula panel takes FORMULA_SHARE of the width: whole equation lines, and
        the diagram still the larger part."""
        w = self.window
        formula = w.docks.get("formula")
        if formula is not None and not formula.isHidden() and not formula.isFloating():
            w.resizeDocks([formula], [int(w.width() * FORMULA_SHARE)], Qt.Orientation.Horizontal)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and self.presenting:
            if event.type() == QEvent.Type.Resize:
                # Full screen arrives later than asked under a window manager: share the
                # width once it has.
                self._share_width()
            elif event.type() == QEvent.Type.Close:
                # The window keeps its layout in the settings as it closes: the window's,
                # not presentation mode's.
                self.leave()
        return False

    def _sync_actions(self) -> None:
        self.actions["present"].setChecked(self.presenting)
        self.actions["leave"].setEnabled(self.presenting)
        self.actions["full_screen"].setChecked(self.window.isFullScreen())

    def _show_panels(self, panels: Mapping[str, object]) -> None:
        w = self.window
        docks, toolbars = panels.get("docks", ()), panels.get("toolbars", ())
        for name, dock in w.docks.items():
            dock.setVisible(isinstance(docks, list) and name in docks)
        for dock in self._other_docks():
            dock.hide()
        for bar in self._toolbars():
            self.options.show_panel(
                bar.objectName(), isinstance(toolbars, list) and bar.objectName() in toolbars
            )
        self.options.show_panel("status_bar", panels.get("status_bar") is True)
        formula = w.docks.get("formula")
        if formula is not None and not formula.isHidden():
            formula.raise_()  # it may share its place with the live-training views

    def _other_docks(self) -> list[QDockWidget]:
        """Docks of the window that are not in ``window.docks`` (the live-training views)."""
        known = set(map(id, self.window.docks.values()))
        return [d for d in self.window.findChildren(QDockWidget) if id(d) not in known]

    def _toolbars(self) -> list[QToolBar]:
        """The toolbars that are panels (the lesson caption's row follows lesson mode)."""
        return [b for b in self.window.findChildren(QToolBar) if b.objectName() in PANEL_KEYS]

    def _visible_panels(self) -> dict[str, object]:
        w = self.window
        return {
            "docks": [name for name, dock in w.docks.items() if not dock.isHidden()],
            "toolbars": [b.objectName() for b in self._toolbars() if not b.isHidden()],
            "status_bar": not w.statusBar().isHidden(),
        }

    def _normal_view(self) -> dict[str, object]:
        return capture_view(self.window)

    def _on_scale_changed(self, percent: int) -> None:
        if not self.presenting:
            return
        font = QFont(self.window.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.scale_note.setFont(font)
        self.scale_note.setText(f"Scale {percent} %")
        self.scale_note.adjustSize()
        w = self.window
        self.scale_note.move(
            (w.width() - self.scale_note.width()) // 2, (w.height() - self.scale_note.height()) // 2
        )
        self.scale_note.show()
        self.scale_note.raise_()
        self._note_timer.start()

    # --- in a session's view -----------------------------------------------------------------
    def capture(self) -> dict[str, object]:
        """Which panels presentation mode shows: {"docks": [...], "toolbars": [...],
        "status_bar": bool}."""
        return self._visible_panels() if self.presenting else dict(self.panels)

    def normal_view(self) -> dict[str, object] | None:
        """While presenting, the window's view as it was before (what a save should keep
        of the docks); None otherwise."""
        view = self._before.get("view") if self.presenting else None
        return view if isinstance(view, dict) else None

    def restore(self, panels: Mapping[str, object]) -> None:
        """Presentation panels as a saved view has them; entries that make no sense are
        left out."""
        docks, toolbars = panels.get("docks"), panels.get("toolbars")
        status = panels.get("status_bar")
        if isinstance(docks, list):
            self.panels["docks"] = [d for d in docks if isinstance(d, str)]
        if isinstance(toolbars, list):
            self.panels["toolbars"] = [t for t in toolbars if isinstance(t, str)]
        if isinstance(status, bool):
            self.panels["status_bar"] = status
        if self.presenting:
            self._show_panels(self.panels)
