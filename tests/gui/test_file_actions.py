"""File menu: save, open, revert, recent files, the modified mark, asking before unsaved work
is lost, save failures that keep the work, broken files that change nothing, and a reopened
session that is exactly the one saved (every number, the phase, the view)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

import mlpviz.engine.session as session_module
from mlpviz.engine.network import course_example, initialise
from mlpviz.engine.optimizers import OptimizerConfig
from mlpviz.engine.session import default_session, load_session
from mlpviz.engine.stepper import PhaseKind
from mlpviz.engine.weights_io import save_weights
from mlpviz.gui.file_actions import Dialogs
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import Selection, SessionModel

# Hand-worked course values (the brief): V after one update with η = 0.7.
V_AFTER = [0.3 - 0.7 * 0.181381, 0.5 - 0.7 * 0.219133]


class FakeDialogs(Dialogs):
    """Scripted answers; records every question so tests can check what was asked."""

    def __init__(self) -> None:
        self.unsaved_answer = "cancel"
        self.yes = True
        self.path = ""
        self.asked: list[str] = []
        self.warnings: list[str] = []

    def ask_unsaved(self, parent: object, name: str) -> str:
        self.asked.append(f"unsaved {name}")
        return self.unsaved_answer

    def ask_yes_no(self, parent: object, title: str, text: str) -> bool:
        self.asked.append(title)
        return self.yes

    def warn(self, parent: object, title: str, text: str) -> None:
        self.warnings.append(text)

    def open_path(self, parent: object, caption: str, folder: str, filters: str) -> str:
        self.asked.append(caption)
        return self.path

    def save_path(self, parent: object, caption: str, start: str, filters: str) -> str:
        self.asked.append(caption)
        return self.path


def make_window(qtbot: QtBot, model: SessionModel) -> tuple[MainWindow, FakeDialogs]:
    win = MainWindow(model)
    dialogs = FakeDialogs()
    win.file_actions.dialogs = dialogs
    win.file_actions.ask_before_closing = True
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win, dialogs


@pytest.fixture
def window(course_model: SessionModel, qtbot: QtBot) -> MainWindow:
    return make_window(qtbot, course_model)[0]


def dialogs_of(window: MainWindow) -> FakeDialogs:
    d = window.file_actions.dialogs
    assert isinstance(d, FakeDialogs)
    return d


def go_to(model: SessionModel, label: str) -> None:
    model.go_to(next(p for p in model.phases if p.label == label))


def assert_same_step(a: SessionModel, b: SessionModel) -> None:
    """Every number of the current step, bit for bit."""
    assert a.phase == b.phase and a.record.sample == b.record.sample
    ra, rb = a.record.result, b.record.result
    for xs, ys in (
        (ra.forward.z, rb.forward.z),
        (ra.forward.a, rb.forward.a),
        (ra.backward.delta, rb.backward.delta),
        (ra.backward.grad_weights, rb.backward.grad_weights),
        (ra.backward.grad_biases, rb.backward.grad_biases),
        (ra.before.params(), rb.before.params()),
        (ra.after.params(), rb.after.params()),
    ):
        for x, y in zip(xs, ys, strict=True):
            assert x.tobytes() == y.tobytes()
    assert ra.backward.loss == rb.backward.loss
    assert a.record.loss_after == b.record.loss_after
    assert a.network.equals(b.network)
    assert a.stepper.initial_network.equals(b.stepper.initial_network)
    oa, ob = a.stepper.optimizer.state, b.stepper.optimizer.state
    assert oa.t == ob.t
    for xs, ys in ((oa.velocity, ob.velocity), (oa.m, ob.m), (oa.v, ob.v)):
        assert len(xs) == len(ys)
        for x, y in zip(xs, ys, strict=True):
            assert x.tobytes() == y.tobytes()
    assert a.x.tobytes() == b.x.tobytes() and a.y.tobytes() == b.y.tobytes()
    assert a.config == b.config


# --- title and modified mark ---------------------------------------------------------------


def test_title_and_modified_mark_follow_edits_and_undo(window: MainWindow) -> None:
    assert window.windowTitle() == "Course example[*] — mlpviz"
    assert not window.isWindowModified()
    window.model.set_weight(0, 0, 1, 1.0)
    assert window.isWindowModified() and window.file_actions.is_modified()
    window.actions_by_name["undo"].trigger()
    assert not window.isWindowModified()


def test_stepping_an_update_is_a_change_moving_between_phases_is_not(window: MainWindow) -> None:
    m = window.model
    for _ in range(5):  # Input → Backward 1: nothing saved would differ
        m.step()
    assert m.phase.label == "Backward 1" and not window.isWindowModified()
    m.step()  # Update: the session would still reopen at this very update
    assert m.phase.kind is PhaseKind.UPDATE and not window.isWindowModified()
    m.step()  # the next sample starts from the updated weights: a change
    assert window.isWindowModified()
    m.back()
    assert not window.isWindowModified()


def test_standard_shortcuts(window: MainWindow) -> None:
    actions = window.file_actions.actions
    for name, key in (
        ("new", QKeySequence.StandardKey.New),
        ("open", QKeySequence.StandardKey.Open),
        ("save", QKeySequence.StandardKey.Save),
        ("quit", QKeySequence.StandardKey.Quit),
    ):
        # Where the platform has no standard Quit key (Windows, offscreen), mlpviz.gui.keymap
        # gives Ctrl+Q: every action has a key.
        fallback = [QKeySequence("Ctrl+Q")] if name == "quit" else []
        assert actions[name].shortcuts() == (QKeySequence.keyBindings(key) or fallback)
    assert actions["save_as"].shortcuts()  # a standard key, or Ctrl+Shift+S
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[0] == "&File"


# --- save and reopen ---------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["Input", "Forward 2", "Loss", "Backward 1", "Update"])
def test_reopen_gives_back_every_number_and_the_phase(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, phase: str
) -> None:
    m = window.model
    m.set_optimizer(OptimizerConfig("momentum", learning_rate=0.7, momentum=0.9))
    m.next_sample()
    m.next_sample()  # two updates: velocity is non-zero
    m.set_input(0, 1, 0.25)  # an edited sample
    go_to(m, phase)
    m.select(Selection("weight", 1, 0, 1))
    window.network_view.set_precision(6)
    window.docks["loss"].hide()
    window.resize_docks([(window.docks["formula"], 420)], [])
    qtbot.waitUntil(lambda: window.docks["formula"].width() == 420)
    dialogs_of(window).path = str(tmp_path / "lecture")
    assert window.file_actions.save()
    path = tmp_path / "lecture.json"  # the suffix is added
    assert path.exists() and window.file_actions.path == str(path)
    assert not window.isWindowModified()
    assert window.windowTitle() == "lecture.json[*] — mlpviz"

    other, _ = make_window(qtbot, SessionModel(default_session()))
    assert other.file_actions.open_path(str(path))
    assert_same_step(m, other.model)
    assert other.model.phase.label == phase
    assert other.model.selection == Selection("weight", 1, 0, 1)
    assert other.network_view.precision == 6
    assert other.docks["loss"].isHidden() and not other.docks["formula"].isHidden()
    qtbot.waitUntil(lambda: abs(other.docks["formula"].width() - 420) <= 2)
    assert not other.isWindowModified()
    # Going on from there is the same in both windows too.
    for win in (window, other):
        win.model.next_sample()
    assert_same_step(m, other.model)


def test_saving_at_update_reopens_at_that_update(window: MainWindow, tmp_path: Path) -> None:
    m = window.model
    go_to(m, "Update")
    path = tmp_path / "at_update.json"
    assert window.file_actions.save_to(str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["view"]["phase"] == "Update"
    # The file keeps the weights before the update, which opening recomputes.
    assert doc["network"]["weights"][1] == [[0.3, 0.5]]
    again = MainWindow(SessionModel(load_session(path)))
    try:
        from mlpviz.gui.file_actions import restore_view

        restore_view(again, load_session(path).view)
        assert again.model.phase.kind is PhaseKind.UPDATE
        np.testing.assert_allclose(again.model.network.weights[1], [V_AFTER], atol=1e-6)
    finally:
        again.deleteLater()


def test_save_change_revert(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    assert window.file_actions.save_to(str(path))
    m = window.model
    m.set_weight(1, 0, 0, -2.5)
    m.set_learning_rate(0.1)
    assert window.isWindowModified()
    d = dialogs_of(window)
    d.yes = False
    assert not window.file_actions.revert()
    assert m.network.weights[1][0, 0] == -2.5
    d.yes = True
    assert window.file_actions.revert()
    assert m.network.equals(course_example())
    assert m.config.optimizer.learning_rate == 0.7
    assert not window.isWindowModified()
    assert not window.file_actions.actions["revert"].isEnabled()


def test_revert_of_an_untitled_session_goes_back_to_how_it_opened(window: MainWindow) -> None:
    m = window.model
    m.set_bias(0, 1, 9.0)
    go_to(m, "Loss")
    assert window.file_actions.revert()
    assert m.network.equals(course_example())
    assert m.phase.label == "Input" and window.file_actions.path is None


# --- asking first ------------------------------------------------------------------------


def test_closing_without_changes_does_not_ask(window: MainWindow) -> None:
    window.close()
    assert not window.isVisible()
    assert dialogs_of(window).asked == []


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_closing_with_unsaved_changes_asks(window: MainWindow, tmp_path: Path, answer: str) -> None:
    path = tmp_path / "s.json"
    window.file_actions.save_to(str(path))
    window.model.set_weight(0, 1, 0, 3.0)
    closed = []
    window.closing.connect(lambda: closed.append(True))
    d = dialogs_of(window)
    d.unsaved_answer = answer
    window.close()
    assert d.asked == ["unsaved s.json"]
    assert window.isVisible() == (answer == "cancel")
    assert closed == ([] if answer == "cancel" else [True])
    saved = load_session(path).network.weights[0][1, 0]
    assert saved == (3.0 if answer == "save" else 0.6)


def test_closing_an_untitled_session_and_cancelling_the_file_name_keeps_it_open(
    window: MainWindow,
) -> None:
    window.model.set_weight(0, 1, 0, 3.0)
    d = dialogs_of(window)
    d.unsaved_answer, d.path = "save", ""  # chose Save, then cancelled the file chooser
    window.close()
    assert window.isVisible() and window.isWindowModified()


def test_opening_another_file_with_unsaved_changes_asks_first(
    window: MainWindow, tmp_path: Path
) -> None:
    other = tmp_path / "xor.json"
    session_module.save_session(other, load_session(Path("resources/examples/xor.json")))
    window.model.set_weight(0, 1, 0, 3.0)
    d = dialogs_of(window)
    d.unsaved_answer, d.path = "cancel", str(other)
    assert not window.file_actions.open()
    assert window.model.network.weights[0][1, 0] == 3.0
    d.unsaved_answer = "discard"
    assert window.file_actions.open()
    assert window.model.network.layer_sizes == [2, 4, 1]
    assert window.windowTitle() == "xor.json[*] — mlpviz"
    window.model.set_weight(0, 1, 0, 3.0)
    d.asked.clear()
    assert window.file_actions.new()
    assert d.asked == ["unsaved xor.json"]
    assert window.model.network.equals(course_example()) and window.file_actions.path is None


# --- failures keep the work ----------------------------------------------------------------


def test_a_full_disk_keeps_the_unsaved_state(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.json"
    window.file_actions.save_to(str(path))
    before = path.read_bytes()
    window.model.set_weight(0, 0, 0, 7.0)

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    assert not window.file_actions.save()
    warning = dialogs_of(window).warnings[-1]
    assert "Could not save s.json" in warning and "No space left on device" in warning
    assert "still here, unsaved" in warning
    assert window.isWindowModified() and window.model.network.weights[0][0, 0] == 7.0
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_a_folder_that_cannot_be_written_keeps_the_unsaved_state(
    window: MainWindow, tmp_path: Path
) -> None:
    window.model.set_weight(0, 0, 0, 7.0)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        target = tmp_path / "missing-folder" / "s.json"  # root may write anywhere
    else:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        target = folder / "s.json"
    assert not window.file_actions.save_to(str(target))
    assert "Could not save s.json" in dialogs_of(window).warnings[-1]
    assert window.isWindowModified() and window.file_actions.path is None
    assert not target.exists()


BROKEN = {
    "not JSON": ("{not json", "not JSON"),
    "wrong type": (
        '{"format": "mlpviz-session", "version": 1, "network": 3, "data": {}}',
        "network: expected an object",
    ),
    "wrong shape": (
        json.dumps(
            {
                "format": "mlpviz-session",
                "version": 1,
                "network": {
                    "layer_sizes": [2, 2, 1],
                    "activations": ["sigmoid", "sigmoid"],
                    "weights": [[[0.2, 0.4, 9.0], [0.6, 0.8]], [[0.3, 0.5]]],
                    "biases": [[0.1, 0.2], [0.4]],
                },
                "data": {"x": [[0.5, 0.8]], "y": [[0.0]]},
            }
        ),
        r"network.weights[0][0]: expected 2 numbers, got 3",
    ),
    "unknown name": (
        '{"format": "mlpviz-session", "version": 1, "network": {"layer_sizes": [1, 1], '
        '"activations": ["sigmoidd"]}, "data": {"x": [[0]], "y": [[0]]}}',
        "unknown activation 'sigmoidd'",
    ),
    "NaN": (
        '{"format": "mlpviz-session", "version": 1, "network": {"layer_sizes": [1, 1], '
        '"activations": ["linear"], "weights": [[[NaN]]], "biases": [[0]]}, '
        '"data": {"x": [[0]], "y": [[0]]}}',
        "NaN is not allowed",
    ),
    "deep nesting": ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    "binary": ("\udcff", "not UTF-8"),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_file_changes_nothing_and_says_why(
    window: MainWindow, tmp_path: Path, kind: str
) -> None:
    m = window.model
    m.set_weight(0, 0, 0, 5.0)
    go_to(m, "Loss")
    text, message = BROKEN[kind]
    path = tmp_path / "broken.json"
    if kind == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01")
    else:
        path.write_text(text, encoding="utf-8")
    dialogs_of(window).unsaved_answer = "discard"  # the user agreed to drop the changes
    assert not window.file_actions.open_path(str(path))
    warning = dialogs_of(window).warnings[-1]
    assert "Could not open broken.json" in warning and message in warning
    assert "unchanged" in warning
    assert m.network.weights[0][0, 0] == 5.0 and m.phase.label == "Loss"
    assert window.isWindowModified() and window.file_actions.path is None
    window.actions_by_name["undo"].trigger()  # the undo history survived too
    assert m.network.equals(course_example())


def test_a_huge_file_is_refused_before_it_is_read(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * 5000)
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", 4096)
    assert not window.file_actions.open_path(str(path))
    assert "5000 bytes, more than the 4096" in dialogs_of(window).warnings[-1]
    assert window.model.network.equals(course_example())


def test_a_missing_file_leaves_the_recent_files(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    window.file_actions.save_to(str(path))
    settings = window.file_actions.settings
    assert settings.recent_files() == [str(path)]
    path.unlink()
    assert not window.file_actions.open_path(str(path))
    assert settings.recent_files() == []


# --- recent files ---------------------------------------------------------------------------


def test_open_recent_lists_the_latest_first_and_opens(window: MainWindow, tmp_path: Path) -> None:
    fa = window.file_actions
    for name in ("a.json", "b.json"):
        fa.save_to(str(tmp_path / name))
    window.model.set_weight(0, 0, 0, 4.0)
    fa.save_to(str(tmp_path / "c.json"))
    fa._fill_recent_menu()
    texts = [a.text() for a in fa.recent_menu.actions() if a.text()]
    assert texts[:3] == ["&1 c.json", "&2 b.json", "&3 a.json"]
    fa.recent_menu.actions()[2].trigger()  # a.json, saved before the edit
    assert fa.path == str(tmp_path / "a.json")
    assert window.model.network.equals(course_example())


# --- import weights -----------------------------------------------------------------------


def test_import_weights_is_an_undoable_edit(window: MainWindow, tmp_path: Path) -> None:
    net = initialise([2, 2, 1], ["sigmoid", "sigmoid"], "he", 7)
    path = tmp_path / "w.npz"
    save_weights(path, net)
    d = dialogs_of(window)
    d.path = str(path)
    assert window.file_actions.import_weights()
    assert window.model.network.equals(net) and window.isWindowModified()
    window.actions_by_name["undo"].trigger()
    assert window.model.network.equals(course_example())


def test_import_weights_of_another_shape_names_it_and_changes_nothing(
    window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "w.json"
    save_weights(path, initialise([2, 3, 1], ["sigmoid", "sigmoid"], "he", 7))
    assert not window.file_actions.import_weights_from(str(path))
    warning = dialogs_of(window).warnings[-1]
    assert "the file's network is 2-3-1, this one is 2-2-1" in warning
    assert window.model.network.equals(course_example()) and not window.isWindowModified()


# --- settings ---------------------------------------------------------------------------------


def test_settings_keep_recent_files_precision_and_a_checked_window_layout(tmp_path: Path) -> None:
    from PySide6.QtCore import QByteArray, QSettings

    from mlpviz.gui import settings as settings_module
    from mlpviz.gui.settings import RECENT_FILES_MAX, AppSettings

    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    s = AppSettings(store)
    assert store.value("settings_version") == settings_module.SETTINGS_VERSION
    # The theme follows the desktop's light or dark preference until the user picks one.
    assert (s.precision(), s.theme(), s.recent_files()) == (4, "system", [])
    for i in range(RECENT_FILES_MAX + 3):
        s.add_recent_file(str(tmp_path / f"{i}.json"))
    s.add_recent_file(str(tmp_path / "3.json"))  # again: moves to the front, once
    files = s.recent_files()
    assert len(files) == RECENT_FILES_MAX and files[0] == str(tmp_path / "3.json")
    assert files.count(str(tmp_path / "3.json")) == 1
    assert s.last_folder() == str(tmp_path)
    with pytest.raises(ValueError):
        s.set_precision(13)
    store.setValue("view/precision", "not a number")
    assert s.precision() == 4
    s.set_window_layout(QByteArray(b"geometry"), QByteArray(b"\x00\xffstate"))
    again = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert bytes(again.window_state().data()) == b"\x00\xffstate"
    # Damaged layout bytes are never handed to restoreState (which crashes on them).
    store.setValue("window/state", QByteArray(b"\x00\xfestate"))
    assert again.window_state().isEmpty() and again.window_geometry().isEmpty()


def test_settings_migrate_one_version_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QSettings

    from mlpviz.gui import settings as settings_module

    store = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    store.setValue("settings_version", 1)
    store.setValue("recentFiles", "/old/place.json")

    def v1_to_v2(old: QSettings) -> None:
        old.setValue("files/recent", [old.value("recentFiles")])
        old.remove("recentFiles")

    monkeypatch.setattr(settings_module, "SETTINGS_VERSION", 2)
    monkeypatch.setitem(settings_module.MIGRATIONS, 1, v1_to_v2)
    s = settings_module.AppSettings(store)
    assert s.recent_files() == ["/old/place.json"] and store.value("recentFiles") is None
    assert int(store.value("settings_version")) == 2


# --- start -----------------------------------------------------------------------------------


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_start_opens_a_file_with_its_view_or_the_course_example_with_a_message(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from mlpviz.gui.app import start_window

    good = tmp_path / "good.json"
    first, _ = make_window(qtbot, SessionModel(default_session()))
    first.model.set_weight(0, 0, 0, 1.5)
    go_to(first.model, "Backward 2")
    assert first.file_actions.save_to(str(good))
    dialogs = FakeDialogs()
    window = start_window(str(good), dialogs=dialogs, recovery_folder=tmp_path / "r")
    qtbot.addWidget(window)
    assert window.model.phase.label == "Backward 2"
    assert window.model.network.weights[0][0, 0] == 1.5
    assert window.windowTitle() == "good.json[*] — mlpviz" and not window.isWindowModified()
    assert dialogs.warnings == []

    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    window = start_window(str(bad), dialogs=dialogs, recovery_folder=tmp_path / "r")
    qtbot.addWidget(window)
    assert "Could not open broken.json" in dialogs.warnings[0]
    assert window.model.network.equals(course_example()) and window.file_actions.path is None


def test_the_modified_mark_is_worked_out_once_a_sample_and_at_its_update(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlpviz.gui.file_actions as file_actions

    compared: list[PhaseKind] = []
    same = file_actions.same_content

    def counted(a: object, b: object) -> bool:
        compared.append(window.model.phase.kind)
        return same(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(file_actions, "same_content", counted)
    m = window.model
    for _ in range(len(m.phases) - 1):
        m.step()  # Forward 1 ... Update: the work is the same until the weights change
    assert compared == [PhaseKind.UPDATE]
    # At the Update the file keeps the weights before it (opening it stands here again).
    assert not window.isWindowModified()
    m.step()  # the next sample's Input, from the updated weights: not as saved
    assert window.isWindowModified() and len(compared) == 2
    m.set_weight(0, 0, 0, 0.25)  # an edit is always looked at
    assert len(compared) == 3


def test_tabbed_docks_reopen_as_tabs_with_the_sizes_in_sight(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, dialogs = make_window(qtbot, SessionModel(default_session()))
    window.resize(1600, 900)
    qtbot.wait(50)
    samples = window.docks["samples"]
    qtbot.waitUntil(lambda: not samples.visibleRegion().isEmpty())
    size = (samples.width(), samples.height())
    dialogs.path = str(tmp_path / "tabs")
    assert window.file_actions.save()
    doc = json.loads((tmp_path / "tabs.json").read_text(encoding="utf-8"))
    saved = doc["view"]["docks"]
    assert set(saved["training"]["tabbed_with"]) == {"samples", "setup"}
    assert saved["samples"]["in_front"] and not saved["training"]["in_front"]
    assert "width" not in saved["training"]  # behind a tab: its size is stale

    # Another window where the training dock was dragged out to the left.
    other, _ = make_window(qtbot, SessionModel(default_session()))
    other.resize(1600, 900)
    other.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, other.docks["training"])
    assert other.docks["samples"] not in other.tabifiedDockWidgets(other.docks["training"])
    assert other.file_actions.open_path(str(tmp_path / "tabs.json"))
    o_samples, o_training, o_setup = (other.docks[k] for k in ("samples", "training", "setup"))
    assert set(other.tabifiedDockWidgets(o_samples)) == {o_training, o_setup}
    qtbot.waitUntil(lambda: not o_samples.visibleRegion().isEmpty())
    assert o_training.visibleRegion().isEmpty()
    qtbot.waitUntil(
        lambda: abs(o_samples.width() - size[0]) <= 2 and abs(o_samples.height() - size[1]) <= 2
    )


def test_a_window_layout_saved_by_another_version_is_not_restored(
    window: MainWindow,
) -> None:
    from mlpviz.gui.main_window import LAYOUT_VERSION

    assert not window.restore_layout(window.saveState(LAYOUT_VERSION - 1))
    assert window.restore_layout(window.saveState(LAYOUT_VERSION))
