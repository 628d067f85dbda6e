"""The diagram's edges as drawn: every edge once, sign by colour and dash, width by |w|,
the phase's focus, and a cached picture that follows every change.

Read back from the edge batches and from rendered pixels; expected widths, colours and
signs are worked out by hand from the course example's weights (common.md) and the
Okabe–Ito colours, never read back from the drawing code. Nothing here is timed.
"""

from __future__ import annotations

import numpy as np
import pytest
from diagram_views import model_of, shown
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView
from pytestqt.qtbot import QtBot

from mlpviz.engine.stepper import Phase, PhaseKind
from mlpviz.gui.exports import render_png
from mlpviz.gui.network_edges import EdgeBatch, EdgeBatches, EdgePicture
from mlpviz.gui.network_view import NetworkView
from mlpviz.gui.session_model import SessionModel

INPUT = Phase(PhaseKind.INPUT)
FORWARD_1, FORWARD_2 = Phase(PhaseKind.FORWARD, 1), Phase(PhaseKind.FORWARD, 2)
UPDATE = Phase(PhaseKind.UPDATE)
BLUE, VERMILLION, WHITE = QColor("#0072B2"), QColor("#D55E00"), QColor("#FFFFFF")


def edges_of(view: NetworkView) -> EdgeBatches:
    edges = view._edges
    assert edges is not None
    return edges


def grab(view: NetworkView) -> QImage:
    image = view.canvas.viewport().grab().toImage()
    assert image.devicePixelRatio() == 1.0  # offscreen: a viewport pixel is an image pixel
    return image


def pixel_at(view: NetworkView, image: QImage, x: float, y: float) -> QColor:
    """The colour drawn at the diagram point (x, y)."""
    point = view.map_to_viewport(x, y)
    return image.pixelColor(point.x(), point.y())


def mix(colour: QColor, background: QColor, alpha: float) -> tuple[float, float, float]:
    """``colour`` at opacity ``alpha`` over ``background``, as RGB."""
    return tuple(
        alpha * c + (1 - alpha) * b
        for c, b in zip(colour.getRgb()[:3], background.getRgb()[:3], strict=True)
    )


def distance(colour: QColor, rgb: tuple[float, ...]) -> float:
    return max(abs(c - r) for c, r in zip(colour.getRgb()[:3], rgb, strict=True))


def coverage(colour: QColor, ink: QColor, background: QColor = WHITE) -> float:
    """How much of a pixel an antialiased stroke of ``ink`` covers, 0..1, from the channel
    in which ink and background differ most."""
    pairs = zip(ink.getRgb(), background.getRgb(), strict=True)
    channel = int(np.argmax([abs(a - b) for a, b in pairs]))
    drawn, full, empty = (
        colour.getRgb()[channel],
        ink.getRgb()[channel],
        background.getRgb()[channel],
    )
    return min(1.0, max(0.0, (drawn - empty) / (full - empty)))


def horizontal_thickness(
    view: NetworkView, image: QImage, x: float, y: float, ink: QColor
) -> float:
    """The width in pixels of the horizontal stroke through the diagram point (x, y): its
    coverage summed over a column of pixels, which is background beyond it."""
    centre = view.map_to_viewport(x, y)
    column = [coverage(image.pixelColor(centre.x(), centre.y() + d), ink) for d in range(-8, 9)]
    assert column[0] == column[-1] == 0.0, "the stroke is not alone in its column"
    return float(sum(column))


def test_every_edge_is_drawn_once_from_its_source_to_its_target(qtbot: QtBot) -> None:
    model = model_of([24, 32, 8])
    view = shown(qtbot, model)
    layout = view.diagram_layout
    batches = edges_of(view).batches
    assert edges_of(view).picture is not None and len(edges_of(view)) == 1
    for gap in range(layout.depth):
        drawn = np.concatenate([b.edges for b in batches if b.gap == gap])
        # (24 + 1)·32 and (32 + 1)·8 edges, each exactly once.
        assert np.array_equal(np.sort(drawn), np.arange([800, 264][gap]))
        x0, y0, x1, y1 = layout.segments(gap)
        for batch in (b for b in batches if b.gap == gap):
            path = batch.path
            assert path.elementCount() == 2 * len(batch.edges)
            for k, e in enumerate(batch.edges):
                start, end = path.elementAt(2 * k), path.elementAt(2 * k + 1)
                assert start.isMoveTo() and end.isLineTo()
                assert (start.x, start.y, end.x, end.y) == pytest.approx(
                    (x0[e], y0[e], x1[e], y1[e])
                )
    # Each batch's sign is its edges' sign: weights row-major, then the biases.
    net = model.network
    for batch in batches:
        values = np.concatenate([net.weights[batch.gap].ravel(), net.biases[batch.gap]])
        assert np.all((values[batch.edges] < 0) == bool(batch.sign))


