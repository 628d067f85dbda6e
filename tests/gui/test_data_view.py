"""DataView: points by class (training filled, test hollow), the output heatmap agrees with
the network, the 1-D curve is the network's, redraws only on real change."""

from __future__ import annotations

import numpy as np
import pytest
from preset_models import LIVE_WAIT_MS, preset_model
from pytestqt.qtbot import QtBot

from mlpviz.engine.network import Network
from mlpviz.engine.optimizers import OptimizerState
from mlpviz.engine.trainer import History
from mlpviz.gui.data_view import CLASS_COLOURS, TINT, DataView, class_image
from mlpviz.gui.session_model import SessionModel


def view_of(model: SessionModel, qtbot: QtBot) -> DataView:
    view = DataView(model)
    qtbot.addWidget(view)
    view.show()
    return view


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)], dtype=float)


def test_class_image_by_hand() -> None:
    # One output: p = 1 is class 1 for sure, p = 0.5 is the boundary (white), p = 0.25
    # is class 0 with sureness |2p − 1| = 0.5.
    image = class_image(np.array([[1.0], [0.5], [0.25]]), (1, 3))
    full = 255 * (1 - TINT) + rgb(CLASS_COLOURS[1]) * TINT
    np.testing.assert_allclose(image[0, 0, :3], full.astype(np.uint8), atol=1)
    np.testing.assert_array_equal(image[0, 1, :3], [255, 255, 255])
    half = 255 * (1 - TINT / 2) + rgb(CLASS_COLOURS[0]) * TINT / 2
    np.testing.assert_allclose(image[0, 2, :3], half, atol=1)
    # Three classes: sureness (p_max − 1/3)/(2/3); uniform outputs are white.
    three = class_image(np.array([[0.1, 0.1, 0.8], [1 / 3, 1 / 3, 1 / 3]]), (1, 2))
    s = (0.8 - 1 / 3) / (2 / 3)
    want = 255 * (1 - TINT * s) + rgb(CLASS_COLOURS[2]) * TINT * s
    np.testing.assert_allclose(three[0, 0, :3], want, atol=1)
    np.testing.assert_array_equal(three[0, 1, :3], [255, 255, 255])


def test_training_points_filled_and_test_points_hollow(qtbot: QtBot) -> None:
    model = preset_model("xor")
    view = view_of(model, qtbot)
    train = view.train_points.data
    test = view.test_points.data
    assert len(train) == len(model.x) == 160 and len(test) == 40
    assert all(b.color().alpha() == 255 for b in train["brush"])
    assert all(b.color().alpha() == 0 for b in test["brush"])
    # Coloured by class: a training point of class 1 in class 1's colour.
    k = int(np.argmax(model.y[:, 0]))
    assert train["brush"][k].color().name().upper() == CLASS_COLOURS[1]
    assert "training (160)" in view.legend.text() and "test (40)" in view.legend.text()


def pixel_at(view: DataView, x: float, y: float) -> np.ndarray:
    plane = view.plane
    assert plane is not None
    c = int(np.argmin(np.abs(plane.xs - x)))
    r = int(np.argmin(np.abs(plane.ys - y)))
    image = view.image_array()
    assert image is not None
    return image[r, c, :3].astype(float)


def test_the_heatmap_follows_the_network(qtbot: QtBot) -> None:
    model = preset_model("gaussians")
    view = view_of(model, qtbot)
    # Hand-made weights: ŷ = σ(10·(x1 + x2)) via a 2-4-1 net whose one live hidden unit
    # is tanh(x1 + x2) and the output σ(10·h): class 1 where x1 + x2 > 0.
    net = model.network.copy()
    net.weights[0][:] = 0.0
    net.weights[0][0] = [1.0, 1.0]
    net.biases[0][:] = 0.0
    net.weights[1][:] = 0.0
    net.weights[1][0, 0] = 10.0
    net.biases[1][:] = 0.0
    model.apply_training(net, OptimizerState(), History(), running=True)
    qtbot.wait(LIVE_WAIT_MS)  # live training spreads the views' repaints
    one = 255 * (1 - TINT) + rgb(CLASS_COLOURS[1]) * TINT
    zero = 255 * (1 - TINT) + rgb(CLASS_COLOURS[0]) * TINT
    np.testing.assert_allclose(pixel_at(view, 1.0, 1.0), one, atol=2)
    np.testing.assert_allclose(pixel_at(view, -1.0, -1.0), zero, atol=2)


def test_redraws_only_on_real_change(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    model = preset_model("circles")
    view = view_of(model, qtbot)
    drawn: list[int] = []
    original = view.image.setImage
    monkeypatch.setattr(
        view.image, "setImage", lambda *a, **k: (drawn.append(1), original(*a, **k))
    )
    view.refresh()
    model.network_changed.emit()  # nothing changed
    assert drawn == []
    model.apply_training(model.network.copy(), OptimizerState(), History(), running=True)
    assert drawn == []  # live: a moment later, in a visit of its own
    qtbot.wait(LIVE_WAIT_MS)
    assert drawn == [1]
    # Hidden (behind another tab), it skips live training and catches up when shown.
    view.hide()
    model.apply_training(model.network.copy(), OptimizerState(), History(), running=True)
    qtbot.wait(LIVE_WAIT_MS)
    assert drawn == [1]
    view.show()
    assert drawn == [1, 1]


def test_iris_is_shown_over_the_petal_plane_with_a_choice(qtbot: QtBot) -> None:
    model = preset_model("iris")
    view = view_of(model, qtbot)
    assert not view.features_row.isHidden()
    assert view.plane is not None and view.plane.features == (2, 3)
    assert "other inputs at their mean" in view.legend.text()
    view.x_feature.setCurrentIndex(0)
    assert view.plane.features == (0, 3)
    # The sepal length axis spans the data's range, widened by a tenth each side.
    xs = np.concatenate([model.data.x_train[:, 0], model.data.x_test[:, 0]])
    span = xs.max() - xs.min()
    assert view.plane.xs[0] == pytest.approx(xs.min() - 0.1 * span)


def test_one_input_shows_the_network_curve(qtbot: QtBot) -> None:
    model = preset_model("sine")
    view = view_of(model, qtbot)
    assert view.plane is None and view.features_row.isHidden()
    model.set_structure([1, 1], ["linear"])
    net = Network([1, 1], ["linear"], [np.array([[2.0]])], [np.array([1.0])])
    model.apply_training(net, OptimizerState(), History())
    x, y = view.curve.getData()
    np.testing.assert_allclose(y, 2 * x + 1)  # ŷ = 2x + 1
    assert x.min() < model.x.min() and x.max() > model.x.max()
