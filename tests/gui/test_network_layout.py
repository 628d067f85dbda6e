"""The diagram's geometry, names and number format, without Qt."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from mlpviz.engine.numbers import format_number
from mlpviz.gui.network_layout import (
    FIT_MARGIN_PX,
    MAX_NODE_RADIUS,
    MIN_NODE_RADIUS,
    NODE_RADIUS,
    RING_REACH,
    ROW_GAP,
    DiagramHit,
    DiagramLayout,
    FittedGeometry,
    Obstacles,
    _greedy,
    _search,
    bias_name,
    column_gap_range,
    diagram_layout,
    edge_number,
    edge_of,
    fitted_geometry,
    hit_test,
    label_density,
    node_name,
    parse_number,
    place_labels,
    rects_intersect,
    segment_distances,
    subscript,
    weight_name,
)


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (0.52, 4, "0.52"),
        (0.6271477663131956, 4, "0.6271"),
        (0.96698, 4, "0.967"),
        (-0.0113617, 4, "−0.0114"),
        (0.0, 4, "0"),
        (-0.00004, 4, "−4e−05"),
        (1.23456e-5, 4, "1.235e−05"),  # too small for 4 decimals: 4 significant digits
        (0.000999, 4, "9.99e−04"),
        (0.001, 4, "0.001"),
        (12.5, 4, "12.5"),
        (3.0, 4, "3"),
        (-0.00001, 2, "−1e−05"),
        (2.5e8, 4, "2.5e+08"),
        (math.inf, 4, "inf"),
        (math.nan, 4, "nan"),
        (0.020288, 6, "0.020288"),
        (0.0265503, 6, "0.02655"),
    ],
)
def test_format_number(value: float, precision: int, text: str) -> None:
    assert format_number(value, precision) == text


def test_format_keeps_two_significant_digits_and_reads_back() -> None:
    # Fixed decimals would round small values to 0 (or "−0"): below 10^(2−p) the format
    # turns scientific, so every value keeps at least two (in fact three) significant digits;
    # what the diagram writes, its editor reads back.
    for value in np.concatenate([np.logspace(-12, 6, 400), -np.logspace(-12, 6, 400)]):
        text = format_number(value, 4)
        assert text not in ("0", "−0")
        assert parse_number(text) == pytest.approx(value, rel=0.05)


@pytest.mark.parametrize(
    ("text", "value"), [("0.25", 0.25), (" −1,5 ", -1.5), ("1e-3", 0.001), ("-2", -2.0)]
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "1..2", "0.2.3"])
def test_parse_number_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_names_follow_the_course_page() -> None:
    sizes = [2, 2, 1]
    assert [node_name(sizes, 0, k) for k in range(2)] == ["x₁", "x₂"]
    assert [node_name(sizes, 1, k) for k in range(2)] == ["h₁", "h₂"]
    assert node_name(sizes, 2, 0) == "ŷ"
    # weights[0][j, i] runs from x_i to h_j: the page's w_ij.
    assert weight_name(2, 0, 1, 0) == "w₁₂"
    assert weight_name(2, 1, 0, 1) == "v₂₁"
    assert bias_name(2, 0, 1) == "bʰ₂"
    assert bias_name(2, 1, 0) == "bʸ₁"


def test_names_of_deeper_networks() -> None:
    sizes = [3, 5, 4, 2]
    assert node_name(sizes, 2, 3) == "a⁽²⁾₄"
    assert node_name(sizes, 3, 1) == "ŷ₂"
    assert weight_name(3, 1, 3, 0) == "w⁽²⁾₁₄"
    assert bias_name(3, 2, 1) == "b⁽³⁾₂"
    assert subscript(1, 12) == "₁,₁₂"


def test_layout_centres_every_column_and_puts_bias_last() -> None:
    layout = diagram_layout([3, 5, 4, 2])
    for l, n in enumerate(layout.layer_sizes):
        ys = list(layout.node_y[l]) + ([layout.bias_y[l]] if l < layout.depth else [])
        assert len(ys) == n + (l < layout.depth)
        assert sum(ys) == pytest.approx(0.0)
        assert ys == sorted(ys)
        assert np.all(np.diff(ys) == pytest.approx(1.0))
        assert np.all(layout.node_x[l] == layout.column(l))
    assert len(layout.bias_y) == layout.depth


def test_segments_run_from_source_to_target() -> None:
    layout = diagram_layout([3, 5, 4, 2])
    x0, y0, x1, y1 = layout.segments(1)
    assert len(x0) == layout.edge_count(1) == (5 + 1) * 4
    number = edge_number((5, 4), "weight", 2, 3)  # weights[1][2, 3]: neuron 3 → neuron 2
    assert (x0[number], y0[number]) == (layout.column(1), layout.node_y[1][3])
    assert (x1[number], y1[number]) == (layout.column(2), layout.node_y[2][2])
    bias = edge_number((5, 4), "bias", 1)
    assert y0[bias] == layout.bias_y[1] and y1[bias] == layout.node_y[2][1]
    for e in range(len(x0)):
        kind, j, i = edge_of((5, 4), e)
        assert edge_number((5, 4), kind, j, i) == e


def test_segment_distances_match_brute_force() -> None:
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = rng.uniform(-2, 2, (4, 50))
    px, py = 0.3, -0.4
    got = segment_distances(px, py, x0, y0, x1, y1)
    for k in range(50):
        ts = np.linspace(0.0, 1.0, 20001)
        xs, ys = x0[k] + ts * (x1[k] - x0[k]), y0[k] + ts * (y1[k] - y0[k])
        brute = np.min(np.hypot(xs - px, ys - py))
        assert got[k] == pytest.approx(brute, abs=1e-3)


def rect_meets_disc(rect: tuple[float, ...], disc: tuple[float, ...]) -> bool:
    """Whether an (x, y, width, height) rectangle and a (cx, cy, r) disc share a point:
    the disc's centre is nearer than r to the rectangle (brute force on a fine grid of the
    rectangle's outline and inside, independent of Obstacles' closed form)."""
    x, y, w, h = rect
    cx, cy, r = disc
    xs, ys = np.meshgrid(np.linspace(x, x + w, 201), np.linspace(y, y + h, 201))
    return bool(np.min(np.hypot(xs - cx, ys - cy)) < r * 0.999)


def test_obstacles_test_discs_as_circles() -> None:
    taken = Obstacles()
    taken.add_disc(0.0, 0.0, 1.0)
    # A square beside the disc's corner: inside its bounding square, clear of the circle.
    assert not taken.overlaps(0.95, 0.95, 0.2, 0.2)  # nearest corner (0.75, 0.75): 1.06 away
    assert taken.overlaps(0.8, 0.8, 0.2, 0.2)  # nearest corner (0.6, 0.6): 0.85 away
    assert taken.overlaps(1.15, 0.0, 0.2, 0.1)  # left side at 0.95 < 1
    assert not taken.overlaps(1.25, 0.0, 0.2, 0.1)
    taken.add(3.0, 0.0, 0.5, 0.5)
    got = taken.overlaps_each(np.array([3.6, 3.8, 0.95]), np.array([0.0, 0.0, 0.95]), 0.2, 0.2)
    assert got.tolist() == [True, False, False]
    rng = np.random.default_rng(5)
    for cx, cy in rng.uniform(-2, 2, (200, 2)):
        rect = (cx - 0.3, cy - 0.2, 0.6, 0.4)
        assert taken.overlaps(cx, cy, 0.3, 0.2) == (
            rect_meets_disc(rect, (0.0, 0.0, 1.0)) or rects_intersect(rect, (2.5, -0.5, 1, 1))
        )


def test_placed_labels_never_overlap_and_avoid_crossings() -> None:
    layout = diagram_layout([3, 5, 4, 2])
    taken = Obstacles()
    r = layout.radius
    discs = [(layout.column(l), float(y), r) for l in range(layout.depth + 1)
             for y in layout.node_y[l]]
    for disc in discs:
        taken.add_disc(*disc)
    x0, y0, x1, y1 = layout.segments(1)
    hw, hh = 0.35, 0.12
    spots, forms = place_labels(x0, y0, x1, y1, np.full(len(x0), hw), np.full(len(x0), hh), taken)
    assert set(forms.tolist()) <= {-1, 0}  # one form only: 0 where placed, −1 where hidden
    assert np.array_equal(forms >= 0, ~np.isnan(spots[:, 0]))
    placed = [k for k in range(len(x0)) if not np.isnan(spots[k, 0])]
    assert 0 < len(placed) < len(x0)  # a dense gap: some fit, some are hidden
    assert len(taken.rects) == len(placed)  # the placed labels are now taken
    rects = [(spots[k, 0] - hw, spots[k, 1] - hh, 2 * hw, 2 * hh) for k in placed]
    for a, b in itertools.combinations(rects, 2):
        assert not rects_intersect(a, b)
    for k, rect in zip(placed, rects, strict=True):
        cx, cy = spots[k]
        t = (cx - x0[k]) / (x1[k] - x0[k])
        assert abs(y0[k] + t * (y1[k] - y0[k]) - cy) < hh  # its own edge runs through it
        others = [m for m in range(len(x0)) if m != k]
        other_y = y0[others] + t * (y1[others] - y0[others])
        assert np.all(np.abs(other_y - cy) >= hh)  # and no other edge through its centre
        for disc in discs:
            assert not rect_meets_disc(rect, disc)


def test_a_second_form_is_used_only_where_the_first_does_not_fit() -> None:
    # Two parallel horizontal edges 1 apart, 2 long; labels 1.6 or 0.8 wide, 0.2 or 0.4 tall.
    x0, x1 = np.array([0.0, 0.0]), np.array([2.0, 2.0])
    y0 = y1 = np.array([0.0, 1.0])
    half_w = np.array([[0.8, 0.4], [0.8, 0.4]])
    half_h = np.array([[0.1, 0.2], [0.1, 0.2]])
    spots, forms = place_labels(x0, y0, x1, y1, half_w, half_h, Obstacles())
    assert forms.tolist() == [0, 0]  # room for the long form on both
    assert spots[:, 0] == pytest.approx([1.0, 1.0])  # in the middle of its edge
    # A disc in the middle of edge 0 leaves room for 0.8-wide labels only, beside it.
    taken = Obstacles()
    taken.add_disc(1.0, 0.0, 0.25)
    spots, forms = place_labels(x0, y0, x1, y1, half_w, half_h, taken)
    assert forms.tolist() == [1, 0]
    assert abs(spots[0, 0] - 1.0) >= 0.25 + 0.4 - 1e-9  # clear of the disc
    # A label whose only form does not fit is hidden.
    taken = Obstacles()
    taken.add_disc(1.0, 0.0, 0.25)
    spots, forms = place_labels(x0, y0, x1, y1, half_w[:, :1], half_h[:, :1], taken)
    assert forms.tolist() == [-1, 0] and np.isnan(spots[0]).all()


def test_search_finds_a_placement_the_greedy_order_misses() -> None:
    # Candidates (cx, cy, hw, hh, form), best first. Label 0's first spot covers label 1's
    # only one and label 2's first; taken in order, label 0 hides label 1.
    a = np.array([[0.0, 0.0, 1.0, 0.5, 0], [5.0, 0.0, 1.0, 0.5, 0]], dtype=float)
    b = np.array([[0.5, 0.0, 0.4, 0.4, 0]], dtype=float)
    c = np.array([[-0.5, 0.2, 0.4, 0.4, 0], [9.0, 0.0, 0.4, 0.4, 1]], dtype=float)
    greedy = _greedy([a, b, c], [0, 1, 2])
    assert greedy == {0: 0, 2: 1}
    found = _search([a, b, c], greedy, budget=100)
    assert found is not None and len(found) == 3
    assert found[0] == 1 and found[1] == 0  # label 0 moved aside for label 1
    chosen = [cands[i] for cands, i in zip([a, b, c], [found[0], found[1], found[2]], strict=True)]
    for p, q in itertools.combinations(chosen, 2):
        assert not (abs(p[0] - q[0]) < p[2] + q[2] and abs(p[1] - q[1]) < p[3] + q[3])
    assert _search([a, b, c], greedy, budget=0) is None  # out of steps: keep the greedy one


def test_rects_intersect() -> None:
    assert rects_intersect((0, 0, 2, 2), (1, 1, 2, 2))
    assert not rects_intersect((0, 0, 1, 1), (1, 0, 1, 1))  # touching edges only
    assert not rects_intersect((0, 0, 1, 1), (0, 2, 1, 1))


# --- fitting the view --------------------------------------------------------------------------


def fits(geometry: FittedGeometry, layout: DiagramLayout, width: float, height: float) -> bool:
    """Whether the diagram with its margins, at the geometry's scale, fits the view."""
    x0, y0, x1, y1 = layout.bounds()
    s = geometry.pixels_per_unit
    ring = 2 * layout.radius * (RING_REACH - 1)
    need_w = (x1 - x0 + ring) * s + 2 * FIT_MARGIN_PX + geometry.right_px
    need_h = (y1 - y0 + ring) * s + 2 * FIT_MARGIN_PX + geometry.bottom_px
    return need_w <= width + 1e-6 and need_h <= height + 1e-6