def test_a_gap_beyond_ten_thousand_edges_draws_its_largest(qtbot: QtBot) -> None:
    model = model_of([100, 101, 1], seed=3)
    view = shown(qtbot, model, 600, 400)
    net = model.network
    magnitudes = np.abs(np.concatenate([net.weights[0].ravel(), net.biases[0]]))
    assert magnitudes.size == 101 * 101
    drawn = np.concatenate([b.edges for b in edges_of(view).batches if b.gap == 0])
    assert drawn.size == len(set(drawn.tolist())) == 10_000
    left_out = np.setdiff1d(np.arange(magnitudes.size), drawn)
    assert magnitudes[drawn].min() >= magnitudes[left_out].max()
    # The small last gap draws all of its 102 edges.
    assert sum(len(b.edges) for b in edges_of(view).batches if b.gap == 1) == 102


def test_course_example_widths_follow_w(course_model: SessionModel, qtbot: QtBot) -> None:
    view = shown(qtbot, course_model)
    course_model.go_to(FORWARD_1)  # the first gap strong
    by_edge = {(b.gap, int(e)): b for b in edges_of(view).batches for e in b.edges}
    # By hand: the largest |w| is w22 = 0.8, cut into five bins of 0.16; widths 1..6 px
    # by the bin's middle. w11 = 0.2 → bin 1, 2.5 px; w21 = 0.4 → bin 2, 3.5 px;
    # w22 = 0.8 → bin 4, 5.5 px; bʰ1 = 0.1 → bin 0, 1.5 px. Edge numbers: w_ij is
    # weights[0][j, i], number 2j + i; the biases follow as 4 and 5.
    expected = {(0, 0): 2.5, (0, 1): 3.5, (0, 3): 5.5, (0, 4): 1.5, (1, 1): 4.5}
    for key, width in expected.items():
        assert by_edge[key].pen.widthF() == pytest.approx(width)
        assert by_edge[key].pen.style() == Qt.PenStyle.SolidLine
    # Drawn: w11 (x1 → h1) and w22 (x2 → h2) are level lines, 2.5 and 5.5 pixels thick.
    image = grab(view)
    for (j, i), width in {(0, 0): 2.5, (1, 1): 5.5}.items():
        x, y = view.edge_point(0, j, i, 0.25)
        assert view.edge_point(0, j, i, 0.75)[1] == pytest.approx(y)
        assert horizontal_thickness(view, image, x, y, BLUE) == pytest.approx(width, abs=0.5)


def test_negative_edges_are_vermillion_and_dashed(course_model: SessionModel, qtbot: QtBot) -> None:
    view = shown(qtbot, course_model)
    course_model.go_to(FORWARD_1)
    course_model.set_weight(0, 1, 1, -0.8)  # w22 negative: bin 4 still, now dashed
    batch = next(b for b in edges_of(view).batches if b.gap == 0 and 3 in b.edges)
    assert batch.sign == 1 and batch.pen.style() == Qt.PenStyle.DashLine
    assert batch.pen.color().name().upper() == "#D55E00"
    assert all(
        b.pen.style() == Qt.PenStyle.SolidLine for b in edges_of(view).batches if b.sign == 0
    )

    image = grab(view)

    def along(j: int, i: int, ink: QColor) -> np.ndarray:
        """Whether ``ink`` covers the edge's centre line, pixel by pixel, from 20 % to 30 %
        of the way (clear of the discs and of the label in the middle)."""
        a = view.map_to_viewport(*view.edge_point(0, j, i, 0.2))
        b = view.map_to_viewport(*view.edge_point(0, j, i, 0.3))
        assert a.y() == b.y() and b.x() - a.x() >= 45
        cover = [coverage(image.pixelColor(x, a.y()), ink) for x in range(a.x(), b.x())]
        return np.array(cover) > 0.5

    # w22 (x2 → h2, level): Qt's dash line is 4 pen widths drawn, 2 left out; 5.5 px wide,
    # so 22 px dashes and 11 px gaps.
    dashed = along(1, 1, VERMILLION)
    starts, ends = (
        np.flatnonzero(np.diff(dashed.astype(int)) == 1),
        np.flatnonzero(np.diff(dashed.astype(int)) == -1),
    )
    gaps = [int(s - e) for e in ends for s in starts[starts > e][:1]]
    assert gaps and all(abs(g - 11) <= 2 for g in gaps), gaps
    assert along(0, 0, BLUE).all()  # w11 stays positive: one unbroken line


