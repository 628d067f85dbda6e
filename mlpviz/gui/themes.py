"""Light, dark and high-contrast themes for the Qt widgets and every pyqtgraph view.

A :class:`Theme` is a Qt palette, a small style sheet and the colours of the views: the
diagram's (``network_labels.COLOURS``), the plots' (``activation_plot.COLOURS``,
``loss_plot.COLOURS``), the phase breadcrumb's (``phase_indicator.COLOURS``) and the
live-training views' (``data_view.COLOURS``, ``health_view.COLOURS``,
``neuron_maps.COLOURS`` for the panel and the maps on the diagram's nodes,
``network_panel.COLOURS`` for the diagram's −, +, × and "+ layer" buttons). Every view
reads its module's COLOURS dict when it draws; :func:`apply_theme` replaces the entries and
asks each view (widget or diagram overlay) to restyle (``apply_colours()``; the diagram is
rebuilt). Plot widgets that have no ``apply_colours`` get the theme's background and axes.

Colours are Okabe–Ito's, picked per background so that lines and text keep their contrast:
blue and vermillion on white, sky blue and orange on dark grey or black (positive and
negative weights; negatives are also dashed and signed, so nothing is told by colour alone).

"system" follows the desktop's light or dark preference where Qt reports one
(``QStyleHints.colorScheme``); offscreen and bare X report none, and it is light then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from mlpviz.gui import (
    activation_plot,
    data_view,
    health_view,
    loss_plot,
    network_labels,
    network_panel,
    neuron_maps,
    phase_indicator,
)

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

SYSTEM = "system"
_QT_ARROW = ":/qt-project.org/styles/commonstyle/images/arrow-{}-16.png"
"""Qt's own arrow pictures (black): the high-contrast spin buttons are white, styled."""


@dataclass(frozen=True)
class Theme:
    """A theme: ``window`` (Qt palette roles as #RRGGBB), the views' COLOURS entries and a
    style sheet for what the palette does not reach (tooltips, dock titles)."""

    name: str
    title: str
    window: Mapping[str, str]
    diagram: Mapping[str, str]
    plots: Mapping[str, str]
    phases: Mapping[str, str]
    data: Mapping[str, str]
    health: Mapping[str, str]
    maps: Mapping[str, str]
    shape_buttons: Mapping[str, str]
    style_sheet: str = ""
    dark: bool = field(default=False)

    @property
    def background(self) -> str:
        """The background of the diagram and the plots."""
        return self.diagram["background"]

    @property
    def foreground(self) -> str:
        return self.plots["foreground"]


LIGHT = Theme(
    "light",
    "Light",
    window={
        "window": "#EFEFEF", "window_text": "#000000", "base": "#FFFFFF",
        "alternate_base": "#F3F3F3", "text": "#000000", "button": "#E6E6E6",
        "button_text": "#000000", "highlight": "#0072B2", "highlighted_text": "#FFFFFF",
        "tooltip_base": "#FFFFDC", "tooltip_text": "#000000", "link": "#0072B2",
        "placeholder_text": "#6E6E6E", "disabled_text": "#8A8A8A", "mid": "#B8B8B8",
        "dark": "#9F9F9F", "light": "#FFFFFF", "midlight": "#F5F5F5", "shadow": "#767676",
    },
    # The views' own defaults (their COLOURS dicts as written) are this theme: applying it
    # at start changes none of them.
    diagram={
        "background": "#FFFFFF",
        "positive": "#0072B2",  # blue
        "negative": "#D55E00",  # vermillion: orange is too faint on white for thin lines
        "node": "#FFFFFF",
        "node_focus": "#FFF3B0",  # a light tint of Okabe–Ito yellow
        "bias_node": "#E4E4E4",
        "node_border": "#303030",
        "text": "#000000",
        "selection": "#CC79A7",  # reddish purple
        "agree": "#009E73",  # bluish green
        "disagree": "#C8102E",
    },
    plots={
        "background": "#FFFFFF", "foreground": "#000000", "f": "#0072B2", "der": "#D55E00",
        "guide": "#7F7F7F", "steps": "#009E73", "train": "#0072B2", "test": "#E69F00",
    },
    phases={
        "current_fill": "#0072B2", "current_text": "#FFFFFF", "done_fill": "#D6E9F5",
        "done_text": "#000000", "todo_text": "#505050", "todo_border": "#9A9A9A",
        "separator": "#505050",
    },
    data={
        "background": "#FFFFFF", "foreground": "#000000", "unsure": "#FFFFFF",
        "point_edge": "#1E1E1E", "curve": "#0072B2",
        "class_0": "#E69F00", "class_1": "#0072B2", "class_2": "#009E73",
        "class_3": "#CC79A7", "class_4": "#D55E00", "class_5": "#56B4E9",
        "class_6": "#F0E442", "class_7": "#000000", "class_8": "#999999",
        "class_9": "#882255",
    },
    health={"warn": "#FDE2C8", "warn_text": "#000000"},
    maps={"positive": "#0072B2", "negative": "#D55E00", "midpoint": "#FFFFFF"},
    shape_buttons={"button_fill": "#FFFFFF", "button_text": "#303030", "button_border": "#909090"},
)

