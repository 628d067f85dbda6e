"""Exports for slides and notes: the Export menu and the functions behind it.

- The diagram and each plot as PNG, at 1×, 2× or a chosen width: the widget as shown,
  painted again at that resolution (text and lines stay sharp, nothing is upscaled).
  Painting at a device pixel ratio is what a high-density screen shows: fixed-width
  ("cosmetic") lines keep their width in pixels, so at 2× they are relatively finer.
- The same as SVG, painted with QSvgGenerator from the shown widget (pyqtgraph's own SVG
  exporter breaks on Qt ≥ 6.11, pyqtgraph issue 3495). Graphics items that cache
  themselves as pixmaps are painted uncached meanwhile, so the SVG holds vector paths and
  text, not pictures; fixed-width lines get plain coordinates so that every renderer
  draws them as shown (:func:`flatten_cosmetic_strokes`); every SVG is checked to render
  back with QSvgRenderer before it is written.
- Each plot's data as CSV (``series,x,y``, one row per point).
- The current step's worked example as Markdown and LaTeX, from the same generator as
  ``mlpviz trace`` (:mod:`mlpviz.engine.trace`).
- The loss history as CSV: per epoch after training, or the loss after each stepped update.
- The weights in force as JSON and NumPy ``.npz`` (:mod:`mlpviz.engine.weights_io`).

Files are written atomically (temporary file, then rename): a failed export leaves any old
file as it was.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPoint, QRect, QSize
from PySide6.QtGui import QAction, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator, QSvgRenderer
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QMenu, QMenuBar, QWidget

from mlpviz import __version__
from mlpviz.engine.session import write_file_atomically
from mlpviz.engine.trace import render_latex, render_markdown, worked_example
from mlpviz.engine.weights_io import WeightsError, weights_to_json, weights_to_npz
from mlpviz.gui.session_model import SessionModel

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

MAX_PNG_WIDTH = 16_000
"""The widest PNG a chosen width may ask for (about 1 GB of pixels at most in memory)."""
DEFAULT_PNG_WIDTH = 1920


class ExportError(Exception):
    """An export that could not be made; the message says why."""


# --- pictures -----------------------------------------------------------------------------


def png_size(widget: QWidget, scale: float | None = None, width: int | None = None) -> QSize:
    """The pixel size of a PNG of ``widget`` at ``scale`` times its size in device-independent
    pixels, or ``width`` pixels wide with the height in proportion."""
    w, h = widget.width(), widget.height()
    if w < 1 or h < 1:
        raise ExportError("the view has no size yet: show it first")
    if width is not None:
        if not 1 <= width <= MAX_PNG_WIDTH:
            raise ExportError(f"the width must be 1 to {MAX_PNG_WIDTH} pixels, got {width}")
        scale = width / w
    scale = 1.0 if scale is None else scale
    if not 0 < scale * w <= MAX_PNG_WIDTH:
        raise ExportError(f"a PNG of {scale:g} × {w} pixels is wider than {MAX_PNG_WIDTH}")
    return QSize(max(1, round(w * scale)), max(1, round(h * scale)))


def render_png(widget: QWidget, scale: float | None = None, width: int | None = None) -> QImage:
    """``widget`` as shown, painted again at ``scale`` (or ``width`` pixels wide)."""
    size = png_size(widget, scale, width)
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    # Painting at a device pixel ratio makes Qt draw text and lines at the full resolution.
    image.setDevicePixelRatio(size.width() / widget.width())
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    try:
        QWidget.render(widget, painter, QPoint(0, 0))
    finally:
        painter.end()
    image.setDevicePixelRatio(1.0)
    return image


def save_png(
    widget: QWidget,
    path: str | os.PathLike[str],
    scale: float | None = None,
    width: int | None = None,
) -> QSize:
    """Write :func:`render_png` to ``path``; the PNG's pixel size."""
    image = render_png(widget, scale, width)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ExportError("Qt could not encode the PNG")
    write_file_atomically(path, bytes(buffer.data().data()))
    return image.size()


