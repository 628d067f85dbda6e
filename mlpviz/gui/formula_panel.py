"""The formula panel: the current phase's equations with the numbers filled in.

The content comes from :mod:`mlpviz.engine.trace`, the generator behind ``mlpviz trace``,
rendered as Qt rich text. Rich text (HTML with <sub>, <sup>, <i> and tables for matrices)
was chosen over rendering LaTeX to images (matplotlib's mathtext, ziamath): it redraws
within a frame on every step, stays crisp at any zoom or projector scale factor because it
is real text, can be selected and copied, and needs no extra dependency.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.trace import Focus, Section, phase_sections, render_html, render_latex
from mlpviz.engine.trace.html_rendering import EQUATION_STYLE
from mlpviz.gui.live_refresh import LiveText
from mlpviz.gui.session_model import BEHIND_THE_DIAGRAM, SessionModel

# The panel is read from the back of a hall: its type is this much larger than the UI's.
FONT_SCALE = 1.35
STYLE = """
h3 { margin-top: 10px; margin-bottom: 4px; }
p { margin-top: 3px; margin-bottom: 3px; }
""" + EQUATION_STYLE


class FormulaPanel(QWidget):
    """Shows the worked equations of the model's current phase.

    With a neuron, weight or bias selected in the diagram, only its equations; otherwise
    the whole layer. The "Matrices" tab shows the phase in the page's matrix notation.
    """

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.precision = 6
        self.heading = LiveText(self, wrap=True)  # new text at every step, no new layout
        self.equations = self._browser("Equations of the current phase")
        self.matrices = self._browser("The current phase in matrix notation")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.equations, "Equations")
        self.tabs.addTab(self.matrices, "Matrices")
        self.show_all = QPushButton("Whole layer", self)
        self.show_all.setToolTip("Show the whole layer again instead of the selected item")
        self.show_all.clicked.connect(lambda: model.select(None))
        self.copy_latex = QPushButton("Copy as LaTeX", self)
        self.copy_latex.setToolTip("Copy this phase's equations as LaTeX source")
        self.copy_latex.clicked.connect(self._copy_latex)

        buttons = QHBoxLayout()
        buttons.addWidget(self.heading, 1)
        buttons.addWidget(self.show_all)
        buttons.addWidget(self.copy_latex)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        # Redone by hand from the rounded numbers shown, a result may differ in its last
        # digit: it was worked out from the unrounded ones.
        self.rounding = QLabel(self)
        self.rounding.setWordWrap(True)
        self.rounding.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.rounding)
        self._say_rounding()

        self._shown: tuple[object, ...] | None = None
        """What the panel shows: the record, settings, phase, selection and precision."""
        self._sections: tuple[list[Section], list[Section]] = ([], [])
        self._whole_layer = False
        """A selected item has no equations of its own in the phase (see _worked)."""
        self._stale: set[QWidget] = set()
        """The tabs whose content is not rendered for what the panel shows."""
        self.tabs.currentChanged.connect(lambda _index: self._render_current())
        model.stepped.connect(self.refresh, BEHIND_THE_DIAGRAM)
        model.network_changed.connect(self.refresh, BEHIND_THE_DIAGRAM)
        model.selection_changed.connect(self.refresh)
        self.refresh()

    def sizeHint(self) -> QSize:
        # Wide enough for a whole equation line of the course example at the panel's type.
        return QSize(640, 600)

    def _browser(self, name: str) -> QTextBrowser:
        browser = QTextBrowser(self)
        browser.setAccessibleName(name)
        browser.setOpenLinks(False)
        browser.setFont(self._equation_font())
        browser.document().setDefaultStyleSheet(STYLE)
        # Always there: a scroll bar that came and went as phases grew and shrank made
        # the wrapped equations be laid out twice (the text's width changed with it).
        browser.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        return browser

    def _equation_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
        return font

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # (Before __init__ has made the browsers, there is nothing to restyle.)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "matrices"):
            # The window's type changed (View › Scale): the equations stay FONT_SCALE times it.
            for browser in (self.equations, self.matrices):
                browser.setFont(self._equation_font())

    def set_precision(self, decimals: int) -> None:
        self.precision = decimals
        self._say_rounding()
        self.refresh()

    def _say_rounding(self) -> None:
        self.rounding.setText(
            f"Shown to {self.precision} decimals; each result comes from the unrounded "
            "values, so its last digit may differ from a sum redone with these."
        )

    def focus(self) -> Focus | None:
        sel = self.model.selection
        if sel is None:
            return None
        if sel.kind == "neuron":
            return Focus.neuron(sel.layer, sel.index)
        if sel.kind == "weight":
            return Focus.weight(sel.layer, sel.index, sel.source)
        return Focus.bias(sel.layer, sel.index)

    def sections(self) -> tuple[list[Section], list[Section]]:
        """(equation sections, matrix sections) of the current phase and selection."""
        equations, matrices, _ = self._worked()
        return equations, matrices

    def _worked(self) -> tuple[list[Section], list[Section], bool]:
        """:meth:`sections`, and whether a selected item had none of its own in the phase:
        then it gets the whole layer's equations, where it is used (a weight in the phase
        that only carries errors back through it, an input in the forward pass it feeds)."""
        m = self.model
        focus = self.focus()
        sections = phase_sections(m.record, m.config, m.phase, focus)
        if focus is not None:
            whole = phase_sections(m.record, m.config, m.phase)
            matrices = [s for s in whole if s.matrix_form]
            if not sections:
                return [s for s in whole if not s.matrix_form], matrices, True
            return sections, matrices, False
        equations = [s for s in sections if not s.matrix_form]
        return equations, [s for s in sections if s.matrix_form], False

    def refresh(self) -> None:
        """Show the current phase and selection. Only the tab in sight is rendered (the
        other when it is shown): Qt's rich-text layout is most of a step's cost here. A
        step that updates the weights calls this twice (stepped, network_changed): the
        second finds nothing new and returns."""
        m = self.model
        # The record and network by identity (a new step or edit makes new ones), the
        # rest by value.
        shown = (m.record, m.network, m.config, m.phase, m.selection, self.precision)
        last = self._shown
        if (
            last is not None
            and shown[0] is last[0]
            and shown[1] is last[1]
            and shown[2:] == last[2:]
        ):
            return
        self._shown = shown
        self._stale = {self.equations, self.matrices}
        equations, matrices, whole_layer = self._worked()
        self._sections = equations, matrices
        self._whole_layer = whole_layer
        self.show_all.setVisible(self.focus() is not None)
        self._render_current()

    def _say_heading(self) -> None:
        """The phase, and what the tab in sight shows of a selected item."""
        focus, phase = self.focus(), self.model.phase.label
        if focus is None:
            self.heading.setText(f"<b>{phase}</b>")
        elif self.tabs.currentWidget() is self.matrices:
            # The matrix form is the layer's, whatever is selected.
            self.heading.setText(f"<b>{phase}</b>: the whole layer, in matrix form")
        elif not self._whole_layer:
            self.heading.setText(f"<b>{phase}</b>: the selected {focus.kind} only")
        else:
            self.heading.setText(
                f"<b>{phase}</b>: nothing of the selected {focus.kind} is worked out in this "
                "phase; the whole layer"
            )

    def _render_current(self) -> None:
        self._say_heading()
        browser = self.tabs.currentWidget()
        if browser not in self._stale:
            return
        self._stale.discard(browser)
        equations, matrices = self._sections
        if browser is self.equations:
            self.equations.setHtml(render_html(equations, self.precision))
        else:
            self.matrices.setHtml(
                render_html(matrices, self.precision)
                if matrices
                else "<p>No matrix form for this phase.</p>"
            )

    def latex(self) -> str:
        equations, matrices = self.sections()
        return render_latex(equations + matrices, self.precision)

    def _copy_latex(self) -> None:
        QGuiApplication.clipboard().setText(self.latex())
        self.model.message.emit("Copied the phase's equations as LaTeX.")
