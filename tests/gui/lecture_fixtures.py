"""Helpers of the lecture-hall tests (presentation, themes, shortcuts, lesson).

Themes and the display scale change application-wide state (the palette, the style sheet,
the font, pyqtgraph's defaults, the views' COLOURS dicts, the diagram's label scale); every
test that may change them gets it all back as it was, so that no other test sees a dark
theme or 200 % type.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyqtgraph as pg
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mlpviz.gui import network_labels
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import SessionModel
from mlpviz.gui.themes import THEMED_MODULES


@contextmanager
def appearance_restored(qapp: QApplication) -> Iterator[None]:
    palette, sheet, font = QPalette(qapp.palette()), qapp.styleSheet(), QFont(qapp.font())
    colours = [(m, dict(m.COLOURS)) for m in THEMED_MODULES]
    options = {k: pg.getConfigOption(k) for k in ("background", "foreground")}
    scale = network_labels.display_scale()
    yield
    for module, saved in colours:
        module.COLOURS.clear()
        module.COLOURS.update(saved)
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    QApplication.setFont(font)
    pg.setConfigOptions(**options)
    network_labels.set_display_scale(scale)


def started_window(model: SessionModel, qtbot: QtBot) -> MainWindow:
    """The main window on ``model`` as the app starts it: the settings (a fresh store: the
    first start) applied, shown, the diagram with the keyboard focus."""
    win = MainWindow(model)
    qtbot.addWidget(win)
    win.lecture.restore_settings(win.file_actions.settings)
    win.show()
    qtbot.waitExposed(win)
    win.network_view.setFocus()
    return win