def test_focus_draws_the_phase_gap_strong_and_fades_the_others(
    course_model: SessionModel, qtbot: QtBot
) -> None:
    view = shown(qtbot, course_model)
    w11 = view.edge_point(0, 0, 0, 0.25)  # gap 0
    v21 = view.edge_point(1, 0, 1, 0.25)  # gap 1: h2 → ŷ, a level line 4.5 px thick
    strong, dim = mix(BLUE, WHITE, 1.0), mix(BLUE, WHITE, 0.22)
    for phase, (first, second) in {
        FORWARD_1: (strong, dim),
        FORWARD_2: (dim, strong),
        INPUT: (dim, dim),
        UPDATE: (strong, strong),
    }.items():
        course_model.go_to(phase)
        image = grab(view)
        assert distance(pixel_at(view, image, *w11), first) <= 3, phase.label
        assert distance(pixel_at(view, image, *v21), second) <= 3, phase.label


def test_phases_reuse_the_picture_and_a_weight_change_redraws_it(
    course_model: SessionModel, qtbot: QtBot
) -> None:
    view = shown(qtbot, course_model)
    picture = edges_of(view).picture
    assert picture is not None
    course_model.go_to(FORWARD_1)
    grab(view)
    renders = picture.renders
    for phase in (FORWARD_2, INPUT, FORWARD_1):
        course_model.go_to(phase)
        grab(view)
    assert picture.renders == renders  # only the opacities changed
    w11 = view.edge_point(0, 0, 0, 0.25)
    assert distance(pixel_at(view, grab(view), *w11), mix(BLUE, WHITE, 1.0)) <= 3
    course_model.set_weight(0, 0, 0, -0.2)  # w11 turns vermillion (and dashed)
    image = grab(view)
    assert picture.renders == renders + 1
    point = view.map_to_viewport(*w11)
    row = [image.pixelColor(point.x() + dx, point.y()) for dx in range(-6, 7)]
    assert min(distance(c, mix(VERMILLION, WHITE, 1.0)) for c in row) <= 3
    assert min(distance(c, mix(BLUE, WHITE, 1.0)) for c in row) > 60


@pytest.mark.parametrize("change", ["zoom", "resize"])
def test_the_picture_follows_the_view(
    course_model: SessionModel, qtbot: QtBot, change: str
) -> None:
    view = shown(qtbot, course_model)
    course_model.go_to(FORWARD_1)
    w11 = view.edge_point(0, 0, 0, 0.3)  # a level line in the top third
    before = view.map_to_viewport(*w11)
    grab(view)
    if change == "zoom":
        view.view_box.scaleBy((0.85, 0.85))  # about the centre: w11 moves up and right
    else:
        view.resize(900, 700)
        qtbot.waitUntil(lambda: view.map_to_viewport(*w11) != before)
    image = grab(view)
    after = view.map_to_viewport(*w11)
    assert abs(after.y() - before.y()) > 10
    # The 2.5-pixel line covers at least one whole pixel of the column through it.
    line = [image.pixelColor(after + QPoint(0, d)) for d in (-1, 0, 1)]
    assert min(distance(c, mix(BLUE, WHITE, 1.0)) for c in line) <= 3
    # Where the level line was, no blue line now (another edge may cross there).
    column = [image.pixelColor(before + QPoint(0, d)) for d in (-4, 0, 4)]
    assert any(distance(c, mix(BLUE, WHITE, 1.0)) > 60 for c in column)


def test_large_networks_draw_one_pixel_solid_lines(qtbot: QtBot) -> None:
    model = model_of([64, 32, 10])  # 2,410 edges: past the 2,000 that are dashed
    view = shown(qtbot, model, 800, 600)
    model.go_to(FORWARD_1)
    batches = edges_of(view).batches
    assert {b.sign for b in batches} == {0, 1}
    for batch in batches:
        assert batch.pen.widthF() == 1.0
        assert batch.pen.style() == Qt.PenStyle.SolidLine
    # Stronger bins are more opaque, never wider.
    alpha = {(b.gap, b.sign, b.width_bin): b.pen.color().alphaF() for b in batches}
    for (gap, sign, width_bin), a in alpha.items():
        if (gap, sign, width_bin + 1) in alpha:
            assert alpha[gap, sign, width_bin + 1] > a
    assert edges_of(view).picture is not None
    assert edges_of(view).picture.strong_gaps == {0}


