"""Presentation mode from the keyboard: F5 in, a presenter remote's keys step the course
example, the scale enlarges everything together, B blanks, Esc puts the window back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lecture_fixtures import appearance_restored, started_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolBar
from pytestqt.qtbot import QtBot
from views_follow import views_follow

from mlpviz.engine.stepper import PhaseKind
from mlpviz.gui import network_labels
from mlpviz.gui.file_actions import capture_view, restore_view
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.network_panel import add_layer
from mlpviz.gui.session_model import SessionModel


@pytest.fixture
def window(course_model: SessionModel, qtbot: QtBot, qapp: QApplication) -> Iterator[MainWindow]:
    with appearance_restored(qapp):
        yield started_window(course_model, qtbot)


# The course example by hand (see mlpviz.gui.self_test): z = (0.52, 1.14),
# h = (0.627148, 0.757680), u = 0.966984, ŷ = 0.724518, L = 0.524926.
Z1, H1, Y_HAT, LOSS = "0.52", "0.6271", "0.7245", "0.5249"


def key(qtbot: QtBot, win: MainWindow, k: Qt.Key, times: int = 1) -> None:
    target = QApplication.focusWidget() or win.network_view
    for _ in range(times):
        qtbot.keyClick(target, k)


def shown_docks(win: MainWindow) -> set[str]:
    return {name for name, dock in win.docks.items() if not dock.isHidden()}


def shown_toolbars(win: MainWindow) -> set[str]:
    return {b.objectName() for b in win.findChildren(QToolBar) if not b.isHidden()}


def test_f5_presents_steps_with_a_remote_and_esc_puts_everything_back(
    window: MainWindow, qtbot: QtBot
) -> None:
    m, p = window.model, window.lecture.presentation
    docks, bars = shown_docks(window), shown_toolbars(window)
    sizes = {name: window.docks[name].width() for name in docks}
    assert {"formula", "samples", "loss"} <= docks and "toolbar-stepping" in bars

    key(qtbot, window, Qt.Key.Key_F5)
    assert p.presenting and window.isFullScreen()
    assert shown_docks(window) == {"formula"}
    # The phase breadcrumb and the lesson caption (on at the first start), nothing else.
    assert shown_toolbars(window) == {"toolbar-phases", "toolbar-lesson"}
    assert window.menuBar().isHidden() and window.statusBar().isHidden()
    assert window.network_view.isVisible() and window.phase_indicator.isVisible()

    # A presenter remote: PageDown / PageUp, Home; the numbers are the hand-worked ones.
    key(qtbot, window, Qt.Key.Key_PageDown)
    assert m.phase.label == "Forward 1"
    assert f"z = {Z1}" in window.network_view.node_text(1, 0)
    assert f"h = {H1}" in window.network_view.node_text(1, 0)
    key(qtbot, window, Qt.Key.Key_PageDown, 2)
    assert m.phase.kind is PhaseKind.LOSS
    assert window.network_view.loss_text() == f"L = {LOSS}"
    views_follow()
    assert f"= {LOSS}" in window.formula_panel.equations.toPlainText()
    key(qtbot, window, Qt.Key.Key_PageUp)
    assert m.phase.label == "Forward 2"
    assert f"ŷ = {Y_HAT}" in window.network_view.node_text(2, 0)
    assert window.network_view.loss_text() is None  # not computed yet at Forward 2
    key(qtbot, window, Qt.Key.Key_Space)
    key(qtbot, window, Qt.Key.Key_Right)
    assert m.phase.label == "Backward 2"
    key(qtbot, window, Qt.Key.Key_Left)
    assert m.phase.kind is PhaseKind.LOSS
    key(qtbot, window, Qt.Key.Key_Home)
    assert m.stepper.at_start

    key(qtbot, window, Qt.Key.Key_Escape)
    assert not p.presenting and not window.isFullScreen()
    assert shown_docks(window) == docks and shown_toolbars(window) == bars
    assert not window.menuBar().isHidden() and not window.statusBar().isHidden()
    qtbot.waitUntil(
        lambda: all(abs(window.docks[n].width() - w) <= 2 for n, w in sizes.items())
    )
    assert window.lecture.view_options.scale == 100


def test_f5_again_leaves_and_esc_outside_presentation_does_nothing(
    window: MainWindow, qtbot: QtBot
) -> None:
    p = window.lecture.presentation
    key(qtbot, window, Qt.Key.Key_Escape)
    assert not p.presenting and not window.isFullScreen()
    key(qtbot, window, Qt.Key.Key_F5)
    key(qtbot, window, Qt.Key.Key_F5)
    assert not p.presenting and not window.isFullScreen()
    assert not window.menuBar().isHidden()


def _disc_radius_px(win: MainWindow) -> float:
    view = win.network_view
    return view.diagram_layout.radius / view.view_box.viewPixelSize()[0]


def test_scale_200_enlarges_every_font_node_line_and_plot_label(
    window: MainWindow, qtbot: QtBot
) -> None:
    options, view = window.lecture.view_options, window.network_view
    # A diagram of one size at both scales, as on a projector (the discs fill the view
    # they are given, so the comparison needs the same view).
    window.resize(2200, 1400)
    view.setFixedSize(1600, 1000)
    window.model.go_to(window.model.phases[3])  # Loss: the loss label shows
    qtbot.wait(100)
    view.fit()  # laid out for this view's size, as after the scale's change
    app_font = QApplication.font().pointSizeF()
    formula = window.formula_panel.equations.font().pointSizeF()
    crumb = window.phase_indicator.current_button.font().pointSizeF()
    caption = window.lecture.lesson.bar.text_label.font().pointSizeF()
    axis = window.activation_plot.plot_widget.getPlotItem().getAxis("bottom")
    node_label, edge_label = view._node_labels[1][0], view._edge_labels[1][0]
    node_w, node_h = node_label.pixel_size()
    edge_w, edge_h = edge_label.pixel_size()
    radius = _disc_radius_px(window)
    f_pen = window.activation_plot.f_curve.opts["pen"].widthF()
    assert node_label.text_scale() == 1.0 and edge_label.isVisible()

    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert options.scale == 150
    options.choose_scale(200)
    assert options.scale_box.value() == 200
    assert window.file_actions.settings.scale() == 200
    qtbot.wait(150)
    assert QApplication.font().pointSizeF() == pytest.approx(2 * app_font)
    assert window.formula_panel.equations.font().pointSizeF() == pytest.approx(2 * formula)
    assert window.phase_indicator.current_button.font().pointSizeF() == pytest.approx(2 * crumb)
    assert window.lecture.lesson.bar.text_label.font().pointSizeF() == pytest.approx(2 * caption)
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(2 * app_font)
    assert window.activation_plot.f_curve.opts["pen"].widthF() == pytest.approx(2 * f_pen)
    # On the diagram: labels twice the size (up to hinting), node texts nearly so in
    # discs that grew to hold them, every edge label still shown.
    assert network_labels.display_scale() == 2.0
    node_label, edge_label = view._node_labels[1][0], view._edge_labels[1][0]  # rebuilt
    new_w, new_h = edge_label.pixel_size()
    assert (new_w / edge_w, new_h / edge_h) == pytest.approx((2.0, 2.0), rel=0.1)
    new_w, new_h = node_label.pixel_size()
    assert new_w / node_w > 1.8 and new_h / node_h > 1.8
    assert _disc_radius_px(window) > 1.15 * radius
    assert view.visible_edge_labels() == 9

    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert options.scale == 100
    assert QApplication.font().pointSizeF() == pytest.approx(app_font)
    assert window.activation_plot.f_curve.opts["pen"].widthF() == pytest.approx(f_pen)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert options.scale == 100  # never below 100 %


def test_presentation_keeps_its_own_scale(window: MainWindow, qtbot: QtBot) -> None:
    options, p = window.lecture.view_options, window.lecture.presentation
    settings = window.file_actions.settings
    p.enter()
    automatic = options.scale  # from the screen's height: 100 % to 250 %
    assert 100 <= automatic <= 250 and automatic % 25 == 0
    options.choose_scale(175)
    assert settings.presentation_scale() == 175 and settings.scale() == 100
    p.leave()
    assert options.scale == 100
    p.enter()
    assert options.scale == 175
    qtbot.keyClick(window.network_view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert options.scale == automatic and settings.presentation_scale() == 0
    p.leave()


def test_b_blanks_the_screen_and_any_key_brings_it_back(window: MainWindow, qtbot: QtBot) -> None:
    m, blank = window.model, window.lecture.presentation.blank_screen
    key(qtbot, window, Qt.Key.Key_F5)
    key(qtbot, window, Qt.Key.Key_B)
    assert blank.isVisible() and blank.geometry() == window.rect()
    image = blank.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).name() == "#000000"
    # The key that unblanks does nothing else: PageDown does not step.
    key(qtbot, window, Qt.Key.Key_PageDown)
    assert not blank.isVisible() and m.phase.kind is PhaseKind.INPUT
    key(qtbot, window, Qt.Key.Key_Period)
    assert blank.isVisible()
    key(qtbot, window, Qt.Key.Key_B)
    assert not blank.isVisible()
    key(qtbot, window, Qt.Key.Key_PageDown)  # the focus is back: the remote steps again
    assert m.phase.label == "Forward 1"
    assert window.lecture.presentation.presenting


def test_f11_toggles_full_screen_alone(window: MainWindow, qtbot: QtBot) -> None:
    docks = shown_docks(window)
    key(qtbot, window, Qt.Key.Key_F11)
    assert window.isFullScreen() and shown_docks(window) == docks
    assert not window.lecture.presentation.presenting
    key(qtbot, window, Qt.Key.Key_F11)
    assert not window.isFullScreen() and shown_docks(window) == docks


def test_hidden_panels_are_kept_in_the_session(
    window: MainWindow, qtbot: QtBot, course_model: SessionModel
) -> None:
    p = window.lecture.presentation
    # In the window: hide the stepping toolbar (Ctrl+Alt+S) and the samples (Alt+2).
    alt, ctrl = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window.network_view, Qt.Key.Key_S, ctrl | alt)
    qtbot.keyClick(window.network_view, Qt.Key.Key_2, alt)
    assert window.findChild(QToolBar, "toolbar-stepping").isHidden()
    assert window.docks["samples"].isHidden()
    # While presenting: show the loss plot too (Alt+4).
    key(qtbot, window, Qt.Key.Key_F5)
    qtbot.keyClick(window.network_view, Qt.Key.Key_4, alt)
    assert shown_docks(window) == {"formula", "loss"}
    # A save while presenting keeps the window's docks, not the presentation's.
    view = capture_view(window)
    docks = view["docks"]
    assert isinstance(docks, dict)
    assert docks["samples"]["visible"] is False and docks["activation"]["visible"] is True
    assert view["panels"] == {
        "toolbar-stepping": False,
        "toolbar-training": True,
        "toolbar-phases": True,
        "status_bar": True,
    }
    key(qtbot, window, Qt.Key.Key_Escape)
    view = capture_view(window)
    assert view["presentation"] == {
        "docks": ["formula", "loss"],
        "toolbars": ["toolbar-phases"],
        "status_bar": False,
    }

    other = MainWindow(SessionModel(course_model.to_session()))
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    restore_view(other, view)
    assert other.findChild(QToolBar, "toolbar-stepping").isHidden()
    assert other.docks["samples"].isHidden()
    other.lecture.presentation.enter()
    assert shown_docks(other) == {"formula", "loss"}
    other.lecture.presentation.leave()
    assert p.panels["docks"] == ["formula", "loss"]


def test_closing_while_presenting_keeps_the_windows_layout(
    window: MainWindow, qtbot: QtBot
) -> None:
    docks = shown_docks(window)
    key(qtbot, window, Qt.Key.Key_F5)
    window.close()
    assert not window.lecture.presentation.presenting
    reopened = MainWindow(SessionModel(window.model.to_session()))
    qtbot.addWidget(reopened)
    settings = window.file_actions.settings
    assert reopened.restore_layout(settings.window_state(), settings.window_geometry())
    assert shown_docks(reopened) == docks and not reopened.menuBar().isHidden()


def test_the_diagrams_shape_buttons_hide_while_presenting(
    window: MainWindow, qtbot: QtBot, course_model: SessionModel
) -> None:
    buttons = window.training.shape_controls.buttons
    # The course network 2-2-1: −, +, × for its hidden layer and "+ layer".
    assert sorted(buttons) == [("add", 1), ("fewer", 1), ("more", 1), ("remove", 1)]
    assert all(b.isVisible() for b in buttons.values())
    key(qtbot, window, Qt.Key.Key_F5)
    assert window.lecture.presentation.presenting
    assert not any(b.isVisible() for b in window.training.shape_controls.buttons.values())
    # A new shape while presenting (a layer more: new buttons) brings none back.
    add_layer(course_model)
    qtbot.waitUntil(lambda: ("fewer", 2) in window.training.shape_controls.buttons)
    assert not any(b.isVisible() for b in window.training.shape_controls.buttons.values())
    key(qtbot, window, Qt.Key.Key_Escape)
    assert not window.lecture.presentation.presenting
    assert all(b.isVisible() for b in window.training.shape_controls.buttons.values())
