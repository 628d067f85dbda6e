"""The Stepper on the course example: every phase forwards, then back to the start exactly."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.network import course_example
from mlpviz.engine.optimizers import OptimizerConfig
from mlpviz.engine.stepper import Phase, PhaseKind, Stepper, phases
from mlpviz.engine.trainer import TrainingConfig

X = np.array([[0.5, 0.8]])
Y = np.array([[0.0]])
CONFIG = TrainingConfig(loss="mse", optimizer=OptimizerConfig("sgd", learning_rate=0.7))


def course_stepper() -> Stepper:
    return Stepper(course_example(), X, Y, CONFIG)


def test_phase_order_for_two_layers() -> None:
    labels = [p.label for p in phases(2)]
    assert labels == [
        "Input",
        "Forward 1",
        "Forward 2",
        "Loss",
        "Backward 2",
        "Backward 1",
        "Update",
    ]


def test_stepping_the_course_example() -> None:
    s = course_stepper()
    assert s.at_start and s.phase.kind is PhaseKind.INPUT
    seen = []
    for _ in range(6):
        seen.append(s.step())
        r = s.record.result
        if s.phase == Phase(PhaseKind.FORWARD, 1):
            np.testing.assert_allclose(r.forward.z[1], [[0.52, 1.14]])
        if s.phase.kind is PhaseKind.LOSS:
            assert r.backward.loss == pytest.approx(0.524926, abs=1e-6)
        if s.phase == Phase(PhaseKind.BACKWARD, 2):
            np.testing.assert_allclose(r.backward.delta[2], [[0.289216]], atol=1e-6)
        if s.phase == Phase(PhaseKind.BACKWARD, 1):
            np.testing.assert_allclose(r.backward.delta[1], [[0.020288, 0.026550]], atol=1e-6)
        if s.phase.kind is not PhaseKind.UPDATE:
            assert s.network.equals(course_example())
    assert seen[-1].kind is PhaseKind.UPDATE
    # W ← W − η ∂L/∂W with the hand-worked gradient.
    np.testing.assert_allclose(
        s.network.weights[0],
        np.array([[0.2, 0.4], [0.6, 0.8]])
        - 0.7 * np.array([[0.010144, 0.016231], [0.013275, 0.021240]]),
        atol=1e-6,
    )
    np.testing.assert_allclose(
        s.network.weights[1], [[0.3 - 0.7 * 0.181381, 0.5 - 0.7 * 0.219133]], atol=1e-6
    )
    np.testing.assert_allclose(s.network.biases[1], [0.4 - 0.7 * 0.289216], atol=1e-6)
    assert s.losses_after_updates == [pytest.approx(0.406645, abs=1e-6)]


def test_back_restores_every_number_exactly() -> None:
    s = course_stepper()
    snapshots = [(s.phase, s.network.copy(), s.sample)]
    for _ in range(3 * 7 + 2):  # three whole samples and two phases into the fourth
        s.step()
        snapshots.append((s.phase, s.network.copy(), s.sample))
    assert s.step_number == 3
    for phase, net, sample in reversed(snapshots[:-1]):
        s.back()
        assert s.phase == phase and s.sample == sample
        assert s.network.equals(net)  # exact, not approximate
    assert s.at_start
    assert s.network.equals(course_example())
    with pytest.raises(ValueError, match="start"):
        s.back()


def test_second_sample_continues_from_the_updated_weights() -> None:
    s = course_stepper()
    s.next_sample()
    assert s.phase.kind is PhaseKind.INPUT and s.step_number == 1
    s.go_to(PhaseKind.LOSS)
    # The loss at the second pass over the same sample is the first step's loss after.
    assert s.record.result.backward.loss == pytest.approx(0.406645, abs=1e-6)


def test_restart_after_an_edit_forgets_the_future() -> None:
    s = course_stepper()
    s.next_sample()
    s.next_sample()
    s.back()  # Update of step 2
    s.back()
    edited = s.network.copy()
    edited.weights[0][0, 0] = 1.0
    s.restart(net=edited)
    assert s.phase.kind is PhaseKind.INPUT and s.step_number == 1
    assert s.network.weights[0][0, 0] == 1.0
    s.step()
    w12, b1 = edited.weights[0][0, 1], edited.biases[0][0]
    assert s.record.result.forward.z[1][0, 0] == pytest.approx(1.0 * 0.5 + w12 * 0.8 + b1)


def test_restart_at_the_start_changes_the_initial_network() -> None:
    s = course_stepper()
    edited = course_example()
    edited.biases[1][0] = -0.4
    s.restart(net=edited)
    s.next_sample()
    s.reset()
    assert s.network.biases[1][0] == -0.4


def test_samples_cycle_through_the_data() -> None:
    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    s = Stepper(course_example(), x, y, CONFIG, sample=1)
    order = [s.sample]
    for _ in range(4):
        s.next_sample()
        order.append(s.sample)
    assert order == [1, 2, 0, 1, 2]
    with pytest.raises(ValueError, match="out of range"):
        s.restart(sample=3)


def test_reset_returns_to_an_initial_network_given_apart() -> None:
    # A session saved after training: the step starts from the trained weights, and
    # reset goes back to the weights training started from.
    trained = course_example()
    trained.weights[1][0, 0] = 0.9
    s = Stepper(trained, X, Y, CONFIG, initial_network=course_example())
    assert s.network.weights[1][0, 0] == 0.9
    s.next_sample()
    s.reset()
    assert s.at_start and s.network.equals(course_example())
    s.go_to(PhaseKind.LOSS)
    assert s.record.result.backward.loss == pytest.approx(0.524926, abs=1e-6)