DARK = Theme(
    "dark",
    "Dark",
    window={
        "window": "#2B2B2B", "window_text": "#EDEDED", "base": "#1E1E1E",
        "alternate_base": "#262626", "text": "#EDEDED", "button": "#3A3A3A",
        "button_text": "#EDEDED", "highlight": "#56B4E9", "highlighted_text": "#000000",
        "tooltip_base": "#3A3A3A", "tooltip_text": "#EDEDED", "link": "#56B4E9",
        "placeholder_text": "#9A9A9A", "disabled_text": "#7A7A7A", "mid": "#4A4A4A",
        "dark": "#1A1A1A", "light": "#505050", "midlight": "#404040", "shadow": "#000000",
    },
    diagram={
        "background": "#1E1E1E",
        "positive": "#56B4E9",  # sky blue: Okabe–Ito's blue is too dark on dark grey
        "negative": "#E69F00",  # orange
        "node": "#2E2E2E",
        "node_focus": "#524B1C",  # a dark tint of Okabe–Ito yellow: light text stays 7:1
        "bias_node": "#454545",
        "node_border": "#D8D8D8",
        "text": "#F2F2F2",
        "selection": "#CC79A7",  # reddish purple
        "agree": "#2BC48F",  # a lighter bluish green
        "disagree": "#FF6F61",
    },
    plots={
        "background": "#1E1E1E", "foreground": "#E6E6E6", "f": "#56B4E9", "der": "#E69F00",
        "guide": "#8C8C8C", "steps": "#2BC48F", "train": "#56B4E9", "test": "#E69F00",
    },
    phases={
        "current_fill": "#56B4E9", "current_text": "#000000", "done_fill": "#23445A",
        "done_text": "#FFFFFF", "todo_text": "#BDBDBD", "todo_border": "#7A7A7A",
        "separator": "#BDBDBD",
    },
    # The classes keep their order; blue and sky blue swap (the lighter first on dark),
    # black becomes white and Tol's wine his rose.
    data={
        "background": "#1E1E1E", "foreground": "#E6E6E6", "unsure": "#1E1E1E",
        "point_edge": "#F2F2F2", "curve": "#56B4E9",
        "class_0": "#E69F00", "class_1": "#56B4E9", "class_2": "#009E73",
        "class_3": "#CC79A7", "class_4": "#D55E00", "class_5": "#0072B2",
        "class_6": "#F0E442", "class_7": "#FFFFFF", "class_8": "#999999",
        "class_9": "#EE99AA",
    },
    health={"warn": "#5C3A00", "warn_text": "#FFFFFF"},  # a dark tint of Okabe–Ito orange
    # The ends stay dark enough for the node's light text (3:1, large text).
    maps={"positive": "#0072B2", "negative": "#D55E00", "midpoint": "#2E2E2E"},
    shape_buttons={"button_fill": "#3A3A3A", "button_text": "#EDEDED", "button_border": "#9A9A9A"},
    style_sheet=(
        "QToolTip { color: #EDEDED; background: #3A3A3A; border: 1px solid #7A7A7A; }\n"
        "QDockWidget::title { background: #333333; padding: 3px; }\n"
    ),
    dark=True,
)

