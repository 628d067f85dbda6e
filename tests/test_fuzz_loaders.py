"""Bad input never crashes: generated malformed sessions, CSVs and weights files thrown at the
loaders and at the window's Open action. A loader either returns a value or raises its own
error (SessionError, CsvError, WeightsError) naming the problem; the window stays alive and
keeps the session it had."""

from __future__ import annotations

import base64
import copy
import io
import json
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QCoreApplication, QSettings
from pytestqt.qtbot import QtBot

from mlpviz.engine.csvdata import CsvError, load_csv
from mlpviz.engine.network import course_example
from mlpviz.engine.optimizers import OptimizerConfig, OptimizerState
from mlpviz.engine.session import (
    Session,
    SessionError,
    default_session,
    load_session,
    loads_session,
    save_session,
    session_to_dict,
)
from mlpviz.engine.trainer import History
from mlpviz.engine.weights_io import WeightsError, load_weights, weights_to_json, weights_to_npz

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GUI_FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def rich_session() -> Session:
    """The course example with every optional part filled in (momentum state, history,
    initial network, a view), so mutations reach every branch of the reader."""
    s = default_session()
    start = course_example()
    moved = start.with_params([w - 0.01 for w in start.weights], [b + 0.02 for b in start.biases])
    s.training = type(s.training)(optimizer=OptimizerConfig("momentum", 0.7, 0.9))
    s.network, s.initial_network = moved, start
    s.optimizer_state = OptimizerState(3, [0.5 * p for p in moved.params()])
    s.history = History([1, 2], [0.5, 0.25], [math.nan, 0.3], [0.5, 1.0], [math.nan, 1.0])
    s.view = {
        "phase": "Backward 1",
        "selection": {"kind": "weight", "layer": 1, "index": 0, "source": 1},
        "precision": 5,
        "gradcheck": True,
        "docks": {
            "formula": {"visible": True, "area": "right", "width": 480, "height": 700},
            "loss": {"visible": False, "area": "bottom", "width": 300, "height": 200},
        },
    }
    return s


VALID_DOC: dict[str, Any] = session_to_dict(rich_session())

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**400), 10**400)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["sigmoid", "softmax", "xor", "mse", "adam", "Update", "Backward 1"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=25,
)


def paths_in(value: object, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if len(prefix) > 12:  # not into the deep lists planted by "deep"
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths_in(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths_in(v, (*prefix, i))


def deep(depth: int) -> object:
    value: object = 0
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def mutated_session_text(draw: st.DrawFn) -> str:
    """A valid rich session with one to three of its values replaced, removed or joined by
    a stranger, then maybe cut short or with a few characters changed."""
    doc = copy.deepcopy(VALID_DOC)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in paths_in(doc) if p]
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "stranger", "nan", "huge", "deep"]))
        if action == "replace":
            parent[key] = draw(json_values)
        elif action == "delete":
            del parent[key]
        elif action == "stranger" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(json_values)
        elif action == "nan":
            parent[key] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
        elif action == "huge":
            parent[key] = draw(st.sampled_from([1e308, -1e308, 10**40, 2**63, 10**6, -1]))
        else:
            parent[key] = deep(draw(st.sampled_from([50, 5000])))
    try:
        text = json.dumps(doc)
    except RecursionError:
        text = "[" * 5000 + "]" * 5000
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.sampled_from(list('{}[]",:0e-.\\ntx\x00\ud800'))) + text[i:]
    return text


view_values = json_values | st.binary(max_size=64).map(
    lambda b: base64.b64encode(b).decode("ascii")
)


@st.composite
def session_with_strange_view(draw: st.DrawFn) -> str:
    """A valid session whose free-form view holds anything at its known keys: it must
    open, and the window must take what it understands and skip the rest."""
    doc = copy.deepcopy(VALID_DOC)
    keys = ["phase", "selection", "precision", "gradcheck", "docks", "other"]
    doc["view"] = draw(st.dictionaries(st.sampled_from(keys), view_values, max_size=6))
    if draw(st.booleans()):
        dock = st.fixed_dictionaries(
            {},
            optional={
                "visible": view_values,
                "area": st.sampled_from(["left", "right", "top", "bottom", "middle"]) | view_values,
                "width": st.integers(-5, 20_000) | view_values,
                "height": st.integers(-5, 20_000) | view_values,
            },
        )
        names = st.sampled_from(["formula", "samples", "activation", "loss", "nope"])
        doc["view"]["docks"] = draw(st.dictionaries(names, dock | view_values, max_size=5))
    return json.dumps(doc)


def loads_or_session_error(text: str) -> Session | None:
    try:
        return loads_session(text)
    except SessionError as e:
        assert str(e)  # a message naming the problem
        return None


# --- sessions ----------------------------------------------------------------------------


def test_the_rich_session_itself_is_valid() -> None:
    s = loads_session(json.dumps(VALID_DOC))
    assert s.optimizer_state is not None and s.optimizer_state.t == 3
    assert s.view["phase"] == "Backward 1"


