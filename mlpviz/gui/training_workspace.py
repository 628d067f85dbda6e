"""The live-training part of the main window: the data, network and training panels, the
data view with the decision boundary, the neuron maps and layer health, the Training menu
and toolbar.

The main window creates one :class:`TrainingWorkspace` after its own docks and menus.
The training and the data-and-network docks are tabs behind the samples, below the
diagram, and join ``window.docks``, so saved sessions keep their side, tabs, size and
visibility. The live views are tabbed with the formula panel and stay out of
``window.docks``: a dock behind another tab keeps the size it had when last shown, and
restoring that stale size would resize the formula panel's column (the window's saved
layout still restores them). Every panel and view wraps the window's
SessionModel or the workspace's TrainingController.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QScrollArea, QTabWidget, QToolBar, QWidget

from mlpviz.gui.data_panel import DataPanel
from mlpviz.gui.data_view import DataView
from mlpviz.gui.health_view import HealthView
from mlpviz.gui.network_panel import DiagramShapeControls, NetworkPanel
from mlpviz.gui.neuron_maps import NeuronMapOverlay, NeuronMaps
from mlpviz.gui.training_controller import TrainingController
from mlpviz.gui.training_panel import TrainingPanel

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

MESSAGE_MS = 6000


def _scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a scroll area, so that a short dock never squeezes its controls."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    # Narrow columns squeeze the fields rather than scroll sideways.
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class TrainingWorkspace(QObject):
    """Creates and docks the live-training views of ``window`` (see the module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        model = window.model
        self.controller = TrainingController(model, self)
        self.training_panel = TrainingPanel(self.controller, window)
        self.data_panel = DataPanel(model, window)
        self.network_panel = NetworkPanel(model, window)
        self.data_view = DataView(model, window)
        self.neuron_maps = NeuronMaps(model, window)
        self.health_view = HealthView(model, window)

        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.setup_tabs = QTabWidget()
        self.setup_tabs.addTab(_scrolling(self.data_panel), "Data")
        self.setup_tabs.addTab(_scrolling(self.network_panel), "Network")
        self.docks = {
            "training": self._dock("Training", _scrolling(self.training_panel), bottom),
            "setup": self._dock("Data and network", self.setup_tabs, bottom),
            "data_view": self._dock("Decision boundary", self.data_view, right),
            "neuron_maps": self._dock("Neuron maps", self.neuron_maps, right),
            "health": self._dock("Layer health", self.health_view, right),
        }
        samples = window.docks.get("samples")
        if samples is not None:
            # Tabs behind the samples, below the diagram: a column of its own at the left
            # took a fifth of the window's width from the diagram.
            window.tabifyDockWidget(samples, self.docks["training"])
            window.tabifyDockWidget(self.docks["training"], self.docks["setup"])
            samples.raise_()
        formula = window.docks.get("formula")
        if formula is not None:
            # The decision boundary shares the right column with the formula panel;
            # it comes to the front when training starts.
            window.tabifyDockWidget(formula, self.docks["data_view"])
            window.tabifyDockWidget(self.docks["data_view"], self.docks["neuron_maps"])
            window.tabifyDockWidget(self.docks["neuron_maps"], self.docks["health"])
            formula.raise_()
        window.docks.update(training=self.docks["training"], setup=self.docks["setup"])
        # A live view behind another tab skips the repaints of live training (Qt keeps it
        # "visible", only out of sight); it catches up when its tab comes to the front.
        for name, view in (
            ("data_view", self.data_view),
            ("neuron_maps", self.neuron_maps),
            ("health", self.health_view),
        ):
            self.docks[name].visibilityChanged.connect(
                lambda shown, view=view: view.refresh() if shown else None
            )

        self.toolbar = QToolBar("Training", window)
        self.toolbar.setObjectName("toolbar-training")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        panel = self.training_panel
        for action in (panel.play_action, panel.step_action, panel.reset_action):
            window.addAction(action)
            self.toolbar.addAction(action)
        # On the first row, after the stepping buttons: the phase breadcrumb keeps its
        # own full-width row below.
        phases = window.findChild(QToolBar, "toolbar-phases")
        if isinstance(phases, QToolBar):
            window.removeToolBarBreak(phases)
            window.insertToolBar(phases, self.toolbar)
            window.insertToolBarBreak(phases)
        else:
            window.addToolBar(self.toolbar)
        self.menu = self._build_menu()
        window.actions_by_name.update(
            train=panel.play_action,
            train_epoch=panel.step_action,
            reset_training=panel.reset_action,
        )

        # On the diagram: each hidden neuron's map on its node, and + / − for the shape.
        self.node_maps = NeuronMapOverlay(model, window.network_view)
        self.shape_controls = DiagramShapeControls(model, window.network_view)
        self.node_maps_action = QAction("Maps on Hidden Neurons", self)
        self.node_maps_action.setCheckable(True)
        self.node_maps_action.setChecked(True)
        self.node_maps_action.setToolTip(
            "Draw what each hidden neuron responds to on its node (two inputs)"
        )
        self.node_maps_action.toggled.connect(self.node_maps.set_shown)
        self.menu.addSeparator()
        self.menu.addAction(self.node_maps_action)

        self.controller.message.connect(
            lambda text: window.statusBar().showMessage(text, MESSAGE_MS)
        )
        self.controller.running_changed.connect(self._on_running)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(f"dock-{title.lower().replace(' ', '-')}")
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        return dock

    def _build_menu(self) -> QMenu:
        bar = self.window.menuBar()
        menu = QMenu("&Training", bar)
        panel = self.training_panel
        for action in (panel.play_action, panel.step_action, panel.reset_action):
            menu.addAction(action)
        menu.addSeparator()
        for dock in self.docks.values():
            menu.addAction(dock.toggleViewAction())
        # After the Step menu, which it continues.
        titles = [a.text() for a in bar.actions()]
        after = titles.index("&Step") + 1 if "&Step" in titles else len(titles)
        before = bar.actions()[after] if after < len(titles) else None
        if before is not None:
            bar.insertMenu(before, menu)
        else:
            bar.addMenu(menu)
        view = next((a.menu() for a in bar.actions() if a.text() == "&View"), None)
        if isinstance(view, QMenu):
            view.addSeparator()
            for dock in self.docks.values():
                view.addAction(dock.toggleViewAction())
        return menu

    def _on_running(self, running: bool) -> None:
        # Training shows the decision boundary and its own progress (epochs, rates) in
        # front, rather than the formula and the samples, which stand still meanwhile.
        if running:
            for name in ("data_view", "training"):
                if not self.docks[name].isHidden():
                    self.docks[name].raise_()
