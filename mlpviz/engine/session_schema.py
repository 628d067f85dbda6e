"""What a session holds and what a valid session file is: the :class:`Session` and
its parts, and reading a decoded JSON document field by field.

Every check names the field's path and the problem, e.g.
``network.weights[0][1]: expected 2 numbers, got 3``, and raises :class:`SessionError`;
unknown keys inside known objects are refused so a typo never goes unnoticed. Reading and
writing files is :mod:`mlpviz.engine.session`, the public module.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from mlpviz.engine.activations import ACTIVATIONS
from mlpviz.engine.backprop import Regularization
from mlpviz.engine.datasets import DATASET_NAMES, TASKS, Dataset, make_dataset
from mlpviz.engine.losses import LOSSES
from mlpviz.engine.network import INIT_SCHEMES, Network, initialise, interleave
from mlpviz.engine.optimizers import OPTIMIZERS, OptimizerConfig, OptimizerState
from mlpviz.engine.trainer import History, TrainingConfig
from mlpviz.engine.types import Array

FORMAT = "mlpviz-session"
"""The value of every session file's "format" field."""

VERSION = 1
"""The format version mlpviz writes and the newest it reads."""

MAX_PARAMETERS = 10_000_000
"""A network with more weights and biases is refused: it would not fit the diagrams anyway,
and a typo in layer_sizes must not make the loader allocate gigabytes."""

MAX_GENERATED_SAMPLES = 1_000_000
"""The largest ``n_samples`` a named built-in dataset may be asked for."""


class SessionError(ValueError):
    """A session that cannot be read or written; the message names the field and the problem."""


@dataclass(frozen=True)
class InitConfig:
    """How the network's weights were drawn (:func:`mlpviz.engine.network.initialise`);
    ``seed`` None means a fresh random draw each time."""

    scheme: str = "xavier"
    seed: int | None = 0
    scale: float = 1.0


@dataclass
class Session:
    """Everything a session file holds.

    ``data_source`` says how the data is described, so saving writes it back the same way:
    ``{"kind": "inline"}``; ``{"kind": "dataset", "name", "n_samples", "noise", "test_ratio",
    "seed", "standardize"}`` (regenerated on load, rows not saved); or ``{"kind": "csv",
    "path", ...options}`` (the rows are saved too and are what a load uses, so the session
    opens when the CSV is gone). ``initial_network`` is what "reset" returns to (None: the
    network as loaded). ``optimizer_state`` arrays are shaped like ``network.params()``.
    ``sample`` indexes ``data.x_train``. ``view`` is free-form GUI state, any JSON values.
    """

    network: Network
    training: TrainingConfig
    data: Dataset
    data_source: dict[str, object] = field(default_factory=lambda: {"kind": "inline"})
    name: str = ""
    description: str = ""
    initial_network: Network | None = None
    init: InitConfig | None = None
    optimizer_state: OptimizerState | None = None
    history: History | None = None
    sample: int = 0
    view: dict[str, object] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Reading JSON values, each check naming the field path.


