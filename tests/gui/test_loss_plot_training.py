"""LossPlot follows the model's training history: loss and, for classes, accuracy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from preset_models import LIVE_WAIT_MS, preset_model
from pytestqt.qtbot import QtBot

from mlpviz.engine.optimizers import OptimizerState
from mlpviz.engine.trainer import History
from mlpviz.gui.loss_plot import LossPlot, axis_end, peak_envelope, value_range
from mlpviz.gui.session_model import SessionModel


def plot_of(model: SessionModel, qtbot: QtBot) -> LossPlot:
    plot = LossPlot(model)
    qtbot.addWidget(plot)
    plot.show()
    return plot


def test_a_classification_history_shows_loss_and_accuracy(qtbot: QtBot) -> None:
    model = preset_model("xor")
    plot = plot_of(model, qtbot)
    assert not plot.history_shown and plot.accuracy_widget.isHidden()
    history = History([1, 2], [0.6, 0.4], [0.7, 0.5], [0.6, 0.8], [0.55, 0.7])
    model.apply_training(model.network, OptimizerState(), history, running=True)
    qtbot.wait(LIVE_WAIT_MS)  # live training spreads the views' repaints
    assert plot.history_shown
    np.testing.assert_array_equal(plot.train_curve.getData()[1], [0.6, 0.4])
    np.testing.assert_array_equal(plot.test_curve.getData()[1], [0.7, 0.5])
    np.testing.assert_array_equal(plot.train_accuracy_curve.getData()[1], [0.6, 0.8])
    np.testing.assert_array_equal(plot.test_accuracy_curve.getData()[1], [0.55, 0.7])
    assert plot.accuracy_widget.isVisible()
    assert "accuracy: train 80.0 %, test 70.0 %" in plot.latest_label.text()
    model.reset_training()
    assert not plot.history_shown and plot.accuracy_widget.isHidden()


def test_a_regression_history_has_no_accuracy_plot(qtbot: QtBot) -> None:
    model = preset_model("sine")
    plot = plot_of(model, qtbot)
    nan = math.nan
    model.apply_training(
        model.network, OptimizerState(), History([1], [0.3], [0.4], [nan], [nan]), running=True
    )
    qtbot.wait(LIVE_WAIT_MS)
    assert plot.history_shown
    assert plot.accuracy_widget.isHidden()
    assert "accuracy" not in plot.latest_label.text()


def test_no_test_part_no_test_curve(qtbot: QtBot) -> None:
    model = preset_model("xor", test_ratio=0.0)
    plot = plot_of(model, qtbot)
    nan = math.nan
    model.apply_training(
        model.network, OptimizerState(), History([1], [0.3], [nan], [0.9], [nan]), running=True
    )
    qtbot.wait(LIVE_WAIT_MS)
    assert not plot.test_curve.isVisible()
    assert "test" not in plot.latest_label.text()


def brute_envelope(y: np.ndarray, size: int) -> set[int]:
    """Per bucket of ``size`` consecutive points, the first lowest and the first highest
    (NaN skipped), and the first and the last point: by plain loops."""
    keep = {0, len(y) - 1}
    for start in range(0, len(y), size):
        bucket = [(v, i) for i, v in enumerate(y[start : start + size], start) if v == v]
        if bucket:
            keep.add(min(bucket)[1])
            keep.add(min(bucket, key=lambda p: (-p[0], p[1]))[1])
        else:
            keep.add(start)
    return keep


def test_peak_envelope_keeps_every_bucket_extreme() -> None:
    rng = np.random.default_rng(3)
    y = rng.normal(size=1003)
    y[500:520] = np.nan  # a bucket of NaN only, and NaN inside others
    y[700] = 9.0  # a spike
    keep = peak_envelope(y, 100)
    size = math.ceil(2 * 1003 / 100)  # two points of each bucket: at most ~100 drawn
    assert set(keep.tolist()) == brute_envelope(y, size)
    assert 700 in keep and keep[0] == 0 and keep[-1] == 1002
    assert len(keep) <= 100 + 2
    assert list(keep) == sorted(keep)
    np.testing.assert_array_equal(peak_envelope(y[:80], 100), np.arange(80))


def test_axis_end_and_value_range_move_in_steps() -> None:
    assert [axis_end(n) for n in (1, 7, 10, 11, 12, 13, 99, 101, 1234, 8001)] == [
        10, 10, 10, 12, 12, 15, 100, 120, 1500, 10000,
    ]  # fmt: skip
    # A sixth of the span 0.62 is 0.103..., so steps of 0.2: out to 0 and 0.8.
    low, high = value_range([np.array([0.69, 0.3, np.nan]), np.array([0.07, np.inf])])
    assert (low, high) == (pytest.approx(0.0), pytest.approx(0.8))
    assert value_range([np.array([np.nan])]) is None
    low, high = value_range([np.array([0.5])])
    assert low < 0.5 < high


def test_a_long_live_history_is_drawn_as_its_envelope(qtbot: QtBot) -> None:
    model = preset_model("xor")
    plot = plot_of(model, qtbot)
    plot.resize(600, 300)
    n = 5000
    epochs = list(range(1, n + 1))
    train = [1.0 / e for e in epochs]
    train[2999] = 2.0  # a spike
    history = History(epochs, train, train, [0.5] * n, [0.5] * n)
    model.apply_training(model.network, OptimizerState(), history, running=True)
    qtbot.wait(LIVE_WAIT_MS)
    x, y = plot.train_curve.xData, plot.train_curve.yData
    assert len(x) < 1000  # not 5,000 points with a 2.5-pixel pen at every repaint
    assert 3000.0 in x and y[list(x).index(3000.0)] == 2.0  # the spike stays
    assert (x[0], x[-1], y[-1]) == (1.0, 5000.0, 1.0 / 5000)
    assert "after epoch 5000: 0.0002" in plot.latest_label.text()
    lo, hi = plot.plot_widget.getPlotItem().viewRange()[0]
    assert lo < 1 and 5000 < hi < 5000 * 1.25


def test_a_long_history_is_exported_whole_though_drawn_as_its_envelope(
    course_model: SessionModel, qtbot: QtBot
) -> None:
    from mlpviz.gui.exports import plot_csv

    plot = LossPlot(course_model)
    qtbot.addWidget(plot)
    plot.resize(500, 400)
    plot.show()
    qtbot.waitExposed(plot)
    n = 2000
    loss = [1.0 / k for k in range(1, n + 1)]
    nan = [float("nan")] * n
    history = History(list(range(1, n + 1)), loss, nan, nan, nan)
    state = course_model.stepper.optimizer.state
    course_model.apply_training(course_model.network, state, history, running=False)
    assert len(plot.train_curve.xData) < n  # drawn reduced: about 0.7 points a pixel
    rows = [r.split(",") for r in plot_csv(plot.plot_widget).strip().splitlines()[1:]]
    train = [(float(x), float(y)) for name, x, y in rows if name == "train"]
    assert [x for x, _ in train] == [float(k) for k in range(1, n + 1)]
    assert [y for _, y in train] == pytest.approx(loss)
    # Wider, the envelope is cut again for the new width: more points drawn.
    drawn = len(plot.train_curve.xData)
    plot.resize(1200, 400)
    qtbot.waitUntil(lambda: len(plot.train_curve.xData) > drawn)
