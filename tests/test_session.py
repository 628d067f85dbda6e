"""Session files: the course example loads to the page's numbers, saving and loading is
exact, every malformed file gives a SessionError naming the field, saving is atomic."""

from __future__ import annotations

import copy
import inspect
import itertools
import json
import math
import os
import re
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mlpviz.engine.session as session_module
from mlpviz.engine.backprop import Regularization
from mlpviz.engine.csvdata import load_csv
from mlpviz.engine.datasets import DATASET_NAMES, Dataset, make_dataset
from mlpviz.engine.network import Network, initialise
from mlpviz.engine.optimizers import Optimizer, OptimizerConfig, OptimizerState
from mlpviz.engine.resources import resource
from mlpviz.engine.session import (
    MAX_PARAMETERS,
    MAX_SESSION_BYTES,
    InitConfig,
    Session,
    SessionError,
    default_session,
    dumps_session,
    load_session,
    loads_session,
    parse_session,
    save_session,
    session_to_dict,
)
from mlpviz.engine.trainer import History, Trainer, TrainingConfig

CSV_OPTIONS = ["target_columns", "has_header", "task", "standardize", "test_ratio", "seed"]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COURSE_DOC: dict[str, Any] = {
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


def course_doc() -> dict[str, Any]:
    return copy.deepcopy(COURSE_DOC)


def full_doc() -> dict[str, Any]:
    """A valid document using every section: the base for the mutation tests."""
    doc = course_doc()
    doc["name"] = "full"
    doc["description"] = "every section"
    doc["network"]["init"] = {"scheme": "uniform", "seed": 3, "scale": 0.5}
    doc["training"].update(optimizer="adam", l2=0.01, epochs=5, target_loss=0.01)
    doc["data"].update(
        x=[[0.5, 0.8], [0.1, -0.2]],
        y=[[0.0], [1.0]],
        x_test=[[0.3, 0.3]],
        y_test=[[1.0]],
        task="classification",
        feature_names=["x1", "x2"],
        target_names=["y"],
        class_names=["no", "yes"],
    )
    doc["initial_network"] = {
        "weights": [[[0.0, 0.1], [0.2, 0.3]], [[0.4, 0.5]]],
        "biases": [[0.6, 0.7], [0.8]],
    }
    moments = {
        "weights": [[[1e-3, 2e-3], [3e-3, 4e-3]], [[5e-3, 6e-3]]],
        "biases": [[0.0, 0.0], [0.0]],
    }
    doc["optimizer_state"] = {"t": 2, "m": moments, "v": copy.deepcopy(moments)}
    doc["history"] = {
        "epoch": [1, 2],
        "train_loss": [0.5, 0.4],
        "test_loss": [None, 0.45],
        "train_accuracy": [0.5, 1.0],
        "test_accuracy": [None, 1.0],
    }
    doc["sample"] = 1
    doc["view"] = {"zoom": 1.5, "panels": ["network", "loss"], "dock": {"left": True}}
    return doc


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Identical shape, dtype and bytes: exact to the last bit, -0.0 included."""
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def assert_identical(a: Session, b: Session) -> None:
    """Every field of two sessions equal, arrays bit for bit."""

    def networks(n: Network | None, m: Network | None) -> None:
        assert (n is None) == (m is None)
        if n is not None and m is not None:
            assert n.layer_sizes == m.layer_sizes and n.activations == m.activations
            assert all(same_bits(p, q) for p, q in zip(n.params(), m.params(), strict=True))

    networks(a.network, b.network)
    networks(a.initial_network, b.initial_network)
    assert a.training == b.training
    for key in ("x_train", "y_train", "x_test", "y_test"):
        assert same_bits(getattr(a.data, key), getattr(b.data, key)), key
    for key in ("name", "task", "feature_names", "target_names", "class_names"):
        assert getattr(a.data, key) == getattr(b.data, key), key
    assert a.data_source == b.data_source
    assert (a.name, a.description, a.init, a.sample) == (b.name, b.description, b.init, b.sample)
    assert json.dumps(a.view) == json.dumps(b.view)
    assert (a.optimizer_state is None) == (b.optimizer_state is None)
    if a.optimizer_state is not None and b.optimizer_state is not None:
        sa, sb = a.optimizer_state, b.optimizer_state
        assert sa.t == sb.t
        for key in ("velocity", "m", "v"):
            pa, pb = getattr(sa, key), getattr(sb, key)
            assert len(pa) == len(pb) and all(same_bits(p, q) for p, q in zip(pa, pb, strict=True))
    assert (a.history is None) == (b.history is None)
    if a.history is not None and b.history is not None:
        assert a.history.epoch == b.history.epoch
        for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
            np.testing.assert_array_equal(getattr(a.history, key), getattr(b.history, key))


# --- the course example -------------------------------------------------------------------


def test_course_example_file_holds_the_page_numbers() -> None:
    s = default_session()
    assert s.network.layer_sizes == [2, 2, 1]
    assert s.network.activations == ["sigmoid", "sigmoid"]
    np.testing.assert_array_equal(s.network.weights[0], [[0.2, 0.4], [0.6, 0.8]])
    np.testing.assert_array_equal(s.network.weights[1], [[0.3, 0.5]])
    np.testing.assert_array_equal(s.network.biases[0], [0.1, 0.2])
    np.testing.assert_array_equal(s.network.biases[1], [0.4])
    assert s.training.loss == "mse"
    assert s.training.optimizer.name == "sgd"
    assert s.training.optimizer.learning_rate == 0.7
    assert s.training.batch_size == 1
    np.testing.assert_array_equal(s.data.x_train, [[0.5, 0.8]])
    np.testing.assert_array_equal(s.data.y_train, [[0.0]])
    assert s.data.x_test.shape == (0, 2) and s.data.y_test.shape == (0, 1)
    assert s.sample == 0 and s.data_source == {"kind": "inline"}
    assert s.initial_network is None and s.optimizer_state is None and s.history is None


def test_course_example_weights_give_the_page_forward_pass() -> None:
    # Worked by hand from the page's definitions: z = W x + b^h, h = σ(z), u = V h + b^y.
    s = default_session()
    x1, x2 = s.data.x_train[0]
    (w11, w12), (w21, w22) = s.network.weights[0]
    bh1, bh2 = s.network.biases[0]
    ((v1, v2),) = s.network.weights[1]
    (by,) = s.network.biases[1]
    z1, z2 = w11 * x1 + w12 * x2 + bh1, w21 * x1 + w22 * x2 + bh2
    assert (z1, z2) == pytest.approx((0.52, 1.14), abs=1e-12)
    h1, h2 = 1 / (1 + math.exp(-z1)), 1 / (1 + math.exp(-z2))
    u = v1 * h1 + v2 * h2 + by
    y_hat = 1 / (1 + math.exp(-u))
    assert (h1, h2) == pytest.approx((0.62715, 0.75768), abs=5e-6)
    assert u == pytest.approx(0.96698, abs=5e-6)
    assert y_hat == pytest.approx(0.72452, abs=5e-6)
    assert (y_hat - 0.0) ** 2 == pytest.approx(0.524926, abs=5e-7)


@pytest.mark.parametrize("name", ["course_example.json", "xor.json", "two_hidden_layers.json"])
def test_shipped_examples_load_and_round_trip(name: str) -> None:
    s = loads_session(resource("examples", name).read_text(encoding="utf-8"))
    assert s.name and s.description
    assert_identical(s, loads_session(dumps_session(s)))


def test_xor_example_is_drawn_from_its_init() -> None:
    s = loads_session(resource("examples", "xor.json").read_text(encoding="utf-8"))
    assert s.init == InitConfig("xavier", 0, 1.0)
    assert s.network.equals(initialise([2, 4, 1], ["tanh", "sigmoid"], "xavier", 0))
    np.testing.assert_array_equal(s.data.x_train, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(s.data.y_train, [[0], [1], [1], [0]])


def test_deeper_example_shapes() -> None:
    s = loads_session(resource("examples", "two_hidden_layers.json").read_text(encoding="utf-8"))
    assert s.network.layer_sizes == [3, 5, 4, 2]
    assert [w.shape for w in s.network.weights] == [(5, 3), (4, 5), (2, 4)]
    assert s.data.x_train.shape == (18, 3) and s.data.x_test.shape == (6, 3)
    # One-hot targets: every row sums to one.
    np.testing.assert_array_equal(s.data.y_train.sum(axis=1), np.ones(18))


def test_the_format_document_examples_load() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "session-format.md").read_text("utf-8")
    blocks = re.findall(r"```json\n(.*?)```", doc, re.S)
    assert len(blocks) == 3
    s = loads_session(blocks[0])
    np.testing.assert_array_equal(s.network.weights[0], [[0.2, 0.4], [0.6, 0.8]])
    for block in blocks[1:]:
        base = json.loads(blocks[0])
        base["data"] = json.loads("{" + block + "}")["data"]
        assert parse_session(base).data_source["kind"] in ("dataset", "csv")


# --- defaults -----------------------------------------------------------------------------


def test_missing_optional_fields_take_the_documented_defaults() -> None:
    doc = course_doc()
    del doc["training"]
    s = parse_session(doc)
    t = s.training
    assert (t.loss, t.optimizer.name, t.optimizer.learning_rate, t.batch_size) == (
        "mse",
        "sgd",
        0.1,
        1,
    )
    assert (t.optimizer.momentum, t.optimizer.beta1, t.optimizer.beta2) == (0.9, 0.9, 0.999)
    assert t.optimizer.epsilon == 1e-8
    assert (t.regularization.l1, t.regularization.l2) == (0.0, 0.0)
    assert (t.epochs, t.shuffle, t.seed, t.target_loss) == (100, True, 0, None)
    assert (s.name, s.description, s.sample, s.view) == ("", "", 0, {})
    assert s.data.task == "regression"


def test_network_without_weights_is_drawn_by_its_init() -> None:
    doc = course_doc()
    doc["network"] = {"layer_sizes": [2, 3, 1], "activations": ["tanh", "sigmoid"]}
    s = parse_session(doc)
    assert s.init == InitConfig("xavier", 0, 1.0)
    # Xavier/Glorot: uniform in ±sqrt(6 / (n_in + n_out)); biases start at zero.
    for w, (n_in, n_out) in zip(s.network.weights, [(2, 3), (3, 1)], strict=True):
        assert w.shape == (n_out, n_in)
        assert np.all(np.abs(w) <= math.sqrt(6 / (n_in + n_out)))
    assert all(np.all(b == 0) for b in s.network.biases)
    assert s.network.equals(initialise([2, 3, 1], ["tanh", "sigmoid"], "xavier", 0, 1.0))
    doc["network"]["init"] = {"scheme": "uniform01", "seed": 5}
    s = parse_session(doc)
    assert s.init == InitConfig("uniform01", 5, 1.0)
    assert s.network.equals(initialise([2, 3, 1], ["tanh", "sigmoid"], "uniform01", 5))
    # Saving writes the drawn weights and the init they came from; loading gives both back.
    again = loads_session(dumps_session(s))
    assert again.network.equals(s.network) and again.init == s.init


def test_init_seed_null_draws_afresh() -> None:
    doc = course_doc()
    doc["network"] = {
        "layer_sizes": [2, 3, 1],
        "activations": ["tanh", "sigmoid"],
        "init": {"seed": None},
    }
    s = parse_session(doc)
    assert s.init == InitConfig("xavier", None, 1.0)
    assert not s.network.equals(parse_session(doc).network)


# --- exact round trips --------------------------------------------------------------------


def test_floats_round_trip_to_the_last_bit() -> None:
    hard = [
        0.1,
        1 / 3,
        5e-324,
        2.2250738585072014e-308,
        1.7976931348623157e308,
        -0.0,
        1e22,
        0.30000000000000004,
        -123456.789e-200,
    ]
    doc = course_doc()
    doc["data"] = {"x": [[a, b] for a, b in itertools.pairwise(hard)]}
    doc["data"]["y"] = [[v] for v in hard[: len(doc["data"]["x"])]]
    s = loads_session(dumps_session(parse_session(doc)))
    expected = np.array([[a, b] for a, b in itertools.pairwise(hard)])
    assert same_bits(s.data.x_train, expected)
    # -0.0 keeps its sign bit.
    assert struct.pack("<d", s.data.x_train[5, 0]) == struct.pack("<d", -0.0)


def test_everything_round_trips(tmp_path: Path) -> None:
    s = parse_session(full_doc())
    path = tmp_path / "s.json"
    save_session(path, s)
    again = load_session(path)
    assert_identical(s, again)
    assert again.optimizer_state is not None and again.optimizer_state.t == 2
    np.testing.assert_array_equal(again.optimizer_state.m[0], [[1e-3, 2e-3], [3e-3, 4e-3]])
    assert again.history is not None and math.isnan(again.history.test_loss[0])
    assert again.view == {"zoom": 1.5, "panels": ["network", "loss"], "dock": {"left": True}}
    assert again.initial_network is not None
    np.testing.assert_array_equal(again.initial_network.biases[1], [0.8])


def test_csv_source_keeps_its_rows_and_options(tmp_path: Path) -> None:
    doc = course_doc()
    doc["data"] = {
        "csv": {"path": str(tmp_path / "gone.csv"), "target_columns": ["y"], "has_header": None},
        "x": [[1.5, 2.5], [3.5, 4.5]],
        "y": [[1.0], [0.0]],
    }
    s = parse_session(doc)  # the CSV file does not exist: the copied rows are enough
    assert s.data_source == {
        "kind": "csv",
        "path": str(tmp_path / "gone.csv"),
        "target_columns": ["y"],
        "has_header": None,
    }
    np.testing.assert_array_equal(s.data.x_train, [[1.5, 2.5], [3.5, 4.5]])
    written = session_to_dict(s)["data"]
    assert isinstance(written, dict)
    assert written["csv"] == doc["data"]["csv"] and written["x"] == doc["data"]["x"]
    assert_identical(s, loads_session(dumps_session(s)))


def test_csv_options_are_the_csv_loaders_keyword_arguments() -> None:
    # A session keeps how its CSV rows were read so the file can be read again the same way;
    # if load_csv grows an option, sessions must learn to keep it.
    parameters = set(inspect.signature(load_csv).parameters)
    assert parameters - {"source", "progress", "max_bytes"} == set(CSV_OPTIONS)
    doc = course_doc()
    doc["data"] = {"csv": {"path": "a.csv", "delimiter": ";"}, "x": [[0.0, 0.0]], "y": [[0.0]]}
    with pytest.raises(SessionError, match=r"data\.csv: unknown key 'delimiter' \(known: path"):
        parse_session(doc)


def test_optimizer_state_and_history_resume_training_exactly(tmp_path: Path) -> None:
    """Training 3 epochs, saving, loading and training 3 more ends where 6 in a row end."""
    net = initialise([2, 3, 1], ["tanh", "sigmoid"], "xavier", seed=2)
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    data = Dataset("xor", x, y, x[:0], y[:0], task="classification")
    for name in ("momentum", "adam"):
        cfg = TrainingConfig(
            loss="bce", optimizer=OptimizerConfig(name, 0.05), batch_size=0, shuffle=False
        )
        straight = Trainer(net, data, cfg)
        list(straight.run(6))
        first = Trainer(net, data, cfg)
        list(first.run(3))
        s = Session(
            first.net,
            cfg,
            data,
            initial_network=net,
            optimizer_state=first.optimizer.state,
            history=first.history,
        )
        save_session(tmp_path / f"{name}.json", s)
        loaded = load_session(tmp_path / f"{name}.json")
        assert loaded.optimizer_state is not None
        resumed = Trainer(
            loaded.network,
            loaded.data,
            loaded.training,
            Optimizer(loaded.training.optimizer, loaded.optimizer_state),
            loaded.history,
        )
        list(resumed.run(3))
        assert resumed.net.equals(straight.net)
        assert resumed.history.train_loss == straight.history.train_loss


def test_named_dataset_is_regenerated_and_saved_as_its_description() -> None:
    doc = course_doc()
    doc["data"] = {"dataset": "xor", "n_samples": 200, "noise": 0.1, "test_ratio": 0.2, "seed": 0}
    s = parse_session(doc)
    assert "xor" in DATASET_NAMES
    expected = make_dataset("xor", n_samples=200, noise=0.1, test_ratio=0.2, seed=0)
    assert s.data.x_train.shape == (160, 2) and s.data.x_test.shape == (40, 2)
    assert same_bits(s.data.x_train, expected.x_train)
    assert same_bits(s.data.y_test, expected.y_test)
    assert s.data_source == {
        "kind": "dataset",
        "name": "xor",
        "n_samples": 200,
        "noise": 0.1,
        "test_ratio": 0.2,
        "seed": 0,
        "standardize": False,
    }
    written = session_to_dict(s)["data"]
    assert written == {
        "dataset": "xor",
        "n_samples": 200,
        "noise": 0.1,
        "test_ratio": 0.2,
        "seed": 0,
        "standardize": False,
    }
    assert_identical(s, loads_session(dumps_session(s)))


def test_named_dataset_errors() -> None:
    doc = course_doc()
    doc["data"] = {"dataset": "iris"}
    with pytest.raises(SessionError, match=r"data\.dataset: 'iris' has 4 inputs and 3 outputs"):
        parse_session(doc)
    doc["data"] = {"dataset": "xr"}
    known = r"data\.dataset: unknown dataset 'xr' \(known: course, xor"
    with pytest.raises(SessionError, match=known):
        parse_session(doc)
    doc["data"] = {"dataset": "xor", "x": [[0.0, 0.0]]}
    with pytest.raises(SessionError, match=r"data: unknown key 'x'"):
        parse_session(doc)
    doc["data"] = {"dataset": "xor", "n_samples": 1}
    with pytest.raises(SessionError, match=r"^data\.n_samples: must be ≥ 2, got 1$"):
        parse_session(doc)


def test_dumps_keeps_each_weight_row_on_one_line() -> None:
    s = parse_session(
        {
            **course_doc(),
            "network": {
                "layer_sizes": [3, 7, 2],
                "activations": ["relu", "linear"],
                "init": {"scheme": "he", "seed": 1},
            },
            "data": {"x": [[0.1, 0.2, 0.3]], "y": [[0.0, 1.0]]},
        }
    )
    lines = dumps_session(s).splitlines()
    for w in s.network.weights:
        for row in w.tolist():
            assert any(json.dumps(row) in line for line in lines), row
    assert json.loads("\n".join(lines)) == session_to_dict(s)


# --- property tests -----------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
names = st.text(max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | finite | names,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    hidden = st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
    acts = [draw(hidden) for _ in sizes[2:]]
    acts.append(draw(st.sampled_from(["sigmoid", "tanh", "linear", "softmax"])))

    def parameters() -> tuple[list[np.ndarray], list[np.ndarray]]:
        ws = [
            draw(arrays(np.float64, (m, n), elements=finite)) for n, m in itertools.pairwise(sizes)
        ]
        bs = [draw(arrays(np.float64, (m,), elements=finite)) for m in sizes[1:]]
        return ws, bs

    net = Network(sizes, acts, *parameters())
    initial = Network(sizes, acts, *parameters()) if draw(st.booleans()) else None
    n_in, n_out = sizes[0], sizes[-1]
    n_train, n_test = draw(st.integers(1, 4)), draw(st.integers(0, 3))
    rows = lambda n, w: draw(arrays(np.float64, (n, w), elements=finite))  # noqa: E731
    classes = (
        [] if not draw(st.booleans()) else [f"c{i}" for i in range(2 if n_out == 1 else n_out)]
    )
    data = Dataset(
        draw(names),
        rows(n_train, n_in),
        rows(n_train, n_out),
        rows(n_test, n_in),
        rows(n_test, n_out),
        draw(st.sampled_from(["classification", "regression"])),
        draw(st.sampled_from([[], [f"x{i}" for i in range(n_in)]])),
        draw(st.sampled_from([[], [f"y{i}" for i in range(n_out)]])),
        classes,
    )
    source: dict[str, object] = {"kind": "inline"}
    if draw(st.booleans()):
        source = {
            "kind": "csv",
            "path": draw(names),
            **draw(st.dictionaries(st.sampled_from(CSV_OPTIONS), json_values, max_size=2)),
        }
    unit = st.floats(0.0, 1.0, exclude_max=True)
    positive = st.floats(0.0, exclude_min=True, allow_infinity=False)
    training = TrainingConfig(
        loss=draw(st.sampled_from(["mse", "half_sse", "bce", "cross_entropy"])),
        optimizer=OptimizerConfig(
            draw(st.sampled_from(["sgd", "momentum", "adam"])),
            draw(positive),
            draw(unit),
            draw(unit),
            draw(unit),
            draw(positive),
        ),
        batch_size=draw(st.integers(0, 10**6)),
        shuffle=draw(st.booleans()),
        seed=draw(st.integers(0, 2**64)),
        regularization=Regularization(
            draw(st.floats(0.0, allow_infinity=False)), draw(st.floats(0.0, allow_infinity=False))
        ),
        epochs=draw(st.integers(0, 10**6)),
        target_loss=draw(st.none() | finite),
    )
    state = None
    if draw(st.booleans()):
        params = lambda: [p for pair in zip(*parameters(), strict=True) for p in pair]  # noqa: E731
        moments = [params(), params()] if draw(st.booleans()) else [[], []]
        velocity = params() if draw(st.booleans()) else []
        state = OptimizerState(draw(st.integers(0, 10**9)), velocity, *moments)
    history = None
    if draw(st.booleans()):
        n = draw(st.integers(0, 4))
        column = lambda: draw(st.lists(finite | st.just(math.nan), min_size=n, max_size=n))  # noqa: E731
        history = History(list(range(1, n + 1)), column(), column(), column(), column())
    init = None
    if draw(st.booleans()):
        init = InitConfig(
            draw(st.sampled_from(["uniform01", "uniform", "xavier", "he"])),
            draw(st.none() | st.integers(0, 2**40)),
            draw(positive),
        )
    return Session(
        net,
        training,
        data,
        source,
        draw(st.text()),
        draw(st.text()),
        initial,
        init,
        state,
        history,
        draw(st.integers(0, n_train - 1)),
        draw(st.dictionaries(names, json_values, max_size=3)),
    )


@FAST
@given(sessions())
def test_random_sessions_round_trip_exactly(s: Session) -> None:
    assert_identical(s, loads_session(dumps_session(s)))


def _locations(obj: object, here: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every place in a JSON document: key paths into objects and indices into lists."""
    out = [here]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _locations(v, (*here, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _locations(v, (*here, i))
    return out


FULL_DOC_LOCATIONS = _locations(full_doc())[1:]
garbage = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**400, max_value=10**401),
    st.floats(),
    st.just(math.nan),
    st.just(math.inf),
    st.text(max_size=6),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just([[[[]]]]),
    st.just({"format": "mlpviz-session"}),
    st.just(object()),
)


@st.composite
def mutated_docs(draw: st.DrawFn) -> object:
    doc: Any = full_doc()
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(FULL_DOC_LOCATIONS))
        parent = doc
        try:
            for step in where[:-1]:
                parent = parent[step]
            key = where[-1]
            what = draw(st.sampled_from(["delete", "replace", "wrap", "extra"]))
            if what == "delete":
                del parent[key]
            elif what == "replace":
                parent[key] = draw(garbage)
            elif what == "wrap":
                parent[key] = [parent[key]]
            elif isinstance(parent, dict):
                parent[draw(st.text(max_size=4))] = draw(garbage)
            else:
                parent.append(draw(garbage))
        except (KeyError, IndexError, TypeError, AttributeError):
            pass  # an earlier mutation removed or replaced this place
    return doc