@contextlib.contextmanager
def _uncached(widget: QWidget) -> Iterator[None]:
    """Graphics views inside ``widget`` paint every item afresh for the duration: no pixmap
    caches, and scatter symbols drawn as paths rather than stamped from pyqtgraph's symbol
    atlas, so a vector device receives paths and text rather than pictures."""
    views = [widget] if isinstance(widget, QGraphicsView) else []
    views += widget.findChildren(QGraphicsView)
    saved_views = [(v, v.cacheMode()) for v in views]
    items: list[QGraphicsItem] = []
    for view in views:
        scene = view.scene()
        if scene is not None:
            items += scene.items()
    cached = [(i, i.cacheMode()) for i in items if i.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    scatters = [i for i in items if isinstance(i, pg.ScatterPlotItem) and i.opts.get("useCache")]
    try:
        for view, _ in saved_views:
            view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        for item, _ in cached:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        for scatter in scatters:
            scatter.opts["useCache"] = False
        yield
    finally:
        for scatter in scatters:
            scatter.opts["useCache"] = True
        for item, mode in cached:
            item.setCacheMode(mode)
        for view, mode in saved_views:
            view.setCacheMode(mode)


_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
Affine = tuple[float, float, float, float, float, float]


def _affine(transform: str | None) -> Affine | None:
    """(a, b, c, d, e, f) of an SVG ``matrix(...)`` transform, as QSvgGenerator writes it."""
    match = re.fullmatch(r"\s*matrix\(([^)]*)\)\s*", transform or "")
    if match is None:
        return None
    numbers = [float(n) for n in _NUMBER.findall(match.group(1))]
    return (
        (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])
        if len(numbers) == 6
        else None
    )


def _point(m: Affine, x: float, y: float) -> str:
    a, b, c, d, e, f = m
    return f"{a * x + c * y + e:.6g},{b * x + d * y + f:.6g}"


def _mapped_pairs(text: str, m: Affine) -> str | None:
    numbers = [float(n) for n in _NUMBER.findall(text)]
    if len(numbers) % 2:
        return None
    return " ".join(_point(m, x, y) for x, y in zip(numbers[::2], numbers[1::2], strict=True))


def _mapped_path(d: str, m: Affine) -> str | None:
    """Path data with every point mapped through ``m``; None unless it uses only the
    absolute M, L, C, Q and Z commands QSvgGenerator writes (affine maps keep Béziers)."""
    out: list[str] = []
    numbers: list[float] = []
    for token in _PATH_TOKEN.findall(d):
        if token.isalpha():
            if token not in "MLCQZ" or len(numbers) % 2:
                return None
            out += [_point(m, x, y) for x, y in zip(numbers[::2], numbers[1::2], strict=True)]
            numbers = []
            out.append(token)
        else:
            numbers.append(float(token))
    if len(numbers) % 2:
        return None
    out += [_point(m, x, y) for x, y in zip(numbers[::2], numbers[1::2], strict=True)]
    return " ".join(out)


def _flatten_shape(shape: ET.Element, m: Affine) -> bool:
    """Map a path, polyline, polygon or rect's geometry through ``m`` in place."""
    tag = shape.tag.rsplit("}", 1)[-1]
    if tag == "path":
        d = _mapped_path(shape.get("d", ""), m)
        if d is None:
            return False
        shape.set("d", d)
    elif tag in ("polyline", "polygon"):
        points = _mapped_pairs(shape.get("points", ""), m)
        if points is None:
            return False
        shape.set("points", points)
    elif tag == "rect" and not (shape.get("rx") or shape.get("ry")):
        try:
            x, y = float(shape.get("x", "0")), float(shape.get("y", "0"))
            w, h = float(shape.get("width", "0")), float(shape.get("height", "0"))
        except ValueError:
            return False
        corners = (x, y), (x + w, y), (x + w, y + h), (x, y + h)
        shape.tag = f"{{{_SVG_NS}}}path"
        for key in ("x", "y", "width", "height"):
            shape.attrib.pop(key, None)
        shape.set("d", "M" + " L".join(_point(m, px, py) for px, py in corners) + " Z")
    else:
        return False
    shape.set("vector-effect", "none")
    return True