HIGH_CONTRAST = Theme(
    "high_contrast",
    "High Contrast",
    window={
        "window": "#000000", "window_text": "#FFFFFF", "base": "#000000",
        "alternate_base": "#141414", "text": "#FFFFFF", "button": "#000000",
        "button_text": "#FFFFFF", "highlight": "#F0E442", "highlighted_text": "#000000",
        "tooltip_base": "#000000", "tooltip_text": "#FFFFFF", "link": "#F0E442",
        "placeholder_text": "#C8C8C8", "disabled_text": "#A0A0A0", "mid": "#FFFFFF",
        "dark": "#FFFFFF", "light": "#FFFFFF", "midlight": "#C8C8C8", "shadow": "#FFFFFF",
    },
    diagram={
        "background": "#000000",
        "positive": "#56B4E9",
        "negative": "#E69F00",
        "node": "#000000",
        "node_focus": "#4D4700",  # dark yellow: white text on it is still 10:1
        "bias_node": "#333333",
        "node_border": "#FFFFFF",
        "text": "#FFFFFF",
        "selection": "#F0E442",  # yellow
        "agree": "#2BC48F",
        "disagree": "#FF6F61",
    },
    plots={
        "background": "#000000", "foreground": "#FFFFFF", "f": "#56B4E9", "der": "#E69F00",
        "guide": "#C8C8C8", "steps": "#F0E442", "train": "#56B4E9", "test": "#E69F00",
    },
    phases={
        "current_fill": "#F0E442", "current_text": "#000000", "done_fill": "#000000",
        "done_text": "#FFFFFF", "todo_text": "#C8C8C8", "todo_border": "#FFFFFF",
        "separator": "#FFFFFF",
    },
    data={
        "background": "#000000", "foreground": "#FFFFFF", "unsure": "#000000",
        "point_edge": "#FFFFFF", "curve": "#56B4E9",
        "class_0": "#E69F00", "class_1": "#56B4E9", "class_2": "#009E73",
        "class_3": "#CC79A7", "class_4": "#D55E00", "class_5": "#0072B2",
        "class_6": "#F0E442", "class_7": "#FFFFFF", "class_8": "#999999",
        "class_9": "#EE99AA",
    },
    health={"warn": "#E69F00", "warn_text": "#000000"},  # Okabe–Ito orange itself
    maps={"positive": "#0072B2", "negative": "#D55E00", "midpoint": "#000000"},
    shape_buttons={"button_fill": "#000000", "button_text": "#FFFFFF", "button_border": "#FFFFFF"},
    # Fusion draws field frames and check boxes a shade off the window colour, which on
    # black is black: they get white outlines here (and styled spin buttons need arrows).
    style_sheet=(
        "QToolTip { color: #FFFFFF; background: #000000; border: 2px solid #F0E442; }\n"
        "QDockWidget::title { background: #000000; border: 1px solid #FFFFFF; padding: 3px; }\n"
        "QLineEdit, QAbstractSpinBox, QComboBox { border: 1px solid #FFFFFF; padding: 1px 3px; }\n"
        "QLineEdit:focus, QAbstractSpinBox:focus, QComboBox:focus { border: 2px solid #F0E442; }\n"
        "QAbstractSpinBox::up-button, QAbstractSpinBox::down-button { background: #FFFFFF;"
        " border: 1px solid #000000; width: 14px; }\n"
        f"QAbstractSpinBox::up-arrow {{ image: url({_QT_ARROW.format('up')});"
        " width: 9px; height: 9px; }\n"
        f"QAbstractSpinBox::down-arrow {{ image: url({_QT_ARROW.format('down')});"
        " width: 9px; height: 9px; }\n"
        "QCheckBox::indicator, QRadioButton::indicator { width: 13px; height: 13px;"
        " border: 1px solid #FFFFFF; background: #000000; }\n"
        "QCheckBox::indicator:checked, QRadioButton::indicator:checked { background: #F0E442; }\n"
    ),
    dark=True,
)

PALETTES: dict[str, Theme] = {t.name: t for t in (LIGHT, DARK, HIGH_CONTRAST)}
"""The themes by name; the settings also know "system" (see :func:`resolve`)."""