@FAST
@given(mutated_docs())
def test_mutated_sessions_give_session_error_or_a_valid_session(doc: object) -> None:
    try:
        parse_session(doc)
    except SessionError:
        pass
    try:
        text = json.dumps(doc)
    except (TypeError, ValueError):
        return  # bytes, object() or a huge integer: not expressible as JSON text
    try:
        loads_session(text)
    except SessionError:
        pass


@FAST
@given(
    st.sampled_from(FULL_DOC_LOCATIONS),
    garbage.filter(lambda g: g is not None and not isinstance(g, str)),
)
def test_a_different_kind_of_value_anywhere_is_refused(
    where: tuple[object, ...], junk: object
) -> None:
    # Any field (outside the free-form view) given a value of another JSON kind than the
    # valid one it replaces is refused; null and strings are left out because some fields
    # take them.
    doc: Any = full_doc()
    parent = doc
    for step in where[:-1]:
        parent = parent[step]
    old = parent[where[-1]]
    if (len(where) > 1 and where[0] == "view") or old is None or type(old) is type(junk):
        return
    if isinstance(old, float) and type(junk) is int and abs(junk) < 2**1023:
        return  # an integer where a number goes is fine, unless it overflows a float
    parent[where[-1]] = junk
    with pytest.raises(SessionError):
        parse_session(doc)