def test_label_density_of_the_course_example() -> None:
    # Gap 0: (2 inputs + bias) × 2 hidden = 6 edges over 3 rows; gap 1: 3 edges over 3 rows.
    assert label_density([2, 2, 1]) == [2.0, 1.0]
    # 3-5-4-2: 4·5 = 20 over 6 rows, 6·4 = 24 over 6, 5·2 = 10 over 5.
    assert label_density([3, 5, 4, 2]) == pytest.approx([20 / 6, 4.0, 2.0])


def test_layout_with_unequal_gaps() -> None:
    layout = diagram_layout([2, 2, 1], [3.0, 2.0], radius=0.4)
    assert layout.column_x == (0.0, 3.0, 5.0)
    assert layout.column_gap(0) == 3.0 and layout.column_gap(1) == 2.0
    assert np.all(layout.node_x[2] == 5.0) and layout.radius == 0.4
    x0, _, x1, _ = layout.segments(1)
    assert np.all(x0 == 3.0) and np.all(x1 == 5.0)
    with pytest.raises(ValueError):
        diagram_layout([2, 2, 1], [3.0])
    # Hit-testing follows the columns where they are.
    assert hit_test(layout, [layout.segments(g) for g in range(2)], 5.1, 0.0, 0.05) == DiagramHit(
        "neuron", 2, 0
    )
    hit = hit_test(layout, [layout.segments(g) for g in range(2)], 4.0, -0.5, 0.05)
    assert hit == DiagramHit("weight", 1, 0, 0)  # h₁ (3, −1) → ŷ (5, 0) passes (4, −0.5)


