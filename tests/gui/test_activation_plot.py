"""ActivationPlot on the course example: markers at the hand-worked z, f(z) and f′(z)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from views_follow import views_follow

from mlpviz.engine.activations import get_activation
from mlpviz.engine.stepper import Phase, PhaseKind
from mlpviz.gui.activation_plot import ActivationPlot, activation_curves
from mlpviz.gui.session_model import Selection, SessionModel

# The course example by hand: z of the hidden layer, u of the output layer.
Z_HIDDEN = [0.52, 1.14]
H = [0.627148, 0.757680]  # σ(0.52), σ(1.14)
U = 0.966984
Y_HAT = 0.72452


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def markers(item: object) -> tuple[np.ndarray, np.ndarray]:
    x, y = item.getData()  # type: ignore[attr-defined]
    if x is None:
        return np.empty(0), np.empty(0)
    return np.asarray(x), np.asarray(y)


@pytest.fixture
def plot(qtbot, course_model: SessionModel) -> ActivationPlot:
    w = ActivationPlot(course_model)
    qtbot.addWidget(w)
    return w


def test_no_markers_before_the_forward_pass_reaches_the_layer(plot: ActivationPlot) -> None:
    assert plot.model.phase == Phase(PhaseKind.INPUT)
    assert plot.layer == 1
    assert markers(plot.f_markers)[0].size == 0
    assert markers(plot.der_markers)[0].size == 0


def test_markers_at_forward_1_sit_at_z_on_f_and_on_f_prime(plot: ActivationPlot) -> None:
    plot.model.step()  # Forward 1
    views_follow()
    assert plot.layer == 1
    x, y = markers(plot.f_markers)
    np.testing.assert_allclose(x, Z_HIDDEN, atol=1e-12)
    np.testing.assert_allclose(y, H, atol=1e-6)
    dx, dy = markers(plot.der_markers)
    np.testing.assert_allclose(dx, Z_HIDDEN, atol=1e-12)
    slopes = [sigmoid(z) * (1.0 - sigmoid(z)) for z in Z_HIDDEN]  # σ′ = a(1 − a)
    np.testing.assert_allclose(dy, slopes, atol=1e-12)
    # The plotted curves are σ and σ′ themselves.
    t, f = markers(plot.f_curve)
    keep = np.isfinite(t)
    np.testing.assert_allclose(f[keep], [sigmoid(v) for v in t[keep]], atol=1e-12)
    # Every marker is inside the x range, which is at least [−5, 5].
    lo, hi = plot.plot_widget.getPlotItem().viewRange()[0]
    assert lo <= -5 and hi >= 5


def test_markers_move_to_the_output_layer(plot: ActivationPlot) -> None:
    m = plot.model
    m.step()
    m.step()  # Forward 2
    views_follow()
    assert plot.layer == 2
    x, y = markers(plot.f_markers)
    np.testing.assert_allclose(x, [U], atol=1e-6)
    np.testing.assert_allclose(y, [Y_HAT], atol=1e-5)
    _, dy = markers(plot.der_markers)
    np.testing.assert_allclose(dy, [sigmoid(U) * (1 - sigmoid(U))], atol=1e-6)


def test_the_layer_in_focus_follows_phase_selection_and_chooser(plot: ActivationPlot) -> None:
    m = plot.model
    expected = {"Input": 1, "Forward 1": 1, "Forward 2": 2, "Loss": 2,
                "Backward 2": 2, "Backward 1": 1, "Update": 1}
    for phase in m.phases:
        m.go_to(phase)
        views_follow()
        assert plot.layer == expected[phase.label], phase.label
    m.go_to(Phase(PhaseKind.FORWARD, 2))
    views_follow()
    m.select(Selection("weight", 0, 1, 0))  # a weight into layer 1
    assert plot.layer == 1
    m.select(None)
    assert plot.layer == 2
    plot.choose_layer(1)
    assert plot.layer == 1 and not plot.follows_phase
    m.step()  # Loss: a pinned layer stays
    views_follow()
    assert plot.layer == 1
    plot.choose_layer(None)
    assert plot.layer == 2 and plot.follows_phase


def offered(plot: ActivationPlot) -> list[str]:
    combo = plot.activation_combo
    return [combo.itemData(i) for i in range(combo.count())]


def test_softmax_is_offered_only_for_the_output_layer(plot: ActivationPlot) -> None:
    assert plot.layer == 1
    assert "softmax" not in offered(plot) and "tanh" in offered(plot)
    plot.choose_layer(2)
    assert "softmax" in offered(plot)


def test_changing_the_combo_edits_the_model_and_undo_restores_it(plot: ActivationPlot) -> None:
    m = plot.model
    m.go_to(Phase(PhaseKind.FORWARD, 2))
    views_follow()
    plot.activation_combo.setCurrentIndex(plot.activation_combo.findData("tanh"))
    views_follow()
    assert m.network.activations == ["sigmoid", "tanh"]
    assert plot.layer == 2  # the edit restarts at Forward 1; the plot stays on the edited layer
    assert markers(plot.f_markers)[0].size == 0
    m.step()  # Forward 2 with tanh: u is unchanged, the markers are on tanh and tanh′
    views_follow()
    x, y = markers(plot.f_markers)
    np.testing.assert_allclose(x, [U], atol=1e-6)
    np.testing.assert_allclose(y, [math.tanh(U)], atol=1e-6)
    np.testing.assert_allclose(markers(plot.der_markers)[1], [1 - math.tanh(U) ** 2], atol=1e-6)
    m.undo_stack.undo()
    views_follow()
    assert m.network.activations == ["sigmoid", "sigmoid"]
    assert plot.activation_combo.currentData() == "sigmoid"


def test_softmax_curves_hold_the_other_z_and_f_prime_is_their_slope() -> None:
    z = np.array([0.3, -1.2, 2.0])
    t = np.linspace(-6, 6, 1201)
    fs, ders = activation_curves(get_activation("softmax"), z, t)
    assert fs.shape == ders.shape == (3, len(t))
    e = np.exp(z)
    for k in range(3):
        others = e.sum() - e[k]
        # Neuron k's curve is e^t / (e^t + Σ_{j≠k} e^{z_j}), passing through p_k at t = z_k.
        np.testing.assert_allclose(fs[k], np.exp(t) / (np.exp(t) + others), atol=1e-12)
        # Its f′ is the slope of that curve (central differences).
        slope = np.gradient(fs[k], t)
        np.testing.assert_allclose(ders[k][1:-1], slope[1:-1], atol=1e-4)


def test_the_axes_stay_still_through_a_sample(plot: ActivationPlot) -> None:
    # Both layers of the course example are sigmoid: the plot switches layers with the
    # phase, but the ranges stay, so the lecture's eye (and the painter) keep the axes.
    ranges = []
    for _ in range(len(plot.model.phases) - 1):
        plot.model.step()
        views_follow()
        ranges.append(plot.plot_widget.getPlotItem().viewRange())
    assert len({str(r) for r in ranges}) == 1
    lo, hi = ranges[0][1]
    assert lo <= 0.0 and hi >= 0.75  # σ and σ′ of every z (σ(1.14) = 0.758) are in sight


def test_neuron_numbers_are_moved_not_made_anew(plot: ActivationPlot) -> None:
    import pyqtgraph as pg

    def numbers() -> list[pg.TextItem]:
        items = plot.plot_widget.getPlotItem().items
        return [item for item in items if isinstance(item, pg.TextItem)]

    for _ in range(2 * len(plot.model.phases)):
        plot.model.step()
    views_follow()
    assert not any(item.isVisible() for item in numbers())  # Input: no markers yet
    plot.model.step()  # Forward 1 of the third step
    views_follow()
    assert len(numbers()) == 2  # the hidden layer's two neurons, however many steps
    x, y = markers(plot.f_markers)
    for k, item in enumerate(numbers()):
        assert item.isVisible() and item.toPlainText() == str(k + 1)
        assert (item.pos().x(), item.pos().y()) == pytest.approx((x[k], y[k]))


def test_cached_axes_are_drawn_anew_when_the_range_changes(plot: ActivationPlot, qtbot) -> None:
    from PySide6.QtWidgets import QGraphicsItem

    plot.resize(500, 400)
    plot.show()
    qtbot.waitExposed(plot)
    item = plot.plot_widget.getPlotItem()
    axis = item.getAxis("bottom")
    assert axis.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    strip = axis.mapRectToScene(axis.boundingRect()).toRect()  # the axis and its grid

    def axis_pixels() -> object:
        return plot.plot_widget.grab(strip).toImage()

    before = axis_pixels()
    item.setXRange(100.0, 300.0, padding=0.0)  # other ticks, other labels
    qtbot.wait(20)
    assert axis_pixels() != before
