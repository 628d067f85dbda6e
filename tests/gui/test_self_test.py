"""``mlpviz --self-test``: the real window stepped through every phase, its numbers checked
against hand-worked values; it passes on the course example and fails when the window
shows anything else."""

from __future__ import annotations

import dataclasses
import io
import math
import os
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QApplication

import mlpviz.gui.app as app_module
from mlpviz import __version__
from mlpviz.engine.session import Session, default_session
from mlpviz.gui import self_test
from mlpviz.gui.app import application_icon
from mlpviz.gui.self_test import COURSE_EXAMPLE, PHASES, Reading, number, run_self_test

# start_window raises the window, which the offscreen test platform cannot do.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture(autouse=True)
def pyqtgraph_options() -> Iterator[None]:
    """The self-test configures the application as the app does (pyqtgraph's global
    options among it); other tests get back the options they had."""
    saved = dict(pg.CONFIG_OPTIONS)
    yield
    pg.setConfigOptions(**saved)


def sigmoid(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t))


def test_the_constants_are_the_course_example_worked_by_hand() -> None:
    """COURSE_EXAMPLE against the closed forms of the 2-2-1 sigmoid network with
    L = (y − ŷ)², written out here with math only (no engine code)."""
    x1, x2, y, eta = 0.5, 0.8, 0.0, 0.7
    w = [[0.2, 0.4], [0.6, 0.8]]
    bh = [0.1, 0.2]
    v, by = [0.3, 0.5], 0.4
    z = [w[j][0] * x1 + w[j][1] * x2 + bh[j] for j in range(2)]
    h = [sigmoid(t) for t in z]
    u = v[0] * h[0] + v[1] * h[1] + by
    y_hat = sigmoid(u)
    loss = (y - y_hat) ** 2
    delta_y = 2 * (y_hat - y) * y_hat * (1 - y_hat)
    delta_h = [delta_y * v[j] * h[j] * (1 - h[j]) for j in range(2)]
    grad_w = [delta_h[j] * xi for j in range(2) for xi in (x1, x2)]
    w_new = [[w[j][i] - eta * delta_h[j] * (x1, x2)[i] for i in range(2)] for j in range(2)]
    bh_new = [bh[j] - eta * delta_h[j] for j in range(2)]
    v_new = [v[j] - eta * delta_y * h[j] for j in range(2)]
    by_new = by - eta * delta_y
    h_new = [sigmoid(w_new[j][0] * x1 + w_new[j][1] * x2 + bh_new[j]) for j in range(2)]
    loss_after = (y - sigmoid(v_new[0] * h_new[0] + v_new[1] * h_new[1] + by_new)) ** 2
    worked = {
        "z": z,
        "h": h,
        "u": [u],
        "y_hat": [y_hat],
        "L": [loss],
        "delta_y": [delta_y],
        "dL/dV": [delta_y * h[0], delta_y * h[1]],
        "delta_h": delta_h,
        "dL/dW": grad_w,
        "L_after": [loss_after],
    }
    for key, values in worked.items():
        np.testing.assert_allclose(COURSE_EXAMPLE[key], values, atol=5e-7, err_msg=key)
    # The brief's figures, as the lecture notes give them.
    assert COURSE_EXAMPLE["delta_h"] == (0.020288, 0.026550)
    assert COURSE_EXAMPLE["L_after"] == (0.406645,)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("∂L/∂w₁₁ = 0.010144", 0.010144),
        ("0.2 − 0.007101 = 0.192899", 0.192899),
        ("L = 0.524926\nafter the update: 0.406645", 0.406645),
        ("−1.5", -1.5),
        ("0.5", 0.5),
        ("h₁", None),
        ("", None),
        (None, None),
    ],
)
def test_number_reads_the_value_at_the_end_of_a_label(
    text: str | None, value: float | None
) -> None:
    assert number(text) == value


def test_a_reading_is_ok_only_within_the_tolerance() -> None:
    def reading(shown: str | None, expected: float | None) -> Reading:
        return Reading("Loss", "L", "diagram", shown, expected)

    assert reading("L = 0.524926", 0.524926).ok
    assert reading("L = 0.524927", 0.524926).ok  # one unit in the sixth decimal
    assert not reading("L = 0.524928", 0.524926).ok
    assert not reading("L = 0.5249", 0.524926).ok  # four decimals are not enough
    assert not reading(None, 0.524926).ok
    assert reading(None, None).ok  # not computed yet, and nothing shown
    assert not reading("L = 0.524926", None).ok  # shown before its phase