def flatten_cosmetic_strokes(svg: bytes) -> bytes:
    """The same picture with every fixed-width ("cosmetic") stroke in plain coordinates.

    QSvgGenerator writes a group transform (e.g. diagram or data units to pixels) and marks
    pyqtgraph's fixed-width lines ``vector-effect="non-scaling-stroke"``. Renderers that
    ignore that (librsvg, many slide programs) draw such lines hundreds of pixels wide.
    Mapping those shapes' points through the transform gives lines exactly as shown,
    everywhere; other elements of the group keep the transform in a wrapper group.
    """
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", _XLINK_NS)
    root = ET.fromstring(svg)
    for group in list(root.iter(f"{{{_SVG_NS}}}g")):
        transform = group.get("transform")
        m = _affine(transform)
        if m is None or transform is None:
            continue
        children = list(group)
        if not any(c.get("vector-effect") == "non-scaling-stroke" for c in children):
            continue
        for child in children:
            group.remove(child)
        del group.attrib["transform"]
        wrapper: ET.Element | None = None
        for child in children:
            if child.get("vector-effect") == "non-scaling-stroke" and _flatten_shape(child, m):
                group.append(child)
                wrapper = None
                continue
            if wrapper is None:
                wrapper = ET.SubElement(group, f"{{{_SVG_NS}}}g", {"transform": transform})
            wrapper.append(child)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def svg_from_widget(widget: QWidget, title: str = "") -> bytes:
    """``widget`` as shown, painted on QSvgGenerator as it is (see :func:`render_svg`)."""
    w, h = widget.width(), widget.height()
    if w < 1 or h < 1:
        raise ExportError("the view has no size yet: show it first")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # SVG Tiny 1.2 (Qt's default), not 1.1: Qt 6.11 writes the 1.1 clip paths of pyqtgraph
    # items in the wrong place, so browsers and librsvg hide legends and lines with them.
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(w, h))
    generator.setViewBox(QRect(0, 0, w, h))
    # The widget's own resolution, so that font point sizes come out as on screen.
    generator.setResolution(round(widget.logicalDpiY()))
    generator.setTitle(title)
    generator.setDescription(f"Made with mlpviz {__version__}")
    painter = QPainter(generator)
    if not painter.isActive():
        raise ExportError("Qt could not start the SVG painter")
    try:
        with _uncached(widget):
            QWidget.render(widget, painter, QPoint(0, 0))
    finally:
        painter.end()
    return bytes(buffer.data().data())


def render_svg(widget: QWidget, title: str = "") -> bytes:
    """``widget`` as shown, as SVG text with plain coordinates for fixed-width lines
    (:func:`flatten_cosmetic_strokes`), checked to render back with QSvgRenderer."""
    data = flatten_cosmetic_strokes(svg_from_widget(widget, title))
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid() or renderer.viewBoxF().isEmpty():
        raise ExportError("the SVG written does not render back")
    return data


def save_svg(widget: QWidget, path: str | os.PathLike[str], title: str = "") -> None:
    write_file_atomically(path, render_svg(widget, title))


# --- data as text ---------------------------------------------------------------------------


