"""How the window looks, chosen in one place: View › Theme, Decimals, Scale and Panels.

- Theme: System, Light, Dark or High Contrast (mlpviz.gui.themes), kept in the settings.
- Decimals: 2 to 6, for the diagram, the formula panel and the exports (which read the
  formula panel's), kept in the settings and in a saved session's view.
- Scale: 100 % to 250 % for every font, node, line and plot label (mlpviz.gui.display_scale),
  from the View menu, Ctrl++ / Ctrl+− / Ctrl+0 or the spin box in the status bar. The window
  and presentation mode each keep their own scale in the settings.
- Panels: the toolbars and the status bar can be hidden like the docks; which are shown is
  kept in a saved session's view (:meth:`ViewOptions.capture_panels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSignalBlocker, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QSpinBox, QToolBar, QWidget

from mlpviz.gui.display_scale import apply_scale, rescale_plots, screen_scale
from mlpviz.gui.keymap import key_text
from mlpviz.gui.settings import AUTOMATIC_SCALE, SCALE_RANGE, THEMES, AppSettings
from mlpviz.gui.themes import PALETTES, SYSTEM, apply_theme, resolve

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

DECIMALS = (2, 3, 4, 5, 6)
"""The choices of View › Decimals (a session may hold any of 0..12)."""
SCALE_STEP = 25
THEME_KEYS = {
    "system": "Ctrl+Shift+A",  # "automatic"
    "light": "Ctrl+Shift+L",
    "dark": "Ctrl+Shift+D",
    "high_contrast": "Ctrl+Shift+H",
}
THEME_TITLES = {SYSTEM: "System (Light or Dark)", **{k: t.title for k, t in PALETTES.items()}}
PANEL_KEYS = {
    "toolbar-stepping": "Ctrl+Alt+S",
    "toolbar-training": "Ctrl+Alt+R",
    "toolbar-phases": "Ctrl+Alt+P",
    "status_bar": "Ctrl+Alt+B",
}


def view_menu(window: MainWindow) -> QMenu:
    """The window's View menu."""
    bar = window.menuBar()
    menu = next((a.menu() for a in bar.actions() if a.text() == "&View"), None)
    if isinstance(menu, QMenu):
        return menu
    return bar.addMenu("&View")


def with_keys(action: QAction, keys: list[QKeySequence], tip: str) -> QAction:
    """Give ``action`` its shortcuts and a tooltip that names them."""
    action.setShortcuts(keys)
    text = key_text(keys)
    action.setToolTip(f"{tip} ({text})" if text else tip)
    action.setStatusTip(tip)
    return action


