"""Lesson mode: a caption under the phase breadcrumb says what the phase computes and why.

The captions are mlpviz.engine.lesson's, in the course page's steps (forward pass, loss,
output error, output gradients, hidden errors, hidden gradients, update); they follow every
step and step back, and any edit (a new activation, loss or learning rate). Lesson mode is
on the first time mlpviz starts; View › Lesson Captions (L) or the bar's close button turns
it off, and the settings keep that choice.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QFont,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.lesson import Caption, caption
from mlpviz.engine.stepper import Phase
from mlpviz.gui.session_model import SessionModel
from mlpviz.gui.settings import AppSettings
from mlpviz.gui.view_options import view_menu, with_keys

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

TITLE_SCALE = 1.25
TEXT_SCALE = 1.1
"""The caption's type against the window's: read from the back row, like the formulas."""
MIN_WRAP_WIDTH = 400
TYPICAL_WIDTH = 1200
"""The bar's width for its height while it is narrower than MIN_WRAP_WIDTH (being made)."""


def _scaled(font: QFont, scale: float) -> QFont:
    big = QFont(font)
    if font.pointSizeF() > 0:
        big.setPointSizeF(font.pointSizeF() * scale)
    return big


class LessonBar(QFrame):
    """The caption of the model's phase: a title, where it is in the course page's steps,
    and two or three sentences. ``close_button`` hides lesson mode."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("lesson-caption")
        self.setAccessibleName("Lesson caption")
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        accent = QFrame(self)
        accent.setFixedWidth(6)
        accent.setAutoFillBackground(True)
        accent.setBackgroundRole(QPalette.ColorRole.Highlight)

        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.text_label = QLabel(self)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.heading, self.text_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Hide the lesson captions")
        self.close_button.setToolTip("Hide the lesson captions (L; View › Lesson Captions)")
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrow keys keep stepping

        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.heading)
        texts.addWidget(self.text_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 2, 4)
        row.addWidget(accent)
        row.addSpacing(6)
        row.addLayout(texts, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        # Labels never shown, that measure the other phases' captions (heightForWidth).
        self._probe_heading, self._probe_text = QLabel(), QLabel()
        for probe in (self._probe_heading, self._probe_text):
            probe.setWordWrap(True)
        self._tallest_key: tuple[object, ...] | None = None
        self._tallest = 0
        self._texts_key: tuple[object, ...] | None = None
        self._texts: tuple[tuple[str, str], ...] = ()
        self._set_fonts()

        self.caption: Caption | None = None
        for signal in (
            model.stepped,
            model.network_changed,
            model.structure_changed,
            model.training_changed,
        ):
            signal.connect(self.refresh)
        self.refresh()

    def _set_fonts(self) -> None:
        self.heading.setFont(_scaled(self.font(), TEXT_SCALE))
        self.text_label.setFont(_scaled(self.font(), TEXT_SCALE))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "text_label"):
            self._set_fonts()  # the window's type changed (View › Scale)
            self.refresh()

    def heightForWidth(self, width: int) -> int:
        """The height the tallest caption of the session's phases needs at ``width``, so
        that the bar, and the diagram under it, keep still from phase to phase (a caption
        whose title wraps took a line more, and moved the diagram down and up again)."""
        layout = self.layout()
        if layout is None:
            return -1
        own = layout.heightForWidth(width)
        # The texts' column: the bar's width less the accent, spacing and close button.
        column = width - (self.width() - self.heading.width())
        if self.heading.width() <= 0 or column <= 0:
            return own
        key = (column, self._phase_texts(), self.heading.font().key(), self.text_label.font().key())
        if key != self._tallest_key:
            self._tallest_key = key
            self._tallest = max(
                self._probe(self._probe_heading, self.heading, heading, column)
                + self._probe(self._probe_text, self.text_label, text, column)
                for heading, text in key[1]
            )
        shown = self.heading.heightForWidth(column) + self.text_label.heightForWidth(column)
        return own + max(0, self._tallest - shown)

    @staticmethod
    def _probe(probe: QLabel, label: QLabel, text: str, width: int) -> int:
        probe.setFont(label.font())
        probe.setTextFormat(label.textFormat())
        probe.setText(text)
        return probe.heightForWidth(width)

    def _phase_texts(self) -> tuple[tuple[str, str], ...]:
        """(heading, text) of every phase's caption, for the model's network and settings."""
        m = self.model
        # The network and settings by identity (an edit or a step makes new ones).
        key = (tuple(m.phases), self.heading.font().key(), m.network, m.config)
        last = self._texts_key
        if last is None or key[:2] != last[:2] or key[2] is not last[2] or key[3] is not last[3]:
            self._texts_key = key
            self._texts = tuple(
                self._caption_texts(p, caption(p, m.network, m.config)) for p in m.phases
            )
        return self._texts

    def hasHeightForWidth(self) -> bool:
        return True

    def sizeHint(self) -> QSize:
        # In a toolbar row nothing asks for the height the wrapped text needs at the bar's
        # width; the wrapped labels' own hints assume a narrow bar, far too tall. Before
        # the window has its width, a typical one: a hint for a bar a few pixels wide
        # would be so tall that the window grew past the screen to hold it.
        hint = super().sizeHint()
        width = self.width() if self.width() >= MIN_WRAP_WIDTH else TYPICAL_WIDTH
        hint.setHeight(self.heightForWidth(width))
        return hint

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # a new width wraps the text to a new height

    def refresh(self) -> None:
        m = self.model
        self.caption = caption(m.phase, m.network, m.config)
        heading, text = self._caption_texts(m.phase, self.caption)
        self.heading.setText(heading)
        self.text_label.setText(text)

    def _caption_texts(self, phase: Phase, shown: Caption) -> tuple[str, str]:
        """The heading (rich text) and the text of ``phase``'s caption ``shown``."""
        m = self.model
        number = m.phases.index(phase) + 1
        size = self.heading.font().pointSizeF() * TITLE_SCALE / TEXT_SCALE
        heading = (
            f"<span style='font-size: {size:.1f}pt; font-weight: bold'>"
            f"{html.escape(shown.title)}</span>&nbsp;&nbsp; "
            f"Lesson · phase {number} of {len(m.phases)} · {html.escape(shown.course_step)}"
        )
        return heading, shown.text

    def text(self) -> str:
        """Everything the caption says, as plain text."""
        heading = QTextDocumentFragment.fromHtml(self.heading.text()).toPlainText()
        return f"{heading}\n{self.text_label.text()}"