def test_a_render_without_a_view_draws_the_edges(course_model: SessionModel, qtbot: QtBot) -> None:
    """Exports paint the scene with no widget: the edges are stroked directly."""
    view = shown(qtbot, course_model)
    course_model.go_to(FORWARD_1)
    viewport = view.canvas.viewport()
    image = QImage(viewport.width(), viewport.height(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    source = view.canvas.mapToScene(viewport.rect()).boundingRect()
    view.canvas.scene().render(
        painter, QRectF(image.rect()), source, Qt.AspectRatioMode.IgnoreAspectRatio
    )
    painter.end()
    for (j, i), colour in {(1, 1): BLUE}.items():
        point = view.map_to_viewport(*view.edge_point(0, j, i, 0.25))
        near = [image.pixelColor(point + QPoint(0, d)) for d in range(-2, 3)]
        assert min(distance(c, mix(colour, WHITE, 1.0)) for c in near) <= 3
    # The dim gap at its opacity: v21 (h2 → ŷ, 4.5 px thick).
    point = view.map_to_viewport(*view.edge_point(1, 0, 1, 0.25))
    near = [image.pixelColor(point + QPoint(0, d)) for d in range(-1, 2)]
    assert min(distance(c, mix(BLUE, WHITE, 0.22)) for c in near) <= 3


def test_dim_batches_lie_over_one_another_like_translucent_strokes(qtbot: QtBot) -> None:
    """A dim gap draws each batch at 0.22 over the ones before it: where lines of two
    batches cross, (1 − 0.22)² of the background shows through; within one batch the
    lines are one layer."""
    pen = QPen(BLUE, 6.0)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)

    def batch(number: int, lines: list[tuple[float, float, float, float]]) -> EdgeBatch:
        path = QPainterPath()
        for x0, y0, x1, y1 in lines:
            path.moveTo(x0, y0)
            path.lineTo(x1, y1)
        return EdgeBatch(0, 0, number, pen, np.arange(len(lines)), path)

    # A cross of two batches around (50, 50); a cross within one batch around (150, 50).
    batches = [
        batch(0, [(10, 50, 90, 50), (110, 50, 190, 50), (150, 10, 150, 90)]),
        batch(1, [(50, 10, 50, 90)]),
    ]
    picture = EdgePicture(antialias=True, dim_opacity=0.22, dim_per_batch=True)
    picture.set_batches(batches, [0.0, 200.0], QRectF(0, 0, 200, 100))
    scene = QGraphicsScene()
    scene.addItem(picture)
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    view.setFrameShape(QGraphicsView.Shape.NoFrame)
    view.setBackgroundBrush(WHITE)
    view.setSceneRect(0, 0, 200, 100)
    view.resize(200, 100)
    view.show()
    qtbot.waitExposed(view)

    def colour_at(x: int, y: int) -> QColor:
        image = view.viewport().grab().toImage()
        return image.pixelColor(view.mapFromScene(x, y))

    picture.set_strong(frozenset())
    assert distance(colour_at(30, 50), mix(BLUE, WHITE, 0.22)) <= 3  # one line
    assert distance(colour_at(50, 50), mix(BLUE, WHITE, 1 - 0.78**2)) <= 3  # two batches
    assert distance(colour_at(150, 50), mix(BLUE, WHITE, 0.22)) <= 3  # one batch
    picture.set_strong(frozenset({0}))
    for x in (30, 50, 150):
        assert distance(colour_at(x, 50), mix(BLUE, WHITE, 1.0)) <= 3


def test_a_png_export_at_twice_the_size_strokes_the_edges_at_that_size(
    course_model: SessionModel, qtbot: QtBot
) -> None:
    """Exports paint the view into a larger image: the edges are stroked for it, not an
    enlarged copy of the screen's picture (which would be twice as thick and blurred)."""
    view = shown(qtbot, course_model, 800, 500)
    course_model.go_to(FORWARD_1)
    grab(view)  # the screen's picture exists
    image = render_png(view, scale=2)
    # w22: level, 5.5 px wide; fixed-width lines keep their width in pixels at 2×.
    point = view.canvas.mapTo(view, view.map_to_viewport(*view.edge_point(0, 1, 1, 0.25))) * 2
    column = [coverage(image.pixelColor(point + QPoint(0, d)), BLUE) for d in range(-10, 11)]
    assert column[0] == column[-1] == 0.0
    assert sum(column) == pytest.approx(5.5, abs=0.5)
    assert sum(0.05 < c < 0.95 for c in column) <= 2  # sharp: one soft pixel on each side


def test_a_dense_gap_of_a_large_network_shows_both_signs(qtbot: QtBot) -> None:
    # 24,000 edges of mixed sign in the first gap: drawn one sign over the other, the
    # crowd of 1-pixel lines saturated to the colour drawn last; added, both show.
    model = model_of([240, 100, 2], seed=4)
    view = shown(qtbot, model)
    image = grab(view)
    x_from = view.map_to_viewport(view.diagram_layout.column(0), 0.0).x() + 5
    x_to = view.map_to_viewport(view.diagram_layout.column(1), 0.0).x() - 5
    bluish = reddish = 0
    for x in range(x_from, x_to, 4):
        for y in range(0, image.height(), 4):
            c = QColor(image.pixel(x, y))
            if c.lightness() > 245:
                continue  # the background between lines
            bluish += c.blue() > c.red() + 20
            reddish += c.red() > c.blue() + 20
    assert bluish > 0.1 * (bluish + reddish) and reddish > 0.1 * (bluish + reddish)