def test_a_wide_view_spaces_columns_wider_than_a_narrow_one() -> None:
    sizes = [2, 2, 1]
    # 900 px: just wide enough for the least gaps at the scale the height sets.
    narrow = fitted_geometry(sizes, 900, 500)
    wide = fitted_geometry(sizes, 1400, 500)
    assert narrow is not None and wide is not None
    assert sum(wide.column_gaps) > 1.5 * sum(narrow.column_gaps)
    assert min(wide.column_gaps) > max(narrow.column_gaps)
    # The height sets the scale in both: the same rows, the same pixels per row.
    assert wide.pixels_per_unit == pytest.approx(narrow.pixels_per_unit)
    for geometry, width in ((narrow, 900), (wide, 1400)):
        layout = diagram_layout(sizes, geometry.column_gaps, geometry.radius)
        assert fits(geometry, layout, width, 500)
        # It fills the width: the diagram with its margins is as wide as the view.
        x0, _, x1, _ = layout.bounds()
        used = (x1 - x0 + 2 * layout.radius * (RING_REACH - 1)) * geometry.pixels_per_unit
        assert used + 2 * FIT_MARGIN_PX == pytest.approx(width)


def test_column_gaps_stay_within_bounds() -> None:
    sizes = [2, 2, 1]
    # Few rows: between 4 and 16 node radii (a disc's width free between discs, at least).
    assert column_gap_range(sizes, 0.3) == pytest.approx((1.2, 4.8))
    very_wide = fitted_geometry(sizes, 4000, 300)
    very_narrow = fitted_geometry(sizes, 300, 2000)
    assert very_wide is not None and very_narrow is not None
    r = very_wide.radius
    assert very_wide.column_gaps == pytest.approx((16 * r, 16 * r))  # not across the screen
    r = very_narrow.radius
    assert very_narrow.column_gaps == pytest.approx((4 * r, 4 * r))
    # Too narrow for the least gaps: the width sets the scale, and the diagram still fits.
    layout = diagram_layout(sizes, very_narrow.column_gaps, very_narrow.radius)
    assert fits(very_narrow, layout, 300, 2000)
    # Tall columns space their columns by the rows: 784 rows are not a thin stripe.
    low, high = column_gap_range([784, 128, 10])
    assert (low, high) == (0.25 * 785, 1.0 * 785)
    assert fitted_geometry([2, 2, 1], 10, 10) is None  # no room at all


