"""The network diagram on the course example and on small and large networks.

Expected numbers are the hand-worked values of the course example (common.md), typed in,
never read back from the code.
"""

from __future__ import annotations

import itertools
import math
import re
import time

import numpy as np
import pytest
from diagram_views import model_of, shown
from PySide6.QtCore import QPointF, Qt
from pytestqt.qtbot import QtBot

from mlpviz.engine.datasets import Dataset
from mlpviz.engine.network import initialise
from mlpviz.engine.session import Session, default_session
from mlpviz.engine.stepper import Phase, PhaseKind
from mlpviz.gui.network_labels import COLOURS
from mlpviz.gui.network_layout import rects_intersect
from mlpviz.gui.network_nodes import DiscGroup
from mlpviz.gui.network_view import RELAYOUT_DELAY_MS, NetworkView
from mlpviz.gui.session_model import Selection, SessionModel

INPUT = Phase(PhaseKind.INPUT)
FORWARD_1, FORWARD_2 = Phase(PhaseKind.FORWARD, 1), Phase(PhaseKind.FORWARD, 2)
LOSS = Phase(PhaseKind.LOSS)
BACKWARD_2, BACKWARD_1 = Phase(PhaseKind.BACKWARD, 2), Phase(PhaseKind.BACKWARD, 1)
UPDATE = Phase(PhaseKind.UPDATE)


def number_after(text: str, prefix: str) -> float:
    """The full-precision number after ``prefix`` in a tooltip."""
    match = re.search(re.escape(prefix) + r"\s*([−\-0-9.e]+)", text)
    assert match, f"{prefix!r} not in {text!r}"
    return float(match.group(1).replace("−", "-"))


# --- the course example, phase by phase ----------------------------------------------------------


