"""LossPlot: the loss after each update grows and shrinks with stepping; a History's curves."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from views_follow import views_follow

from mlpviz.engine.network import course_example
from mlpviz.engine.stepper import PhaseKind
from mlpviz.gui.loss_plot import LossPlot
from mlpviz.gui.session_model import SessionModel

LOSS_AFTER_UPDATE = 0.406645  # the course example, worked by hand


def points(curve: object) -> tuple[np.ndarray, np.ndarray]:
    x, y = curve.getData()  # type: ignore[attr-defined]
    if x is None:
        return np.empty(0), np.empty(0)
    return np.asarray(x), np.asarray(y)


@pytest.fixture
def plot(qtbot, course_model: SessionModel) -> LossPlot:
    w = LossPlot(course_model)
    qtbot.addWidget(w)
    return w


def step_to_update(model: SessionModel) -> None:
    while model.phase.kind is not PhaseKind.UPDATE:
        model.step()


def test_one_point_after_the_update_and_back_removes_it(plot: LossPlot) -> None:
    m = plot.model
    assert points(plot.step_curve)[0].size == 0
    step_to_update(m)
    views_follow()
    x, y = points(plot.step_curve)
    np.testing.assert_array_equal(x, [1.0])
    np.testing.assert_allclose(y, [LOSS_AFTER_UPDATE], atol=1e-6)
    assert "0.406645" in plot.latest_label.text()
    assert plot.step_curve.opts["symbol"] == "o"  # few points: each one marked
    m.back()
    views_follow()
    assert points(plot.step_curve)[0].size == 0
    assert "none yet" in plot.latest_label.text()


def test_the_curve_grows_with_each_update(plot: LossPlot) -> None:
    m = plot.model
    step_to_update(m)
    views_follow()
    m.next_sample()
    step_to_update(m)
    views_follow()
    x, y = points(plot.step_curve)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    assert y[0] == pytest.approx(LOSS_AFTER_UPDATE, abs=1e-6)
    # One more gradient step on the same sample with a small η lowers the loss again.
    assert y[1] < y[0]
    lo, hi = plot.plot_widget.getPlotItem().viewRange()[0]
    assert lo < 1 and hi > 2


def test_set_history_draws_train_and_test_curves(plot: LossPlot) -> None:
    plot.set_history([1, 2, 3], [0.5, 0.3, 0.2], [0.6, 0.45, 0.4])
    assert plot.history_shown
    x, y = points(plot.train_curve)
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [0.5, 0.3, 0.2])
    x, y = points(plot.test_curve)
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [0.6, 0.45, 0.4])
    assert plot.train_curve.isVisible() and plot.test_curve.isVisible()
    assert not plot.step_curve.isVisible()
    train_pen, test_pen = plot.train_curve.opts["pen"], plot.test_curve.opts["pen"]
    assert train_pen.color() == QColor("#0072B2")
    assert test_pen.color() == QColor("#E69F00")
    assert test_pen.style() == Qt.PenStyle.DashLine
    names = [label.text for _, label in plot.legend.items]
    assert names == ["train", "test"]
    assert plot.plot_widget.getPlotItem().getAxis("bottom").labelText == "epoch"
    assert "0.2" in plot.latest_label.text() and "0.4" in plot.latest_label.text()

    plot.clear_history()
    assert not plot.history_shown and plot.step_curve.isVisible()
    assert not plot.train_curve.isVisible()
    assert plot.plot_widget.getPlotItem().getAxis("bottom").labelText == "update"


def test_history_of_mismatched_lengths_is_refused(plot: LossPlot) -> None:
    with pytest.raises(ValueError, match="as many losses as epochs"):
        plot.set_history([1, 2], [0.5], None)


def test_many_points_lose_their_markers(plot: LossPlot) -> None:
    epochs = np.arange(1, 101)
    plot.set_history(epochs, 1.0 / epochs)
    assert plot.train_curve.opts["symbol"] is None
    assert not plot.test_curve.isVisible()


def test_log_scale_toggle_takes_zero_losses_without_warnings(plot: LossPlot) -> None:
    plot.set_history([1, 2, 3], [0.5, 0.1, 0.0], [0.5, 0.2, 0.1])
    plot.log_check.setChecked(True)
    assert plot.train_curve.opts["logMode"] == [False, True]
    # The drawn data are log10 of the losses; the zero has no logarithm and is left out.
    _, shown = plot.train_curve.getData()
    np.testing.assert_allclose(shown[:2], np.log10([0.5, 0.1]))
    assert np.isnan(shown[2])
    plot.log_check.setChecked(False)
    assert plot.train_curve.opts["logMode"] == [False, False]


def test_an_edit_that_changes_the_loss_after_the_update_redraws_its_point(
    plot: LossPlot,
) -> None:
    m = plot.model
    step_to_update(m)
    views_follow()
    m.set_learning_rate(0.35)  # the step is worked out again with half the page's η
    views_follow()
    assert m.phase.kind is not PhaseKind.UPDATE  # it restarts at Forward 1 ...
    assert m.network.equals(course_example())  # ... from the weights before the update
    step_to_update(m)
    views_follow()
    x, y = points(plot.step_curve)
    np.testing.assert_array_equal(x, [1.0])
    # By hand: every parameter less 0.35 times the brief's gradient, then forward again.
    assert y[0] == pytest.approx(0.465935, abs=1e-5)


def test_the_loss_axis_starts_at_zero_and_stays_while_the_loss_falls(plot: LossPlot) -> None:
    m = plot.model
    ranges = []
    for _ in range(3):
        step_to_update(m)
        views_follow()
        ranges.append(plot.plot_widget.getPlotItem().viewRange()[1])
        m.next_sample()
    low, high = ranges[0]
    # 0.406645 / 6 rounds up to steps of 0.1: the axis runs from 0 to 0.5 (and padding).
    assert -0.03 < low < 0.0 and 0.5 < high < 0.53
    assert ranges[1] == ranges[0] and ranges[2] == ranges[0]  # falling losses: no change


def test_the_latest_value_changes_without_a_new_layout(plot: LossPlot, qtbot) -> None:
    # While training runs the line changes at every repaint: a new layout of the plot
    # would go up through the dock to the whole window each time.
    from layout_requests import LayoutRequests

    plot.show()
    qtbot.waitExposed(plot)
    qtbot.wait(10)
    requests = LayoutRequests()
    plot.installEventFilter(requests)
    for n in range(3, 8):
        plot.set_history(list(range(1, n + 1)), [1.0 / k for k in range(1, n + 1)])
        qtbot.wait(1)
    assert "after epoch 7" in plot.latest_label.text()
    assert requests.count == 0