class LessonMode(QObject):
    """The lesson caption above ``window``'s diagram, and the View menu's toggle for it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.bar = LessonBar(window.model, window)
        # A row of its own under the phase breadcrumb, across the window: the caption
        # explains the phase the breadcrumb names, above the diagram and the formulas.
        self.toolbar = QToolBar("Lesson", window)
        self.toolbar.setObjectName("toolbar-lesson")
        self.toolbar.setMovable(False)
        self.toolbar.addWidget(self.bar)
        window.addToolBarBreak()
        window.addToolBar(self.toolbar)
        self.toolbar.hide()  # until the settings say (restore_settings): the app shows it

        self.action = QAction("&Lesson Captions", self)
        self.action.setObjectName("view-lesson")
        self.action.setCheckable(True)
        with_keys(
            self.action,
            [QKeySequence("L")],
            "Explain each phase beside its numbers, step by step through the course example",
        )
        self.action.toggled.connect(self._on_toggled)
        self.bar.close_button.clicked.connect(lambda: self.choose_shown(False))
        menu = view_menu(window)
        menu.addSeparator()
        menu.addAction(self.action)
        window.addAction(self.action)

    @property
    def shown(self) -> bool:
        return self.action.isChecked()

    def choose_shown(self, shown: bool) -> None:
        """The user's choice: show or hide the captions, and keep it in the settings."""
        self.action.setChecked(shown)

    def _on_toggled(self, shown: bool) -> None:
        self.toolbar.setVisible(shown)
        self.window.file_actions.settings.set_lesson_shown(shown)

    def show_as_chosen(self) -> None:
        """The captions shown or not as the action says (after a saved window state
        restored the toolbars as they were)."""
        self.toolbar.setVisible(self.action.isChecked())

    def restore_settings(self, settings: AppSettings) -> None:
        """Shown unless the user turned the captions off (on the first start)."""
        shown = settings.lesson_shown()
        if shown != self.action.isChecked():
            self.action.setChecked(shown)
        else:
            self.toolbar.setVisible(shown)
