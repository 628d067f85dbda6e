"""The forward and backward pass against the course page and against finite differences."""

from __future__ import annotations

import copy
import itertools
import math

import numpy as np
import pytest

from mlpviz.engine.activations import ACTIVATIONS, get_activation
from mlpviz.engine.backprop import Regularization, backward, forward, loss_value
from mlpviz.engine.gradcheck import gradient_check, numeric_gradient
from mlpviz.engine.losses import LOSSES, constant_prediction_loss, get_loss
from mlpviz.engine.network import Network, course_example, initialise

X = np.array([[0.5, 0.8]])
Y = np.array([[0.0]])


def sig(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t))


def test_course_example_forward_matches_the_page() -> None:
    fp = forward(course_example(), X)
    np.testing.assert_allclose(fp.z[1], [[0.52, 1.14]], atol=1e-12)
    # Hand-worked: h = σ(z), u = V h + b^y, ŷ = σ(u).
    h = [sig(0.52), sig(1.14)]
    u = 0.3 * h[0] + 0.5 * h[1] + 0.4
    np.testing.assert_allclose(fp.a[1], [h], atol=1e-12)
    np.testing.assert_allclose(fp.z[2], [[u]], atol=1e-12)
    np.testing.assert_allclose(fp.a[1], [[0.62715, 0.75768]], atol=5e-6)
    np.testing.assert_allclose(fp.z[2], [[0.96698]], atol=5e-6)
    np.testing.assert_allclose(fp.output, [[0.72452]], atol=5e-6)


def test_course_example_backward_has_the_correct_values() -> None:
    net = course_example()
    bp = backward(net, forward(net, X), Y, "mse")
    assert bp.loss == pytest.approx(0.524926, abs=1e-6)
    np.testing.assert_allclose(bp.delta[2], [[0.289216]], atol=1e-6)
    np.testing.assert_allclose(bp.grad_weights[1], [[0.181381, 0.219133]], atol=1e-6)
    np.testing.assert_allclose(bp.grad_biases[1], [0.289216], atol=1e-6)
    np.testing.assert_allclose(bp.delta[1], [[0.020288, 0.026550]], atol=1e-6)
    np.testing.assert_allclose(
        bp.grad_weights[0], [[0.010144, 0.016231], [0.013275, 0.021240]], atol=1e-6
    )
    np.testing.assert_allclose(bp.grad_biases[0], [0.020288, 0.026550], atol=1e-6)
    # ∂L/∂ŷ = 2(ŷ − y): positive, not the page's 2(y − ŷ).
    assert bp.grad_a[2][0, 0] == pytest.approx(2 * 0.7245179, abs=1e-6)


def test_course_example_update_lowers_the_loss_as_stated() -> None:
    net = course_example()
    bp = backward(net, forward(net, X), Y, "mse")
    eta = 0.7
    after = net.with_params(
        [w - eta * g for w, g in zip(net.weights, bp.grad_weights, strict=True)],
        [b - eta * g for b, g in zip(net.biases, bp.grad_biases, strict=True)],
    )
    assert loss_value(after, X, Y, "mse") == pytest.approx(0.406645, abs=1e-6)


def test_course_example_gradient_matches_finite_differences() -> None:
    net = course_example()
    bp = backward(net, forward(net, X), Y, "mse")
    num_w, num_b = numeric_gradient(net, X, Y, "mse")
    for analytic, numeric in zip(bp.grad_weights + bp.grad_biases, num_w + num_b, strict=True):
        np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-10)