def test_the_self_test_passes_on_the_course_example(qapp: QApplication) -> None:
    out = io.StringIO()
    assert run_self_test(out) == 0
    text = out.getvalue()
    assert text.startswith(f"mlpviz {__version__} self-test")
    assert "passed:" in text and "MISMATCH" not in text and "PROBLEM" not in text
    for phase in PHASES:
        assert f"  {phase} " in text
    # The report lists what the diagram shows, as hand-worked.
    for shown in ("z₁ 0.52", "ŷ 0.724518", "L 0.524926", "δʸ 0.289216", "∂L/∂w₂₂ 0.02124"):
        assert shown in text
    assert "L after the update 0.406645" in text
    assert qapp.windowIcon().availableSizes()  # configure_application gave the icon


def test_the_walk_visits_every_phase_and_takes_every_reading(qapp: QApplication) -> None:
    outcome = self_test._run(qapp)
    assert outcome.phases == list(PHASES)
    assert outcome.problems == []
    sources = {r.source for r in outcome.readings}
    assert sources == {"diagram", "formula", "status bar", "model"}
    # Every hand-worked gradient is read off the diagram and the formula panel at its phase.
    for k, name in enumerate(("∂L/∂w₁₁", "∂L/∂w₂₁", "∂L/∂w₁₂", "∂L/∂w₂₂")):
        for source in ("diagram", "formula"):
            (r,) = [
                r
                for r in outcome.readings
                if r.phase == "Backward 1" and r.what == name and r.source == source
            ]
            assert r.ok and number(r.shown) == pytest.approx(COURSE_EXAMPLE["dL/dW"][k], abs=1e-6)
    not_yet = [r for r in outcome.readings if r.expected is None]
    assert {r.phase for r in not_yet} >= {"Input", "Forward 1", "Loss", "Backward 2"}
    assert all(r.ok for r in outcome.readings)


def test_the_self_test_fails_when_the_window_shows_other_numbers(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A course example whose w₁₁ is 0.25 instead of 0.2: z₁ = 0.545, so nearly every
    number after it is off, and the report must say so with exit status 1."""

    def altered() -> Session:
        session = default_session()
        net = session.network.copy()
        net.weights[0][0, 0] = 0.25
        return dataclasses.replace(session, network=net, initial_network=None)

    monkeypatch.setattr(app_module, "default_session", altered)
    out = io.StringIO()
    assert run_self_test(out) == 1
    text = out.getvalue()
    assert "FAILED:" in text
    assert "MISMATCH Forward 1: z₁ (diagram) shows '0.545', expected 0.520000" in text
    assert "MISMATCH Backward 1: ∂L/∂w₁₁ (formula)" in text
    assert "MISMATCH Input: w₁₁ (diagram)" in text


def test_a_wrong_constant_fails_the_self_test(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = dict(COURSE_EXAMPLE, delta_h=(0.020288, 0.026560))  # δʰ₂ off by 1e-5
    monkeypatch.setattr(self_test, "COURSE_EXAMPLE", wrong)
    out = io.StringIO()
    assert run_self_test(out) == 1
    assert "MISMATCH Backward 1: δʰ₂ (diagram) shows '0.02655', expected 0.026560" in out.getvalue()


def test_the_window_icon_has_every_shipped_size(qapp: QApplication) -> None:
    icon = application_icon()
    assert not icon.isNull()
    sizes = sorted((s.width(), s.height()) for s in icon.availableSizes())
    assert sizes == [(n, n) for n in (16, 22, 24, 32, 48, 64, 128, 256, 512)]


def _run_cli(env_platform: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    if env_platform is not None:
        env["QT_QPA_PLATFORM"] = env_platform
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "mlpviz", "--self-test"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def test_the_command_runs_offscreen_in_a_fresh_process() -> None:
    """Without QT_QPA_PLATFORM the command chooses offscreen itself (no display needed)."""
    done = _run_cli(None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "platform offscreen" in done.stdout.splitlines()[0]
    assert done.stdout.rstrip().splitlines()[-1].startswith("passed: ")
    # Qt's messages go into the report, not onto stderr.
    assert done.stderr == ""


def test_the_command_keeps_a_platform_the_user_chose() -> None:
    done = _run_cli("minimal")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "platform minimal" in done.stdout.splitlines()[0]


def test_the_command_takes_no_file() -> None:
    from mlpviz.cli import main

    assert main(["--self-test", "some.json"]) == 2