@FAST
@given(st.text(max_size=40) | st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
def test_random_text_is_refused(text: str) -> None:
    with pytest.raises(SessionError):
        loads_session(text)


@FAST
@given(st.data())
def test_edited_text_gives_session_error_or_a_valid_session(data: st.DataObject) -> None:
    text = dumps_session(parse_session(full_doc()))
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 3))
        text = text[:i] + data.draw(st.text(max_size=3)) + text[i + cut :]
    try:
        loads_session(text)
    except SessionError:
        pass


@FAST
@given(st.binary(min_size=1, max_size=64))
def test_random_bytes_files_are_refused(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "s.json"
    path.write_bytes(raw)
    with pytest.raises(SessionError):
        load_session(path)


# --- error messages -----------------------------------------------------------------------


def _set(doc: dict[str, Any], where: str, value: object) -> None:
    *parents, last = where.split(".")
    for p in parents:
        doc = doc[p]
    if value is _DELETE:
        del doc[last]
    else:
        doc[last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (
            "network.weights",
            [[[0.2, 0.4], [0.6, 0.8, 0.9]], [[0.3, 0.5]]],
            "network.weights[0][1]: expected 2 numbers, got 3",
        ),
        (
            "network.weights",
            [[[0.2, 0.4]], [[0.3, 0.5]]],
            "network.weights[0]: expected 2 rows, got 1",
        ),
        (
            "network.weights",
            [[[0.2, 0.4], [0.6, 0.8]]],
            "network.weights: expected 2 weight matrices, got 1",
        ),
        (
            "network.weights",
            [[[0.2, True], [0.6, 0.8]], [[0.3, 0.5]]],
            "network.weights[0][0][1]: expected a number, got true",
        ),
        (
            "network.weights",
            [[[0.2, "0.4"], [0.6, 0.8]], [[0.3, 0.5]]],
            "network.weights[0][0][1]: expected a number, got a string",
        ),
        ("network.biases", [[0.1, 0.2], [math.nan]], "network.biases[1][0]: NaN is not allowed"),
        ("network.biases", _DELETE, "network: missing 'biases'"),
        ("network.wieghts", 1, "network: unknown key 'wieghts' (known: layer_sizes, activations"),
        (
            "network.layer_sizes",
            [2],
            "network.layer_sizes: needs at least an input and an output layer",
        ),
        ("network.layer_sizes", [2, 0, 1], "network.layer_sizes[1]: must be ≥ 1, got 0"),
        (
            "network.layer_sizes",
            [2, 2.0, 1],
            "network.layer_sizes[1]: expected an integer, got a number",
        ),
        ("network.layer_sizes", [10**4, 10**4, 1], f"more than the {MAX_PARAMETERS}"),
        (
            "network.activations",
            ["sigmoid", "sigmod"],
            "network.activations[1]: unknown activation 'sigmod' (known: sigmoid, tanh",
        ),
        (
            "network.activations",
            ["softmax", "sigmoid"],
            "network.activations[0]: softmax is only allowed on the output layer",
        ),
        ("network.activations", ["sigmoid"], "network.activations: expected 2 activations"),
        (
            "training.loss",
            "mae",
            "training.loss: unknown loss 'mae' (known: mse, half_sse, bce, cross_entropy)",
        ),
        (
            "training.optimizer",
            "rmsprop",
            "training.optimizer: unknown optimizer 'rmsprop' (known: sgd, momentum, adam)",
        ),
        ("training.learning_rate", True, "training.learning_rate: expected a number, got true"),
        ("training.learning_rate", 0, "training.learning_rate: must be > 0, got 0.0"),
        ("training.momentum", 1.0, "training.momentum: must be in [0, 1), got 1.0"),
        ("training.batch_size", -1, "training.batch_size: must be ≥ 0, got -1"),
        ("training.epochs", 1.5, "training.epochs: expected an integer, got a number"),
        ("training.shuffle", 1, "training.shuffle: expected true or false, got a number"),
        ("training.seed", -3, "training.seed: must be ≥ 0, got -3"),
        ("training.lr", 0.1, "training: unknown key 'lr'"),
        (
            "data.x",
            [[0.5, 0.8, 0.1]],
            "data.x[0]: expected 2 numbers (the network has 2 inputs), got 3",
        ),
        ("data.y", [[0.0], [1.0]], "data.y: expected 1 row, got 2"),
        ("data.y", [[0.0, 1.0]], "data.y[0]: expected 1 number (the network has 1 output), got 2"),
        ("data.x", [], "data.x: needs at least one sample"),
        ("data.x", _DELETE, "data: missing 'x'"),
        ("data.task", "clustering", "data.task: unknown task 'clustering'"),
        ("data.feature_names", ["a"], "data.feature_names: expected 2 names, got 1"),
        ("data.class_names", ["a"], "data.class_names: expected 2 names, got 1"),
        ("data.x_test", [[1.0, 2.0]], "data.y_test: expected 1 row, got 0"),
        ("data.csv", {"target_columns": [0]}, "data.csv: missing 'path'"),
        ("data", [1], "data: expected an object, got a list"),
        ("sample", 1, "sample: 1 is out of range (the training data has 1 sample,"),
        ("sample", -1, "sample: must be ≥ 0, got -1"),
        ("view", {"zoom": math.nan}, "view.zoom: NaN is not allowed"),
        ("view", {"items": [1, math.inf]}, "view.items[1]: Infinity is not allowed"),
        ("view", [], "view: expected an object, got a list"),
        ("name", 3, "name: expected a string, got a number"),
        ("name", "\ud800", "name: the text is not valid Unicode"),
        ("extra", 1, "session: unknown key 'extra'"),
        ("format", "mlpviz-sesion", "format: expected 'mlpviz-session', got 'mlpviz-sesion'"),
        ("format", _DELETE, "format: expected 'mlpviz-session', got missing"),
        ("version", 2, "version: the file has version 2, written by a newer mlpviz"),
        ("version", 0, "version: must be ≥ 1, got 0"),
        ("version", "1", "version: expected an integer, got a string"),
        ("version", _DELETE, "session: missing 'version'"),
        ("network", _DELETE, "session: missing 'network'"),
        (
            "initial_network",
            {"weights": [[[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0]]]},
            "initial_network: missing 'biases'",
        ),
        (
            "optimizer_state",
            {
                "t": 1,
                "m": {
                    "weights": [[[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0]]],
                    "biases": [[0.0, 0.0], [0.0]],
                },
            },
            "optimizer_state: Adam's moments m and v go together",
        ),
        (
            "optimizer_state",
            {
                "t": 1,
                "velocity": {
                    "weights": [[[0.0, 0.0]], [[0.0, 0.0]]],
                    "biases": [[0.0, 0.0], [0.0]],
                },
            },
            "optimizer_state.velocity.weights[0]: expected 2 rows, got 1",
        ),
        (
            "history",
            {
                "epoch": [1],
                "train_loss": [],
                "test_loss": [],
                "train_accuracy": [],
                "test_accuracy": [],
            },
            "history.train_loss: expected 1 value (one per epoch), got 0",
        ),
        ("history", {"epoch": [1]}, "history: missing 'train_loss'"),
    ],
)
def test_errors_name_the_field(where: str, value: object, message: str) -> None:
    doc = course_doc()
    _set(doc, where, value)
    with pytest.raises(SessionError) as info:
        parse_session(doc)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "format: expected 'mlpviz-session', got missing: not an mlpviz session"),
        ("", "not JSON: Expecting value at line 1, column 1"),
        ('{"a": "b', "not JSON: Unterminated string starting at line 1, column 7"),
        ("{,}", "not JSON"),
        ("[]", "not a session: expected a JSON object, got a list"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        ("1" * 5000, "not JSON"),
        ('{"format": "mlpviz-session", "format": "x"}', "has the key 'format' twice"),
    ],
)
def test_text_that_is_not_a_session(text: str, message: str) -> None:
    with pytest.raises(SessionError) as info:
        loads_session(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("NaN", "data.x[0][1]: NaN is not allowed"),
        ("Infinity", "data.x[0][1]: Infinity is not allowed"),
        ("-Infinity", "data.x[0][1]: -Infinity is not allowed"),
        ("1e999", "data.x[0][1]: 1e999 is too large for a number (it overflows to infinity)"),
        ("1" * 400, "data.x[0][1]: the integer is too large for a number"),
    ],
)
def test_non_finite_literals_name_their_field(literal: str, message: str) -> None:
    text = json.dumps(course_doc()).replace('"x": [[0.5, 0.8]]', f'"x": [[0.5, {literal}]]')
    with pytest.raises(SessionError) as info:
        loads_session(text)
    assert str(info.value) == message