def test_course_numbers_at_every_phase(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    m = course_model
    assert m.phase == INPUT
    assert view.node_text(0, 0) == "x₁\n0.5"
    assert view.node_text(0, 1) == "x₂\n0.8"
    assert view.node_text(1, 0) == "h₁"  # nothing computed yet
    assert view.node_text(2, 0) == "ŷ"
    # weights[0] = [[0.2, 0.4], [0.6, 0.8]]: row j holds w_1j, w_2j (page: z₁ = w₁₁x₁ + w₂₁x₂ + b₁)
    assert view.edge_label_text(0, 0, 0) == "w₁₁ = 0.2"
    assert view.edge_label_text(0, 0, 1) == "w₂₁ = 0.4"
    assert view.edge_label_text(0, 1, 0) == "w₁₂ = 0.6"
    assert view.edge_label_text(0, 1, 1) == "w₂₂ = 0.8"
    assert view.bias_label_text(0, 0) == "bʰ₁ = 0.1"
    assert view.bias_label_text(0, 1) == "bʰ₂ = 0.2"
    assert view.edge_label_text(1, 0, 0) == "v₁₁ = 0.3"
    assert view.edge_label_text(1, 0, 1) == "v₂₁ = 0.5"
    assert view.bias_label_text(1, 0) == "bʸ₁ = 0.4"
    assert view.loss_text() is None

    m.step()  # Forward 1
    assert view.node_text(1, 0) == "h₁\nz = 0.52\nh = 0.6271"
    assert view.node_text(1, 1) == "h₂\nz = 1.14\nh = 0.7577"
    assert view.node_text(2, 0) == "ŷ"
    view.set_precision(5)
    assert view.node_text(1, 0) == "h₁\nz = 0.52\nh = 0.62715"
    assert view.node_text(1, 1) == "h₂\nz = 1.14\nh = 0.75768"

    m.step()  # Forward 2
    assert view.node_text(2, 0) == "ŷ\nu = 0.96698\nŷ = 0.72452"
    assert view.node_text(1, 0) == "h₁\nz = 0.52\nh = 0.62715"  # computed layers keep values
    view.set_precision(4)

    m.step()  # Loss
    assert view.node_text(2, 0) == "ŷ\nu = 0.967\nŷ = 0.7245\ny = 0"
    assert view.loss_text() == "L = 0.5249"

    view.set_precision(6)
    m.step()  # Backward 2: δ_y and ∂L/∂V, ∂L/∂b^y
    assert view.node_text(2, 0).endswith("\nδ = 0.289216")
    assert "δ" not in view.node_text(1, 0)
    assert view.edge_label_text(1, 0, 0) == "∂L/∂v₁₁ = 0.181381"
    assert view.edge_label_text(1, 0, 1) == "∂L/∂v₂₁ = 0.219133"
    assert view.bias_label_text(1, 0) == "∂L/∂bʸ₁ = 0.289216"
    assert view.edge_label_text(0, 0, 0) == "w₁₁ = 0.2"  # not reached yet

    m.step()  # Backward 1: δ_h and ∂L/∂W
    assert view.node_text(1, 0).endswith("\nδ = 0.020288")
    assert view.node_text(1, 1).endswith("\nδ = 0.02655")
    assert view.node_text(2, 0).endswith("\nδ = 0.289216")  # done layers keep their δ
    assert view.edge_label_text(0, 0, 0) == "∂L/∂w₁₁ = 0.010144"
    assert view.edge_label_text(0, 0, 1) == "∂L/∂w₂₁ = 0.016231"
    assert view.edge_label_text(0, 1, 0) == "∂L/∂w₁₂ = 0.013275"
    assert view.edge_label_text(0, 1, 1) == "∂L/∂w₂₂ = 0.02124"
    assert view.bias_label_text(0, 0) == "∂L/∂bʰ₁ = 0.020288"
    assert view.bias_label_text(0, 1) == "∂L/∂bʰ₂ = 0.02655"
    assert view.edge_label_text(1, 0, 0) == "∂L/∂v₁₁ = 0.181381"

    view.set_precision(4)
    m.step()  # Update: p ← p − η·∂L/∂p with η = 0.7
    # 0.7·0.010144 = 0.0071008; 0.2 − 0.0071008 = 0.1928992
    assert view.edge_label_text(0, 0, 0) == "0.2 − 0.0071 = 0.1929"
    # 0.7·0.016231 = 0.0113617; 0.4 − 0.0113617 = 0.3886383
    assert view.edge_label_text(0, 0, 1) == "0.4 − 0.0114 = 0.3886"
    # 0.7·0.181381 = 0.1269667; 0.3 − 0.1269667 = 0.1730333
    assert view.edge_label_text(1, 0, 0) == "0.3 − 0.127 = 0.173"
    # 0.7·0.289216 = 0.2024512; 0.4 − 0.2024512 = 0.1975488
    assert view.bias_label_text(1, 0) == "0.4 − 0.2025 = 0.1975"
    assert view.loss_text() == "L = 0.5249\nafter the update:\nL = 0.4066"


def test_highlighted_layer_follows_the_phase(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    seen, fills = [], []
    for _ in range(7):
        seen.append((course_model.phase, view.highlighted_layer()))
        fills.append(view.node_fills())
        course_model.step()
    focus, node = COLOURS["node_focus"].lower(), COLOURS["node"].lower()
    assert fills == [
        [focus if l == layer else node for l in range(3)] for _, layer in seen
    ]  # the discs drawn so: the layer of the phase filled, the others not
    assert seen == [
        (INPUT, 0),
        (FORWARD_1, 1),
        (FORWARD_2, 2),
        (LOSS, 2),
        (BACKWARD_2, 2),
        (BACKWARD_1, 1),
        (UPDATE, None),
    ]


def test_stepping_back_to_the_start_restores_every_label(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    view = shown(qtbot, course_model)

    def items() -> int:
        # Every item but the discs' looks, which NodeDiscs keeps one per style drawn.
        return sum(not isinstance(i, DiscGroup) for i in view.canvas.scene().items())

    scene_items = items()

    def everything() -> list[str | None]:
        nodes = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]
        texts: list[str | None] = [view.node_text(l, k) for l, k in nodes]
        texts += [view.edge_label_text(0, j, i) for j in range(2) for i in range(2)]
        texts += [view.bias_label_text(0, 0), view.bias_label_text(0, 1), view.loss_text()]
        return texts

    start = everything()
    for _ in range(6):
        course_model.step()
    assert everything() != start
    # Stepping updates the texts of the same items: nothing is created or destroyed.
    assert items() == scene_items
    for _ in range(6):
        course_model.back()
    assert course_model.phase == INPUT
    assert everything() == start


# --- labels never overlap, and hide when there is no room --------------------------------------


def meets_disc(rect: tuple[float, float, float, float], cx: float, cy: float, r: float) -> bool:
    """Whether an (x, y, width, height) rectangle reaches into the disc of radius r at
    (cx, cy): the nearest point of the rectangle to the centre is closer than r."""
    x, y, w, h = rect
    nearest_x = min(max(cx, x), x + w)
    nearest_y = min(max(cy, y), y + h)
    return math.hypot(nearest_x - cx, nearest_y - cy) < r


def assert_no_overlap(view: NetworkView) -> None:
    rects = view.label_rects()
    assert rects
    for a, b in itertools.combinations(rects, 2):
        assert not rects_intersect(a, b), (a, b)
    layout = view.diagram_layout
    r = layout.radius
    centres = [
        (float(x), float(y))
        for l in range(layout.depth + 1)
        for x, y in zip(layout.node_x[l], layout.node_y[l], strict=True)
    ] + [(layout.column(l), layout.bias_y[l]) for l in range(layout.depth)]
    for rect in view.label_rects("edge") + view.label_rects("loss"):
        assert not any(meets_disc(rect, x, y, r) for x, y in centres), rect
    for rect in view.label_rects("node"):  # a node's text stays inside its own disc
        x, y, w, h = rect
        inside = [
            (cx, cy)
            for cx, cy in centres
            if all(math.hypot(px - cx, py - cy) <= r for px in (x, x + w) for py in (y, y + h))
        ]
        assert len(inside) == 1, rect
        assert not any(meets_disc(rect, cx, cy, r) for cx, cy in centres if (cx, cy) != inside[0])


def test_labels_never_overlap_on_the_course_example(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    view = shown(qtbot, course_model)
    for gradcheck in (False, True):
        course_model.set_gradcheck(gradcheck)
        course_model.reset()
        for _ in range(7):
            assert_no_overlap(view)
            # All nine weight and bias labels fit a 1200×800 window at every phase.
            assert view.visible_edge_labels() == 9
            course_model.step()


# Every edge label of the course example at Backward 1 and at the Update, hand-worked at 4
# decimals: ∂L/∂W and ∂L/∂V from common.md; the update p − 0.7·∂L/∂p, e.g.
# w₁₂: 0.7·0.013275 = 0.0092925, 0.6 − 0.0092925 = 0.5907075.
COURSE_BACKWARD_1 = {
    ("weight", 0, 0, 0): "∂L/∂w₁₁ = 0.0101",
    ("weight", 0, 0, 1): "∂L/∂w₂₁ = 0.0162",
    ("weight", 0, 1, 0): "∂L/∂w₁₂ = 0.0133",
    ("weight", 0, 1, 1): "∂L/∂w₂₂ = 0.0212",
    ("bias", 0, 0, 0): "∂L/∂bʰ₁ = 0.0203",
    ("bias", 0, 1, 0): "∂L/∂bʰ₂ = 0.0266",
    ("weight", 1, 0, 0): "∂L/∂v₁₁ = 0.1814",
    ("weight", 1, 0, 1): "∂L/∂v₂₁ = 0.2191",
    ("bias", 1, 0, 0): "∂L/∂bʸ₁ = 0.2892",
}
COURSE_UPDATE = {
    ("weight", 0, 0, 0): "0.2 − 0.0071 = 0.1929",
    ("weight", 0, 0, 1): "0.4 − 0.0114 = 0.3886",
    ("weight", 0, 1, 0): "0.6 − 0.0093 = 0.5907",
    ("weight", 0, 1, 1): "0.8 − 0.0149 = 0.7851",
    ("bias", 0, 0, 0): "0.1 − 0.0142 = 0.0858",
    ("bias", 0, 1, 0): "0.2 − 0.0186 = 0.1814",
    ("weight", 1, 0, 0): "0.3 − 0.127 = 0.173",
    ("weight", 1, 0, 1): "0.5 − 0.1534 = 0.3466",
    ("bias", 1, 0, 0): "0.4 − 0.2025 = 0.1975",
}


def shown_labels(view: NetworkView) -> dict[tuple[str, int, int, int], str | None]:
    """Every edge label of the course example as shown, a two-line form joined into one."""
    texts: dict[tuple[str, int, int, int], str | None] = {}
    for key in COURSE_UPDATE:
        kind, layer, j, i = key
        text = (
            view.edge_label_text(layer, j, i)
            if kind == "weight"
            else view.bias_label_text(layer, j)
        )
        texts[key] = None if text is None else text.replace("\n= ", " = ")
    return texts


# A 1600×1000 view; the diagram's size (logical pixels) in the main window on a 1600×1000
# screen, with and without the training docks on the left; and at --scale 1.5 and 2 on
# 1920×1080 (device pixel ratio 1.5 and 2), likewise.
VIEW_SIZES = [
    (1600, 1000, 1.0),
    (1000, 552, 1.0),
    (690, 550, 1.0),
    (797, 345, 1.5),
    (547, 381, 1.5),
    (479, 382, 2.0),
]


def at_pixel_ratio(monkeypatch: pytest.MonkeyPatch, view: NetworkView, ratio: float) -> None:
    """Make the view lay out as on a screen of this device pixel ratio (QT_SCALE_FACTOR
    cannot change once the test QApplication exists)."""
    monkeypatch.setattr(view, "devicePixelRatioF", lambda: ratio)
    view.fit()


@pytest.mark.parametrize(("width", "height", "ratio"), VIEW_SIZES)
def test_every_course_label_shows_in_every_phase(
    qtbot: QtBot,
    course_model: SessionModel,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    height: int,
    ratio: float,
) -> None:
    view = shown(qtbot, course_model, width, height)
    at_pixel_ratio(monkeypatch, view, ratio)
    layouts = set()
    for _ in range(7):
        assert view.visible_edge_labels() == 9, course_model.phase
        nodes = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]
        assert all(view.node_label_visible(l, k) for l, k in nodes)
        assert view.loss_text() is not None or course_model.phase.kind in (
            PhaseKind.INPUT,
            PhaseKind.FORWARD,
        )
        assert_no_overlap(view)
        if course_model.phase == BACKWARD_1:
            assert shown_labels(view) == COURSE_BACKWARD_1
        if course_model.phase == UPDATE:
            assert shown_labels(view) == COURSE_UPDATE
        layouts.add((view.diagram_layout.column_x, view.diagram_layout.radius))
        # Labels shrink only on a screen that shows them above 12 points.
        for group in view._edge_labels:
            scales = {label.text_scale() for label in group}
            assert len(scales) == 1  # one size in a gap
            assert min(scales) * 12.0 * ratio >= 12.0 - 1e-9
        course_model.step()
    assert len(layouts) == 1  # stepping never moves a node


def test_update_labels_take_two_lines_where_one_does_not_fit(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    view = shown(qtbot, course_model, 640, 330)
    course_model.go_to(UPDATE)
    texts = [view.edge_label_text(0, j, i) for j in range(2) for i in range(2)]
    texts += [view.bias_label_text(0, j) for j in range(2)]
    two_lines = [t for t in texts if t is not None and "\n" in t]
    assert two_lines  # too narrow for all on one line ...
    for text in two_lines:  # ... "0.4 − 0.0114" over "= 0.3886"
        first, second = text.split("\n")
        assert re.fullmatch(r"0\.\d+ − 0\.\d+", first) and re.fullmatch(r"= 0\.\d+", second)
    assert_no_overlap(view)
    assert {t.replace("\n= ", " = ") for t in texts if t} <= set(COURSE_UPDATE.values())


def test_a_wide_view_spaces_columns_wider_and_relayouts_on_resize(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    view = shown(qtbot, course_model, 900, 500)
    course_model.go_to(UPDATE)
    narrow = view.diagram_layout
    narrow_px = view.map_to_viewport(narrow.column(1), 0).x() - view.map_to_viewport(0, 0).x()
    moved: list[tuple[float, float]] = []
    view.layout_changed.connect(lambda: moved.append(view.node_position(2, 0)))
    for width in range(1000, 1501, 100):  # a window dragged wider
        view.resize(width, 500)  # a shown widget gets each resize event at once
    # Relaid out once the resizing pauses (RELAYOUT_DELAY_MS), not at every resize event.
    qtbot.waitUntil(lambda: view.diagram_layout is not narrow, timeout=RELAYOUT_DELAY_MS * 20)
    qtbot.wait(RELAYOUT_DELAY_MS * 3)  # and nothing more follows
    wide = view.diagram_layout
    assert moved == [view.node_position(2, 0)]  # once, with the nodes where they end up
    assert all(wide.column_gap(g) > narrow.column_gap(g) for g in range(2))
    wide_px = view.map_to_viewport(wide.column(1), 0).x() - view.map_to_viewport(0, 0).x()
    assert wide_px > 1.3 * narrow_px
    # Still all of it in view, every label shown.
    x0, y0, x1, y1 = wide.bounds()
    (vx0, vx1), (vy0, vy1) = view.view_box.viewRange()
    assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1
    assert view.visible_edge_labels() == 9
    assert_no_overlap(view)
    # The gap with more labels (6 edges over 3 rows against 3) is the wider.
    assert wide.column_gap(0) > wide.column_gap(1)


def test_a_zoomed_view_keeps_its_layout_on_resize(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model, 900, 500)
    view.view_box.scaleBy((0.8, 0.8))
    view._on_manual_range()  # as a wheel zoom does
    layout = view.diagram_layout
    view.resize(1500, 500)
    qtbot.wait(RELAYOUT_DELAY_MS * 4)
    assert view.diagram_layout is layout


@pytest.mark.parametrize(("width", "height", "ratio"), [*VIEW_SIZES, (701, 176, 2.0)])
def test_node_texts_stay_inside_their_discs(
    qtbot: QtBot,
    course_model: SessionModel,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    height: int,
    ratio: float,
) -> None:
    view = shown(qtbot, course_model, width, height)
    at_pixel_ratio(monkeypatch, view, ratio)
    course_model.go_to(BACKWARD_1)  # the most every node says: name, z, a (y), δ
    assert_no_overlap(view)  # a node label's box lies inside its own disc
    layout = view.diagram_layout
    px = view.view_box.viewPixelSize()[0]
    for l, n in enumerate(layout.layer_sizes):
        for k in range(n):
            if view.node_label_visible(l, k):
                label = view._node_labels[l][k]
                assert label.text_radius() * view.node_text_scale(l, k) <= layout.radius / px
    hidden = [(1, 0), (1, 1)]
    scales = {view.node_text_scale(l, k) for l, k in hidden}
    assert len(scales) == 1  # one column, one size
    # Zooming in lets the text grow back (never past its full size); zooming far out
    # hides it: the values stay in the tooltip.
    before = view.node_text_scale(1, 0) if view.node_label_visible(1, 0) else 0.0
    view.view_box.scaleBy((0.35, 0.35))
    qtbot.wait(RELAYOUT_DELAY_MS * 3)
    assert view.node_label_visible(1, 0)
    assert before < view.node_text_scale(1, 0) <= 1.0 or before == 1.0
    view.view_box.scaleBy((20, 20))
    qtbot.wait(RELAYOUT_DELAY_MS * 3)
    assert not view.node_label_visible(1, 0)


def test_labels_never_overlap_on_3_5_4_2_even_zoomed_out(qtbot: QtBot) -> None:
    model = model_of([3, 5, 4, 2])
    model.set_gradcheck(True)
    view = shown(qtbot, model)
    for phase in model.phases:
        model.go_to(phase)
        assert_no_overlap(view)
    full = view.visible_edge_labels()
    assert 0 < full < 54  # 54 edges: some labels have no room and hide
    view.view_box.scaleBy((2.5, 2.5))  # zoom out: labels keep their size on screen
    qtbot.wait(RELAYOUT_DELAY_MS * 3)
    assert view.visible_edge_labels() < full
    assert_no_overlap(view)
    view.view_box.scaleBy((0.1, 0.1))  # zoom far in: more room, more labels
    qtbot.wait(RELAYOUT_DELAY_MS * 3)
    assert view.visible_edge_labels() > full


def test_labels_hidden_on_64_32_10(qtbot: QtBot) -> None:
    model = model_of([64, 32, 10])
    view = shown(qtbot, model)
    model.go_to(Phase(PhaseKind.BACKWARD, 1))
    assert view.visible_edge_labels() == 0
    assert not any(view.node_label_visible(l, 0) for l in range(3))
    assert view.edge_label_text(0, 0, 0) is None
    # The values stay in the tooltip.
    tip = view.tooltip_at(*view.node_position(1, 0))
    assert tip is not None and "δ = ∂L/∂z =" in tip


def test_784_128_64_10_builds_fast_with_few_edge_items(qtbot: QtBot) -> None:
    sizes = [784, 128, 64, 10]
    net = initialise(sizes, ["relu", "relu", "softmax"], seed=0)
    y = np.zeros((1, 10))
    y[0, 3] = 1.0
    data = Dataset("one digit", np.full((1, 784), 0.5), y, np.empty((0, 784)), np.empty((0, 10)))
    model = SessionModel(Session(network=net, training=default_session().training, data=data))
    start = time.perf_counter()
    view = shown(qtbot, model)
    view.grab()  # paint once
    built = time.perf_counter() - start
    assert built < 2.0
    assert view.edge_item_count() <= 30
    assert view.visible_edge_labels() == 0
    start = time.perf_counter()
    model.step()
    view.grab()
    assert time.perf_counter() - start < 1.0
    assert view.highlighted_layer() == 1
    tip = view.tooltip_at(*view.edge_point(2, 4, 17, t=0.3))
    assert tip is not None and tip.startswith("w⁽³⁾₁₈,₅ = weights[2][4, 17]")


# --- the mouse: hover, click, double-click ------------------------------------------------------


def test_tooltips_show_full_precision(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    course_model.go_to(BACKWARD_1)
    tip = view.tooltip_at(*view.edge_point(0, 0, 0, t=0.5))
    assert tip is not None and tip.startswith("w₁₁ = weights[0][0, 0], from x₁ to h₁")
    assert number_after(tip, "value =") == 0.2
    grad = number_after(tip, "∂L/∂w₁₁ =")
    assert grad == pytest.approx(0.010144, abs=5e-7)
    assert len(re.sub(r"\D", "", f"{grad!r}")) >= 15  # every digit, not the rounded label
    step = number_after(tip, f"× {grad!r} =")
    assert step == pytest.approx(0.7 * 0.010144, abs=1e-6)
    assert number_after(tip, "new value =") == pytest.approx(0.2 - 0.7 * 0.010144, abs=1e-6)
    node = view.tooltip_at(*view.node_position(1, 1))
    assert node is not None and node.startswith("h₂: layer 1, neuron 2")
    assert number_after(node, "z =") == pytest.approx(1.14)
    assert number_after(node, "h =") == pytest.approx(0.75768, abs=5e-6)
    assert number_after(node, "δ = ∂L/∂z =") == pytest.approx(0.02655, abs=5e-6)
    assert view.tooltip_at(-5.0, -5.0) is None


def test_hover_sets_the_tooltip(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    qtbot.mouseMove(view.canvas.viewport(), view.map_to_viewport(*view.node_position(0, 1)))
    qtbot.waitUntil(lambda: view.view_box.toolTip().startswith("x₂: layer 0, neuron 2"))


def test_click_selects_and_outlines(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    viewport = view.canvas.viewport()
    left = Qt.MouseButton.LeftButton

    def click(x: float, y: float) -> None:
        qtbot.mouseClick(viewport, left, pos=view.map_to_viewport(x, y))

    click(*view.node_position(1, 0))
    assert course_model.selection == Selection("neuron", 1, 0)
    assert view.selection_outline() == Selection("neuron", 1, 0)
    click(*view.edge_point(0, 0, 0))  # x₁ → h₁
    assert course_model.selection == Selection("weight", 0, 0, 0)
    assert view.selection_outline() == Selection("weight", 0, 0, 0)
    click(*view.edge_point(0, 1, None))  # bias unit → h₂
    assert course_model.selection == Selection("bias", 0, 1, 0)
    click(*view.edge_point(1, 0, 1, t=0.7))  # h₂ → ŷ
    assert course_model.selection == Selection("weight", 1, 0, 1)
    x0, y0, _, _ = view.diagram_layout.bounds()
    click(x0, y0 - 0.3)  # empty space
    assert course_model.selection is None
    assert view.selection_outline() is None


def test_double_click_edits_a_weight_and_undo_restores_it(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    view = shown(qtbot, course_model)
    viewport = view.canvas.viewport()
    qtbot.mouseDClick(
        viewport, Qt.MouseButton.LeftButton, pos=view.map_to_viewport(*view.edge_point(0, 0, 0))
    )
    editor = view.editor
    assert editor is not None and float(editor.text()) == 0.2
    editor.setText("abc")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert view.editor is editor and "Not a number" in editor.error  # refused, still open
    assert course_model.network.weights[0][0, 0] == 0.2
    assert course_model.undo_stack.count() == 0
    editor.setText("0.25")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert view.editor is None
    assert course_model.network.weights[0][0, 0] == 0.25
    # The step restarts: z₁ = 0.25·0.5 + 0.4·0.8 + 0.1 = 0.545
    course_model.go_to(FORWARD_1)
    assert view.node_text(1, 0).startswith("h₁\nz = 0.545\n")
    course_model.undo_stack.undo()
    assert course_model.network.weights[0][0, 0] == 0.2
    course_model.go_to(FORWARD_1)
    assert view.node_text(1, 0).startswith("h₁\nz = 0.52\n")


def test_double_click_edits_bias_input_and_target(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    viewport = view.canvas.viewport()
    left = Qt.MouseButton.LeftButton

    def edit(point: tuple[float, float], text: str) -> None:
        qtbot.mouseDClick(viewport, left, pos=view.map_to_viewport(*point))
        assert view.editor is not None
        view.editor.setText(text)
        qtbot.keyClick(view.editor, Qt.Key.Key_Return)

    edit(view.edge_point(1, 0, None), "−0.5")  # bʸ₁
    assert course_model.network.biases[1][0] == -0.5
    edit(view.node_position(0, 1), "1,5")  # x₂, with a decimal comma
    assert course_model.x[0, 1] == 1.5
    edit(view.node_position(2, 0), "1")  # the target y
    assert course_model.y[0, 0] == 1.0
    assert course_model.undo_stack.count() == 3
    # Esc cancels, nothing changes.
    qtbot.mouseDClick(viewport, left, pos=view.map_to_viewport(*view.edge_point(0, 1, 1)))
    assert view.editor is not None
    view.editor.setText("9")
    qtbot.keyClick(view.editor, Qt.Key.Key_Escape)
    assert view.editor is None
    assert course_model.network.weights[0][1, 1] == 0.8
    assert course_model.undo_stack.count() == 3
    # Hidden neurons are computed, not typed in.
    assert view.edit_at(*view.node_position(1, 0)) is None


# --- gradient check, precision, fit, structure ---------------------------------------------------


def test_gradient_check_marks_agreement_and_disagreement(
    qtbot: QtBot, course_model: SessionModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = shown(qtbot, course_model)
    view.set_precision(6)
    course_model.go_to(BACKWARD_1)
    assert "numeric" not in (view.edge_label_text(0, 0, 0) or "")
    course_model.set_gradcheck(True)
    # Finite differences agree with backprop; both are ∂L/∂w₁₁ = 0.010144.
    assert view.edge_label_text(0, 0, 0) == "∂L/∂w₁₁ = 0.010144\nnumeric 0.010144 ✓"
    assert view.bias_label_text(0, 1) == "∂L/∂bʰ₂ = 0.02655\nnumeric 0.02655 ✓"
    assert view.edge_label_text(1, 0, 0) == "∂L/∂v₁₁ = 0.181381\nnumeric 0.181381 ✓"
    assert_no_overlap(view)
    # A wrong estimate (as from a broken backward pass) is marked.
    good_w, good_b = course_model.numeric_gradient()
    bad_w = [w.copy() for w in good_w]
    bad_w[0][0, 0] *= 1.01
    monkeypatch.setattr(course_model, "numeric_gradient", lambda: (bad_w, good_b))
    course_model.set_gradcheck(False)
    course_model.set_gradcheck(True)
    assert view.edge_label_text(0, 0, 0) == "∂L/∂w₁₁ = 0.010144\nnumeric 0.010246 ✗"
    assert view.edge_label_text(0, 0, 1) is not None and "✓" in view.edge_label_text(0, 0, 1)
    course_model.set_gradcheck(False)
    assert view.edge_label_text(0, 0, 0) == "∂L/∂w₁₁ = 0.010144"


def test_precision(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    course_model.go_to(FORWARD_1)
    view.set_precision(2)
    assert view.node_text(1, 0) == "h₁\nz = 0.52\nh = 0.63"
    with pytest.raises(ValueError):
        view.set_precision(-1)


def test_fit_action(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    assert view.fit_action.shortcut().toString() == "F"
    x0, y0, x1, y1 = view.diagram_layout.bounds()

    def everything_visible() -> bool:
        (vx0, vx1), (vy0, vy1) = view.view_box.viewRange()
        return vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1

    assert everything_visible()
    view.view_box.scaleBy((0.2, 0.2))
    assert not everything_visible()
    view.fit_action.trigger()
    assert everything_visible()


def test_rebuilds_on_structure_change(qtbot: QtBot, course_model: SessionModel) -> None:
    view = shown(qtbot, course_model)
    other = model_of([3, 5, 4, 2])
    course_model.load(other.session)
    assert view.diagram_layout.layer_sizes == (3, 5, 4, 2)
    assert view.node_text(2, 3) == "a⁽²⁾₄"
    assert view.edge_label_text(0, 0, 0) is not None
    assert view.edge_label_text(0, 0, 0).startswith("w⁽¹⁾₁₁ = ")
    assert_no_overlap(view)


def test_edges_follow_live_training_throttled(course_model: SessionModel, qtbot: QtBot) -> None:
    view = NetworkView(course_model)
    qtbot.addWidget(view)
    calls: list[int] = []
    assert view._edges is not None
    original = view._edges.set_values
    view._edges.set_values = lambda values: (calls.append(1), original(values))[1]  # type: ignore[method-assign]
    trained = course_model.network.copy()
    trained.weights[1][0, 0] = -0.9
    state = course_model.stepper.optimizer.state
    history = course_model.history
    course_model.apply_training(trained, state, history, running=True)
    assert len(calls) == 1  # the first live hand-over redraws the edges
    course_model.apply_training(trained, state, history, running=True)
    assert len(calls) == 1  # the next one within 1/LIVE_EDGES_PER_SECOND s does not
    course_model.apply_training(trained, state, history, running=False)
    assert len(calls) == 2  # stopping always brings the diagram up to date


def test_a_step_places_the_labels_once(
    qtbot: QtBot, course_model: SessionModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The step into Update emits stepped and network_changed: the texts are written and
    # the labels placed once, for the updated network, not once per signal.
    import mlpviz.gui.network_view as network_view

    view = shown(qtbot, course_model)
    calls: list[object] = []
    placing = network_view.place_diagram_labels

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(course_model.network)
        return placing(*args, **kwargs)

    monkeypatch.setattr(network_view, "place_diagram_labels", counted)
    for _ in range(len(course_model.phases)):
        before = len(calls)
        course_model.step()
        assert len(calls) - before == 1, course_model.phase.label
    assert calls[-1] is course_model.network
    # An edit still rewrites them: the weight w11 (from x1 into h1) becomes 0.25.
    course_model.set_weight(0, 0, 0, 0.25)
    assert len(calls) == len(course_model.phases) + 1
    assert "0.25" in (view.edge_label_text(0, 0, 0) or "")


def test_discs_are_painted_in_their_column_colours(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    from collections import Counter

    from PySide6.QtGui import QColor

    view = shown(qtbot, course_model)
    course_model.step()  # Forward 1: the hidden layer is the one worked on
    qtbot.wait(20)
    image = view.canvas.viewport().grab().toImage()
    layout = view.diagram_layout

    def ring_colour(x: float, y: float) -> str:
        """The commonest colour on a ring at 0.8 of the radius (the text is inside it)."""
        seen: Counter[str] = Counter()
        for k in range(24):
            angle = 2 * math.pi * k / 24
            p = view.map_to_viewport(
                x + 0.8 * layout.radius * math.cos(angle), y + 0.8 * layout.radius * math.sin(angle)
            )
            seen[QColor(image.pixel(p.x(), p.y())).name()] += 1
        return seen.most_common(1)[0][0]

    focus, node = COLOURS["node_focus"].lower(), COLOURS["node"].lower()
    bias = COLOURS["bias_node"].lower()
    for l, expected in ((0, node), (1, focus), (2, node)):
        for x, y in zip(layout.node_x[l], layout.node_y[l], strict=True):
            assert ring_colour(float(x), float(y)) == expected, (l, x, y)
    assert ring_colour(layout.column(0), layout.bias_y[0]) == bias


def test_while_training_runs_the_weights_numbers_are_hidden_then_shown_anew(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    from mlpviz.engine.trainer import History

    view = shown(qtbot, course_model)
    assert "0.2" in (view.edge_label_text(0, 0, 0) or "")  # w11 of the course page
    net = course_model.network.copy()
    net.weights[0][0, 0] = 0.9  # w11, as training might have moved it
    state = course_model.stepper.optimizer.state
    course_model.apply_training(net, state, History(), True)
    assert course_model.training_live
    assert view.visible_edge_labels() == 0  # no old weights' numbers on moving edges
    course_model.apply_training(net, state, History(), False)  # training stops
    assert "0.9" in (view.edge_label_text(0, 0, 0) or "")
    assert view.visible_edge_labels() == 9


def test_numbers_hidden_for_training_stay_hidden_on_resize_and_return_when_it_ends(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    from mlpviz.engine.trainer import History

    view = shown(qtbot, course_model)
    net = course_model.network.copy()
    net.weights[0][0, 0] = 0.9
    course_model.apply_training(net, course_model.stepper.optimizer.state, History(), True)
    assert view.visible_edge_labels() == 0
    view.resize(1000, 700)  # the labels are placed again for the new size ...
    qtbot.wait(RELAYOUT_DELAY_MS * 3)
    assert view.visible_edge_labels() == 0  # ... and stay hidden while training runs
    # Training ends without a last hand-over (the NaN guard pauses it): they come back,
    # for the weights the model holds.
    course_model.end_live_training()
    assert view.visible_edge_labels() == 9
    assert "0.9" in (view.edge_label_text(0, 0, 0) or "")


def test_dots_keep_their_pixel_size_and_border_inside_their_rectangle(qtbot: QtBot) -> None:
    # 200 inputs: the first column is drawn as 4-pixel dots, cached as a picture cut to
    # the group's rectangle, which must hold a dot and its border at any zoom.
    view = shown(qtbot, model_of([200, 4, 2]))
    group = view._nodes._groups[0]  # type: ignore[union-attr]
    assert group._dots
    for zoom in (1.0, 4.0, 0.25):
        view.view_box.scaleBy((zoom, zoom))
        qtbot.wait(20)
        rect = group.mapRectToScene(group.boundingRect())
        on_screen = view.canvas.mapFromScene(rect).boundingRect()
        column_x = view.canvas.mapFromScene(
            view.view_box.mapViewToScene(QPointF(view.diagram_layout.column(0), 0.0))
        ).x()
        # The rectangle reaches at least 2 px (half a dot) + the border beyond the centres.
        assert column_x - on_screen.left() >= 2 + 1 and on_screen.right() - column_x >= 2 + 1


def test_a_second_pass_through_the_phases_draws_no_disc_anew(
    qtbot: QtBot, course_model: SessionModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    painted: list[DiscGroup] = []
    paint = DiscGroup.paint

    def counted(self: DiscGroup, *args: object) -> None:
        painted.append(self)
        paint(self, *args)

    # Before the view exists: PySide looks up a Python override of paint once.
    monkeypatch.setattr(DiscGroup, "paint", counted)
    view = shown(qtbot, course_model)
    fills: list[list[str]] = []
    for sample in range(2):
        painted.clear()
        for _ in range(len(course_model.phases)):
            course_model.step()
            qtbot.wait(1)  # the scene takes in its items' changes
            view.canvas.viewport().repaint()
            fills.append(view.node_fills())
        if sample == 0:
            assert painted  # each column drawn in each of its looks, once
    # The same looks again: each column shows a kept picture.
    assert painted == []
    n = len(course_model.phases)
    assert fills[:n] == fills[n:]  # and the looks are the phases' own
    assert len({tuple(f) for f in fills}) > 1


def test_a_crowded_gaps_labels_shrink_only_as_far_as_they_must(
    qtbot: QtBot, course_model: SessionModel
) -> None:
    # On a projector at 200 % the first gap's gradients do not fit at full size: they
    # shrink a step at a time (LABEL_SCALE_STEP) until all show, not to the least at once.
    from mlpviz.gui import network_labels

    network_labels.set_display_scale(2.0)  # the appearance fixture puts it back
    view = shown(qtbot, course_model, 1100, 700)
    course_model.go_to(BACKWARD_1)
    least = view._edge_label_scale()
    assert least == pytest.approx(0.5)  # 12 points at twice 12
    scale = view._edge_labels[0][0].text_scale()
    assert view.visible_edge_labels() == 9
    assert least < scale < 1.0
    assert any(scale == pytest.approx(s) for s in network_labels._label_scales(least))
    assert_no_overlap(view)