def test_loss_values_against_their_definitions() -> None:
    y_hat = np.array([[0.2, 0.7], [0.9, 0.4]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert get_loss("mse").value(y_hat, y) == pytest.approx((0.04 + 0.09 + 0.01 + 0.16) / 4)
    assert get_loss("half_sse").value(y_hat, y) == pytest.approx((0.5 * 0.13 + 0.5 * 0.17) / 2)
    bce = -(math.log(0.8) + math.log(0.7) + math.log(0.9) + math.log(0.6)) / 4
    assert get_loss("bce").value(y_hat, y) == pytest.approx(bce)
    ce = -(math.log(0.7) + math.log(0.9)) / 2
    assert get_loss("cross_entropy").value(y_hat, y) == pytest.approx(ce)


def test_losses_are_finite_at_saturated_outputs() -> None:
    y_hat = np.array([[0.0, 1.0]])
    y = np.array([[1.0, 0.0]])
    for loss in LOSSES.values():
        assert np.isfinite(loss.value(y_hat, y))
        assert np.all(np.isfinite(loss.grad(y_hat, y)))


def test_activations_survive_huge_inputs() -> None:
    z = np.array([[-1e4, -800.0, 0.0, 800.0, 1e4]])
    for act in ACTIVATIONS.values():
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            assert np.all(np.isfinite(act.f(z)))
            assert np.all(np.isfinite(act.der(z)))


def test_activation_derivatives_match_the_course_table() -> None:
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(get_activation("sigmoid").der(z), s * (1 - s))
    np.testing.assert_allclose(get_activation("tanh").der(z), 1 - np.tanh(z) ** 2)
    np.testing.assert_array_equal(get_activation("relu").der(z), [[0, 0, 0, 1, 1]])  # ReLU'(0) = 0
    np.testing.assert_array_equal(get_activation("leaky_relu").der(z), [[0.01, 0.01, 0.01, 1, 1]])
    # Every elementwise derivative against a central difference.
    h = 1e-6
    zs = np.array([[-1.3, -0.4, 0.3, 1.7]])
    for act in ACTIVATIONS.values():
        if act.elementwise:
            numeric = (act.f(zs + h) - act.f(zs - h)) / (2 * h)
            np.testing.assert_allclose(act.der(zs), numeric, rtol=1e-6, atol=1e-9)


# Output activation × loss pairs where the loss is defined on the output's range.
PAIRS = [
    (out, loss)
    for out in ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax")
    for loss in ("mse", "half_sse")
] + [
    ("sigmoid", "bce"),
    ("softmax", "bce"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "cross_entropy"),
]
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
SHAPES = [[3, 2], [2, 4, 3], [4, 5, 3, 2], [3, 6, 4, 5, 3]]


@pytest.mark.parametrize(("out", "loss"), PAIRS)
def test_gradient_check_every_activation_and_loss(out: str, loss: str) -> None:
    rng = np.random.default_rng(len(out) * 7 + len(loss))
    for sizes, hidden in itertools.product(SHAPES, HIDDEN):
        if len(sizes) == 2 and hidden != HIDDEN[0]:
            continue
        acts = [hidden] * (len(sizes) - 2) + [out]
        net = initialise(sizes, acts, "uniform", seed=int(rng.integers(1 << 30)), scale=0.8)
        # Random biases keep every z off ReLU's kink at 0, where finite differences fail.
        net.biases = [rng.uniform(-0.5, 0.5, b.shape) for b in net.biases]
        batch = int(rng.integers(1, 5))
        x = rng.normal(size=(batch, sizes[0]))
        if loss == "cross_entropy" or out == "softmax":
            y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
        elif loss == "bce":
            y = rng.integers(0, 2, (batch, sizes[-1])).astype(float)
        else:
            y = rng.normal(size=(batch, sizes[-1]))
        report = gradient_check(net, x, y, loss)
        assert report.max_relative_error < 1e-5, (sizes, acts, loss, report.worst)


def test_gradient_check_with_regularisation() -> None:
    net = initialise([3, 4, 2], ["tanh", "sigmoid"], "uniform", seed=3, scale=1.0)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    reg = Regularization(l1=0.01, l2=0.05)
    report = gradient_check(net, x, y, "mse", reg)
    assert report.max_relative_error < 1e-6
    # Biases are not regularised: their gradient equals the unregularised one.
    plain = backward(net, forward(net, x), y, "mse")
    regd = backward(net, forward(net, x), y, "mse", reg)
    for a, b in zip(plain.grad_biases, regd.grad_biases, strict=True):
        np.testing.assert_array_equal(a, b)
    penalty = 0.01 * sum(np.abs(w).sum() for w in net.weights) + 0.025 * sum(
        (w**2).sum() for w in net.weights
    )
    assert regd.loss - plain.loss == pytest.approx(penalty)


def test_gradient_check_catches_a_wrong_gradient() -> None:
    # The check must be able to fail: compare the analytic gradient of one loss with the
    # numeric gradient of another.
    net = course_example()
    bp = backward(net, forward(net, X), Y, "mse")
    num_w, _ = numeric_gradient(net, X, Y, "half_sse")
    assert not np.allclose(bp.grad_weights[1], num_w[1], rtol=1e-3)


def test_network_rejects_bad_shapes_and_names() -> None:
    with pytest.raises(ValueError, match="weights\\[0\\] has shape"):
        Network(
            [2, 2, 1],
            ["sigmoid", "sigmoid"],
            [np.zeros((2, 3)), np.zeros((1, 2))],
            [np.zeros(2), np.zeros(1)],
        )
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'"):
        Network([2, 1], ["sigmoidd"])
    with pytest.raises(ValueError, match="softmax is only allowed on the output"):
        Network([2, 3, 2], ["softmax", "softmax"])
    with pytest.raises(ValueError, match="2 entries"):
        Network([2, 3, 2], ["tanh"])


def test_first_non_finite_names_the_parameter() -> None:
    net = course_example()
    assert net.first_non_finite() is None
    net.weights[1][0, 1] = np.nan
    assert net.first_non_finite() == "weights[1][0, 1] = nan"


def test_initialisation_is_seeded_and_scaled() -> None:
    a = initialise([4, 30, 20], ["relu", "linear"], "he", seed=5)
    b = initialise([4, 30, 20], ["relu", "linear"], "he", seed=5)
    c = initialise([4, 30, 20], ["relu", "linear"], "he", seed=6)
    assert a.equals(b) and not a.equals(c)
    x = initialise([50, 30], ["tanh"], "xavier", seed=0)
    limit = math.sqrt(6 / 80)
    assert np.abs(x.weights[0]).max() <= limit and np.abs(x.weights[0]).max() > 0.9 * limit
    u = initialise([3, 3], ["sigmoid"], "uniform01", seed=0)
    assert (u.weights[0] >= 0).all() and (u.weights[0] <= 1).all() and (u.biases[0] > 0).all()
    big = initialise([400, 300], ["relu"], "he", seed=1)
    assert np.std(big.weights[0]) == pytest.approx(math.sqrt(2 / 400), rel=0.02)


def test_input_gradient_on_request_matches_finite_differences() -> None:
    net = initialise([3, 4, 2], ["tanh", "sigmoid"], "uniform", seed=7, scale=1.0)
    x = np.array([[0.3, -0.7, 1.1]])
    y = np.array([[1.0, 0.0]])
    bp = backward(net, forward(net, x), y, "mse", input_gradient=True)
    h = 1e-6
    numeric = [
        (loss_value(net, x + h * e, y) - loss_value(net, x - h * e, y)) / (2 * h)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(bp.delta[0][0], numeric, rtol=1e-6, atol=1e-10)
    np.testing.assert_array_equal(bp.grad_a[0], bp.delta[0])
    # Training does not ask for it: nothing is computed.
    assert backward(net, forward(net, x), y, "mse").delta[0].shape == (1, 0)


# The course example's parameters and hand-worked gradients, in the packed order
# W0 (row by row), b0, W1, b1.
COURSE_PACKED = [0.2, 0.4, 0.6, 0.8, 0.1, 0.2, 0.3, 0.5, 0.4]
COURSE_GRAD_PACKED = [0.010144, 0.016231, 0.013275, 0.021240, 0.020288, 0.026550]
COURSE_GRAD_PACKED += [0.181381, 0.219133, 0.289216]


def test_packed_params_follow_edits_replacements_and_copies() -> None:
    net = course_example()
    np.testing.assert_array_equal(net.packed_params(), COURSE_PACKED)
    net.weights[0][1, 0] = 9.0  # written in place: the packed vector shows it
    assert net.packed_params()[2] == 9.0
    net.biases[1] = np.array([7.0])  # replaced: the vector is gathered from the new array
    packed = net.packed_params()
    assert packed[2] == 9.0 and packed[-1] == 7.0
    twin = copy.deepcopy(net)
    twin.weights[1][0, 0] = -1.0
    assert twin.packed_params()[6] == -1.0 and net.packed_params()[6] == 0.3
    shallow = course_example()
    clone = copy.deepcopy(shallow)  # its views are copies, no longer views of one vector
    clone.weights[0][0, 0] = 5.0
    assert clone.packed_params()[0] == 5.0 and shallow.packed_params()[0] == 0.2


def test_backward_packs_the_gradient_it_shows() -> None:
    net = course_example()
    bp = backward(net, forward(net, X), Y, "mse")
    assert bp.packed_grad is not None
    np.testing.assert_allclose(bp.packed_grad, COURSE_GRAD_PACKED, atol=1e-6)
    bp.packed_grad[0] = 42.0  # the arrays shown are the vector's own numbers
    assert bp.grad_weights[0][0, 0] == 42.0


def test_first_non_finite_on_packed_and_gathered_parameters() -> None:
    huge = Network([1, 1], ["tanh"], [np.array([[1e300]])], [np.array([1e300])])
    assert huge.first_non_finite() is None  # Σ p² overflows, yet every entry is finite
    net = course_example()
    net.biases[0] = np.array([0.1, np.inf])  # replaced, so no longer in the packed vector
    assert net.first_non_finite() == "biases[0][1] = inf"


def test_one_sigmoid_output_is_the_array_formula_bit_for_bit() -> None:
    sigmoid = get_activation("sigmoid").f
    z = np.array([-1e4, -800.0, -36.5, -1.0, -0.0, 0.0, 1e-9, 0.7, 19.0, 800.0, np.inf])
    row = sigmoid(z.reshape(1, -1))[0]
    one_at_a_time = [sigmoid(np.array([[v]]))[0, 0] for v in z]
    np.testing.assert_array_equal(one_at_a_time, row)
    # Against the definition, where it can be evaluated directly.
    for v, s in zip(z[2:9], one_at_a_time[2:9], strict=True):
        assert s == pytest.approx(sig(v), rel=1e-15)
    assert one_at_a_time[0] == 0.0 and one_at_a_time[-1] == 1.0
    assert np.isnan(sigmoid(np.array([[np.nan]]))[0, 0])


def test_the_loss_of_predicting_the_targets_average() -> None:
    # By hand: ŷ = 0.5 against y = 0 and 1 gives (0.5² + 0.5²)/2 = 0.25 and
    # −(log 0.5 + log 0.5)/2 = log 2; class frequencies (¾, ¼) give their entropy
    # −(¾ log ¾ + ¼ log ¼) = 0.562335; ½·Σ 1² over two outputs, per sample, is 1.
    y = np.array([[0.0], [1.0]])
    assert constant_prediction_loss("mse", y) == pytest.approx(0.25)
    assert constant_prediction_loss("bce", y) == pytest.approx(math.log(2))
    one_hot = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    entropy = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    assert constant_prediction_loss("cross_entropy", one_hot) == pytest.approx(entropy)
    assert constant_prediction_loss("half_sse", np.array([[0.0, 2.0], [2.0, 0.0]])) == 1.0
