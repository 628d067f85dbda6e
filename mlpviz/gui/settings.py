"""Application settings (not session content): window layout, theme, number precision, recent
files, kept with QSettings.

Every key and its default is in :data:`KEYS`, nowhere else. The store carries a version
(:data:`SETTINGS_VERSION`); :func:`migrate` upgrades an older store one version at a time
with the functions in :data:`MIGRATIONS`, as Orange3 migrates widget settings. Tests get a
fresh store from tests/gui/conftest.py and never touch the user's.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_VERSION = 1
"""The version of the settings layout this code writes."""

RECENT_FILES_MAX = 10
PRECISION_RANGE = (0, 12)
THEMES = ("system", "light", "dark", "high_contrast")
"""Theme names (mlpviz.gui.themes has their palettes); "system" follows the desktop's
light or dark preference where Qt reports one, else it is light."""
SCALE_RANGE = (100, 250)
"""Display scale in percent: every font, node, line and plot label (mlpviz.gui.display_scale)."""
AUTOMATIC_SCALE = 0
"""A presentation scale of 0: chosen from the screen's size when presentation mode starts."""


@dataclass(frozen=True)
class Key:
    """A settings key and the value it has until the user changes it."""

    name: str
    default: object


VERSION_KEY = Key("settings_version", 0)
WINDOW_GEOMETRY = Key("window/geometry", QByteArray())
WINDOW_STATE = Key("window/state", QByteArray())
WINDOW_CHECKSUM = Key("window/checksum", "")
THEME = Key("view/theme", "system")
PRECISION = Key("view/precision", 4)
SCALE = Key("view/scale", 100)
PRESENTATION_SCALE = Key("presentation/scale", AUTOMATIC_SCALE)
LESSON = Key("lesson/shown", True)
RECENT_FILES = Key("files/recent", [])
LAST_FOLDER = Key("files/last_folder", "")

KEYS = (
    VERSION_KEY, WINDOW_GEOMETRY, WINDOW_STATE, WINDOW_CHECKSUM, THEME, PRECISION, SCALE,
    PRESENTATION_SCALE, LESSON, RECENT_FILES, LAST_FOLDER,
)  # fmt: skip


def _from_unversioned(store: QSettings) -> None:
    """Version 0 is a store written before versions existed (or an empty one); it has the
    same keys as version 1, so there is nothing to move."""


MIGRATIONS: dict[int, Callable[[QSettings], None]] = {0: _from_unversioned}
"""MIGRATIONS[v] turns a store of version v into one of version v + 1."""


def migrate(store: QSettings) -> None:
    """Bring ``store`` up to :data:`SETTINGS_VERSION`. A store from a newer mlpviz is left
    as it is: reading falls back to defaults for anything it does not understand."""
    version = _int(store.value(VERSION_KEY.name, 0), 0)
    if version > SETTINGS_VERSION:
        return
    while version < SETTINGS_VERSION:
        MIGRATIONS[version](store)
        version += 1
    store.setValue(VERSION_KEY.name, SETTINGS_VERSION)


def _checksum(geometry: QByteArray, state: QByteArray) -> str:
    digest = hashlib.sha256(bytes(geometry.data()))
    digest.update(bytes(state.data()))
    return digest.hexdigest()


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