def test_deeply_nested_python_object_is_refused() -> None:
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    doc = course_doc()
    doc["view"] = {"deep": deep}
    with pytest.raises(SessionError, match="nested too deeply"):
        parse_session(doc)


def test_dumps_refuses_a_session_it_could_not_read_back() -> None:
    s = parse_session(course_doc())
    s.network.weights[0][1, 0] = math.nan
    with pytest.raises(SessionError, match=r"network\.weights\[0\]\[1\]\[0\]: NaN is not allowed"):
        dumps_session(s)
    s = parse_session(course_doc())
    s.view = {"when": object()}
    with pytest.raises(SessionError, match=r"view\.when: object is not a JSON value"):
        dumps_session(s)


# --- files: size limit, encoding, atomic save ---------------------------------------------


def test_utf8_with_bom_and_unicode_text_load(tmp_path: Path) -> None:
    doc = course_doc()
    doc["name"] = "Übung: δ and η"
    path = tmp_path / "s.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    assert load_session(path).name == "Übung: δ and η"


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(json.dumps(course_doc()).replace("mse", "m\xe9se").encode("latin-1"))
    with pytest.raises(SessionError, match=r"not UTF-8 text: byte \d+"):
        load_session(path)


def test_oversize_file_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_SESSION_BYTES + 1)  # sparse: no disk space used

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(session_module, "open", no_open, raising=False)
    with pytest.raises(SessionError, match=f"{MAX_SESSION_BYTES + 1} bytes, more than"):
        load_session(path)