def _number(value: float) -> str:
    """Every digit (the shortest text that reads back as the same float); empty for NaN."""
    return repr(float(value)) if math.isfinite(value) else ("" if math.isnan(value) else str(value))


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def plot_series(plot: pg.PlotWidget) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The named, visible curves of ``plot``: (name as in the legend, x, y), the data as
    given to the curve (not its log-scaled display): every point, also of a curve that
    draws a long history as its envelope and keeps the whole as ``full_data``."""
    item = plot.getPlotItem()
    names: dict[int, str] = {}
    if item.legend is not None:
        for sample, label in item.legend.items:
            names[id(sample.item)] = label.text
    series = []
    for data in item.listDataItems():
        name = names.get(id(data)) or (data.name() if hasattr(data, "name") else None)
        x, y = getattr(data, "full_data", None) or (
            getattr(data, "xData", None),
            getattr(data, "yData", None),
        )
        if not name or x is None or y is None or not data.isVisible():
            continue
        series.append((str(name), np.asarray(x, dtype=float), np.asarray(y, dtype=float)))
    return series


def plot_csv(plot: pg.PlotWidget) -> str:
    """``series,x,y``: one row per point of each named, visible curve."""
    rows = [
        [name, _number(xi), _number(yi)]
        for name, x, y in plot_series(plot)
        for xi, yi in zip(x, y, strict=True)
    ]
    return _csv_text(["series", "x", "y"], rows)


def loss_history_csv(model: SessionModel) -> str:
    """After training, the loss and accuracy per epoch; otherwise the loss on each stepped
    sample after its update (what the loss plot shows)."""
    history = model.to_session().history
    if history is not None and history.epoch:
        columns = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
        rows = [
            [str(e), *(_number(getattr(history, c)[i]) for c in columns)]
            for i, e in enumerate(history.epoch)
        ]
        return _csv_text(["epoch", *columns], rows)
    losses = model.stepper.losses_after_updates
    return _csv_text(
        ["update", "loss_after_update"], [[str(i), _number(v)] for i, v in enumerate(losses, 1)]
    )


def worked_example_markdown(model: SessionModel, precision: int = 6) -> str:
    """Every equation of the current sample's step with its numbers, as Markdown."""
    rec = model.record
    title = f"# Worked example: sample {rec.sample}, update {model.stepper.step_number + 1}"
    name = model.session.name
    heading = f"{title} of {name}" if name else title
    return heading + "\n\n" + render_markdown(worked_example(rec, model.config), precision)


def worked_example_latex(model: SessionModel, precision: int = 6) -> str:
    """The same as a complete LaTeX document (as ``mlpviz trace --format latex``)."""
    return render_latex(worked_example(model.record, model.config), precision, standalone=True)


# --- the Export menu --------------------------------------------------------------------------


