"""Session files: a network, how to train it, its data and where the user left off, as JSON.

A session file is UTF-8 JSON meant to be read and edited by hand; docs/session-format.md
documents every field. The shape, in brief::

    {"format": "mlpviz-session", "version": 1,
     "network": {"layer_sizes": [2, 2, 1], "activations": ["sigmoid", "sigmoid"],
                 "weights": [[[0.2, 0.4], [0.6, 0.8]], [[0.3, 0.5]]],
                 "biases": [[0.1, 0.2], [0.4]]},
     "training": {"loss": "mse", "optimizer": "sgd", "learning_rate": 0.7, "batch_size": 1},
     "data": {"x": [[0.5, 0.8]], "y": [[0.0]]}}

Arrays in the file follow the engine's conventions: ``weights[l]`` is a list of n[l+1] rows
of n[l] numbers, ``biases[l]`` a list of n[l+1] numbers, ``x`` a list of samples of n[0]
numbers, ``y`` a list of samples of n[L] numbers.

Reading checks everything and raises :class:`SessionError` naming the field, e.g.
``network.weights[0][1]: expected 2 numbers, got 3``; unknown keys inside known objects are
refused so a typo never goes unnoticed. Floats are written as their shortest repr, so saving
and loading gives back exactly the same arrays.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Sequence

from mlpviz.engine.datasets import Dataset
from mlpviz.engine.resources import resource
from mlpviz.engine.session_schema import (
    DATASET_KEYS,
    FORMAT,
    MAX_GENERATED_SAMPLES,
    MAX_PARAMETERS,
    VERSION,
    InitConfig,
    Session,
    SessionError,
    decode_json,
    parse_document,
)
from mlpviz.engine.types import Array

MAX_SESSION_BYTES = 64 * 1024 * 1024
"""Larger files are refused before they are read."""

DATA_KINDS = ("inline", "dataset", "csv")


def parse_session(obj: object) -> Session:
    """A session from already-decoded JSON; SessionError naming the field if it is not valid."""
    try:
        return parse_document(obj)
    except SessionError:
        raise
    except RecursionError:
        raise SessionError("not a session: the JSON is nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as e:
        # The schema's checks should have caught it; a message still beats a crash.
        raise SessionError(f"not a valid session: {e}") from None


def loads_session(text: str) -> Session:
    """A session from JSON text. NaN and Infinity literals are refused."""
    if not isinstance(text, str):
        raise SessionError(f"not a session: expected text, got {type(text).__name__}")
    return parse_session(decode_json(text))


def load_session(path: str | os.PathLike[str]) -> Session:
    """The session in the file at ``path``.

    OSError if the file cannot be read; SessionError if it is larger than
    MAX_SESSION_BYTES (checked before reading), not UTF-8 or not a valid session.
    """
    size = os.stat(path).st_size
    if size > MAX_SESSION_BYTES:
        raise SessionError(
            f"the file is {size} bytes, more than the {MAX_SESSION_BYTES} a session may have"
        )
    with open(path, "rb") as f:
        # Read one byte past the limit: a file that grew, or a device, is refused all the same.
        raw = f.read(MAX_SESSION_BYTES + 1)
    if len(raw) > MAX_SESSION_BYTES:
        raise SessionError(
            f"the file is more than the {MAX_SESSION_BYTES} bytes a session may have"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SessionError(f"not UTF-8 text: byte {e.start} cannot be decoded") from None
    return loads_session(text)


# ---------------------------------------------------------------------------------------------
# Writing.


def _parameters_to_dict(weights: Sequence[Array], biases: Sequence[Array]) -> dict[str, object]:
    return {"weights": [w.tolist() for w in weights], "biases": [b.tolist() for b in biases]}


def _history_column(values: Sequence[float]) -> list[float | None]:
    # JSON has no NaN: null stands for "no value" (no test samples, or a loss that overflowed).
    return [float(v) if math.isfinite(v) else None for v in values]


def _data_to_dict(data: Dataset, source: dict[str, object]) -> dict[str, object]:
    kind = source.get("kind")
    if kind not in DATA_KINDS:
        known = ", ".join(DATA_KINDS)
        raise SessionError(f"data_source.kind: unknown kind {kind!r} (known: {known})")
    if kind == "dataset":
        return {
            "dataset": source.get("name"),
            **{k: source[k] for k in DATASET_KEYS[1:] if k in source},
        }
    out: dict[str, object] = {}
    if kind == "csv":
        out["csv"] = {k: v for k, v in source.items() if k != "kind"}
    if data.name:
        out["name"] = data.name
    out["task"] = data.task
    out["x"] = data.x_train.tolist()
    out["y"] = data.y_train.tolist()
    if len(data.x_test):
        out["x_test"] = data.x_test.tolist()
        out["y_test"] = data.y_test.tolist()
    for key in ("feature_names", "target_names", "class_names"):
        names = getattr(data, key)
        if names:
            out[key] = list(names)
    return out


def session_to_dict(s: Session) -> dict[str, object]:
    """The session as JSON-ready Python values (the structure docs/session-format.md shows)."""
    net, cfg, opt = s.network, s.training, s.training.optimizer
    network: dict[str, object] = {
        "layer_sizes": list(net.layer_sizes),
        "activations": list(net.activations),
    }
    if s.init is not None:
        network["init"] = {"scheme": s.init.scheme, "seed": s.init.seed, "scale": s.init.scale}
    network.update(_parameters_to_dict(net.weights, net.biases))
    doc: dict[str, object] = {"format": FORMAT, "version": VERSION}
    if s.name:
        doc["name"] = s.name
    if s.description:
        doc["description"] = s.description
    doc["network"] = network
    doc["training"] = {
        "loss": cfg.loss,
        "optimizer": opt.name,
        "learning_rate": opt.learning_rate,
        "batch_size": cfg.batch_size,
        "momentum": opt.momentum,
        "beta1": opt.beta1,
        "beta2": opt.beta2,
        "epsilon": opt.epsilon,
        "l1": cfg.regularization.l1,
        "l2": cfg.regularization.l2,
        "epochs": cfg.epochs,
        "shuffle": cfg.shuffle,
        "seed": cfg.seed,
        "target_loss": cfg.target_loss,
    }
    doc["data"] = _data_to_dict(s.data, s.data_source)
    if s.initial_network is not None:
        doc["initial_network"] = _parameters_to_dict(
            s.initial_network.weights, s.initial_network.biases
        )
    if s.optimizer_state is not None:
        st = s.optimizer_state
        state: dict[str, object] = {"t": st.t}
        for key, arrays in (("velocity", st.velocity), ("m", st.m), ("v", st.v)):
            if arrays:
                state[key] = _parameters_to_dict(arrays[0::2], arrays[1::2])
        doc["optimizer_state"] = state
    if s.history is not None:
        h = s.history
        doc["history"] = {
            "epoch": list(h.epoch),
            "train_loss": _history_column(h.train_loss),
            "test_loss": _history_column(h.test_loss),
            "train_accuracy": _history_column(h.train_accuracy),
            "test_accuracy": _history_column(h.test_accuracy),
        }
    doc["sample"] = s.sample
    doc["view"] = dict(s.view)
    return doc


_LINE_WIDTH = 100


def _is_flat(values: list[object]) -> bool:
    """No list or object among ``values``."""
    return not any(isinstance(v, (list, dict)) for v in values)


def _one_line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


def _format(value: object, indent: int, column: int, row: bool = False) -> str:
    """JSON text for ``value`` whose first character lands at ``column`` on a line indented
    by ``indent`` spaces. Short flat containers stay on one line, and so does every ``row``
    (a list inside a list: a matrix row or a sample) however long; a long list of numbers
    outside a list (a bias vector, a history column) is wrapped."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if _is_flat(list(value.values())):
            flat = _one_line(value)
            if column + len(flat) <= _LINE_WIDTH:
                return flat
        items = []
        for k, v in value.items():
            key = f"{inner}{_one_line(k)}: "
            items.append(key + _format(v, indent + 2, len(key)))
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if _is_flat(value):
            flat = _one_line(value)
            if row or column + len(flat) <= _LINE_WIDTH:
                return flat
            # A long list of numbers: as many per line as fit.
            lines, line = [], ""
            for text in (_one_line(v) for v in value):
                if line and len(inner) + len(line) + len(text) + 2 > _LINE_WIDTH:
                    lines.append(line + ",")
                    line = ""
                line = f"{line}, {text}" if line else text
            lines.append(line)
            return "[\n" + "\n".join(inner + ln for ln in lines) + "\n" + pad + "]"
        # A small matrix fits on one line; each entry needs at least "[x], " (5 characters),
        # which rules out long lists before any of them is written.
        if column + 5 * len(value) <= _LINE_WIDTH and all(
            isinstance(v, list) and _is_flat(v) for v in value
        ):
            flat = _one_line(value)
            if column + len(flat) <= _LINE_WIDTH:
                return flat
        items = [inner + _format(v, indent + 2, len(inner), row=True) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return _one_line(value)


def dumps_session(s: Session) -> str:
    """The session as readable JSON text, ending in a newline.

    The result is checked by reading it back first, so what is written can be opened again;
    SessionError names the field otherwise (e.g. a NaN weight).
    """
    try:
        doc = session_to_dict(s)
    except (ValueError, TypeError, AttributeError) as e:
        raise SessionError(f"cannot write the session: {e}") from None
    parse_session(doc)
    try:
        return _format(doc, 0, 0) + "\n"
    except (ValueError, TypeError, RecursionError) as e:
        raise SessionError(f"cannot write the session: {e}") from None


def save_session(path: str | os.PathLike[str], s: Session) -> None:
    """Write the session to ``path`` atomically: a temporary file in the same folder is
    written, flushed to disk and renamed over ``path``. On any failure the temporary file
    is removed and the old file, if any, is left untouched.

    SessionError if the session cannot be written as JSON; OSError (with the file's name)
    if the folder or file cannot be written.
    """
    write_file_atomically(path, dumps_session(s).encode("utf-8"))


def write_file_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` as :func:`save_session` does: a temporary file in the same
    folder, flushed to disk and renamed over ``path``; the old file stays on any failure.
    OSError (with the file's name) if the folder or file cannot be written."""
    # Follow a symlink so the file it points to is replaced, not the link.
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder
        )
    except OSError as e:
        raise _save_error(e, target, f"cannot write in {folder}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        if isinstance(e, OSError):
            raise _save_error(e, target) from e
        raise
    _fsync_folder(folder)


def _save_error(e: OSError, target: str, context: str = "") -> OSError:
    """The same kind of OSError (PermissionError, ...), its message naming the file."""
    reason = e.strerror or str(e) or type(e).__name__
    message = f"cannot save {target}: {context + ': ' if context else ''}{reason}"
    return type(e)(e.errno, message) if e.errno is not None else OSError(message)


def _fsync_folder(folder: str) -> None:
    # Makes the rename itself durable on POSIX; not possible (nor needed) everywhere.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def default_session() -> Session:
    """The course example (resources/examples/course_example.json): what the app opens first."""
    text = resource("examples", "course_example.json").read_text(encoding="utf-8")
    return loads_session(text)


__all__ = [
    "DATA_KINDS",
    "FORMAT",
    "MAX_GENERATED_SAMPLES",
    "MAX_PARAMETERS",
    "MAX_SESSION_BYTES",
    "VERSION",
    "InitConfig",
    "Session",
    "SessionError",
    "default_session",
    "dumps_session",
    "load_session",
    "loads_session",
    "parse_session",
    "save_session",
    "session_to_dict",
    "write_file_atomically",
]
