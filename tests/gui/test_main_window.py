"""The main window: keys step the phases, the views agree, edits undo."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar
from pytestqt.qtbot import QtBot
from views_follow import views_follow

from mlpviz.engine.network import course_example
from mlpviz.engine.stepper import PhaseKind
from mlpviz.gui.app import open_session
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import SessionModel


@pytest.fixture
def window(course_model: SessionModel, qtbot: QtBot) -> MainWindow:
    win = MainWindow(course_model)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(window.network_view, key)


def test_keys_step_forward_and_back(window: MainWindow, qtbot: QtBot) -> None:
    model = window.model
    press(qtbot, window, Qt.Key.Key_Right)
    assert model.phase.label == "Forward 1"
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert model.phase.kind is PhaseKind.LOSS
    press(qtbot, window, Qt.Key.Key_Right, 3)
    assert model.phase.kind is PhaseKind.UPDATE
    np.testing.assert_allclose(
        model.network.weights[1], [[0.3 - 0.7 * 0.181381, 0.5 - 0.7 * 0.219133]], atol=1e-6
    )
    assert "L after update = 0.406645" in window.status_phase.text()
    press(qtbot, window, Qt.Key.Key_Left, 4)
    press(qtbot, window, Qt.Key.Key_PageUp, 2)
    assert model.stepper.at_start
    assert model.network.equals(course_example())


def test_status_bar_and_formula_follow_the_phase(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, window, Qt.Key.Key_Right, 3)
    assert "Phase: Loss" in window.status_phase.text()
    assert "L = 0.524926" in window.status_phase.text()
    views_follow()
    assert "0.524926" in window.formula_panel.equations.toPlainText()


def test_edit_undo_redo_through_the_window(window: MainWindow, qtbot: QtBot) -> None:
    model = window.model
    model.set_weight(0, 0, 1, 1.0)  # w21 = 1
    assert model.phase.label == "Forward 1"
    assert model.record.result.forward.z[1][0, 0] == pytest.approx(0.2 * 0.5 + 1.0 * 0.8 + 0.1)
    window.actions_by_name["undo"].trigger()
    assert model.network.equals(course_example())
    window.actions_by_name["redo"].trigger()
    assert model.network.weights[0][0, 1] == 1.0


def test_next_sample_and_epoch_actions(window: MainWindow, qtbot: QtBot) -> None:
    model = window.model
    window.actions_by_name["next_sample"].trigger()
    views_follow()
    assert model.phase.kind is PhaseKind.INPUT and model.stepper.step_number == 1
    assert window.loss_plot.step_curve.xData is not None
    window.actions_by_name["run_epoch"].trigger()
    assert model.stepper.step_number == 2
    window.actions_by_name["reset"].trigger()
    assert model.stepper.at_start


def test_a_broken_file_opens_the_course_example_with_a_message(tmp_path: object) -> None:
    from pathlib import Path

    bad = Path(str(tmp_path)) / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    session, error = open_session(str(bad))
    assert error is not None and "broken.json" in error
    assert session.network.equals(course_example())
    _, error = open_session(str(Path(str(tmp_path)) / "nope.json"))
    assert error is not None and "nope.json" in error


def test_to_session_round_trips_through_a_file(window: MainWindow, tmp_path: object) -> None:
    from pathlib import Path

    from mlpviz.engine.session import load_session, save_session

    model = window.model
    model.next_sample()
    model.set_target(0, 0, 1.0)  # an edited sample
    path = Path(str(tmp_path)) / "s.json"
    save_session(path, model.to_session())
    again = SessionModel(load_session(path))
    assert again.network.equals(model.network)
    assert again.stepper.initial_network.equals(course_example())
    assert again.y[0, 0] == 1.0
    again.reset()
    assert again.network.equals(course_example())


def test_the_status_field_widens_for_a_longer_text_and_never_relays_out_for_a_step(
    course_model: SessionModel, qtbot
) -> None:
    from layout_requests import LayoutRequests

    window = MainWindow(course_model)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    field = window.status_phase
    bar = window.statusBar()
    widths = []
    for _ in range(len(course_model.phases) - 1):
        course_model.step()
        qtbot.wait(5)
        widths.append(field.width())
        # The whole text is shown: the field is at least as wide as the label needs.
        assert field.width() >= field.label.sizeHint().width()
    assert widths == sorted(widths)  # it widens (L, then L after update) and never narrows
    requests = LayoutRequests()
    bar.installEventFilter(requests)
    course_model.go_to(course_model.phases[1])  # a shorter text than the Update's
    qtbot.wait(5)
    assert requests.count == 0 and field.width() == widths[-1]


def test_the_window_fits_a_1080p_screen_at_150_percent(window: MainWindow) -> None:
    # A 1080p laptop at Windows' usual 150 % has 1280 × 720 logical pixels, less a taskbar
    # of about 40: every dock open, the window must fit in that.
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 680, hint


def test_dock_tabs_keep_their_whole_titles(window: MainWindow) -> None:
    # Three tabs under the diagram at 150 % were elided to "Sam…", "Trai…": they keep
    # their titles and scroll instead.
    bars = [b for b in window.findChildren(QTabBar) if b.parent() is window]
    titles = {b.tabText(i) for b in bars for i in range(b.count())}
    assert {"Samples", "Training", "Data and network", "Formula"} <= titles
    assert all(b.elideMode() == Qt.TextElideMode.ElideNone for b in bars)
