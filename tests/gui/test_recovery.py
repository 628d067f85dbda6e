"""Crash recovery: a copy is written while there are unsaved changes (on a timer and on each
completed step), never for a running window, removed on save and normal close, and after a
real crash (the process killed with SIGKILL) the next start offers it and restores the work."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from mlpviz.engine.gradcheck import numeric_gradient
from mlpviz.engine.network import course_example, interleave
from mlpviz.engine.session import default_session, save_session
from mlpviz.engine.stepper import PhaseKind
from mlpviz.gui.app import start_window
from mlpviz.gui.file_actions import Dialogs
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.recovery import SUFFIX, RecoveryWriter, offer_recovery, orphaned_copies

NEVER = 10**8  # a timer interval no test waits for

# start_window raises the window, which the offscreen test platform cannot do.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


class FakeDialogs(Dialogs):
    def __init__(self, restore: bool = True) -> None:
        self.restore = restore
        self.asked: list[str] = []
        self.warnings: list[str] = []

    def ask_yes_no(self, parent: object, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.restore

    def ask_unsaved(self, parent: object, name: str) -> str:
        return "discard"

    def warn(self, parent: object, title: str, text: str) -> None:
        self.warnings.append(text)


def copies(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}"))


def open_window(
    qtbot: QtBot, folder: Path, path: str | None = None, interval: int = NEVER, **kw: object
) -> tuple[MainWindow, RecoveryWriter, FakeDialogs]:
    dialogs = FakeDialogs(**kw)  # type: ignore[arg-type]
    window = start_window(
        path, dialogs=dialogs, recovery_folder=folder, recovery_interval_ms=interval
    )
    qtbot.addWidget(window)
    writer = window.recovery
    assert isinstance(writer, RecoveryWriter)
    return window, writer, dialogs


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "recovery"


def test_no_copy_without_unsaved_changes(qtbot: QtBot, folder: Path) -> None:
    window, writer, _ = open_window(qtbot, folder, interval=20)
    for _ in range(5):
        window.model.step()  # phases only: nothing to lose
    qtbot.wait(150)
    assert copies(folder) == []
    assert not writer.write_now()


def test_the_timer_writes_a_copy_while_there_are_changes_and_saving_removes_it(
    qtbot: QtBot, folder: Path, tmp_path: Path
) -> None:
    window, writer, _ = open_window(qtbot, folder, interval=30)
    with qtbot.waitSignal(writer.written, timeout=3000):
        window.model.set_weight(1, 0, 1, -1.5)
    doc = json.loads(writer.path.read_text(encoding="utf-8"))
    assert doc["network"]["weights"][1] == [[0.3, -1.5]]
    assert doc["view"]["recovery"]["path"] is None
    assert window.file_actions.save_to(str(tmp_path / "saved.json"))
    assert copies(folder) == []


def test_a_completed_step_writes_a_copy_at_once(qtbot: QtBot, folder: Path) -> None:
    window, writer, _ = open_window(qtbot, folder)
    m = window.model
    m.set_learning_rate(0.35)  # an edit: unsaved, but the timer is far away
    assert copies(folder) == []
    while m.phase.kind is not PhaseKind.UPDATE:
        m.step()
    assert copies(folder) == [writer.path]
    doc = json.loads(writer.path.read_text(encoding="utf-8"))
    assert doc["training"]["learning_rate"] == 0.35
    assert doc["view"]["phase"] == "Update"


def test_a_running_windows_copy_is_never_offered(qtbot: QtBot, folder: Path) -> None:
    window, writer, _ = open_window(qtbot, folder)
    window.model.set_weight(0, 0, 0, 2.0)
    assert writer.write_now() and copies(folder) == [writer.path]
    assert orphaned_copies(folder) == []
    other, _, dialogs = open_window(qtbot, folder)
    assert dialogs.asked == [] and other.model.network.equals(course_example())
    window.close()  # closed normally after "discard": copy and lock go
    assert copies(folder) == [] and list(folder.iterdir()) == []


def test_an_unreadable_copy_is_reported_and_removed(qtbot: QtBot, folder: Path) -> None:
    folder.mkdir()
    (folder / f"123-dead{SUFFIX}").write_text("{broken", encoding="utf-8")
    window, _, dialogs = open_window(qtbot, folder)
    assert "could not be read" in dialogs.warnings[0] and "not JSON" in dialogs.warnings[0]
    assert copies(folder) == [] and window.model.network.equals(course_example())


CRASHING_APP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from mlpviz.gui.app import configure_application, start_window

    app = QApplication(sys.argv[:1])
    configure_application(app)
    window = start_window(sys.argv[1], recovery_folder=Path(sys.argv[2]), recovery_interval_ms=50)
    window.recovery.written.connect(lambda path: print("written", path, flush=True))
    window.model.set_weight(0, 0, 1, 4.25)  # w21 of the course example: 0.4 before
    window.model.set_learning_rate(0.3)
    window.model.next_sample()
    app.exec()
    """
)


def crash_after_a_change(tmp_path: Path, session_path: Path, folder: Path) -> None:
    """Start the app in a subprocess on ``session_path``, change it, wait until the recovery
    copy is written, then kill the process without warning."""
    home = tmp_path / "home"  # the subprocess's settings, never the user's
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASHING_APP, str(session_path), str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the app never wrote a recovery copy"
        assert proc.stdout.readline().startswith("written")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_after_a_crash_the_next_start_offers_and_restores_the_work(
    qtbot: QtBot, tmp_path: Path, folder: Path
) -> None:
    session_path = tmp_path / "lecture.json"
    save_session(session_path, default_session())
    crash_after_a_change(tmp_path, session_path, folder)
    [left] = copies(folder)

    window, writer, dialogs = open_window(qtbot, folder)
    assert len(dialogs.asked) == 1 and "lecture.json" in dialogs.asked[0]
    m = window.model
    assert m.config.optimizer.learning_rate == 0.3
    # The copy was taken after one update of the edited network: the initial network
    # keeps the edit, and the network in force is one SGD step (η = 0.3) on from it,
    # checked against finite differences.
    edited = course_example()
    edited.weights[0][0, 1] = 4.25
    assert m.stepper.initial_network.equals(edited)
    grad_w, grad_b = numeric_gradient(edited, m.x[:1], m.y[:1], "mse")
    for got, start, grad in zip(m.network.params(), edited.params(),
                                interleave(grad_w, grad_b), strict=True):  # fmt: skip
        np.testing.assert_allclose(got, start - 0.3 * grad, atol=1e-8)
    assert window.file_actions.path == str(session_path)
    assert window.isWindowModified()
    assert window.windowTitle() == "lecture.json[*] — mlpviz"
    # The old copy is gone; this window keeps its own while the work is unsaved.
    assert not left.exists() and copies(folder) == [writer.path]
    assert window.file_actions.save()
    assert copies(folder) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_declining_the_offer_deletes_the_copy(qtbot: QtBot, tmp_path: Path, folder: Path) -> None:
    session_path = tmp_path / "lecture.json"
    save_session(session_path, default_session())
    crash_after_a_change(tmp_path, session_path, folder)
    window, _, dialogs = open_window(qtbot, folder, restore=False)
    assert len(dialogs.asked) == 1
    assert window.model.network.equals(course_example()) and not window.isWindowModified()
    assert copies(folder) == []
    assert not offer_recovery(window.file_actions, folder, dialogs)