def test_gaps_share_the_width_by_the_root_of_their_weights() -> None:
    geometry = fitted_geometry([2, 2, 1], 1000, 400, gap_weights=[4.0, 1.0])
    assert geometry is not None
    g0, g1 = geometry.column_gaps
    d = 2 * geometry.radius  # a disc's width; the width free between discs is shared
    assert (g0 - d) / (g1 - d) == pytest.approx(2.0)  # √4 : √1, neither at a bound here
    low, high = column_gap_range([2, 2, 1], geometry.radius)
    assert low < g1 < g0 < high


def test_discs_shrink_to_leave_the_labels_room() -> None:
    sizes = [2, 2, 1]
    # 700 × 550: a 62-pixel text wants r·pitch = 62; three such discs and their rings take
    # 2·62·(2 + 1.3) = 409 of 676 px, leaving 267 px, 133 a gap.
    roomy = fitted_geometry(sizes, 700, 550, text_radius_px=62.0)
    assert roomy is not None
    assert roomy.radius * roomy.pixels_per_unit == pytest.approx(62.0)
    # Asking for 180 px free in each gap: the discs shrink until there is.
    tight = fitted_geometry(sizes, 700, 550, text_radius_px=62.0, label_room_px=180.0)
    assert tight is not None
    assert MIN_NODE_RADIUS < tight.radius < roomy.radius
    s = tight.pixels_per_unit
    free = [(g - 2 * tight.radius) * s for g in tight.column_gaps]
    assert sum(free) == pytest.approx(2 * 180.0, rel=1e-6)
    layout = diagram_layout(sizes, tight.column_gaps, tight.radius)
    assert fits(tight, layout, 700, 550)
    # Asking for more than the view has: the discs stop at their least size.
    hopeless = fitted_geometry(sizes, 700, 550, text_radius_px=62.0, label_room_px=400.0)
    assert hopeless is not None and hopeless.radius == MIN_NODE_RADIUS