_ROLES = {
    "window": QPalette.ColorRole.Window,
    "window_text": QPalette.ColorRole.WindowText,
    "base": QPalette.ColorRole.Base,
    "alternate_base": QPalette.ColorRole.AlternateBase,
    "text": QPalette.ColorRole.Text,
    "button": QPalette.ColorRole.Button,
    "button_text": QPalette.ColorRole.ButtonText,
    "highlight": QPalette.ColorRole.Highlight,
    "highlighted_text": QPalette.ColorRole.HighlightedText,
    "tooltip_base": QPalette.ColorRole.ToolTipBase,
    "tooltip_text": QPalette.ColorRole.ToolTipText,
    "link": QPalette.ColorRole.Link,
    "placeholder_text": QPalette.ColorRole.PlaceholderText,
    "mid": QPalette.ColorRole.Mid,
    "dark": QPalette.ColorRole.Dark,
    "light": QPalette.ColorRole.Light,
    "midlight": QPalette.ColorRole.Midlight,
    "shadow": QPalette.ColorRole.Shadow,
}


def system_prefers_dark() -> bool | None:
    """The desktop's preference as Qt reports it: True (dark), False (light) or None
    (Qt does not know, as offscreen and on bare X)."""
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return None


def resolve(name: str) -> Theme:
    """The theme a settings name stands for: "system" is dark or light as the desktop
    prefers (light when it says nothing); an unknown name is light."""
    if name == SYSTEM:
        return DARK if system_prefers_dark() else LIGHT
    return PALETTES.get(name, LIGHT)


def palette(theme: Theme) -> QPalette:
    """The Qt palette of ``theme``, disabled text greyed in every group it applies to."""
    pal = QPalette()
    for key, role in _ROLES.items():
        pal.setColor(role, QColor(theme.window[key]))
    disabled = QColor(theme.window["disabled_text"])
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return pal


def _style_plot(plot_widget: pg.PlotWidget, theme: Theme) -> None:
    """Background and axes of a plot that cannot restyle itself."""
    plot_widget.setBackground(theme.background)
    item = plot_widget.getPlotItem()
    for side in ("left", "bottom", "right", "top"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(theme.foreground))
        axis.setTextPen(pg.mkPen(theme.foreground))
    if item.legend is not None:
        item.legend.setLabelTextColor(theme.foreground)
        item.legend.setBrush(pg.mkBrush(theme.background + "C0"))
        for _sample, label in item.legend.items:
            label.setText(label.text)  # a LabelItem takes a new colour only when re-rendered


THEMED_MODULES = (
    network_labels,
    activation_plot,
    loss_plot,
    phase_indicator,
    data_view,
    health_view,
    neuron_maps,
    network_panel,
)
"""The modules whose ``COLOURS`` dict :func:`apply_theme` sets (what a theme changes
besides Qt's palette and style sheet and pyqtgraph's defaults)."""


def apply_theme(window: MainWindow, theme: Theme) -> None:
    """Colour the whole application (palette, style sheet, pyqtgraph defaults) and every
    view of ``window`` with ``theme``."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    network_labels.COLOURS.update(theme.diagram)
    activation_plot.COLOURS.update({k: theme.plots[k] for k in activation_plot.COLOURS})
    loss_plot.COLOURS.update({k: theme.plots[k] for k in loss_plot.COLOURS})
    phase_indicator.COLOURS.update(theme.phases)
    data_view.COLOURS.update(theme.data)
    health_view.COLOURS.update(theme.health)
    neuron_maps.COLOURS.update(theme.maps)
    network_panel.COLOURS.update(theme.shape_buttons)
    app.setPalette(palette(theme))
    app.setStyleSheet(theme.style_sheet)
    # Plots made from now on (new docks, dialogs) start in the theme's colours.
    pg.setConfigOptions(background=theme.background, foreground=theme.foreground)

    for plot_widget in window.findChildren(pg.PlotWidget):
        _style_plot(plot_widget, theme)
    view = window.network_view
    view.canvas.setBackground(theme.background)
    view.rebuild()
    # QObject: the diagram's overlays (maps on nodes, shape buttons) are views too.
    for widget in window.findChildren(QObject):
        restyle = getattr(widget, "apply_colours", None)
        if callable(restyle):
            restyle()
