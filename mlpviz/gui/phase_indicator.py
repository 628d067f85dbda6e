"""The phase indicator: a breadcrumb of the step's phases with the current one emphasised.

    ✓ Input › ✓ Forward 1 › ▶ Forward 2 › Loss › Backward 2 › Backward 1 › Update
    Sample 1 of 4 · step 3

It is projected in lectures, so its type is larger than the window's, and the current
phase stands out by weight, fill, underline and the ▶ marker, never by colour alone.
Every phase is a button that jumps to it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from mlpviz.engine.stepper import Phase
from mlpviz.gui.session_model import SessionModel

# Okabe–Ito blue for the current phase; a theme module may replace these entries and call
# PhaseIndicator.apply_colours().
COLOURS: dict[str, str] = {
    "current_fill": "#0072B2",  # blue
    "current_text": "#FFFFFF",
    "done_fill": "#D6E9F5",  # a light tint of the same blue
    "done_text": "#000000",
    "todo_text": "#505050",  # dark grey: still 8:1 on white
    "todo_border": "#9A9A9A",
    "separator": "#505050",
}

FONT_SCALE = 1.3  # larger than the window's type: the indicator is read from the back row

# Each state's mark before the label, and its name for screen readers.
_STATES = {"current": ("▶ ", "current phase"), "done": ("✓ ", "done"), "todo": ("", "to do")}


def _scaled(font: QFont, scale: float) -> QFont:
    big = QFont(font)
    if font.pointSizeF() > 0:
        big.setPointSizeF(font.pointSizeF() * scale)
    else:
        big.setPixelSize(round(font.pixelSize() * scale))
    return big


class PhaseIndicator(QWidget):
    """The breadcrumb of :attr:`SessionModel.phases` and the sample and step in progress."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.buttons: list[QToolButton] = []
        self._phases: list[Phase] = []
        self._separators: list[QLabel] = []

        self._crumbs = QHBoxLayout()
        self._crumbs.setSpacing(4)
        self.position_label = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._crumbs)
        layout.addWidget(self.position_label)

        self._big_font = _scaled(self.font(), FONT_SCALE)
        self.position_label.setFont(self._big_font)
        model.stepped.connect(self._on_model_change)
        model.structure_changed.connect(self._on_model_change)
        self._on_model_change()

    # --- reading ---------------------------------------------------------------------
    @property
    def current_button(self) -> QToolButton:
        return self.buttons[self.model.phases.index(self.model.phase)]

    def button_for(self, phase: Phase) -> QToolButton:
        return self.buttons[self._phases.index(phase)]

    # --- styling ---------------------------------------------------------------------
    def apply_colours(self) -> None:
        """Re-read :data:`COLOURS` (after a theme change) and restyle."""
        for sep in self._separators:
            sep.setStyleSheet(f"color: {COLOURS['separator']};")
        for button in self.buttons:
            button.setProperty("phase_state", None)  # every button's colours anew
        self._update()

    def _style(self, state: str) -> str:
        c = COLOURS
        base = "QToolButton { border-radius: 5px; padding: 3px 8px; "
        if state == "current":
            return base + (
                f"background: {c['current_fill']}; color: {c['current_text']}; "
                f"border: 2px solid {c['current_fill']}; font-weight: bold; "
                "text-decoration: underline; }"
            )
        if state == "done":
            return base + (
                f"background: {c['done_fill']}; color: {c['done_text']}; "
                f"border: 1px solid {c['done_fill']}; }}"
            )
        return base + (
            f"background: transparent; color: {c['todo_text']}; "
            f"border: 1px dashed {c['todo_border']}; }}"
        )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # (Before __init__ has made the labels, there is nothing to restyle.)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_big_font"):
            # The window's type changed (View › Scale): the breadcrumb stays FONT_SCALE times it.
            self._big_font = _scaled(self.font(), FONT_SCALE)
            self.position_label.setFont(self._big_font)
            for widget in (*self.buttons, *self._separators):
                widget.setFont(self._big_font)

    # --- model → view ----------------------------------------------------------------
    def _on_model_change(self) -> None:
        if self.model.phases != self._phases:
            self._rebuild()
        self._update()

    def _rebuild(self) -> None:
        while (item := self._crumbs.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self.buttons, self._separators = [], []
        self._phases = list(self.model.phases)
        for k, phase in enumerate(self._phases):
            if k:
                sep = QLabel("›")
                sep.setFont(self._big_font)
                sep.setStyleSheet(f"color: {COLOURS['separator']};")
                self._crumbs.addWidget(sep)
                self._separators.append(sep)
            button = QToolButton()
            button.setFont(self._big_font)
            button.setAutoRaise(False)
            button.setToolTip(f"Go to {phase.label}")
            button.clicked.connect(lambda _checked=False, p=phase: self.model.go_to(p))
            self._crumbs.addWidget(button)
            self.buttons.append(button)
        self._crumbs.addStretch(1)

    def _update(self) -> None:
        m = self.model
        current = m.phases.index(m.phase)
        for k, (phase, button) in enumerate(zip(self._phases, self.buttons, strict=True)):
            state = "current" if k == current else "done" if k < current else "todo"
            if button.property("phase_state") == state:
                continue  # a style sheet set again is parsed and polished again: a step
                # changes two buttons, the other ten keep theirs
            button.setProperty("phase_state", state)
            mark, spoken = _STATES[state]
            button.setText(mark + phase.label)
            button.setStyleSheet(self._style(state))
            button.setAccessibleName(f"{phase.label}, {spoken}")
        self.position_label.setText(
            f"Sample {m.record.sample + 1} of {len(m.x)} · step {m.stepper.step_number + 1}"
        )
        self.position_label.setToolTip(
            f"Updates done before this sample's step: {m.stepper.step_number}"
        )