class AppSettings:
    """Typed access to the application's QSettings store (by default the user's)."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings()
        migrate(self.store)

    def _get(self, key: Key) -> object:
        return self.store.value(key.name, key.default)

    # --- window layout ---------------------------------------------------------------
    # Qt's restoreState crashes on damaged bytes, so the layout is only handed back when
    # its checksum shows it is exactly what this module stored.
    def _window_layout(self) -> tuple[QByteArray, QByteArray]:
        geometry, state = self._get(WINDOW_GEOMETRY), self._get(WINDOW_STATE)
        if not (isinstance(geometry, QByteArray) and isinstance(state, QByteArray)):
            return QByteArray(), QByteArray()
        if self._get(WINDOW_CHECKSUM) != _checksum(geometry, state):
            return QByteArray(), QByteArray()
        return geometry, state

    def window_geometry(self) -> QByteArray:
        """saveGeometry() as stored at the last close (empty if none or damaged)."""
        return self._window_layout()[0]

    def window_state(self) -> QByteArray:
        """saveState() as stored at the last close (empty if none or damaged)."""
        return self._window_layout()[1]

    def set_window_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue(WINDOW_GEOMETRY.name, geometry)
        self.store.setValue(WINDOW_STATE.name, state)
        self.store.setValue(WINDOW_CHECKSUM.name, _checksum(geometry, state))

    # --- view ------------------------------------------------------------------------
    def theme(self) -> str:
        value = self._get(THEME)
        return value if isinstance(value, str) and value in THEMES else str(THEME.default)

    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r} (known: {', '.join(THEMES)})")
        self.store.setValue(THEME.name, name)

    def precision(self) -> int:
        """Decimals shown on the diagram, in the formula panel and in exports."""
        default = int(str(PRECISION.default))
        value = _int(self._get(PRECISION), default)
        low, high = PRECISION_RANGE
        return value if low <= value <= high else default

    def set_precision(self, decimals: int) -> None:
        low, high = PRECISION_RANGE
        if not low <= decimals <= high:
            raise ValueError(f"precision must be in {low}..{high}, got {decimals}")
        self.store.setValue(PRECISION.name, decimals)

    def scale(self) -> int:
        """Display scale of the window, in percent (SCALE_RANGE)."""
        default = int(str(SCALE.default))
        value = _int(self._get(SCALE), default)
        low, high = SCALE_RANGE
        return value if low <= value <= high else default

    def set_scale(self, percent: int) -> None:
        low, high = SCALE_RANGE
        if not low <= percent <= high:
            raise ValueError(f"scale must be in {low}..{high} %, got {percent}")
        self.store.setValue(SCALE.name, percent)

    def presentation_scale(self) -> int:
        """Display scale in presentation mode, in percent; AUTOMATIC_SCALE (0) until the
        lecturer chooses one."""
        value = _int(self._get(PRESENTATION_SCALE), AUTOMATIC_SCALE)
        low, high = SCALE_RANGE
        return value if low <= value <= high else AUTOMATIC_SCALE

    def set_presentation_scale(self, percent: int) -> None:
        low, high = SCALE_RANGE
        if percent != AUTOMATIC_SCALE and not low <= percent <= high:
            raise ValueError(f"presentation scale must be 0 or in {low}..{high} %, got {percent}")
        self.store.setValue(PRESENTATION_SCALE.name, percent)

    def lesson_shown(self) -> bool:
        """Whether the lesson captions show (on until the user turns them off)."""
        value = self._get(LESSON)
        # An INI store gives booleans back as the strings "true" and "false".
        if isinstance(value, str):
            return value.lower() != "false"
        return bool(value)

    def set_lesson_shown(self, shown: bool) -> None:
        self.store.setValue(LESSON.name, bool(shown))

    # --- files -----------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Most recent first."""
        value = self._get(RECENT_FILES)
        # An INI store gives back a one-element list as a plain string.
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            return []
        return [p for p in items if isinstance(p, str) and p][:RECENT_FILES_MAX]

    def add_recent_file(self, path: str) -> None:
        path = os.path.abspath(path)
        files = [path, *(p for p in self.recent_files() if p != path)]
        self.store.setValue(RECENT_FILES.name, files[:RECENT_FILES_MAX])
        self.store.setValue(LAST_FOLDER.name, os.path.dirname(path))

    def remove_recent_file(self, path: str) -> None:
        files = [p for p in self.recent_files() if p != os.path.abspath(path)]
        self.store.setValue(RECENT_FILES.name, files)

    def clear_recent_files(self) -> None:
        self.store.setValue(RECENT_FILES.name, [])

    def last_folder(self) -> str:
        """The folder of the last file opened or saved ("" before the first)."""
        value = self._get(LAST_FOLDER)
        return value if isinstance(value, str) else ""

    def set_last_folder(self, folder: str) -> None:
        self.store.setValue(LAST_FOLDER.name, folder)
