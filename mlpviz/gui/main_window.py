"""The main window: the diagram in the centre, the formula panel, plots and samples in docks."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QChildEvent, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QTabBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.numbers import format_number
from mlpviz.engine.stepper import PhaseKind
from mlpviz.gui.activation_plot import ActivationPlot
from mlpviz.gui.exports import Exports
from mlpviz.gui.file_actions import FileActions
from mlpviz.gui.formula_panel import FormulaPanel
from mlpviz.gui.lecture_hall import LectureHall
from mlpviz.gui.live_refresh import LiveText
from mlpviz.gui.loss_plot import LossPlot
from mlpviz.gui.network_view import NetworkView
from mlpviz.gui.phase_indicator import PhaseIndicator
from mlpviz.gui.sample_panel import SamplePanel
from mlpviz.gui.session_model import SessionModel
from mlpviz.gui.training_workspace import TrainingWorkspace

LAYOUT_VERSION = 2
"""The version of the docks' layout that the settings keep between runs (Qt's saveState):
a layout saved by another version is not restored, the window opens with its defaults.
2: the training and data docks are tabs behind the samples, no longer a left column."""


class MainWindow(QMainWindow):
    """Wraps one SessionModel; every view in it wraps the same model.

    ``closing`` is emitted when the window has agreed to close (nothing unsaved is lost).
    """

    closing = Signal()

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setWindowTitle(self._title())
        screen = self.screen().availableGeometry()
        self.resize(min(1600, int(screen.width() * 0.96)), min(1000, int(screen.height() * 0.94)))

        self.network_view = NetworkView(model, self)
        self.phase_indicator = PhaseIndicator(model, self)
        centre = QWidget(self)
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.network_view, 1)
        self.setCentralWidget(centre)

        self.formula_panel = FormulaPanel(model, self)
        self.activation_plot = ActivationPlot(model, self)
        self.loss_plot = LossPlot(model, self)
        self.sample_panel = SamplePanel(model, self)
        self.docks = {
            "formula": self._dock(
                "Formula", self.formula_panel, Qt.DockWidgetArea.RightDockWidgetArea
            ),
            "samples": self._dock(
                "Samples", self.sample_panel, Qt.DockWidgetArea.BottomDockWidgetArea
            ),
            "activation": self._dock(
                "Activation", self.activation_plot, Qt.DockWidgetArea.BottomDockWidgetArea
            ),
            "loss": self._dock("Loss", self.loss_plot, Qt.DockWidgetArea.BottomDockWidgetArea),
        }
        # Bottom row: samples | activation | loss, so the diagram keeps the full height
        # between the toolbar and the plots and most of the width.
        self.splitDockWidget(
            self.docks["samples"], self.docks["activation"], Qt.Orientation.Horizontal
        )
        self.splitDockWidget(
            self.docks["activation"], self.docks["loss"], Qt.Orientation.Horizontal
        )
        self._laid_out = False
        self._saved_dock_sizes: (
            tuple[list[tuple[QDockWidget, int]], list[tuple[QDockWidget, int]]] | None
        ) = None

        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        # Its text changes at every step: without a new layout of the window each time.
        self.status_phase = LiveText(self, grow=True)
        self.statusBar().addPermanentWidget(self.status_phase)
        self.network_view.setFocus()
        model.stepped.connect(self._on_stepped)
        model.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._on_stepped()

        # The File menu, the window title and asking before unsaved work is lost.
        self.file_actions = FileActions(self)
        self.file_actions.build_menu(self.menuBar())
        self.actions_by_name.update({f"file_{k}": a for k, a in self.file_actions.actions.items()})
        self.exports = Exports(self)
        self.exports.build_menu(self.menuBar())

        # Live training (issue 4): data, network and training panels, the decision
        # boundary, neuron maps and layer health in docks, the Training menu and toolbar.
        self.training = TrainingWorkspace(self)

        # The lecture hall (issue 6): View › Theme, Decimals, Scale and Panels, lesson
        # captions, presentation mode (F5) and the shortcuts overlay (F1). Last, so that
        # its keymap sees every action.
        self.lecture = LectureHall(self)

    def childEvent(self, event: QChildEvent) -> None:
        super().childEvent(event)
        child = event.child()
        if event.polished() and isinstance(child, QTabBar) and child.parent() is self:
            # The tabs of docks sharing a place: whole titles, scrolled when they do not
            # fit, rather than "Sam…", "Trai…" beside each other at 150 %.
            child.setElideMode(Qt.TextElideMode.ElideNone)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._laid_out:
            # Dock sizes only take once the window has its real size: share the width
            # between the diagram and a formula panel wide enough for whole equations.
            self._laid_out = True
            width = self.width()
            self.resizeDocks(
                [self.docks["formula"]], [int(width * 0.34)], Qt.Orientation.Horizontal
            )
            self.resizeDocks(
                [self.docks["samples"], self.docks["activation"], self.docks["loss"]],
                [int(width * 0.2), int(width * 0.4), int(width * 0.4)],
                Qt.Orientation.Horizontal,
            )
            self.resizeDocks(
                [self.docks["activation"]], [int(self.height() * 0.25)], Qt.Orientation.Vertical
            )
        if self._saved_dock_sizes is not None:
            self.resize_docks(*self._saved_dock_sizes)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.file_actions.confirm_close():
            event.ignore()
            return
        self.file_actions.settings.set_window_layout(
            self.saveGeometry(), self.saveState(LAYOUT_VERSION)
        )
        self.closing.emit()
        super().closeEvent(event)

    def restore_layout(self, state: QByteArray, geometry: QByteArray | None = None) -> bool:
        """Docks and toolbars (and the window's size) as saved by saveState/saveGeometry;
        True when the docks were restored, which then keep their sizes on first show."""
        if geometry is not None and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        if state.isEmpty() or not self.restoreState(state, LAYOUT_VERSION):
            return False
        self._laid_out = True
        return True

    def resize_docks(
        self, widths: list[tuple[QDockWidget, int]], heights: list[tuple[QDockWidget, int]]
    ) -> None:
        """Dock widths and heights as a session saved them: now if the window is shown,
        else at its first show (before it, sizes do not take), instead of the defaults."""
        if not (widths or heights):
            return
        if not self.isVisible():
            self._laid_out = True
            self._saved_dock_sizes = (widths, heights)
            return
        self._saved_dock_sizes = None
        for sizes, orientation in (
            (widths, Qt.Orientation.Horizontal),
            (heights, Qt.Orientation.Vertical),
        ):
            shown = [(d, n) for d, n in sizes if not d.isHidden() and not d.isFloating()]
            if shown:
                self.resizeDocks([d for d, _ in shown], [n for _, n in shown], orientation)

    def _title(self) -> str:
        name = self.model.session.name or "Untitled session"
        return f"{name} — mlpviz"

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(
        self,
        name: str,
        text: str,
        slot: object,
        shortcuts: list[QKeySequence | QKeySequence.StandardKey | str],
        tip: str,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        keys = ", ".join(
            QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts
        )
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        m = self.model
        back = self._action(
            "back", "◀ Back", m.back, ["Left", "PgUp"], "Previous phase, restoring its numbers"
        )
        step = self._action("next", "Next ▶", m.step, ["Right", "Space", "PgDown"], "Next phase")
        sample = self._action(
            "next_sample",
            "Next sample ▶▶",
            m.next_sample,
            ["Ctrl+Right"],
            "Finish this sample's step and go to the next sample",
        )
        epoch = self._action(
            "run_epoch", "Run epoch", m.run_epoch, ["Ctrl+E"], "One online step on every sample"
        )
        reset = self._action(
            "reset", "Reset", m.reset, ["Home"], "Back to the start, with the initial weights"
        )
        undo = m.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = m.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z")]
        )
        self.addAction(undo)
        self.addAction(redo)
        self.actions_by_name.update(undo=undo, redo=redo)
        fit = self.network_view.fit_action
        self.addAction(fit)
        self.actions_by_name["fit"] = fit

        bar = QToolBar("Stepping", self)
        bar.setObjectName("toolbar-stepping")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (back, step, sample, epoch, reset):
            bar.addAction(action)
        bar.addSeparator()
        for action in (undo, redo, fit):
            bar.addAction(action)
        self.addToolBar(bar)
        # The phase breadcrumb spans the whole window width on a row of its own, so it
        # never squeezes the diagram or the formula panel.
        self.addToolBarBreak()
        phases = QToolBar("Phases", self)
        phases.setObjectName("toolbar-phases")
        phases.setMovable(False)
        phases.addWidget(self.phase_indicator)
        self.addToolBar(phases)

        menu = self.menuBar()
        step_menu = menu.addMenu("&Step")
        for action in (step, back, sample, epoch, reset):
            step_menu.addAction(action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(fit)
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())

    def _on_stepped(self) -> None:
        m = self.model
        rec = m.record
        parts = [
            f"Phase: {m.phase.label}",
            f"sample {rec.sample + 1} of {len(m.x)}",
            f"step {m.stepper.step_number + 1}",
        ]
        epoch = m.stepper.step_number // max(len(m.x), 1) + 1
        parts.append(f"epoch {epoch}")
        if m.phase.kind not in (PhaseKind.INPUT, PhaseKind.FORWARD):
            parts.append(f"L = {format_number(rec.result.backward.loss, 6)}")
        if m.phase.kind is PhaseKind.UPDATE:
            parts.append(f"L after update = {format_number(rec.loss_after, 6)}")
        self.status_phase.setText("   ·   ".join(parts))
