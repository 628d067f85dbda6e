"""Start the GUI: the QApplication, the session to open, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from mlpviz import __version__
from mlpviz.engine.session import Session, SessionError, default_session, load_session
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import SessionModel


def configure_application(app: QApplication) -> None:
    """Names (for QSettings) and the pyqtgraph defaults every view relies on."""
    QCoreApplication.setOrganizationName("mlpviz")
    QCoreApplication.setApplicationName("mlpviz")
    QCoreApplication.setApplicationVersion(__version__)
    app.setApplicationDisplayName("mlpviz")
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


def run_app(path: str | None = None) -> int:
    """Open the main window on ``path`` (a session file) or the course example."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    session, error = open_session(path)
    window = MainWindow(SessionModel(session))
    window.show()
    window.raise_()
    window.activateWindow()  # keyboard focus at once, so a presenter remote works from the start
    if error:
        QMessageBox.warning(window, "mlpviz", error)
    return app.exec()
