"""PhaseIndicator: the breadcrumb follows Step and Back, and a click goes to the phase."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mlpviz.engine.stepper import Phase, PhaseKind
from mlpviz.gui.phase_indicator import PhaseIndicator
from mlpviz.gui.session_model import SessionModel

COURSE_PHASES = ["Input", "Forward 1", "Forward 2", "Loss", "Backward 2", "Backward 1", "Update"]


@pytest.fixture
def indicator(qtbot, course_model: SessionModel) -> PhaseIndicator:
    w = PhaseIndicator(course_model)
    qtbot.addWidget(w)
    return w


def plain(text: str) -> str:
    return text.removeprefix("▶ ").removeprefix("✓ ")


def test_breadcrumb_lists_the_course_phases_in_order(indicator: PhaseIndicator) -> None:
    assert [plain(b.text()) for b in indicator.buttons] == COURSE_PHASES


def test_current_phase_follows_step_and_back(indicator: PhaseIndicator) -> None:
    m = indicator.model
    b = indicator.buttons
    assert indicator.current_button is b[0] and b[0].text() == "▶ Input"
    assert b[1].text() == "Forward 1"  # to do: no mark
    m.step()
    m.step()
    assert b[2].text() == "▶ Forward 2"
    assert b[0].text() == "✓ Input" and b[1].text() == "✓ Forward 1"
    assert b[3].text() == "Loss"
    # Emphasised not by colour alone: bold and underlined too; done and to do differ.
    assert "bold" in b[2].styleSheet() and "underline" in b[2].styleSheet()
    assert b[0].styleSheet() != b[3].styleSheet()
    m.back()
    assert b[1].text() == "▶ Forward 1" and b[2].text() == "Forward 2"


def test_clicking_a_phase_goes_to_it(qtbot, indicator: PhaseIndicator) -> None:
    loss = indicator.button_for(Phase(PhaseKind.LOSS))
    qtbot.mouseClick(loss, Qt.MouseButton.LeftButton)
    assert indicator.model.phase == Phase(PhaseKind.LOSS)
    assert loss.text() == "▶ Loss"
    qtbot.mouseClick(indicator.buttons[0], Qt.MouseButton.LeftButton)
    assert indicator.model.phase == Phase(PhaseKind.INPUT)


def test_sample_and_step_text(indicator: PhaseIndicator) -> None:
    assert indicator.position_label.text() == "Sample 1 of 1 · step 1"
    indicator.model.next_sample()  # the course example has one sample: step 2 on it again
    assert indicator.position_label.text() == "Sample 1 of 1 · step 2"
    assert indicator.current_button is indicator.buttons[0]


def test_type_is_larger_than_the_window_font(indicator: PhaseIndicator) -> None:
    base = indicator.font().pointSizeF()
    for widget in (indicator.buttons[0], indicator.position_label):
        assert widget.font().pointSizeF() / base == pytest.approx(1.3, abs=0.1)