def test_discs_grow_to_hold_their_text() -> None:
    sizes = [2, 2, 1]
    # 500 px high: 2 row gaps and the two outer discs with their rings, 2·1.3·60 px, in
    # 500 − 2·12 px: 160 px a row, so a 60-pixel text needs r = 60/160 = 0.375.
    roomy = fitted_geometry(sizes, 1400, 500, text_radius_px=60.0)
    assert roomy is not None
    assert roomy.pixels_per_unit == pytest.approx(160.0)
    assert roomy.radius == pytest.approx(0.375)
    # A small text keeps the smallest disc; a view too low caps the disc at its largest.
    small = fitted_geometry(sizes, 1400, 700, text_radius_px=10.0)
    assert small is not None and small.radius == NODE_RADIUS
    low = fitted_geometry(sizes, 1400, 250, text_radius_px=60.0)
    assert low is not None and low.radius == MAX_NODE_RADIUS
    assert low.radius * low.pixels_per_unit < 60.0  # the text will have to shrink
    # A selected node's ring (1.25 r) clears the next disc in its column, ROW_GAP away.
    assert 1.25 * MAX_NODE_RADIUS + MAX_NODE_RADIUS < ROW_GAP


def test_room_is_kept_for_the_loss_under_the_output() -> None:
    # 2-3: the output column is as tall as the input one, so the loss needs room below.
    plain = fitted_geometry([2, 3], 800, 500)
    with_loss = fitted_geometry([2, 3], 800, 500, output_label_px=(300.0, 60.0))
    assert plain is not None and with_loss is not None
    assert plain.bottom_px == 0.0 and plain.right_px == 0.0
    ring = with_loss.radius * (RING_REACH - 1) * with_loss.pixels_per_unit
    assert with_loss.bottom_px == pytest.approx(60.0 - ring, abs=0.5)
    # The label starts at the output disc's left edge: 300 px reach past the right ring by
    # 300 − (1 + RING_REACH)·r.
    reach = (1 + RING_REACH) * with_loss.radius * with_loss.pixels_per_unit
    assert with_loss.right_px == pytest.approx(300.0 - reach, abs=0.5)
    layout = diagram_layout([2, 3], with_loss.column_gaps, with_loss.radius)
    assert fits(with_loss, layout, 800, 500)
    # The view shows the loss label: from the lowest output's disc down, from its left on.
    x, y, w, h = with_loss.view_rect(layout)
    s = with_loss.pixels_per_unit
    assert w * s <= 800 + 1e-6 and h * s <= 500 + 1e-6
    left, top = layout.column(1) - layout.radius, float(layout.node_y[1][-1]) + layout.radius
    assert x <= left and left + 300 / s <= x + w + 1e-9
    assert y <= top and top + 60 / s <= y + h + 1e-9
    # The course example has a free row under ŷ: no room needed below.
    course = fitted_geometry([2, 2, 1], 800, 500, output_label_px=(150.0, 60.0))
    assert course is not None and course.bottom_px == 0.0