def test_size_limit_is_exclusive_of_the_limit_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = json.dumps(course_doc())
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", len(text))
    assert load_session(path).network.layer_sizes == [2, 2, 1]
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", len(text) - 1)
    with pytest.raises(SessionError, match="more than"):
        load_session(path)


def _saved_pair(tmp_path: Path) -> tuple[Path, bytes, Session]:
    path = tmp_path / "s.json"
    save_session(path, parse_session(course_doc()))
    changed = parse_session(course_doc())
    changed.name = "changed"
    return path, path.read_bytes(), changed


@pytest.mark.parametrize("failing", ["replace", "fsync", "chmod"])
def test_failed_save_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path, before, changed = _saved_pair(tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_module.os, failing, fail)
    with pytest.raises(OSError, match=f"cannot save {path}: No space left on device"):
        save_session(path, changed)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["s.json"]


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, before, changed = _saved_pair(tmp_path)
    real_fdopen = os.fdopen

    class BrokenFile:
        def __init__(self, f: Any) -> None:
            self.f = f

        def __enter__(self) -> BrokenFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()

        def write(self, data: bytes) -> None:
            self.f.write(data[: len(data) // 2])
            raise KeyboardInterrupt  # even an interrupt mid-write cleans up

    monkeypatch.setattr(
        session_module.os, "fdopen", lambda fd, mode: BrokenFile(real_fdopen(fd, mode))
    )
    with pytest.raises(KeyboardInterrupt):
        save_session(path, changed)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["s.json"]


def test_invalid_session_is_refused_before_the_disk_is_touched(tmp_path: Path) -> None:
    path, before, changed = _saved_pair(tmp_path)
    changed.sample = 5
    with pytest.raises(SessionError, match="sample: 5 is out of range"):
        save_session(path, changed)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["s.json"]


def test_save_into_an_unwritable_folder_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores folder permissions, so the refusal is simulated where the OS would give it.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(session_module.tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError) as info:
        save_session(tmp_path / "s.json", parse_session(course_doc()))
    assert str(info.value) == (
        f"[Errno 13] cannot save {tmp_path / 's.json'}: cannot write in {tmp_path}: "
        "Permission denied"
    )


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_save_into_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match=r"cannot save .*: cannot write in"):
            save_session(folder / "s.json", parse_session(course_doc()))
    finally:
        folder.chmod(0o755)


def test_save_keeps_the_file_mode_and_follows_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    save_session(real, parse_session(course_doc()))
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    changed = parse_session(course_doc())
    changed.name = "through the link"
    save_session(link, changed)
    assert link.is_symlink()
    assert load_session(real).name == "through the link"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


def test_load_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_session(tmp_path / "nope.json")
