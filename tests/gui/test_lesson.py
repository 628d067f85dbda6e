"""Lesson mode: the captions follow the course page's steps with the page's symbols, follow
step and back in the window, and can be turned off for good."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from lecture_fixtures import appearance_restored, started_window
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mlpviz.engine.lesson import caption, lesson
from mlpviz.engine.network import initialise
from mlpviz.engine.session import default_session
from mlpviz.engine.stepper import Phase, PhaseKind
from mlpviz.engine.trainer import TrainingConfig
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import SessionModel
from mlpviz.gui.settings import AppSettings


@pytest.fixture
def window(course_model: SessionModel, qtbot: QtBot, qapp: QApplication) -> Iterator[MainWindow]:
    with appearance_restored(qapp):
        yield started_window(course_model, qtbot)


# --- the captions (Qt-free) -----------------------------------------------------------------


def test_course_captions_follow_the_pages_steps_in_its_symbols() -> None:
    session = default_session()
    captions = lesson(session.network, session.training)
    assert len(captions) == 7  # Input, Forward 1, Forward 2, Loss, Backward 2, Backward 1, Update
    steps = [c.course_step for c in captions]
    assert steps[1].startswith("Forward pass") and steps[2].startswith("Forward pass")
    assert steps[3] == "Loss calculation"
    # Backpropagation's five steps, in the page's order, each exactly once.
    assert "steps 1 and 2: output error and output gradients" in steps[4]
    assert "steps 3 and 4: hidden errors and hidden gradients" in steps[5]
    assert "step 5: update" in steps[6]
    text = [c.text for c in captions]
    assert "x = (x₁, x₂)" in text[0]
    # The page's feedforward: z_j = Σ_i w_ij x_i + bʰ_j, h_j = σ(z_j); u, ŷ = σ(u).
    assert "zⱼ = Σᵢ wᵢⱼ·xᵢ + bʰⱼ" in text[1] and "hⱼ = σ(zⱼ)" in text[1]
    assert "u = Σⱼ vⱼ₁·hⱼ + bʸ₁" in text[2] and "ŷ = σ(u)" in text[2]
    assert "L = (y − ŷ)²" in text[3]
    # Step 1: δʸ = ∂L/∂u = ∂L/∂ŷ·σ′(u); step 2: ∂L/∂v_j1 = δʸ h_j; ∂L/∂bʸ = δʸ.
    assert "δʸ = ∂L/∂u = ∂L/∂ŷ · σ′(u)" in text[4]
    assert "∂L/∂vⱼ₁ = δʸ·hⱼ" in text[4] and "∂L/∂bʸ₁ = δʸ" in text[4]
    # Step 3: δʰ_j = (δʸ v_j1)·σ′(z_j); step 4: ∂L/∂w_ij = δʰ_j x_i.
    assert "δʰⱼ = (δʸ·vⱼ₁) · σ′(zⱼ)" in text[5]
    assert "∂L/∂wᵢⱼ = δʰⱼ·xᵢ" in text[5] and "∂L/∂bʰⱼ = δʰⱼ" in text[5]
    assert "p ← p − η·∂L/∂p" in text[6] and "η = 0.7" in text[6]
    # Captions explain; they never repeat the numbers the diagram shows.
    for number in ("0.52", "0.6271", "0.7245", "0.5249", "0.2892"):
        assert all(number not in t for t in text)


def test_deeper_networks_get_layer_indexed_captions() -> None:
    net = initialise([2, 3, 3, 2], ["tanh", "relu", "softmax"])
    config = TrainingConfig(loss="cross_entropy")
    captions = lesson(net, config)
    assert len(captions) == 9
    assert "a⁽¹⁾ⱼ = tanh(z⁽¹⁾ⱼ)" in captions[1].text
    assert "a⁽²⁾ⱼ = ReLU(z⁽²⁾ⱼ)" in captions[2].text
    assert "ŷ = softmax(z⁽³⁾)" in captions[3].text
    assert "cross-entropy" in captions[4].text
    output = caption(Phase(PhaseKind.BACKWARD, 3), net, config)
    assert "∂ŷₖ/∂z⁽³⁾ₖ" in output.text  # softmax couples the outputs: no f′ of one z
    hidden = caption(Phase(PhaseKind.BACKWARD, 2), net, config)
    assert "Σₖ δ⁽³⁾ₖ·w⁽³⁾ⱼₖ" in hidden.text and "ReLU′(z⁽²⁾ⱼ)" in hidden.text
    assert "hidden layer 2" in hidden.title


# --- the caption bar in the window ------------------------------------------------------------


def test_captions_follow_step_and_back(window: MainWindow, qtbot: QtBot) -> None:
    bar, m = window.lecture.lesson.bar, window.model
    assert window.lecture.lesson.toolbar.isVisible()  # on at the first start
    expected = lesson(m.network, m.config)
    for k, phase in enumerate(m.phases):
        assert m.phase == phase
        assert bar.caption == expected[k]
        assert expected[k].title in bar.text() and f"phase {k + 1} of 7" in bar.text()
        qtbot.keyClick(window.network_view, Qt.Key.Key_PageDown)
    assert bar.caption == expected[0]  # the next sample's Input
    qtbot.keyClick(window.network_view, Qt.Key.Key_PageUp)
    assert bar.caption == expected[6]
    m.set_learning_rate(0.25)  # an edit: the step restarts, the caption says the new η
    m.go_to(m.phases[-1])
    assert "η = 0.25" in bar.text()


def test_captions_can_be_turned_off_and_stay_off(window: MainWindow, qtbot: QtBot) -> None:
    lesson_mode = window.lecture.lesson
    settings = window.file_actions.settings
    assert settings.lesson_shown()
    qtbot.mouseClick(lesson_mode.bar.close_button, Qt.MouseButton.LeftButton)
    assert not lesson_mode.toolbar.isVisible() and not settings.lesson_shown()
    assert not lesson_mode.action.isChecked()
    # The next start keeps them off (the same settings store: it is the user's choice).
    again = MainWindow(SessionModel(default_session()))
    qtbot.addWidget(again)
    again.lecture.restore_settings(AppSettings())
    again.show()
    assert not again.lecture.lesson.toolbar.isVisible()
    # L (its action) turns them on again; presentation mode shows them as they are.
    again.lecture.lesson.action.trigger()
    assert again.lecture.lesson.toolbar.isVisible() and AppSettings().lesson_shown()
    again.lecture.presentation.enter()
    assert again.lecture.lesson.toolbar.isVisible()
    again.lecture.lesson.action.trigger()
    assert not again.lecture.lesson.toolbar.isVisible()
    again.lecture.presentation.leave()
    assert not again.lecture.lesson.toolbar.isVisible() and not AppSettings().lesson_shown()


def test_a_window_on_another_network_explains_it(qtbot: QtBot, qapp: QApplication) -> None:
    net = initialise([2, 4, 4, 1], ["tanh", "tanh", "sigmoid"], seed=1)
    session = replace(default_session(), network=net, initial_network=net)
    with appearance_restored(qapp):
        win = started_window(SessionModel(session), qtbot)
        win.model.go_to(win.model.phases[2])  # Forward 2: the second hidden layer
        assert "a⁽²⁾ⱼ = tanh(z⁽²⁾ⱼ)" in win.lecture.lesson.bar.text()
        assert "phase 3 of 9" in win.lecture.lesson.bar.text()


def test_the_caption_bar_never_makes_the_window_taller_than_it_needs(
    window: MainWindow, qtbot: QtBot
) -> None:
    # Made with the window, the bar is a few pixels wide for a moment: its wrapped text
    # must not ask for the height it would need at that width. (It holds the tallest of
    # the phases' captions: a wrapped title and three lines of text.)
    bar = window.lecture.lesson.bar
    qtbot.waitUntil(lambda: bar.width() > 400)
    assert bar.height() < 8 * bar.fontMetrics().lineSpacing()
    assert window.height() <= max(window.minimumSizeHint().height(), 1000)


def test_the_caption_bar_keeps_its_height_from_phase_to_phase(
    window: MainWindow, qtbot: QtBot
) -> None:
    # A caption whose title wraps took a line more and moved the diagram under it down
    # and up again as a lecture stepped: the bar holds the tallest caption's height.
    bar, m = window.lecture.lesson.bar, window.model
    window.resize(1200, 900)
    qtbot.waitUntil(lambda: bar.width() > 400)
    heights, lines = set(), set()
    for phase in m.phases:
        m.go_to(phase)
        qtbot.wait(10)
        heights.add(bar.height())
        column = bar.heading.width()
        lines.add(bar.heading.heightForWidth(column) + bar.text_label.heightForWidth(column))
    assert len(lines) > 1  # the captions do differ in height here...
    assert len(heights) == 1  # ...and the bar does not
    top = window.network_view.mapTo(window, QPoint(0, 0)).y()
    m.go_to(m.phases[0])
    qtbot.wait(10)
    assert window.network_view.mapTo(window, QPoint(0, 0)).y() == top
