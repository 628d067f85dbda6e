"""Every action has a keyboard shortcut and a tooltip, the "?" / F1 overlay lists exactly
the window's actions and keys, every key listed does what it says, and the widgets have
accessible names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from lecture_fixtures import appearance_restored, started_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from mlpviz.gui.data_panel import DataPanel
from mlpviz.gui.data_view import DataView
from mlpviz.gui.file_actions import Dialogs
from mlpviz.gui.health_view import HealthView
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.network_panel import NetworkPanel
from mlpviz.gui.neuron_maps import NeuronMaps
from mlpviz.gui.session_model import SessionModel
from mlpviz.gui.shortcuts_overlay import shortcut_groups
from mlpviz.gui.training_panel import TrainingPanel


@pytest.fixture
def window(course_model: SessionModel, qtbot: QtBot, qapp: QApplication) -> Iterator[MainWindow]:
    with appearance_restored(qapp):
        yield started_window(course_model, qtbot)



def plain(text: str) -> str:
    return text.replace("&", "").rstrip("…").strip()


def every_action(win: MainWindow) -> list[QAction]:
    """Walked here without mlpviz.gui.keymap: every command in the menus, recursively
    (the entries of Open Recent change with the files and are left out), and every action
    on the window itself."""
    found: list[QAction] = []

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                if plain(sub.title()) != "Open Recent":
                    walk(sub)
            elif not action.isSeparator() and action not in found:
                found.append(action)

    for top in win.menuBar().actions():
        menu = top.menu()
        assert isinstance(menu, QMenu)
        walk(menu)
    found += [a for a in win.actions() if a not in found and a.menu() is None]
    return found


def test_every_action_has_a_shortcut_and_a_tooltip(window: MainWindow) -> None:
    actions = every_action(window)
    assert len(actions) > 60
    for action in actions:
        assert action.shortcuts(), action.text()
        tip = action.toolTip()
        assert tip and tip != plain(action.text()), action.text()
        first = action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText)
        assert first in tip, (action.text(), tip)
    # The platform's standard keys where there are some.
    standard = {
        "file_new": QKeySequence.StandardKey.New,
        "file_open": QKeySequence.StandardKey.Open,
        "file_save": QKeySequence.StandardKey.Save,
        "undo": QKeySequence.StandardKey.Undo,
    }
    for name, key in standard.items():
        for binding in QKeySequence.keyBindings(key):
            assert binding in window.actions_by_name[name].shortcuts()


def test_no_two_actions_share_a_key(window: MainWindow) -> None:
    keys = Counter(k.toString() for a in every_action(window) for k in a.shortcuts())
    assert [k for k, n in keys.items() if n > 1] == []


def test_the_overlay_lists_exactly_the_windows_actions(window: MainWindow, qtbot: QtBot) -> None:
    overlay = window.lecture.shortcuts
    qtbot.keyClick(window.network_view, Qt.Key.Key_F1)
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    listed = {(name.split(" › ")[-1], keys) for _, entries in shortcut_groups(window)
              for name, keys, _ in entries}  # fmt: skip
    expected = set()
    for action in every_action(window):
        shown = [k for k in action.shortcuts() if k[0].key().value < Qt.Key.Key_Back.value]
        shown = [k for k in shown if k[0].key() != Qt.Key.Key_Help] or action.shortcuts()
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in shown)
        expected.add((plain(action.text()), keys))
    assert listed == expected
    text = " ".join(label.text() for label in overlay.labels)
    for name, keys in expected:
        assert name.replace("&", "&amp;") in text and keys.split(", ")[0] in text
    # Any key closes it and does nothing else.
    qtbot.keyClick(overlay, Qt.Key.Key_Right)
    assert not overlay.isVisible() and window.model.phase.label == "Input"
    qtbot.keyClick(window.network_view, Qt.Key.Key_Question)
    assert overlay.isVisible()
    qtbot.keyClick(overlay, Qt.Key.Key_Question)
    assert not overlay.isVisible()


class Cancelled(Dialogs):
    """Every file chooser and question cancelled: nothing blocks, nothing is written."""

    def ask_unsaved(self, parent: QWidget, name: str) -> str:
        return "cancel"

    def ask_yes_no(self, parent: QWidget, title: str, text: str) -> bool:
        return False

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        pass

    def open_path(self, parent: QWidget, caption: str, folder: str, filters: str) -> str:
        return ""

    def save_path(self, parent: QWidget, caption: str, start: str, filters: str) -> str:
        return ""

    def ask_int(
        self, parent: QWidget, title: str, label: str, value: int, low: int, high: int
    ) -> int | None:
        return None


def _settle(win: MainWindow) -> None:
    """Back to a plain window between keys: overlays closed, training paused, not
    presenting, an edit to undo."""
    lecture = win.lecture
    lecture.shortcuts.close_overlay()
    lecture.presentation.blank_screen.unblank()
    if lecture.presentation.presenting:
        lecture.presentation.leave()
    if win.isFullScreen():
        lecture.presentation.toggle_full_screen()
    win.training.controller.pause()
    if not win.model.undo_stack.canUndo():
        win.model.set_weight(0, 0, 0, 0.25)  # Undo and Revert need something to undo
    win.network_view.setFocus()


def test_every_listed_key_triggers_its_action(window: MainWindow, qtbot: QtBot) -> None:
    window.file_actions.dialogs = Cancelled()
    fired: list[QAction] = []
    actions = every_action(window)
    for action in actions:
        action.triggered.connect(lambda _c=False, a=action: fired.append(a))
    quit_action = window.file_actions.actions["quit"]
    listed = [entry for _, entries in shortcut_groups(window) for entry in entries]
    assert len(listed) == len(actions)
    for action in [a for a in actions if a is not quit_action] + [quit_action]:
        _settle(window)
        if action is window.actions_by_name["redo"]:
            window.model.undo_stack.undo()
        if action is window.lecture.presentation.actions["leave"]:
            window.lecture.presentation.enter()  # Esc only leaves presentation mode
        fired.clear()
        target = QApplication.focusWidget() or window.network_view
        QTest.keySequence(target, action.shortcuts()[0])
        assert fired == [action], (action.text(), action.shortcuts()[0].toString())
    assert not window.isVisible()  # Quit, last, closed the window


def _owner(widget: QWidget) -> type | None:
    parent: QWidget | None = widget
    views = (TrainingPanel, NetworkPanel, DataPanel, DataView, NeuronMaps, HealthView)
    while parent is not None:
        if isinstance(parent, views):
            return type(parent)
        parent = parent.parentWidget()
    return None


def unnamed_widgets(win: MainWindow) -> list[tuple[str, str, str]]:
    """Interactive widgets a screen reader finds no name for (its own, its text, or the
    label it is the buddy of), as (owner view, class, tooltip). Qt's inner parts of a
    widget (a spin box's line edit, a combo box's list, a table's headers) are left out:
    the reader names the widget they belong to."""
    kinds = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QAbstractSlider,
             QAbstractItemView, QTextEdit, QTabBar)  # fmt: skip
    found = []
    for widget in win.findChildren(QWidget):
        inner = isinstance(widget, (QHeaderView, QScrollBar))
        inner = inner or widget.objectName().startswith("qt_")
        parent = widget.parentWidget()
        while parent is not None and not inner:
            inner = isinstance(parent, QComboBox)
            parent = parent.parentWidget()
        if not isinstance(widget, kinds) or inner:
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is None or not interface.text(QAccessible.Text.Name).strip():
            owner = _owner(widget)
            found.append((owner.__name__ if owner else "", type(widget).__name__,
                          widget.toolTip()))  # fmt: skip
    return found


def test_every_widget_of_the_window_has_an_accessible_name(window: MainWindow) -> None:
    assert [w for w in unnamed_widgets(window) if not w[0]] == []


def test_the_live_training_panels_name_their_widgets(window: MainWindow) -> None:
    assert unnamed_widgets(window) == []


def test_the_overlay_fits_every_key_in_sight_at_200_percent(
    window: MainWindow, qtbot: QtBot
) -> None:
    # Presentation mode at 200 % on a 1080p projector hid the View menu's keys behind a
    # scroll bar: the lists take smaller type until they fit, never below MIN_FIT.
    from mlpviz.gui.shortcuts_overlay import MIN_FIT

    window.resize(1800, 1000)
    window.lecture.view_options.choose_scale(200)
    qtbot.wait(50)
    overlay = window.lecture.shortcuts
    overlay.open_overlay()
    qtbot.wait(50)
    area = overlay.scroll_area
    assert area.horizontalScrollBar().maximum() == 0
    assert area.verticalScrollBar().maximum() == 0
    size = overlay.columns_host.font().pointSizeF()
    assert MIN_FIT * window.font().pointSizeF() <= size < window.font().pointSizeF()
    overlay.close_overlay()
