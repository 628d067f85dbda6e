"""The formula panel shows the current phase's worked equations, or the selected item's."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from views_follow import views_follow

from mlpviz.gui.formula_panel import FormulaPanel
from mlpviz.gui.session_model import Selection, SessionModel


def panel_for(model: SessionModel, qtbot: QtBot) -> FormulaPanel:
    panel = FormulaPanel(model)
    qtbot.addWidget(panel)
    return panel


def text(panel: FormulaPanel) -> str:
    return panel.equations.toPlainText()


def test_each_phase_of_the_course_example(course_model: SessionModel, qtbot: QtBot) -> None:
    panel = panel_for(course_model, qtbot)
    assert "x1 = 0.5" in text(panel)
    course_model.step()  # Forward 1
    views_follow()
    assert "z1 = w11·x1 + w21·x2 + bh1 = 0.2·0.5 + 0.4·0.8 + 0.1 = 0.52" in text(panel)
    assert "σ(1.14) = 0.75768" in text(panel)
    course_model.step()  # Forward 2
    views_follow()
    assert "0.3·0.627148 + 0.5·0.75768 + 0.4 = 0.966984" in text(panel)
    course_model.step()  # Loss
    views_follow()
    assert "0.524926" in text(panel)
    course_model.step()  # Backward 2
    views_follow()
    assert "0.289216" in text(panel)
    assert "0.181381" in text(panel) and "0.219133" in text(panel)
    course_model.step()  # Backward 1
    views_follow()
    for value in ("0.020288", "0.02655", "0.010144", "0.016231", "0.013275", "0.02124"):
        assert value in text(panel)
    course_model.step()  # Update
    views_follow()
    assert "0.2 − 0.7·0.010144 = 0.192899" in text(panel)
    assert "0.406645" in text(panel)


def test_the_matrix_tab_follows_the_phase(course_model: SessionModel, qtbot: QtBot) -> None:
    panel = panel_for(course_model, qtbot)
    course_model.step()
    views_follow()
    panel.tabs.setCurrentWidget(panel.matrices)
    matrices = panel.matrices.toPlainText()
    assert "0.52" in matrices and "1.14" in matrices
    # Hidden, the tab is rendered when shown again, for the phase then current.
    panel.tabs.setCurrentWidget(panel.equations)
    course_model.step()  # Forward 2
    views_follow()
    panel.tabs.setCurrentWidget(panel.matrices)
    matrices = panel.matrices.toPlainText()
    assert "0.966984" in matrices and "0.724518" in matrices


def test_selection_focuses_one_weight(course_model: SessionModel, qtbot: QtBot) -> None:
    panel = panel_for(course_model, qtbot)
    for _ in range(5):
        course_model.step()  # Backward 1
    course_model.select(Selection("weight", 0, 0, 1))  # w21: from x2 into h1
    assert "∂L/∂w21 = δh1·x2 = 0.020288·0.8 = 0.016231" in text(panel)
    assert "∂L/∂w12" not in text(panel)
    assert "the selected weight only" in panel.heading.text()
    # The matrix form is the layer's: the heading says so while its tab is in sight.
    panel.tabs.setCurrentWidget(panel.matrices)
    assert "the whole layer, in matrix form" in panel.heading.text()
    panel.tabs.setCurrentWidget(panel.equations)
    assert "the selected weight only" in panel.heading.text()
    assert not panel.show_all.isHidden()
    panel.show_all.click()
    assert course_model.selection is None
    assert "∂L/∂w12" in text(panel)


def test_a_weight_that_only_carries_the_error_back_gets_the_whole_layer(
    course_model: SessionModel, qtbot: QtBot
) -> None:
    panel = panel_for(course_model, qtbot)
    course_model.go_to(course_model.phases[5])  # Backward 1
    views_follow()
    course_model.select(Selection("weight", 1, 0, 1))  # v21: from h2 into ŷ
    # Its gradient is worked out in Backward 2; here δh2 is carried back through it
    # (0.289216·0.5 = 0.144608, by hand), and that equation shows.
    assert "∂L/∂h2 = δy·v21 = 0.289216·0.5 = 0.144608" in text(panel)
    heading = panel.heading.text()
    assert "nothing of the selected weight is worked out" in heading and "whole layer" in heading
    course_model.go_to(course_model.phases[4])  # Backward 2: its own gradient only
    views_follow()
    assert "∂L/∂v21 = δy·h2 = 0.289216·0.75768 = 0.219133" in text(panel)
    assert "∂L/∂v11" not in text(panel)
    assert "the selected weight only" in panel.heading.text()


def test_back_restores_the_earlier_text(course_model: SessionModel, qtbot: QtBot) -> None:
    panel = panel_for(course_model, qtbot)
    course_model.step()
    views_follow()
    forward1 = text(panel)
    course_model.step()
    views_follow()
    course_model.back()
    views_follow()
    assert text(panel) == forward1


def test_copy_latex(course_model: SessionModel, qtbot: QtBot) -> None:
    panel = panel_for(course_model, qtbot)
    course_model.step()
    panel.copy_latex.click()
    from PySide6.QtGui import QGuiApplication

    copied = QGuiApplication.clipboard().text()
    assert "0.52" in copied and "\\" in copied


def test_long_equations_wrap_instead_of_running_off_the_panel(
    course_model: SessionModel, qtbot: QtBot
) -> None:
    panel = panel_for(course_model, qtbot)
    panel.resize(420, 700)
    panel.show()
    qtbot.waitExposed(panel)
    course_model.go_to(course_model.phases[5])  # Backward 1: δʰ's line is the longest
    views_follow()
    browser = panel.equations
    qtbot.waitUntil(lambda: "δh1" in text(panel))
    # Every line is in sight: nothing to scroll sideways to.
    assert browser.horizontalScrollBar().maximum() == 0
    # δʰ₁'s equation, wider than 420 pixels, takes more than one line of its block.
    document = browser.document()
    block = document.begin()
    while block.isValid() and not block.text().startswith("δh1"):
        block = block.next()
    assert block.isValid() and block.layout().lineCount() > 1


def test_the_panel_says_its_numbers_are_rounded(course_model: SessionModel, qtbot: QtBot) -> None:
    # 0.8 − 0.7·0.0212 = 0.78516 by hand, but the panel's 0.7851 comes from the unrounded
    # gradient (0.021240·0.7 = 0.014868): the panel says why they may differ.
    panel = panel_for(course_model, qtbot)
    panel.set_precision(4)
    course_model.go_to(course_model.phases[6])  # Update
    views_follow()
    assert "w22 ← w22 − η·∂L/∂w22 = 0.8 − 0.7·0.0212 = 0.7851" in text(panel)
    assert "4 decimals" in panel.rounding.text() and "unrounded" in panel.rounding.text()
    panel.set_precision(6)
    assert "6 decimals" in panel.rounding.text()