class _NonFiniteLiteral:
    """Stands in for NaN, Infinity or an overflowing literal such as 1e999 while decoding,
    so the error can name the field that holds it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def problem(self) -> str:
        if self.text in ("NaN", "Infinity", "-Infinity"):
            return f"{self.text} is not allowed"
        return f"{self.text} is too large for a number (it overflows to infinity)"


def _parse_float(text: str) -> float | _NonFiniteLiteral:
    value = float(text)
    return value if math.isfinite(value) else _NonFiniteLiteral(text)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj: dict[str, object] = {}
    for key, value in pairs:
        if key in obj:
            # json.loads would silently keep the last one; a hand edit deserves a message.
            raise SessionError(f"a JSON object has the key {key!r} twice")
        obj[key] = value
    return obj


def decode_json(text: str) -> object:
    """JSON text as Python values, for the checks below: NaN, Infinity and overflowing
    literals are kept as markers so the check of their field refuses them by name, and an
    object with a key given twice is refused."""
    with json_errors(SessionError, "a session"):
        return json.loads(
            text,
            parse_float=_parse_float,
            parse_constant=_NonFiniteLiteral,
            object_pairs_hook=_unique_keys,
        )


@contextlib.contextmanager
def json_errors(error: type[Exception], document: str) -> Iterator[None]:
    """Turns what ``json.loads`` raises inside into ``error`` with a message that names
    the problem and where it is (``document`` says what the text should have been: "a
    session"); an ``error`` raised by a hook passes as it is."""
    try:
        yield
    except error:
        raise
    except RecursionError:
        raise error(f"not {document}: the JSON is nested too deeply") from None
    except json.JSONDecodeError as e:
        # Some of Python's messages end in "at" already ("Unterminated string starting at").
        what = e.msg.removesuffix(" at")
        raise error(f"not JSON: {what} at line {e.lineno}, column {e.colno}") from None
    except ValueError as e:
        # e.g. an integer with more digits than Python converts
        raise error(f"not JSON: {e}") from None


def describe_json_value(value: object) -> str:
    """What kind of JSON value this is, for messages: "a string", "a list", "true"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _object(value: object, path: str, known: Sequence[str]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise SessionError(f"{path}: expected an object, got {describe_json_value(value)}")
    unknown = [k for k in value if k not in known]
    if unknown:
        raise SessionError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(known)})")
    return value


def _required(obj: dict[str, object], key: str, path: str) -> object:
    if key not in obj:
        raise SessionError(f"{path}: missing {key!r}")
    return obj[key]


def _number(value: object, path: str) -> float:
    if isinstance(value, _NonFiniteLiteral):
        raise SessionError(f"{path}: {value.problem()}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SessionError(f"{path}: expected a number, got {describe_json_value(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise SessionError(f"{path}: the integer is too large for a number") from None
    if math.isnan(number):
        raise SessionError(f"{path}: NaN is not allowed")
    if math.isinf(number):
        raise SessionError(f"{path}: Infinity is not allowed")
    return number


def _bounded(
    value: object, path: str, low: float, high: float | None = None, *, low_open: bool = False
) -> float:
    """A number with low ≤ x (low < x if low_open) and x < high."""
    number = _number(value, path)
    if (number <= low if low_open else number < low) or (high is not None and number >= high):
        lower = f"> {low:g}" if low_open else f"≥ {low:g}"
        wanted = f"in [{low:g}, {high:g})" if high is not None else lower
        raise SessionError(f"{path}: must be {wanted}, got {number!r}")
    return number


def _integer(value: object, path: str, minimum: int | None = None) -> int:
    if isinstance(value, _NonFiniteLiteral):
        raise SessionError(f"{path}: {value.problem()}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise SessionError(f"{path}: expected an integer, got {describe_json_value(value)}")
    if minimum is not None and value < minimum:
        raise SessionError(f"{path}: must be ≥ {minimum}, got {value}")
    return int(value)


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise SessionError(f"{path}: expected a string, got {describe_json_value(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate from a "\ud800" escape could not be written back as UTF-8.
        raise SessionError(f"{path}: the text is not valid Unicode") from None
    return value


def _boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise SessionError(f"{path}: expected true or false, got {describe_json_value(value)}")
    return value


def _choice(value: object, path: str, known: Sequence[str], what: str) -> str:
    name = _string(value, path)
    if name not in known:
        raise SessionError(f"{path}: unknown {what} {name!r} (known: {', '.join(known)})")
    return name


_PLURALS = {"entry": "entries", "weight matrix": "weight matrices"}


def _count(n: int, noun: str) -> str:
    """ "1 row", "2 rows"."""
    return f"{n} {noun}" if n == 1 else f"{n} {_PLURALS.get(noun, noun + 's')}"


def _list(
    value: object, path: str, length: int | None = None, noun: str = "entry", why: str = ""
) -> list[object]:
    if not isinstance(value, list):
        raise SessionError(f"{path}: expected a list, got {describe_json_value(value)}")
    if length is not None and len(value) != length:
        raise SessionError(f"{path}: expected {_count(length, noun)}{why}, got {len(value)}")
    return value


def _strings(value: object, path: str, length: int | None = None) -> list[str]:
    items = _list(value, path, length, "name")
    return [_string(v, f"{path}[{i}]") for i, v in enumerate(items)]


def _vector(value: object, path: str, length: int, why: str = "") -> Array:
    """``length`` finite numbers as a float array of shape (length,)."""
    if not isinstance(value, list):
        raise SessionError(f"{path}: expected a list of numbers, got {describe_json_value(value)}")
    if len(value) != length:
        raise SessionError(f"{path}: expected {_count(length, 'number')}{why}, got {len(value)}")
    if all(type(v) is float for v in value):
        # The common case, a row the app wrote: one numpy call instead of a check per number.
        row = np.array(value, dtype=float)
        if np.isfinite(row).all():
            return row
    return np.array([_number(v, f"{path}[{i}]") for i, v in enumerate(value)], dtype=float)


def _matrix(value: object, path: str, rows: int | None, cols: int, why: str = "") -> Array:
    """A list of rows of ``cols`` numbers as an array of shape (rows, cols); any number of
    rows when ``rows`` is None."""
    items = _list(value, path, rows, "row")
    out = np.empty((len(items), cols))
    for i, row in enumerate(items):
        out[i] = _vector(row, f"{path}[{i}]", cols, why)
    return out


def _nullable_numbers(value: object, path: str) -> list[float]:
    """Numbers or null (NaN: no value), as in the history's test columns."""
    items = _list(value, path)
    return [math.nan if v is None else _number(v, f"{path}[{i}]") for i, v in enumerate(items)]


def _json_value(value: object, path: str) -> object:
    """A copy of any JSON value (objects with string keys, lists, strings, finite numbers,
    booleans, null); tuples become lists."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | _NonFiniteLiteral):
        return _number(value, path)
    if isinstance(value, str):
        return _string(value, path)
    if isinstance(value, list | tuple):
        return [_json_value(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise SessionError(f"{path}: keys must be strings, got {k!r}")
            out[_string(k, path)] = _json_value(v, f"{path}.{k}")
        return out
    raise SessionError(f"{path}: {type(value).__name__} is not a JSON value")


def _json_object(value: object, path: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise SessionError(f"{path}: expected an object, got {describe_json_value(value)}")
    copied = _json_value(value, path)
    assert isinstance(copied, dict)
    return copied


# ---------------------------------------------------------------------------------------------
# The parts of a session.

_NETWORK_KEYS = ("layer_sizes", "activations", "init", "weights", "biases")
_PARAMETER_KEYS = ("weights", "biases")
_INIT_KEYS = ("scheme", "seed", "scale")
_TRAINING_KEYS = (
    "loss", "optimizer", "learning_rate", "batch_size", "momentum", "beta1", "beta2", "epsilon",
    "l1", "l2", "epochs", "shuffle", "seed", "target_loss",
)  # fmt: skip
_INLINE_DATA_KEYS = (
    "name", "task", "x", "y", "x_test", "y_test", "feature_names", "target_names", "class_names",
)  # fmt: skip
_CSV_DATA_KEYS = ("csv", *_INLINE_DATA_KEYS)
# The file and the keyword arguments of mlpviz.engine.csvdata.load_csv it was read with.
_CSV_KEYS = ("path", "target_columns", "has_header", "task", "standardize", "test_ratio", "seed")
# What describes a built-in dataset: the writer saves these, not the rows.
DATASET_KEYS = ("dataset", "n_samples", "noise", "test_ratio", "seed", "standardize")
_OPTIMIZER_STATE_KEYS = ("t", "velocity", "m", "v")
_HISTORY_KEYS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
_SESSION_KEYS = (
    "format", "version", "name", "description", "network", "training", "data",
    "initial_network", "optimizer_state", "history", "sample", "view",
)  # fmt: skip


def _parse_init(value: object, path: str) -> InitConfig:
    d = _object(value, path, _INIT_KEYS)
    defaults = InitConfig()
    scheme = _choice(d.get("scheme", defaults.scheme), f"{path}.scheme", INIT_SCHEMES, "scheme")
    seed_value = d.get("seed", defaults.seed)
    seed = None if seed_value is None else _integer(seed_value, f"{path}.seed", 0)
    scale = _bounded(d.get("scale", defaults.scale), f"{path}.scale", 0.0, low_open=True)
    return InitConfig(scheme, seed, scale)


def _parse_parameters(
    d: dict[str, object], path: str, sizes: Sequence[int]
) -> tuple[list[Array], list[Array]]:
    """weights[l]: (n[l+1], n[l]) and biases[l]: (n[l+1],) from d["weights"], d["biases"]."""
    depth = len(sizes) - 1
    w_items = _list(_required(d, "weights", path), f"{path}.weights", depth, "weight matrix")
    b_items = _list(_required(d, "biases", path), f"{path}.biases", depth, "bias vector")
    weights = [
        _matrix(w, f"{path}.weights[{layer}]", sizes[layer + 1], sizes[layer])
        for layer, w in enumerate(w_items)
    ]
    biases = [
        _vector(b, f"{path}.biases[{layer}]", sizes[layer + 1]) for layer, b in enumerate(b_items)
    ]
    return weights, biases


def _parse_network(value: object, path: str) -> tuple[Network, InitConfig | None]:
    d = _object(value, path, _NETWORK_KEYS)
    sizes_path = f"{path}.layer_sizes"
    size_items = _list(_required(d, "layer_sizes", path), sizes_path)
    if len(size_items) < 2:
        raise SessionError(f"{sizes_path}: needs at least an input and an output layer")
    sizes = [_integer(n, f"{sizes_path}[{i}]", 1) for i, n in enumerate(size_items)]
    n_params = sum(n_in * n_out + n_out for n_in, n_out in itertools.pairwise(sizes))
    if n_params > MAX_PARAMETERS:
        raise SessionError(
            f"{sizes_path}: {sizes} has {n_params} weights and biases, "
            f"more than the {MAX_PARAMETERS} a session may have"
        )
    act_items = _list(_required(d, "activations", path), f"{path}.activations", len(sizes) - 1,
                      "activation", " (one per layer after the input)")  # fmt: skip
    activations = [
        _choice(a, f"{path}.activations[{i}]", list(ACTIVATIONS), "activation")
        for i, a in enumerate(act_items)
    ]
    if "softmax" in activations[:-1]:
        i = activations.index("softmax")
        raise SessionError(f"{path}.activations[{i}]: softmax is only allowed on the output layer")
    init = _parse_init(d["init"], f"{path}.init") if "init" in d else None
    if "weights" in d or "biases" in d:
        weights, biases = _parse_parameters(d, path, sizes)
        return Network(sizes, activations, weights, biases), init
    # No parameters written: draw them as "init" says, and record how.
    init = init if init is not None else InitConfig()
    return initialise(sizes, activations, init.scheme, init.seed, init.scale), init


def _parse_training(value: object, path: str) -> TrainingConfig:
    d = _object(value, path, _TRAINING_KEYS)
    opt, cfg = OptimizerConfig(), TrainingConfig()

    def get(key: str, default: object) -> tuple[object, str]:
        return d.get(key, default), f"{path}.{key}"

    optimizer = OptimizerConfig(
        name=_choice(*get("optimizer", opt.name), OPTIMIZERS, "optimizer"),
        learning_rate=_bounded(*get("learning_rate", opt.learning_rate), 0.0, low_open=True),
        momentum=_bounded(*get("momentum", opt.momentum), 0.0, 1.0),
        beta1=_bounded(*get("beta1", opt.beta1), 0.0, 1.0),
        beta2=_bounded(*get("beta2", opt.beta2), 0.0, 1.0),
        epsilon=_bounded(*get("epsilon", opt.epsilon), 0.0, low_open=True),
    )
    target_value, target_path = get("target_loss", cfg.target_loss)
    return TrainingConfig(
        loss=_choice(*get("loss", cfg.loss), list(LOSSES), "loss"),
        optimizer=optimizer,
        batch_size=_integer(*get("batch_size", cfg.batch_size), 0),
        shuffle=_boolean(*get("shuffle", cfg.shuffle)),
        seed=_integer(*get("seed", cfg.seed), 0),
        regularization=Regularization(
            l1=_bounded(*get("l1", cfg.regularization.l1), 0.0),
            l2=_bounded(*get("l2", cfg.regularization.l2), 0.0),
        ),
        epochs=_integer(*get("epochs", cfg.epochs), 0),
        target_loss=None if target_value is None else _number(target_value, target_path),
    )


def _parse_inline_data(d: dict[str, object], path: str, n_in: int, n_out: int) -> Dataset:
    """The samples written in the file; widths must match the network's n[0] and n[L]."""
    why_x = f" (the network has {_count(n_in, 'input')})"
    why_y = f" (the network has {_count(n_out, 'output')})"
    x = _matrix(_required(d, "x", path), f"{path}.x", None, n_in, why_x)
    if len(x) == 0:
        raise SessionError(f"{path}.x: needs at least one sample")
    y = _matrix(_required(d, "y", path), f"{path}.y", len(x), n_out, why_y)
    x_test = _matrix(d.get("x_test", []), f"{path}.x_test", None, n_in, why_x)
    y_test = _matrix(d.get("y_test", []), f"{path}.y_test", len(x_test), n_out, why_y)
    task = _choice(d.get("task", "regression"), f"{path}.task", TASKS, "task")
    features = _strings(d.get("feature_names", []), f"{path}.feature_names")
    targets = _strings(d.get("target_names", []), f"{path}.target_names")
    classes = _strings(d.get("class_names", []), f"{path}.class_names")
    if features and len(features) != n_in:
        raise SessionError(
            f"{path}.feature_names: expected {_count(n_in, 'name')}, got {len(features)}"
        )
    if targets and len(targets) != n_out:
        raise SessionError(
            f"{path}.target_names: expected {_count(n_out, 'name')}, got {len(targets)}"
        )
    # One name per one-hot column, or two for a single 0/1 output.
    if classes and len(classes) != (2 if n_out == 1 else n_out):
        wanted = 2 if n_out == 1 else n_out
        raise SessionError(
            f"{path}.class_names: expected {_count(wanted, 'name')}, got {len(classes)}"
        )
    name = _string(d.get("name", ""), f"{path}.name")
    return Dataset(name, x, y, x_test, y_test, task, features, targets, classes)


def _parse_named_dataset(
    d: dict[str, object], path: str, n_in: int, n_out: int
) -> tuple[Dataset, dict[str, object]]:
    """A built-in dataset, regenerated from its name and seed."""
    name = _choice(_required(d, "dataset", path), f"{path}.dataset", DATASET_NAMES, "dataset")
    n_value = d.get("n_samples")
    n_samples = None if n_value is None else _integer(n_value, f"{path}.n_samples", 2)
    if n_samples is not None and n_samples > MAX_GENERATED_SAMPLES:
        raise SessionError(
            f"{path}.n_samples: {n_samples} is more than the {MAX_GENERATED_SAMPLES} allowed"
        )
    noise = _bounded(d.get("noise", 0.0), f"{path}.noise", 0.0)
    test_ratio = _bounded(d.get("test_ratio", 0.2), f"{path}.test_ratio", 0.0, 1.0)
    seed = _integer(d.get("seed", 0), f"{path}.seed", 0)
    standardize = _boolean(d.get("standardize", False), f"{path}.standardize")
    try:
        data = make_dataset(name, n_samples, noise, test_ratio, seed, standardize)
    except ValueError as e:
        raise SessionError(f"{path}: {e}") from None
    if data.n_inputs != n_in or data.n_outputs != n_out:
        raise SessionError(
            f"{path}.dataset: {name!r} has {data.n_inputs} inputs and {data.n_outputs} outputs, "
            f"the network {n_in} and {n_out}"
        )
    source: dict[str, object] = {
        "kind": "dataset", "name": name, "n_samples": n_samples, "noise": noise,
        "test_ratio": test_ratio, "seed": seed, "standardize": standardize,
    }  # fmt: skip
    return data, source


def _parse_data(value: object, path: str, net: Network) -> tuple[Dataset, dict[str, object]]:
    n_in, n_out = net.layer_sizes[0], net.layer_sizes[-1]
    if isinstance(value, dict) and "dataset" in value:
        return _parse_named_dataset(_object(value, path, DATASET_KEYS), path, n_in, n_out)
    if isinstance(value, dict) and "csv" in value:
        d = _object(value, path, _CSV_DATA_KEYS)
        csv = _json_object(_object(d["csv"], f"{path}.csv", _CSV_KEYS), f"{path}.csv")
        csv_path = _string(_required(csv, "path", f"{path}.csv"), f"{path}.csv.path")
        options = {k: v for k, v in csv.items() if k != "path"}
        source: dict[str, object] = {"kind": "csv", "path": csv_path, **options}
        return _parse_inline_data(d, path, n_in, n_out), source
    d = _object(value, path, _INLINE_DATA_KEYS)
    return _parse_inline_data(d, path, n_in, n_out), {"kind": "inline"}


def _parse_optimizer_state(value: object, path: str, net: Network) -> OptimizerState:
    d = _object(value, path, _OPTIMIZER_STATE_KEYS)
    t = _integer(d.get("t", 0), f"{path}.t", 0)

    def arrays(key: str) -> list[Array]:
        """Network.params() order (W0, b0, W1, b1, ...) from {"weights": ..., "biases": ...}."""
        if d.get(key) is None:
            return []
        part = _object(d[key], f"{path}.{key}", _PARAMETER_KEYS)
        weights, biases = _parse_parameters(part, f"{path}.{key}", net.layer_sizes)
        return interleave(weights, biases)

    m, v = arrays("m"), arrays("v")
    if bool(m) != bool(v):
        raise SessionError(f"{path}: Adam's moments m and v go together; give both or neither")
    return OptimizerState(t, arrays("velocity"), m, v)


def _parse_history(value: object, path: str) -> History:
    d = _object(value, path, _HISTORY_KEYS)
    epoch_path = f"{path}.epoch"
    epochs = [
        _integer(e, f"{epoch_path}[{i}]", 0)
        for i, e in enumerate(_list(_required(d, "epoch", path), epoch_path))
    ]
    columns = [
        _nullable_numbers(_required(d, key, path), f"{path}.{key}") for key in _HISTORY_KEYS[1:]
    ]
    for key, column in zip(_HISTORY_KEYS[1:], columns, strict=True):
        if len(column) != len(epochs):
            raise SessionError(
                f"{path}.{key}: expected {_count(len(epochs), 'value')} (one per epoch), "
                f"got {len(column)}"
            )
    return History(epochs, *columns)


# A migration turns a document of version v into one of version v + 1, as Orange3 migrates
# widget settings: _MIGRATIONS[1] will upgrade version 1 when version 2 exists.
_MIGRATIONS: dict[int, Callable[[dict[str, object]], dict[str, object]]] = {}


def _migrate(doc: dict[str, object], version: int) -> dict[str, object]:
    while version < VERSION:
        doc = _MIGRATIONS[version](doc)
        version += 1
    return doc


def parse_document(obj: object) -> Session:
    """The session in a decoded JSON document (upgraded first if it is of an older
    version); SessionError naming the first field that is not valid."""
    if not isinstance(obj, dict):
        raise SessionError(f"not a session: expected a JSON object, got {describe_json_value(obj)}")
    fmt = obj.get("format")
    if fmt != FORMAT:
        found = repr(fmt) if isinstance(fmt, str) else describe_json_value(fmt)
        found = found if "format" in obj else "missing"
        raise SessionError(f"format: expected {FORMAT!r}, got {found}: not an mlpviz session")
    version = _integer(_required(obj, "version", "session"), "version", 1)
    if version > VERSION:
        raise SessionError(
            f"version: the file has version {version}, written by a newer mlpviz; "
            f"this one reads versions up to {VERSION}"
        )
    doc = _object(_migrate(obj, version), "session", _SESSION_KEYS)
    network, init = _parse_network(_required(doc, "network", "session"), "network")
    initial = None
    if doc.get("initial_network") is not None:
        part = _object(doc["initial_network"], "initial_network", _PARAMETER_KEYS)
        weights, biases = _parse_parameters(part, "initial_network", network.layer_sizes)
        initial = network.with_params(weights, biases)
    training = _parse_training(doc.get("training", {}), "training")
    data, source = _parse_data(_required(doc, "data", "session"), "data", network)
    state = doc.get("optimizer_state")
    history = doc.get("history")
    sample = _integer(doc.get("sample", 0), "sample", 0)
    n_train = len(data.x_train)
    if sample >= n_train:
        raise SessionError(
            f"sample: {sample} is out of range (the training data has {_count(n_train, 'sample')}, "
            f"numbered from 0)"
        )
    return Session(
        network=network,
        training=training,
        data=data,
        data_source=source,
        name=_string(doc.get("name", ""), "name"),
        description=_string(doc.get("description", ""), "description"),
        initial_network=initial,
        init=init,
        optimizer_state=None
        if state is None
        else _parse_optimizer_state(state, "optimizer_state", network),
        history=None if history is None else _parse_history(history, "history"),
        sample=sample,
        view=_json_object(doc.get("view", {}), "view"),
    )
