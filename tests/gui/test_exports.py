"""Exports: every file loads back. PNGs have the asked size, SVGs render with QSvgRenderer and
hold vector text, plot CSVs hold the curves' data (checked against closed forms), the worked
example and the loss history hold the course example's hand-worked numbers, weights round-trip
through numpy itself."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from pytestqt.qtbot import QtBot
from views_follow import views_follow

from mlpviz.engine.network import course_example
from mlpviz.engine.trainer import History
from mlpviz.engine.weights_io import load_weights
from mlpviz.gui.exports import (
    flatten_cosmetic_strokes,
    loss_history_csv,
    plot_csv,
    render_svg,
    save_png,
    save_svg,
    svg_from_widget,
    worked_example_latex,
    worked_example_markdown,
)
from mlpviz.gui.file_actions import Dialogs
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import SessionModel

# Hand-worked course values (the brief).
LOSS = 0.524926
DELTA_Y = 0.289216
GRAD_V = (0.181381, 0.219133)
GRAD_W = (0.010144, 0.016231, 0.013275, 0.021240)
LOSS_AFTER = 0.406645


class FakeDialogs(Dialogs):
    def __init__(self) -> None:
        self.path = ""
        self.width: int | None = 800
        self.warnings: list[str] = []

    def save_path(self, parent: object, caption: str, start: str, filters: str) -> str:
        return self.path

    def ask_int(self, *args: object) -> int | None:
        return self.width

    def warn(self, parent: object, title: str, text: str) -> None:
        self.warnings.append(text)


@pytest.fixture
def window(course_model: SessionModel, qtbot: QtBot) -> MainWindow:
    win = MainWindow(course_model)
    win.file_actions.dialogs = FakeDialogs()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


def dialogs_of(window: MainWindow) -> FakeDialogs:
    d = window.file_actions.dialogs
    assert isinstance(d, FakeDialogs)
    return d


def go_to(model: SessionModel, label: str) -> None:
    model.go_to(next(p for p in model.phases if p.label == label))


def not_blank(image: QImage) -> bool:
    """More than one colour: something was drawn."""
    small = image.scaled(64, 64)
    colours = {small.pixel(x, y) for x in range(64) for y in range(64)}
    return len(colours) > 3


def rendered(svg: bytes, width: int, height: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    return image


# --- pictures -------------------------------------------------------------------------------


def test_diagram_png_at_1x_2x_and_a_chosen_width(window: MainWindow, tmp_path: Path) -> None:
    view = window.network_view
    w, h = view.width(), view.height()
    assert w > 100 and h > 100
    for scale, size in ((1.0, (w, h)), (2.0, (2 * w, 2 * h))):
        path = tmp_path / f"d{scale:g}.png"
        save_png(view, path, scale=scale)
        image = QImage(str(path))
        assert (image.width(), image.height()) == size
        assert not_blank(image)
    save_png(view, tmp_path / "w.png", width=1000)
    image = QImage(str(tmp_path / "w.png"))
    assert image.width() == 1000 and image.height() == round(h * 1000 / w)


def test_export_menu_writes_pngs_and_reports_failures(window: MainWindow, tmp_path: Path) -> None:
    d = dialogs_of(window)
    exports = window.exports
    d.path = str(tmp_path / "slide")  # no suffix: .png is added
    assert exports.export_png("diagram", 2.0) == str(tmp_path / "slide.png")
    assert QImage(str(tmp_path / "slide.png")).width() == 2 * window.network_view.width()
    d.width = 640
    assert exports.export_png_width("loss")
    assert QImage(str(tmp_path / "slide.png")).width() == 640
    d.width = None  # cancelled
    assert exports.export_png_width("loss") == ""
    d.path = ""  # cancelled file chooser
    assert exports.export_svg("diagram") == ""
    d.path = str(tmp_path / "no-such-folder" / "x.svg")
    assert exports.export_svg("diagram") == ""
    assert "Could not export the diagram to x.svg" in d.warnings[-1]
    window.docks["loss"].hide()
    d.path = str(tmp_path / "loss.png")
    assert exports.export_png("loss", 1.0) == ""
    assert "hidden" in d.warnings[-1] and not (tmp_path / "loss.png").exists()
    names = {a.objectName() for a in exports.actions.values()}
    assert {"export-diagram_svg", "export-loss_csv", "export-weights_npz"} <= names
    assert [a.text() for a in window.menuBar().actions()][:2] == ["&File", "E&xport"]


def test_diagram_svg_renders_back_with_vector_text(window: MainWindow, tmp_path: Path) -> None:
    go_to(window.model, "Loss")
    view = window.network_view
    path = tmp_path / "diagram.svg"
    save_svg(view, path, "Course example")
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid()
    box = renderer.viewBoxF()
    assert not box.isEmpty() and (box.width(), box.height()) == (view.width(), view.height())
    text = path.read_text(encoding="utf-8")
    assert "<title>Course example</title>" in text
    # The loss label is text, not a picture of text: L = 0.524926 at 4 decimals.
    assert re.search(r"<text[^>]*>\s*L = 0\.5249\s*</text>", text)
    assert "<image" not in text
    assert "non-scaling-stroke" not in text
    assert not_blank(rendered(path.read_bytes(), view.width(), view.height()))


def test_plot_svgs_render_back(window: MainWindow, tmp_path: Path) -> None:
    window.model.next_sample()
    for name in ("loss", "activation"):
        widget = window.exports.pictures[name][1]
        data = render_svg(widget)
        renderer = QSvgRenderer(QByteArray(data))
        assert renderer.isValid() and not renderer.viewBoxF().isEmpty()
        assert not_blank(rendered(data, widget.width(), widget.height()))


def test_flattening_keeps_the_picture(window: MainWindow) -> None:
    """Fixed-width lines moved to plain coordinates render as before (QSvgRenderer
    understands both forms)."""
    go_to(window.model, "Backward 1")
    for widget in (window.network_view, window.loss_plot.plot_widget):
        raw = svg_from_widget(widget)
        flat = flatten_cosmetic_strokes(raw)
        assert (
            b"non-scaling-stroke" in raw
            and b'"non-scaling-stroke"' not in flat.split(b"</defs>")[-1]
        )
        w, h = widget.width(), widget.height()
        a, b = rendered(raw, w, h), rendered(flat, w, h)
        diff = [
            abs(a.pixelColor(x, y).lightness() - b.pixelColor(x, y).lightness())
            for x in range(0, w, 3)
            for y in range(0, h, 3)
        ]
        assert np.mean(diff) < 1.0 and np.percentile(diff, 99) < 40


def test_flattening_maps_points_through_the_group_transform() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        b'<g stroke="red" stroke-width="2" transform="matrix(10,0,0,-20,5,7)">'
        b'<path vector-effect="non-scaling-stroke" d="M1,2 L3,4 C0,0 1,1 2,2 Z"/>'
        b'<polyline vector-effect="non-scaling-stroke" points="0,0 1,0.5 "/>'
        b'<rect vector-effect="non-scaling-stroke" x="1" y="1" width="2" height="1"/>'
        b'<text x="0" y="0">w = 0.5</text>'
        b'<path vector-effect="none" d="M0,0 L1,1"/>'
        b"</g></svg>"
    )
    flat = flatten_cosmetic_strokes(svg).decode("utf-8")
    # x' = 10 x + 5, y' = -20 y + 7 (worked by hand)
    assert 'd="M 15,-33 L 35,-73 C 5,7 15,-13 25,-33 Z"' in flat
    assert 'points="5,7 15,-3"' in flat
    assert 'd="M15,-13 L35,-13 L35,-33 L15,-33 Z"' in flat
    # Text and scaled shapes keep the transform in a wrapper group, in the same order.
    assert re.search(
        r'<g transform="matrix\(10,0,0,-20,5,7\)"><text x="0" y="0">w = 0.5</text>'
        r'<path vector-effect="none" d="M0,0 L1,1" /></g>',
        flat,
    )
    assert '<g stroke="red" stroke-width="2">' in flat


# --- data -------------------------------------------------------------------------------------


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_loss_plot_csv_holds_the_losses_after_each_update(window: MainWindow) -> None:
    m = window.model
    for _ in range(3):
        m.next_sample()
    views_follow()
    table = rows(plot_csv(window.loss_plot.plot_widget))
    assert table[0] == ["series", "x", "y"]
    assert [r[0] for r in table[1:]] == ["loss after each update"] * 3
    assert [float(r[1]) for r in table[1:]] == [1.0, 2.0, 3.0]
    assert float(table[1][2]) == pytest.approx(LOSS_AFTER, abs=1e-6)
    assert [float(r[2]) for r in table[1:]] == m.stepper.losses_after_updates  # every digit
    window.loss_plot.log_check.setChecked(True)  # the data, not its log-scaled display
    assert rows(plot_csv(window.loss_plot.plot_widget)) == table


def test_activation_plot_csv_holds_sigmoid_and_its_derivative(window: MainWindow) -> None:
    go_to(window.model, "Forward 1")
    views_follow()
    table = rows(plot_csv(window.activation_plot.plot_widget))
    curves: dict[str, list[tuple[float, float]]] = {}
    for name, x, y in table[1:]:
        if x and y:  # an empty cell is a break between two drawn pieces of a curve
            curves.setdefault(name, []).append((float(x), float(y)))
    f_name = next(n for n in curves if n.startswith("f(z)"))
    d_name = next(n for n in curves if n.startswith("f′(z)") and "at" not in n)
    assert len(curves[f_name]) > 50 and len(curves[d_name]) > 50
    for z, y in curves[f_name]:
        assert y == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)
    for z, y in curves[d_name]:
        s = 1 / (1 + math.exp(-z))
        assert y == pytest.approx(s * (1 - s), abs=1e-12)


def test_worked_example_markdown_and_latex_hold_the_steps_numbers(window: MainWindow) -> None:
    md = worked_example_markdown(window.model, 6)
    tex = worked_example_latex(window.model, 6)
    assert md.startswith("# Worked example: sample 0, update 1 of Course example")
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    for value in (LOSS, DELTA_Y, *GRAD_V, *GRAD_W, LOSS_AFTER, 0.52, 1.14):
        text = f"{value:.6f}".rstrip("0")
        assert text in md, text
        assert text in tex, text


def test_worked_example_files_through_the_menu(window: MainWindow, tmp_path: Path) -> None:
    d = dialogs_of(window)
    d.path = str(tmp_path / "step")
    assert window.exports.export_markdown() == str(tmp_path / "step.md")
    assert window.exports.export_latex() == str(tmp_path / "step.tex")
    assert "0.289216" in (tmp_path / "step.md").read_text(encoding="utf-8")
    assert "0.289216" in (tmp_path / "step.tex").read_text(encoding="utf-8")


def test_loss_history_csv_round_trips(window: MainWindow, tmp_path: Path) -> None:
    m = window.model
    m.run_epoch()
    m.run_epoch()
    d = dialogs_of(window)
    d.path = str(tmp_path / "loss.csv")
    assert window.exports.export_loss_history()
    table = rows((tmp_path / "loss.csv").read_text(encoding="utf-8"))
    assert table[0] == ["update", "loss_after_update"]
    assert float(table[1][1]) == pytest.approx(LOSS_AFTER, abs=1e-6)
    assert [float(r[1]) for r in table[1:]] == m.stepper.losses_after_updates
    # After training: one row per epoch; no test samples leave their columns empty.
    m.session.history = History([1, 2], [0.5, 0.25], [math.nan] * 2, [0.75, 1.0], [math.nan] * 2)
    table = rows(loss_history_csv(m))
    assert table == [
        ["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy"],
        ["1", "0.5", "", "0.75", ""],
        ["2", "0.25", "", "1.0", ""],
    ]


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_weights_round_trip(window: MainWindow, tmp_path: Path, suffix: str) -> None:
    m = window.model
    m.next_sample()  # weights after one update: every digit must survive
    d = dialogs_of(window)
    d.path = str(tmp_path / f"w{suffix}")
    assert window.exports.export_weights(suffix)
    again = load_weights(d.path, course_example())
    for p, q in zip(again.params(), m.network.params(), strict=True):
        assert p.tobytes() == q.tobytes()
    if suffix == ".npz":
        with np.load(d.path, allow_pickle=False) as npz:
            v = npz["weights_1"]
        np.testing.assert_allclose(v, [[0.3 - 0.7 * GRAD_V[0], 0.5 - 0.7 * GRAD_V[1]]], atol=1e-6)
    else:
        doc = json.loads(Path(d.path).read_text(encoding="utf-8"))
        assert doc["layer_sizes"] == [2, 2, 1]
        assert doc["weights"][1][0][0] == pytest.approx(0.3 - 0.7 * GRAD_V[0], abs=1e-6)
