"""The `mlpviz` command: trace, train, gradcheck, exit statuses, and no Qt when headless."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mlpviz
from mlpviz import cli
from mlpviz.engine.session import load_session

# The course example, as a session file written out by hand.
COURSE: dict[str, Any] = {
    "format": "mlpviz-session",
    "version": 1,
    "network": {
        "layer_sizes": [2, 2, 1],
        "activations": ["sigmoid", "sigmoid"],
        "weights": [[[0.2, 0.4], [0.6, 0.8]], [[0.3, 0.5]]],
        "biases": [[0.1, 0.2], [0.4]],
    },
    "training": {"loss": "mse", "optimizer": "sgd", "learning_rate": 0.7, "batch_size": 1},
    "data": {"x": [[0.5, 0.8]], "y": [[0.0]]},
}

# XOR with a 2-3-1 tanh/sigmoid network, binary cross-entropy, full batch.
XOR: dict[str, Any] = {
    "format": "mlpviz-session",
    "version": 1,
    "network": {
        "layer_sizes": [2, 3, 1],
        "activations": ["tanh", "sigmoid"],
        "weights": [[[0.5, -0.4], [0.3, 0.8], [-0.7, 0.2]], [[0.6, -0.5, 0.4]]],
        "biases": [[0.1, -0.1, 0.05], [0.0]],
    },
    "training": {
        "loss": "bce",
        "optimizer": "momentum",
        "learning_rate": 0.5,
        "batch_size": 2,
        "seed": 3,
    },
    "data": {
        "task": "classification",
        "x": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
        "y": [[0.0], [1.0], [1.0], [0.0]],
        "x_test": [[0.0, 1.0]],
        "y_test": [[1.0]],
    },
}


def write(tmp_path: Path, doc: dict[str, Any], name: str = "session.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mlpviz: error: ") and "Traceback" not in err
    return lines[0]


# --- trace -----------------------------------------------------------------------------
def test_trace_text_course_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["trace", write(tmp_path, COURSE)], capsys)
    assert status == 0 and err == ""
    assert "z₁ = w₁₁·x₁ + w₂₁·x₂ + bʰ₁ = 0.2·0.5 + 0.4·0.8 + 0.1 = 0.52" in out
    assert "h₁ = σ(z₁) = σ(0.52) = 0.627148" in out
    assert "L = (y − ŷ)² = (0 − 0.724518)² = 0.524926" in out
    assert (
        "δʸ = ∂L/∂ŷ · σ′(u) = ∂L/∂ŷ · ŷ(1 − ŷ) = 1.449036·0.724518·(1 − 0.724518) = 0.289216" in out
    )
    assert "∂L/∂v₂₁ = δʸ·h₂ = 0.289216·0.75768 = 0.219133" in out
    assert "δʰ₂ = " in out and "= 0.02655\n" in out
    assert "∂L/∂w₂₂ = δʰ₂·x₂ = 0.02655·0.8 = 0.02124" in out
    assert "L′ = (y − ŷ′)² = (0 − 0.637687)² = 0.406645" in out


def test_trace_json_course_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["trace", write(tmp_path, COURSE), "--format", "json"], capsys)
    assert status == 0
    t = json.loads(out)
    assert {"loss", "layers", "updated", "loss_after"} <= set(t)
    assert t["loss"] == pytest.approx(0.524926, abs=1e-6)
    assert t["layers"][0] == {"a": [0.5, 0.8]}
    assert t["layers"][2]["delta"] == pytest.approx([0.289216], abs=1e-6)
    assert t["layers"][2]["grad_weights"][0] == pytest.approx([0.181381, 0.219133], abs=1e-6)
    assert t["layers"][1]["delta"] == pytest.approx([0.020288, 0.026550], abs=1e-6)
    assert np.allclose(t["layers"][1]["grad_weights"], [[0.010144, 0.016231], [0.013275, 0.021240]],
                       atol=1e-6)  # fmt: skip
    assert t["loss_after"] == pytest.approx(0.406645, abs=1e-6)


@pytest.mark.parametrize(
    ("fmt", "marks"),
    [
        ("markdown", ["## Backward 1: hidden layer", r"\frac{\partial L}{\partial w_{11}}"]),
        ("latex", [r"\documentclass", r"\end{document}", r"\begin{bmatrix}"]),
        ("html", ["<html>", "<sub>11</sub>", "</html>"]),
    ],
)
def test_trace_other_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, marks: list[str]
) -> None:
    status, out, _ = run(["trace", write(tmp_path, COURSE), "--format", fmt], capsys)
    assert status == 0
    for mark in [*marks, "0.289216", "0.010144", "0.406645"]:
        assert mark in out, mark


def test_trace_sample_and_precision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, XOR)
    status, out, _ = run(["trace", path, "--sample", "2", "--format", "json"], capsys)
    assert status == 0
    t = json.loads(out)
    assert t["layers"][0]["a"] == [1.0, 0.0] and t["sample"] == 2
    # z = W x + b for x = (1, 0): the first column of W plus b.
    assert t["layers"][1]["z"] == pytest.approx([0.6, 0.2, -0.65])
    status, out, _ = run(["trace", write(tmp_path, COURSE), "--precision", "3"], capsys)
    assert "h₁ = σ(z₁) = σ(0.52) = 0.627\n" in out and "0.627148" not in out


def test_shipped_course_example_traces_to_the_same_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = Path(mlpviz.__file__).parent.parent / "resources" / "examples" / "course_example.json"
    if not path.exists():
        pytest.skip("the shipped course example is not there")
    status, out, _ = run(["trace", str(path), "--format", "json"], capsys)
    assert status == 0 and json.loads(out)["loss_after"] == pytest.approx(0.406645, abs=1e-6)


# --- errors ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["trace", "{dir}/missing.json"], "missing.json: no such file"),
        (["trace", "{dir}"], "is a folder"),
        (["trace", "{bad_json}"], "not JSON"),
        (["trace", "{bad_shape}"], "network.weights[0]"),
        (["trace", "{course}", "--sample", "1"], "sample 1 is out of range"),
        (["trace", "{course}", "--sample", "-1"], "must be at least 0"),
        (["trace", "{course}", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["trace", "{course}", "--precision", "0"], "must be at least 1"),
        (["trace", "{course}", "--bogus"], "unrecognized arguments: --bogus"),
        (["trace"], "the following arguments are required: session"),
        (["gradcheck", "{course}", "--tolerance", "-1"], "must be a finite number > 0"),
        (["gradcheck", "{course}", "--all", "--sample", "0"], "not allowed with argument"),
        (["train", "{course}", "--epochs", "x"], "expected a whole number"),
        (["train", "{course}", "--out", "{dir}/no/such/folder/out.json"], "does not exist"),
        (["{dir}/missing.json"], "missing.json: no such file"),
    ],
)
def test_errors_are_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json", encoding="utf-8")
    shape = json.loads(json.dumps(COURSE))
    shape["network"]["weights"][0] = [[0.2, 0.4, 0.9], [0.6, 0.8]]
    paths = {
        "dir": str(tmp_path),
        "bad_json": str(bad_json),
        "bad_shape": write(tmp_path, shape, "shape.json"),
        "course": write(tmp_path, COURSE),
    }
    status, out, err = run([a.format(**paths) for a in argv], capsys)
    assert status == 2 and out == ""
    assert says in one_error_line(err)


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--version"], capsys)
    assert status == 0 and out.strip() == f"mlpviz {mlpviz.__version__}"
    status, out, _ = run(["trace", "--help"], capsys)
    assert status == 0 and "--format" in out and "--sample" in out
    status, out, _ = run(["--help"], capsys)
    assert status == 0 and "gradcheck" in out


# --- gradcheck -------------------------------------------------------------------------
def test_gradcheck_passes_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, COURSE)
    status, out, err = run(["gradcheck", path], capsys)
    assert status == 0 and err == ""
    assert "9 parameters" in out and "passed" in out
    # The analytic ∂L/∂w₁₁ = δʰ₁·x₁ = 0.010144 appears beside its finite difference.
    assert "backprop 0.01014" in out and "finite difference 0.01014" in out
    # Central differences agree to ~1e-10, never to 1e-15: this tolerance must fail.
    status, out, err = run(["gradcheck", path, "--tolerance", "1e-15"], capsys)
    assert status == 1 and "FAILED" in out
    assert err.startswith("mlpviz: gradient check failed")
    status, out, _ = run(["gradcheck", write(tmp_path, XOR, "xor.json"), "--all"], capsys)
    assert status == 0 and "all 4 training samples: 13 parameters" in out


# --- train -----------------------------------------------------------------------------
def _bce(net_w: list[np.ndarray], net_b: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    h = np.tanh(x @ net_w[0].T + net_b[0])
    p = 1 / (1 + np.exp(-(h @ net_w[1].T + net_b[1])))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_train_writes_the_trained_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, out_path = write(tmp_path, XOR), tmp_path / "trained.json"
    status, out, err = run(["train", path, "--epochs", "30", "--out", str(out_path),
                            "--seed", "5"], capsys)  # fmt: skip
    assert status == 0
    assert "epoch 1/30" in err and "epoch 30/30" in err  # stderr is not a terminal here
    trained = load_session(out_path)
    x, y = np.array(XOR["data"]["x"]), np.array(XOR["data"]["y"])
    # The printed loss is the saved network's loss on the training data, recomputed here.
    loss = _bce(trained.network.weights, trained.network.biases, x, y)
    assert f"train loss {loss:.6f}".rstrip("0") in out
    test_loss = _bce(trained.network.weights, trained.network.biases, x[1:2], y[1:2])
    assert f"test loss {test_loss:.6f}".rstrip("0") in out
    assert "train accuracy" in out and "test accuracy" in out and "trained 30 epochs" in out
    assert loss < _bce(
        [np.array(w) for w in XOR["network"]["weights"]],
        [np.array(b) for b in XOR["network"]["biases"]], x, y,
    )  # fmt: skip
    # Initial weights, history and optimizer state are kept; two updates per epoch.
    assert trained.initial_network is not None
    assert np.array_equal(trained.initial_network.weights[0], XOR["network"]["weights"][0])
    assert trained.history is not None and trained.history.epoch == list(range(1, 31))
    assert trained.history.train_loss[-1] == pytest.approx(loss)
    assert trained.optimizer_state is not None and trained.optimizer_state.t == 60
    assert trained.training.seed == 5
    # Training on from the saved file continues the history.
    status, out, _ = run(["train", str(out_path), "--epochs", "5", "--out", str(out_path)], capsys)
    assert status == 0
    again = load_session(out_path)
    assert again.history is not None and again.history.epoch[-1] == 35
    assert again.initial_network is not None
    assert np.array_equal(again.initial_network.weights[0], XOR["network"]["weights"][0])


def test_train_without_out_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, COURSE)
    status, out, _ = run(["train", path, "--epochs", "3"], capsys)
    assert status == 0 and "wrote" not in out and sorted(tmp_path.iterdir()) == [Path(path)]
    assert "accuracy" not in out  # regression: no accuracy


def test_train_divergence_names_the_parameter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(json.dumps(COURSE))
    doc["network"]["activations"] = ["linear", "linear"]
    doc["training"]["learning_rate"] = 1e6
    doc["data"] = {"x": [[50.0, -80.0], [90.0, 70.0]], "y": [[1e3], [-1e3]]}
    out_path = tmp_path / "out.json"
    status, out, err = run(["train", write(tmp_path, doc), "--epochs", "50",
                            "--out", str(out_path)], capsys)  # fmt: skip
    assert status == 1 and not out_path.exists() and out == ""
    line = [ln for ln in err.splitlines() if ln.startswith("mlpviz: error:")]
    assert len(line) == 1 and "diverged" in line[0] and "nothing written" in line[0]
    assert "weights[" in line[0] or "biases[" in line[0] or "the loss" in line[0]
    assert "Traceback" not in err


def test_train_progress_bar_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    status = cli.main(["train", write(tmp_path, XOR), "--epochs", "4"])
    assert status == 0
    drawn = term.getvalue()
    assert "\r  epoch 4/4 [" + "#" * 30 + "]" in drawn and drawn.endswith("\n")
    assert "trained 4 epochs" in capsys.readouterr().out


# --- the window ------------------------------------------------------------------------
def test_no_command_opens_the_window_lazily(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str | None] = []
    fake = types.SimpleNamespace(run_app=lambda path: opened.append(path) or 7)
    real_import = cli.importlib.import_module

    def import_module(name: str) -> object:
        return fake if name == "mlpviz.gui.app" else real_import(name)

    monkeypatch.setattr(cli.importlib, "import_module", import_module)
    path = write(tmp_path, COURSE)
    assert cli.main([path]) == 7 and cli.main([]) == 7
    assert opened == [path, None]
    # A bad file is reported in the terminal, before any window opens.
    status, _, err = run([str(tmp_path / "missing.json")], capsys)
    assert status == 2 and opened == [path, None] and "no such file" in one_error_line(err)


BLOCKER = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder

    BLOCKED = ("PySide6", "pyqtgraph", "shiboken6", "mlpviz.gui")

    class Block(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.startswith(BLOCKED):
                raise ImportError(f"No module named {name!r} (blocked)")
            return None

    sys.meta_path.insert(0, Block())
    from mlpviz.cli import main

    path, out = sys.argv[1], sys.argv[2]
    statuses = [
        main(["trace", path]),
        main(["trace", path, "--format", "latex"]),
        main(["gradcheck", path]),
        main(["train", path, "--epochs", "2", "--out", out]),
        main([path]),
    ]
    loaded = [m for m in sys.modules if m.startswith(BLOCKED)]
    print("RESULT", statuses, loaded, file=sys.stderr)
    """
)