class ViewOptions(QObject):
    """The View menu's Theme, Decimals, Scale and Panels for one :class:`MainWindow`.

    ``scale_changed(int)`` is emitted with the percent shown after every change of scale.
    """

    scale_changed = Signal(int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.theme_name = SYSTEM
        self.scale = 100
        self.presenting = False  # set by presentation mode: which scale the settings keep
        self.actions: dict[str, QAction] = {}

        menu = view_menu(window)
        menu.addSeparator()
        self.panels_menu = menu.addMenu("&Toolbars and Status Bar")
        self._build_panels()
        self.theme_menu = menu.addMenu("T&heme")
        self._build_themes()
        self.decimals_menu = menu.addMenu("&Decimals")
        self._build_decimals()
        self.scale_menu = menu.addMenu("&Scale")
        self._build_scale()
        for action in self.actions.values():
            window.addAction(action)  # shortcuts work while the menu bar is hidden too

        self.scale_box = QSpinBox(window)
        self.scale_box.setRange(*SCALE_RANGE)
        self.scale_box.setSingleStep(SCALE_STEP)
        self.scale_box.setSuffix(" %")
        self.scale_box.setPrefix("Scale ")
        self.scale_box.setValue(self.scale)
        self.scale_box.setAccessibleName("Display scale")
        self.scale_box.setToolTip(
            "Every font, node, line and plot label at this size, for the back row of a hall"
            " (Ctrl++, Ctrl+−, Ctrl+0)"
        )
        self.scale_box.valueChanged.connect(self.choose_scale)
        window.statusBar().addPermanentWidget(self.scale_box)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    @property
    def settings(self) -> AppSettings:
        # Read at each use: the app hands the window its settings after building it.
        return self.window.file_actions.settings

    # --- building the menus ------------------------------------------------------------
    def _action(
        self, name: str, text: str, keys: list[QKeySequence], tip: str, menu: QMenu
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"view-{name}")
        with_keys(action, keys, tip)
        menu.addAction(action)
        self.actions[name] = action
        return action

    def _build_panels(self) -> None:
        for bar in self.window.findChildren(QToolBar):
            name = bar.objectName()
            if name not in PANEL_KEYS:
                continue
            action = bar.toggleViewAction()
            action.setObjectName(f"view-{name}")
            tip = f"Show the {bar.windowTitle()} toolbar"
            with_keys(action, [QKeySequence(PANEL_KEYS[name])], tip)
            action.setText(f"{bar.windowTitle()} Toolbar")
            self.panels_menu.addAction(action)
            self.actions[name] = action
        status = self._action(
            "status_bar",
            "Status Bar",
            [QKeySequence(PANEL_KEYS["status_bar"])],
            "Show the status bar (phase, sample, loss and the scale)",
            self.panels_menu,
        )
        status.setCheckable(True)
        status.setChecked(True)
        status.toggled.connect(self.window.statusBar().setVisible)

    def _build_themes(self) -> None:
        group = QActionGroup(self)
        for name in THEMES:
            action = self._action(
                f"theme-{name}",
                THEME_TITLES[name],
                [QKeySequence(THEME_KEYS[name])],
                f"Colour the window and every plot: {THEME_TITLES[name]}",
                self.theme_menu,
            )
            action.setCheckable(True)
            action.setChecked(name == self.theme_name)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, n=name: self.choose_theme(n))

    def _build_decimals(self) -> None:
        group = QActionGroup(self)
        for decimals in DECIMALS:
            action = self._action(
                f"decimals-{decimals}",
                f"&{decimals} Decimals",
                [QKeySequence(f"Ctrl+Alt+{decimals}")],
                f"Show numbers with {decimals} decimals on the diagram, in the formulas and"
                " in exports",
                self.decimals_menu,
            )
            action.setCheckable(True)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, d=decimals: self.choose_precision(d))
        self._check_decimals()

    def _build_scale(self) -> None:
        key = QKeySequence.StandardKey
        zoom_in = [*QKeySequence.keyBindings(key.ZoomIn), QKeySequence("Ctrl+=")]
        zoom_out = QKeySequence.keyBindings(key.ZoomOut) or [QKeySequence("Ctrl+-")]
        self._action(
            "zoom_in", "&Larger", zoom_in, "Everything larger by 25 %", self.scale_menu
        ).triggered.connect(lambda: self.choose_scale(self.scale + SCALE_STEP))
        self._action(
            "zoom_out", "&Smaller", zoom_out, "Everything smaller by 25 %", self.scale_menu
        ).triggered.connect(lambda: self.choose_scale(self.scale - SCALE_STEP))
        self._action(
            "zoom_reset",
            "&Actual Size",
            [QKeySequence("Ctrl+0")],
            "Back to 100 % (in presentation mode: the size chosen for the screen)",
            self.scale_menu,
        ).triggered.connect(self.reset_scale)

    # --- theme ---------------------------------------------------------------------------
    def choose_theme(self, name: str) -> None:
        """The user's choice: apply it and keep it in the settings."""
        self.settings.set_theme(name)
        self.set_theme(name)

    def set_theme(self, name: str) -> None:
        self.theme_name = name if name in THEMES else SYSTEM
        apply_theme(self.window, resolve(self.theme_name))
        rescale_plots(self.window, self.scale)  # restyled plots are back at 100 %
        action = self.actions.get(f"theme-{self.theme_name}")
        if action is not None:
            action.setChecked(True)

    def _on_system_scheme(self) -> None:
        if self.theme_name == SYSTEM:
            self.set_theme(SYSTEM)

    # --- decimals --------------------------------------------------------------------------
    @property
    def precision(self) -> int:
        return self.window.network_view.precision

    def choose_precision(self, decimals: int) -> None:
        """The user's choice: apply it and keep it in the settings."""
        self.settings.set_precision(decimals)
        self.set_precision(decimals)

    def set_precision(self, decimals: int) -> None:
        """Decimals on the diagram and in the formula panel (and so in exports)."""
        self.window.network_view.set_precision(decimals)
        self.window.formula_panel.set_precision(decimals)
        self._check_decimals()

    def _check_decimals(self) -> None:
        for decimals in DECIMALS:
            self.actions[f"decimals-{decimals}"].setChecked(decimals == self.precision)

    # --- scale ------------------------------------------------------------------------------
    def choose_scale(self, percent: int) -> None:
        """The user's choice (clamped to 100..250 %): apply it and keep it in the settings,
        as the window's or presentation mode's scale."""
        low, high = SCALE_RANGE
        percent = min(max(percent, low), high)
        if self.presenting:
            self.settings.set_presentation_scale(percent)
        else:
            self.settings.set_scale(percent)
        self.set_scale(percent)

    def reset_scale(self) -> None:
        """100 %; in presentation mode, the scale that suits the screen (automatic again)."""
        if self.presenting:
            self.settings.set_presentation_scale(AUTOMATIC_SCALE)
            self.set_scale(screen_scale(self.window))
        else:
            self.choose_scale(100)

    def set_scale(self, percent: int) -> None:
        if percent == self.scale:
            return
        self.scale = percent
        apply_scale(self.window, percent)
        with QSignalBlocker(self.scale_box):
            self.scale_box.setValue(percent)
        self.scale_changed.emit(percent)

    # --- panels in a session -----------------------------------------------------------------
    def capture_panels(self) -> dict[str, bool]:
        """Which toolbars and whether the status bar show: {name: shown}."""
        return {name: not self._panel(name).isHidden() for name in PANEL_KEYS}

    def restore_panels(self, panels: Mapping[str, object]) -> None:
        for name, shown in panels.items():
            if name in PANEL_KEYS and isinstance(shown, bool):
                self.show_panel(name, shown)

    def show_panel(self, name: str, shown: bool) -> None:
        """Show or hide a toolbar or the status bar (by its PANEL_KEYS name)."""
        self._panel(name).setVisible(shown)
        action = self.actions.get(name)
        if action is not None and action.isChecked() != shown:
            with QSignalBlocker(action):
                action.setChecked(shown)

    def _panel(self, name: str) -> QWidget:
        if name == "status_bar":
            return self.window.statusBar()
        bar = self.window.findChild(QToolBar, name)
        assert bar is not None, name
        return bar

    # --- settings --------------------------------------------------------------------------
    def restore_settings(self, settings: AppSettings) -> None:
        """Theme, decimals and scale as the settings keep them (at start)."""
        self.set_theme(settings.theme())
        self.set_precision(settings.precision())
        self.set_scale(settings.scale())