def test_a_placement_asked_again_is_the_same_and_takes_the_same_room() -> None:
    layout = diagram_layout([3, 5, 4, 2])
    x0, y0, x1, y1 = layout.segments(1)
    hw, hh = np.full(len(x0), 0.35), np.full(len(x0), 0.12)

    def obstacles(extra: tuple[float, float] | None = None) -> Obstacles:
        taken = Obstacles()
        for l in range(layout.depth + 1):
            for y in layout.node_y[l]:
                taken.add_disc(layout.column(l), float(y), layout.radius)
        if extra is not None:
            taken.add(*extra, 0.3, 0.3)
        return taken

    first_taken, again_taken = obstacles(), obstacles()
    first = place_labels(x0, y0, x1, y1, hw, hh, first_taken)
    again = place_labels(x0, y0, x1, y1, hw, hh, again_taken)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    np.testing.assert_array_equal(first_taken.rects, again_taken.rects)
    assert len(again_taken.rects) == int(np.sum(again[1] >= 0))  # the labels' room is taken
    again[0][:] = 0.0  # the caller's copy: the next answer is not changed by this
    np.testing.assert_array_equal(place_labels(x0, y0, x1, y1, hw, hh, obstacles())[0], first[0])
    # Another obstacle where a label sat: the placement is worked out anew and avoids it.
    k = int(np.flatnonzero(first[1] >= 0)[0])
    cx, cy = first[0][k]
    moved, _ = place_labels(x0, y0, x1, y1, hw, hh, obstacles((cx, cy)))
    assert not (moved[k, 0] == cx and moved[k, 1] == cy)


def test_a_gap_s_candidates_in_one_pass_are_those_worked_out_label_by_label() -> None:
    from mlpviz.gui.network_layout import LABEL_SHIFTS, LABEL_SPOTS, _candidates, _gap_candidates

    rng = np.random.default_rng(3)
    for sizes in ([2, 2, 1], [3, 5, 4, 2], [4, 6, 3]):
        layout = diagram_layout(sizes)
        for g in range(layout.depth):
            x0, y0, x1, y1 = layout.segments(g)
            m = len(x0)
            half_w = rng.uniform(0.1, 0.5, size=(m, 2))
            half_h = rng.uniform(0.05, 0.2, size=(m, 2))
            half_w[0, 1] = half_h[0, 1] = np.nan  # a label with one form only
            taken = Obstacles()
            for l in range(layout.depth + 1):
                for y in layout.node_y[l]:
                    taken.add_disc(layout.column(l), float(y), layout.radius)
            taken.add(float(x0[0] + x1[0]) / 2, float(y0[0] + y1[0]) / 2, 0.2, 0.1)
            batched = _gap_candidates(
                x0, y0, x1, y1, half_w, half_h, taken, LABEL_SPOTS, LABEL_SHIFTS
            )
            for k in range(m):
                one = _candidates(
                    k, x0, y0, x1, y1, half_w[k], half_h[k], taken, LABEL_SPOTS, LABEL_SHIFTS
                )
                np.testing.assert_array_equal(batched[k], one)
            assert sum(len(c) for c in batched) > 0
