"""Started by :mod:`benchmarks.startup` in a fresh interpreter: open a window, note when it
is first painted, quit. Prints one JSON line with wall-clock times (time.time()).

    python -m benchmarks.startup_window mlpviz|bare

``mlpviz`` opens the main window on the course example as ``run_app`` does; ``bare`` opens
an empty QMainWindow, the floor that Python and Qt alone set.
"""

from __future__ import annotations

import json
import sys
import time


def main(kind: str) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

    if kind == "mlpviz":
        from mlpviz.gui.app import configure_application, open_session
        from mlpviz.gui.main_window import MainWindow
        from mlpviz.gui.session_model import SessionModel
    imported = time.time()

    app = QApplication(sys.argv[:1])
    window: QMainWindow
    if kind == "mlpviz":
        configure_application(app)
        session, _ = open_session(None)
        window = MainWindow(SessionModel(session))
    else:
        window = QMainWindow()
        window.setCentralWidget(QLabel("bare Qt window"))
        window.resize(1536, 940)
    built = time.time()
    times: dict[str, float] = {"imported": imported, "built": built}

    class FirstPaint(QObject):
        """Notes the first paint event to any widget of the window, then the moment the
        event loop is idle again: every view has painted its first frame by then."""

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if (
                "first_paint" not in times
                and event.type() == QEvent.Type.Paint
                and isinstance(obj, QWidget)
                and obj.window() is window
            ):
                times["first_paint"] = time.time()
                QTimer.singleShot(0, frame_done)
            return False

    def frame_done() -> None:
        times["frame_done"] = time.time()
        app.exit(0)

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    window.show()
    window.raise_()
    window.activateWindow()
    QTimer.singleShot(20_000, lambda: app.exit(1))  # never hang a benchmark run
    status = app.exec()
    print(json.dumps(times), flush=True)
    sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "mlpviz")
