"""Every action of the main window has a keyboard shortcut and a tooltip.

The modules that make an action give it its keys where the platform has standard ones
(Open, Save, Undo, …) or the lecture needs them (→, Space, PageDown, …). This module gives
keys to the rest, in one table so that they cannot collide unseen:

- the docks: Alt+1 … Alt+9, in the window's order (as the tool windows of many IDEs);
- File: Revert Ctrl+R, Import Weights Ctrl+I, and Quit Ctrl+Q where the platform has no
  standard Quit key;
- Export: two- and three-key chords after Ctrl+Shift+X, e.g. Ctrl+Shift+X, D, 2 exports
  the Diagram as PNG at 2×;
- Maps on Hidden Neurons: M.

:func:`complete_actions` also gives every action a tooltip that says what it does and names
its keys, and adds every menu's action to the window itself, so that its shortcut works
while the menu bar is hidden (presentation mode).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

DOCK_ORDER = (
    "dock-formula",
    "dock-samples",
    "dock-activation",
    "dock-loss",
    "dock-training",
    "dock-data-and-network",
    "dock-decision-boundary",
    "dock-neuron-maps",
    "dock-layer-health",
)
"""Docks by object name, in the order of their keys Alt+1 … Alt+9."""

FILE_KEYS = {
    "file-revert": "Ctrl+R",
    "file-import_weights": "Ctrl+I",
    "file-quit": "Ctrl+Q",
}

EXPORT_PREFIX = "Ctrl+Shift+X"
EXPORT_PICTURES = {"diagram": "D", "activation": "A", "loss": "L"}
EXPORT_FORMATS = {"png1": "1", "png2": "2", "png_width": "W", "svg": "S", "csv": "C"}
EXPORT_OTHERS = {
    "worked_markdown": "M",
    "worked_latex": "T",
    "loss_history_csv": "H",
    "weights_json": "J",
    "weights_npz": "N",
}

TIPS = {
    "undo": "Undo the last edit",
    "redo": "Redo the edit undone last",
}


def export_keys(name: str) -> str | None:
    """The chord of the Export action ``export-<name>``, e.g. "Ctrl+Shift+X, D, 2"."""
    if name in EXPORT_OTHERS:
        return f"{EXPORT_PREFIX}, {EXPORT_OTHERS[name]}"
    picture, _, form = name.partition("_")
    if picture in EXPORT_PICTURES and form in EXPORT_FORMATS:
        return f"{EXPORT_PREFIX}, {EXPORT_PICTURES[picture]}, {EXPORT_FORMATS[form]}"
    return None


def plain(text: str) -> str:
    """A menu text without its & mnemonic marks and trailing dots."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _on_keyboard(key: QKeySequence) -> bool:
    """Whether ``key`` is typed on an ordinary keyboard, not one of the dedicated keys
    (Help, New, Save, Undo, Zoom In, F14 …) that the platform's standard bindings add."""
    first = key[0].key() if key.count() else Qt.Key.Key_unknown  # type: ignore[index]
    if Qt.Key.Key_F13.value <= first.value <= Qt.Key.Key_F35.value:
        return False  # Sun's Undo, Copy … keys
    return first != Qt.Key.Key_Help and first.value < Qt.Key.Key_Back.value


def key_text(keys: list[QKeySequence]) -> str:
    """The keys as the platform writes them, dedicated keys left out unless they are all
    there is: "Ctrl+N", not "Ctrl+N, New"."""
    shown = [k for k in keys if _on_keyboard(k)] or keys
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in shown)


MenuPath = tuple[str, ...]
"""The titles of the menus an action is in, e.g. ("Export", "Diagram")."""


def menu_actions(menu: QMenu, path: MenuPath = ()) -> Iterator[tuple[MenuPath, QAction]]:
    """Every command in ``menu`` and its submenus, with the titles of the menus it is in.
    Open Recent's entries are left out: they change with the files opened."""
    for action in menu.actions():
        if action.isSeparator():
            continue
        sub = action.menu()
        if isinstance(sub, QMenu):
            if sub.objectName() != "recent-files" and plain(sub.title()) != "Open Recent":
                yield from menu_actions(sub, (*path, plain(sub.title())))
            continue
        yield path, action


def window_actions(window: MainWindow) -> list[tuple[MenuPath, QAction]]:
    """Every command of ``window``: those of its menus (with their menu path), then those
    only on the window itself (with the path ("Window",))."""
    found: list[tuple[MenuPath, QAction]] = []
    seen: set[int] = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            for path, action in menu_actions(menu, (plain(menu.title()),)):
                if id(action) not in seen:
                    seen.add(id(action))
                    found.append((path, action))
    for action in window.actions():
        if id(action) not in seen and not action.isSeparator() and action.menu() is None:
            seen.add(id(action))
            found.append((("Window",), action))
    return found


def _default_keys(window: MainWindow) -> dict[int, tuple[str, str]]:
    """Keys and tooltips this module gives, by id of the action."""
    keys: dict[int, tuple[str, str]] = {}
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    for n, name in enumerate(DOCK_ORDER, start=1):
        if name in docks:
            title = docks[name].windowTitle()
            tip = f"Show or hide the {title} panel"
            keys[id(docks[name].toggleViewAction())] = (f"Alt+{n}", tip)
    node_maps = getattr(getattr(window, "training", None), "node_maps_action", None)
    if isinstance(node_maps, QAction):
        keys[id(node_maps)] = ("M", "")
    return keys


def complete_actions(window: MainWindow) -> None:
    """Keys (where an action has none) and tooltips for every command of ``window``; every
    command also on the window, so its shortcut works without the menu bar."""
    defaults = _default_keys(window)
    names = {id(a): n for n, a in getattr(window, "actions_by_name", {}).items()}
    window_has = set(map(id, window.actions()))
    for path, action in window_actions(window):
        name = action.objectName()
        key, default_tip = defaults.get(id(action), ("", ""))
        unique = list(dict.fromkeys(action.shortcuts()))
        if len(unique) < len(action.shortcuts()):
            # A key given twice (a platform's standard key and the same one written out)
            # is two entries for Qt, which then takes the key as ambiguous and does nothing.
            action.setShortcuts(unique)
        if not action.shortcuts():
            key = key or FILE_KEYS.get(name, "")
            if name.startswith("export-"):
                key = export_keys(name.removeprefix("export-")) or ""
            if key:
                action.setShortcut(QKeySequence(key))
        tip = action.toolTip()
        if not tip or tip == plain(action.text()):
            tip = (
                default_tip
                or TIPS.get(names.get(id(action), ""))
                or action.statusTip()
                or " › ".join((*path, plain(action.text())))
            )
        keys = key_text(action.shortcuts())
        if keys and keys not in tip:
            tip = f"{tip} ({keys})"
        action.setToolTip(tip)
        if id(action) not in window_has:
            window.addAction(action)