@FUZZ
@given(mutated_session_text())
def test_mutated_sessions_load_or_say_why(text: str) -> None:
    loads_or_session_error(text)


@FUZZ
@given(json_values)
def test_any_json_value_is_a_session_or_a_session_error(value: object) -> None:
    loads_or_session_error(json.dumps(value))


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_in_a_file_are_a_session_or_a_session_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.json"
        path.write_bytes(data)
        try:
            load_session(path)
        except SessionError:
            pass


# --- CSV ---------------------------------------------------------------------------------

csv_text = st.text(
    alphabet=st.sampled_from(list("0123456789.,;\t\n\r\"' -+eEaxyNnIf")) | st.characters(),
    max_size=200,
) | st.lists(
    st.lists(
        st.sampled_from(["1", "0.5", "-2e3", "", "nan", "inf", "a", "b", '"x,y"', "1e999", "x"]),
        min_size=1,
        max_size=4,
    ).map(",".join),
    max_size=8,
).map("\n".join)


@FUZZ
@given(
    text=csv_text,
    target=st.sampled_from([None, 0, -1, 1, 7, "y", "x", [0, 1]]),
    has_header=st.sampled_from([None, True, False]),
    task=st.sampled_from([None, "classification", "regression"]),
    standardize=st.booleans(),
    test_ratio=st.sampled_from([0.0, 0.5]),
)
def test_any_csv_is_a_dataset_or_a_csv_error(
    text: str,
    target: object,
    has_header: bool | None,
    task: str | None,
    standardize: bool,
    test_ratio: float,
) -> None:
    try:
        data = load_csv(
            io.StringIO(text),
            target_columns=target,  # type: ignore[arg-type]
            has_header=has_header,
            task=task,
            standardize=standardize,
            test_ratio=test_ratio,
        )
    except CsvError as e:
        assert str(e)
        return
    assert np.isfinite(data.x_train).all() and np.isfinite(data.y_train).all()
    assert len(data.x_train) + len(data.x_test) >= 1


# --- weights -------------------------------------------------------------------------------

VALID_WEIGHTS_JSON = json.loads(weights_to_json(course_example()))
VALID_NPZ = weights_to_npz(course_example())


@st.composite
def weights_file(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "json", "npz"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "json":
        doc = copy.deepcopy(VALID_WEIGHTS_JSON)
        paths = [p for p in paths_in(doc) if p]
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = draw(json_values)
        return json.dumps(doc).encode("utf-8")
    data = bytearray(VALID_NPZ)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@FUZZ
@given(weights_file())
def test_any_weights_file_fits_or_is_a_weights_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.bin"
        path.write_bytes(data)
        try:
            net = load_weights(path, course_example())
        except WeightsError as e:
            assert str(e)
            return
    assert net.layer_sizes == [2, 2, 1]
    assert all(np.isfinite(p).all() for p in net.params())


# --- the Open action ------------------------------------------------------------------------


@pytest.fixture
def own_settings(tmp_path: Path, qapp: object) -> None:
    """A fresh settings store, never the user's (as tests/gui/conftest.py does)."""
    QCoreApplication.setOrganizationName("mlpviz-tests")
    QCoreApplication.setApplicationName("mlpviz-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def test_the_open_action_survives_any_file(
    qtbot: QtBot, tmp_path: Path, own_settings: None
) -> None:
    from mlpviz.gui.file_actions import Dialogs
    from mlpviz.gui.main_window import MainWindow
    from mlpviz.gui.session_model import SessionModel

    class Quiet(Dialogs):
        def __init__(self) -> None:
            self.warnings: list[str] = []

        def warn(self, parent: object, title: str, message: str) -> None:
            self.warnings.append(message)

    window = MainWindow(SessionModel(default_session()))
    qtbot.addWidget(window)
    window.show()
    files, m = window.file_actions, window.model
    baseline = tmp_path / "baseline.json"
    save_session(baseline, default_session())
    outcomes = []

    @GUI_FUZZ
    @given(text=mutated_session_text() | session_with_strange_view())
    def attempt(text: str) -> None:
        dialogs = Quiet()
        files.dialogs = dialogs
        assert files.open_path(str(baseline), ask=False)
        m.set_weight(0, 1, 1, 0.125)  # unsaved work that a failed Open must keep
        m.go_to(m.phases[2])
        before = files.snapshot()
        path = tmp_path / "fuzzed.json"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        opened = files.open_path(str(path), ask=False)
        outcomes.append(opened)
        assert window.isVisible()
        if opened:
            assert not dialogs.warnings
        else:
            assert len(dialogs.warnings) == 1
            assert "Could not open fuzzed.json" in dialogs.warnings[0]
            assert m.network.equals(before.network) and m.phase == m.phases[2]
            assert m.stepper.initial_network.equals(before.initial_network or before.network)
            assert files.path == str(baseline) and window.isWindowModified()
        m.step()  # still usable
        m.back()

    attempt()
    assert False in outcomes  # the fuzzing reached both outcomes
    assert True in outcomes
