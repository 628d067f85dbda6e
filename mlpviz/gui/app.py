"""Start the GUI: the QApplication, the session to open, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication

from mlpviz import __version__
from mlpviz.engine.resources import resource
from mlpviz.engine.session import Session, SessionError, default_session, load_session
from mlpviz.gui.file_actions import Dialogs
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.recovery import (
    RECOVERY_INTERVAL_MS,
    RecoveryWriter,
    default_recovery_folder,
    offer_recovery,
)
from mlpviz.gui.session_model import SessionModel
from mlpviz.gui.settings import AppSettings

APP_ID = "io.github.mlpviz.mlpviz"
"""The reverse-DNS id of the desktop entry and AppStream metadata (packaging/)."""


def application_icon() -> QIcon:
    """The mlpviz icon at every size shipped as resources/icons/mlpviz-<N>.png.

    Read through importlib.resources as bytes, so it is found in a wheel, an editable
    install and a frozen bundle alike; PNGs rather than the SVG because they need no
    icon-engine plugin. Empty (null) if none is found: the app still runs.
    """
    icon = QIcon()
    try:
        entries = sorted(resource("icons").iterdir(), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return icon
    for entry in entries:
        if entry.name.startswith("mlpviz-") and entry.name.endswith(".png"):
            pixmap = QPixmap()
            if pixmap.loadFromData(entry.read_bytes(), "PNG"):
                icon.addPixmap(pixmap)
    return icon


def configure_application(app: QApplication) -> None:
    """Names (for QSettings), the window icon and the pyqtgraph defaults every view relies on."""
    QCoreApplication.setOrganizationName("mlpviz")
    QCoreApplication.setApplicationName("mlpviz")
    QCoreApplication.setApplicationVersion(__version__)
    app.setApplicationDisplayName("mlpviz")
    # Wayland compositors find the taskbar icon through the desktop entry of this id.
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(application_icon())
    pg.setConfigOptions(antialias=True, background="w", foreground="k")


def open_session(path: str | None) -> tuple[Session, str | None]:
    """The session at ``path`` (or the course example), and an error message if it failed.

    A file that cannot be opened never stops the app: the course example opens instead
    and the message says why.
    """
    if path is None:
        return default_session(), None
    try:
        return load_session(path), None
    except (SessionError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return default_session(), f"Could not open {Path(path).name}: {reason}"


def start_window(
    path: str | None = None,
    *,
    settings: AppSettings | None = None,
    dialogs: Dialogs | None = None,
    recovery_folder: Path | None = None,
    recovery_interval_ms: int = RECOVERY_INTERVAL_MS,
) -> MainWindow:
    """Show the main window on ``path`` (or the course example) as the user left it: the
    window layout and decimals from the settings, the session's own view, and, when an
    earlier mlpviz did not close normally, the offer to restore its unsaved work.

    ``dialogs`` and ``recovery_folder`` are for tests (the defaults ask the user and use
    the application data folder).
    """
    settings = settings if settings is not None else AppSettings()
    session, error = open_session(path)
    window = MainWindow(SessionModel(session))
    files = window.file_actions
    files.settings = settings
    if dialogs is not None:
        files.dialogs = dialogs
    files.ask_before_closing = True
    window.restore_layout(settings.window_state(), settings.window_geometry())
    window.lecture.restore_settings(settings)  # theme, decimals, scale, lesson captions
    files.opened(path if error is None else None)
    folder = recovery_folder if recovery_folder is not None else default_recovery_folder()
    window.recovery = RecoveryWriter(files, folder, recovery_interval_ms)
    window.show()
    window.raise_()
    window.activateWindow()  # keyboard focus at once, so a presenter remote works from the start
    if error:
        files.dialogs.warn(window, "mlpviz", error)
    if offer_recovery(files, folder):
        window.recovery.write_now()
    return window


def run_app(path: str | None = None) -> int:
    """Open the main window on ``path`` (a session file) or the course example."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    window = start_window(path)  # noqa: F841 - kept alive until the event loop ends
    return app.exec()