class Exports(QObject):
    """The Export menu of a :class:`MainWindow`; asks through the window's file dialogs."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.model = window.model
        self.actions: dict[str, QAction] = {}

    @property
    def pictures(self) -> dict[str, tuple[str, QWidget]]:
        """What can be exported as a picture: name → (title, widget)."""
        w = self.window
        return {
            "diagram": ("Diagram", w.network_view),
            "activation": ("Activation plot", w.activation_plot.plot_widget),
            "loss": ("Loss plot", w.loss_plot.plot_widget),
        }

    def build_menu(self, menu_bar: QMenuBar) -> QMenu:
        """The Export menu, after the File menu."""
        menu = QMenu("E&xport", menu_bar)
        for name, (title, widget) in self.pictures.items():
            sub = menu.addMenu(title)
            self._add(sub, f"{name}_png1", "PNG (1×)…", lambda n=name: self.export_png(n, 1.0))
            self._add(
                sub, f"{name}_png2", "PNG (2×, for slides)…", lambda n=name: self.export_png(n, 2.0)
            )
            self._add(
                sub,
                f"{name}_png_width",
                "PNG at a Chosen Width…",
                lambda n=name: self.export_png_width(n),
            )
            self._add(sub, f"{name}_svg", "SVG…", lambda n=name: self.export_svg(n))
            if isinstance(widget, pg.PlotWidget):
                self._add(
                    sub, f"{name}_csv", "Data as CSV…", lambda n=name: self.export_plot_csv(n)
                )
        menu.addSeparator()
        self._add(menu, "worked_markdown", "Worked Example as Markdown…", self.export_markdown)
        self._add(menu, "worked_latex", "Worked Example as LaTeX…", self.export_latex)
        self._add(menu, "loss_history_csv", "Loss History as CSV…", self.export_loss_history)
        menu.addSeparator()
        self._add(menu, "weights_json", "Weights as JSON…", lambda: self.export_weights(".json"))
        self._add(
            menu, "weights_npz", "Weights as NumPy .npz…", lambda: self.export_weights(".npz")
        )
        menus = menu_bar.actions()
        if len(menus) > 1:
            menu_bar.insertMenu(menus[1], menu)
        else:
            menu_bar.addMenu(menu)
        return menu

    def _add(self, menu: QMenu, name: str, text: str, slot: Callable[[], object]) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(f"export-{name}")
        action.triggered.connect(lambda _checked=False: slot())
        self.actions[name] = action
        return action

    # --- asking for a file and writing it --------------------------------------------------
    def _ask_path(self, what: str, suffix: str, filters: str) -> str:
        files = self.window.file_actions
        folder = files.settings.last_folder() or str(Path.home())
        stem = Path(files.path).stem if files.path else "mlpviz"
        start = str(Path(folder) / f"{stem}-{what}{suffix}")
        path = files.dialogs.save_path(self.window, f"Export {what}", start, filters)
        if path and not Path(path).suffix:
            path += suffix
        if path:
            files.settings.set_last_folder(os.path.dirname(os.path.abspath(path)))
        return path

    def _export(self, what: str, suffix: str, filters: str, write: Callable[[str], None]) -> str:
        """Ask for a file name and ``write(path)``; the path written, or "" (cancelled or
        failed, with a message)."""
        path = self._ask_path(what, suffix, filters)
        if not path:
            return ""
        try:
            write(path)
        except (OSError, ExportError, WeightsError) as e:
            self.window.file_actions.dialogs.warn(
                self.window, "Export", f"Could not export the {what} to {Path(path).name}:\n{e}"
            )
            return ""
        self.window.statusBar().showMessage(f"Exported the {what} to {path}", 6000)
        return path

    def _picture(self, name: str) -> tuple[str, QWidget] | None:
        title, widget = self.pictures[name]
        if not widget.isVisible():
            self.window.file_actions.dialogs.warn(
                self.window,
                "Export",
                f"The {title.lower()} is hidden: show it (View menu) to export it as shown.",
            )
            return None
        return title, widget

    def export_png(self, name: str, scale: float) -> str:
        if (picture := self._picture(name)) is None:
            return ""
        what = f"{name}@{scale:g}x"
        return self._export(
            what, ".png", "PNG images (*.png)", lambda p: save_png(picture[1], p, scale=scale)
        )

    def export_png_width(self, name: str) -> str:
        if (picture := self._picture(name)) is None:
            return ""
        dialogs = self.window.file_actions.dialogs
        width = dialogs.ask_int(
            self.window, "PNG width", "Width in pixels:", DEFAULT_PNG_WIDTH, 16, MAX_PNG_WIDTH
        )
        if width is None:
            return ""
        return self._export(
            f"{name}-{width}px",
            ".png",
            "PNG images (*.png)",
            lambda p: save_png(picture[1], p, width=width),
        )

    def export_svg(self, name: str) -> str:
        if (picture := self._picture(name)) is None:
            return ""
        title = f"{picture[0]} — {self.window.file_actions.display_name()}"
        return self._export(
            name, ".svg", "SVG images (*.svg)", lambda p: save_svg(picture[1], p, title)
        )

    def export_plot_csv(self, name: str) -> str:
        plot = self.pictures[name][1]
        assert isinstance(plot, pg.PlotWidget)
        return self._export(
            f"{name}-data",
            ".csv",
            "CSV files (*.csv)",
            lambda p: write_file_atomically(p, plot_csv(plot).encode("utf-8")),
        )

    def export_markdown(self) -> str:
        precision = self.window.formula_panel.precision
        text = worked_example_markdown(self.model, precision)
        return self._export(
            "worked-example",
            ".md",
            "Markdown (*.md)",
            lambda p: write_file_atomically(p, text.encode("utf-8")),
        )

    def export_latex(self) -> str:
        precision = self.window.formula_panel.precision
        text = worked_example_latex(self.model, precision)
        return self._export(
            "worked-example",
            ".tex",
            "LaTeX (*.tex)",
            lambda p: write_file_atomically(p, text.encode("utf-8")),
        )

    def export_loss_history(self) -> str:
        text = loss_history_csv(self.model)
        return self._export(
            "loss-history",
            ".csv",
            "CSV files (*.csv)",
            lambda p: write_file_atomically(p, text.encode("utf-8")),
        )

    def export_weights(self, suffix: str) -> str:
        net = self.model.network
        if suffix == ".npz":
            return self._export(
                "weights",
                ".npz",
                "NumPy arrays (*.npz)",
                lambda p: write_file_atomically(p, weights_to_npz(net)),
            )
        return self._export(
            "weights",
            ".json",
            "JSON (*.json)",
            lambda p: write_file_atomically(p, weights_to_json(net).encode("utf-8")),
        )