def test_headless_commands_never_import_qt(tmp_path: Path) -> None:
    path = write(tmp_path, COURSE)
    run_ = subprocess.run(
        [sys.executable, "-c", BLOCKER, path, str(tmp_path / "out.json")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    result = [ln for ln in run_.stderr.splitlines() if ln.startswith("RESULT")]
    assert result == ["RESULT [0, 0, 0, 0, 2] []"], run_.stderr
    # Without Qt the window cannot open: one line saying so, status 2.
    errors = [ln for ln in run_.stderr.splitlines() if ln.startswith("mlpviz: error:")]
    assert len(errors) == 1 and "the window cannot start" in errors[0]
    assert "Traceback" not in run_.stderr
    check = subprocess.run(
        [sys.executable, "-c", "import mlpviz.cli, sys; "
         "assert not any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules)"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr


def test_python_dash_m_exit_status(tmp_path: Path) -> None:
    missing = subprocess.run(
        [sys.executable, "-m", "mlpviz", "trace", str(tmp_path / "missing.json")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.strip().endswith("missing.json: no such file")
    assert len(missing.stderr.strip().splitlines()) == 1
    ok = subprocess.run(
        [sys.executable, "-m", "mlpviz", "trace", write(tmp_path, COURSE), "--format", "json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert ok.returncode == 0 and json.loads(ok.stdout)["loss_after"] == pytest.approx(
        0.406645, abs=1e-6
    )


def test_the_command_asks_numpy_for_one_blas_thread_unless_told_otherwise() -> None:
    import os

    code = "import mlpviz.cli, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "1"
    env["OPENBLAS_NUM_THREADS"] = "2"  # the user's choice stands
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "2"


def test_the_trace_counts_samples_from_one_as_the_window_does() -> None:
    # xor.json has four samples; --sample 2 is the third (the option counts from 0, the
    # text counts as people do and as the window's "Sample 3 of 4").
    done = subprocess.run(
        [sys.executable, "-m", "mlpviz", "trace", "resources/examples/xor.json", "--sample", "2"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert "Sample 3: the input x." in done.stdout
