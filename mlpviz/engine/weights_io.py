"""Weights files: a network's weights and biases as JSON or NumPy ``.npz``, saved and loaded back.

JSON (readable, exact: floats are written as their shortest repr)::

    {"format": "mlpviz-weights", "version": 1,
     "layer_sizes": [2, 2, 1], "activations": ["sigmoid", "sigmoid"],
     "weights": [[[0.2, 0.4], [0.6, 0.8]], [[0.3, 0.5]]],
     "biases": [[0.1, 0.2], [0.4]]}

``.npz`` (what ``numpy.load`` reads): ``layer_sizes`` (int64, (L+1,)), ``activations``
(unicode, (L,)), and per layer gap l ``weights_l`` (float64, (n[l+1], n[l])) and ``biases_l``
(float64, (n[l+1],)).

Loading puts the parameters into a given network (its shape and activations) and refuses,
naming the problem: a file larger than :data:`MAX_WEIGHTS_BYTES` (before it is read), an
array that does not fit the network (``weights_0: the file has shape (3, 2), the network
needs (2, 2)``), NaN or infinity, anything but plain numbers. ``.npz`` files are read with
``allow_pickle=False`` after each member's header is checked, so a file can neither run
code nor make the loader allocate more than its stated size.
"""

from __future__ import annotations

import io
import json
import math
import os
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mlpviz.engine.network import Network
from mlpviz.engine.session import write_file_atomically
from mlpviz.engine.session_schema import describe_json_value, json_errors
from mlpviz.engine.types import Array

FORMAT = "mlpviz-weights"
"""The value of a weights JSON file's "format" field."""

VERSION = 1
"""The weights format version written and the newest read."""

MAX_WEIGHTS_BYTES = 128 * 1024 * 1024
"""Larger files are refused before they are read; in an ``.npz`` the arrays' stated sizes
together must stay under it too (a compressed member could otherwise unpack to gigabytes)."""

_MAX_NPZ_MEMBERS = 1000
_JSON_KEYS = ("format", "version", "layer_sizes", "activations", "weights", "biases")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class WeightsError(ValueError):
    """A weights file that cannot be read or does not fit the network; the message says why."""


# ---------------------------------------------------------------------------------------------
# Checks shared by both formats.


def _shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + (",)" if len(shape) == 1 else ")")


def _sizes_text(sizes: Sequence[int]) -> str:
    return "-".join(str(n) for n in sizes)


def _check_layer_sizes(found: Sequence[int], net: Network) -> None:
    if list(found) != list(net.layer_sizes):
        raise WeightsError(
            f"layer_sizes: the file's network is {_sizes_text(found)}, "
            f"this one is {_sizes_text(net.layer_sizes)}"
        )


def _fit(name: str, arr: Array, wanted: tuple[int, ...]) -> Array:
    """``arr`` as float64 after checking its shape against the network's and its values."""
    if arr.shape != wanted:
        raise WeightsError(
            f"{name}: the file has shape {_shape_text(arr.shape)}, "
            f"the network needs {_shape_text(wanted)}"
        )
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        where = ", ".join(str(int(i)) for i in bad[0])
        raise WeightsError(f"{name}[{where}]: {arr[tuple(bad[0])]} is not allowed")
    return np.array(arr, dtype=np.float64)


def _network_with(net: Network, weights: list[Array], biases: list[Array]) -> Network:
    try:
        return net.with_params(weights, biases)
    except ValueError as e:  # the checks above make this unreachable; a message still beats a crash
        raise WeightsError(str(e)) from None


def _check_size(path: str | os.PathLike[str]) -> None:
    size = os.stat(path).st_size
    if size > MAX_WEIGHTS_BYTES:
        raise WeightsError(
            f"the file is {size} bytes, more than the {MAX_WEIGHTS_BYTES} a weights file may have"
        )


# ---------------------------------------------------------------------------------------------
# JSON.


def weights_to_json(net: Network) -> str:
    """The network's parameters as readable JSON text (one matrix row per line)."""
    if (problem := net.first_non_finite()) is not None:
        raise WeightsError(f"cannot write {problem}: JSON has no NaN or infinity")

    def dump(value: object) -> str:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)

    def matrix(w: Array) -> str:
        rows = ",\n      ".join(dump(row) for row in w.tolist())
        return "[\n      " + rows + "\n    ]"

    lines = [
        "{",
        f'  "format": {dump(FORMAT)},',
        f'  "version": {VERSION},',
        f'  "layer_sizes": {dump(list(net.layer_sizes))},',
        f'  "activations": {dump(list(net.activations))},',
        '  "weights": [\n    ' + ",\n    ".join(matrix(w) for w in net.weights) + "\n  ],",
        '  "biases": [\n    ' + ",\n    ".join(dump(b.tolist()) for b in net.biases) + "\n  ]",
        "}",
    ]
    return "\n".join(lines) + "\n"


def save_weights_json(path: str | os.PathLike[str], net: Network) -> None:
    """Write :func:`weights_to_json` to ``path`` atomically."""
    write_file_atomically(path, weights_to_json(net).encode("utf-8"))


def _refuse_constant(text: str) -> float:
    raise WeightsError(f"{text} is not allowed in a weights file")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise WeightsError(f"{text} is too large for a number")
    return value


def _json_array(value: object, name: str, shape: tuple[int, ...]) -> Array:
    """A nested list of numbers of exactly ``shape`` as float64; errors name the entry."""
    if len(shape) == 0:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WeightsError(f"{name}: expected a number, got {describe_json_value(value)}")
        try:
            return np.array(float(value))
        except OverflowError:
            raise WeightsError(f"{name}: the integer is too large for a number") from None
    if not isinstance(value, list):
        raise WeightsError(f"{name}: expected a list, got {describe_json_value(value)}")
    if len(value) != shape[0]:
        what = "rows" if len(shape) == 2 else "numbers"
        raise WeightsError(
            f"{name}: the file has {len(value)} {what}, the network needs {shape[0]} "
            f"(shape {_shape_text(shape)})"
        )
    out = np.empty(shape)
    for i, item in enumerate(value):
        out[i] = _json_array(item, f"{name}[{i}]", shape[1:])
    return out


def parse_weights_json(text: str, net: Network) -> Network:
    """``net`` with the parameters in JSON ``text``: a weights file (see the module
    docstring), or a session file, whose ``network`` weights are taken."""
    with json_errors(WeightsError, "a weights file"):
        doc = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    if not isinstance(doc, dict):
        raise WeightsError(
            f"not a weights file: expected a JSON object, got {describe_json_value(doc)}"
        )
    fmt = doc.get("format", FORMAT)
    if fmt == "mlpviz-session":
        doc = doc.get("network")
        if not isinstance(doc, dict):
            raise WeightsError("network: expected an object, got " + describe_json_value(doc))
    elif fmt != FORMAT:
        raise WeightsError(f"format: expected {FORMAT!r}, got {fmt!r}")
    else:
        unknown = [k for k in doc if k not in _JSON_KEYS]
        if unknown:
            raise WeightsError(f"unknown key {unknown[0]!r} (known: {', '.join(_JSON_KEYS)})")
        version = doc.get("version", VERSION)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise WeightsError(f"version: expected an integer ≥ 1, got {version!r}")
        if version > VERSION:
            raise WeightsError(
                f"version: the file has version {version}, written by a newer mlpviz; "
                f"this one reads versions up to {VERSION}"
            )
    if "layer_sizes" in doc:
        sizes = doc["layer_sizes"]
        if not isinstance(sizes, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in sizes
        ):
            raise WeightsError(f"layer_sizes: expected a list of integers, got {sizes!r}"[:200])
        _check_layer_sizes(sizes, net)
    for key in ("weights", "biases"):
        if key not in doc:
            raise WeightsError(f"missing {key!r}")
        if not isinstance(doc[key], list):
            raise WeightsError(f"{key}: expected a list, got {describe_json_value(doc[key])}")
        if len(doc[key]) != net.depth:
            raise WeightsError(
                f"{key}: the file has {len(doc[key])} layers, the network needs {net.depth}"
            )
    weights = [
        _json_array(w, f"weights[{l}]", (n_out, n_in))
        for l, (w, (n_in, n_out)) in enumerate(zip(doc["weights"], net.shapes, strict=True))
    ]
    biases = [
        _json_array(b, f"biases[{l}]", (n_out,))
        for l, (b, (_, n_out)) in enumerate(zip(doc["biases"], net.shapes, strict=True))
    ]
    return _network_with(net, weights, biases)


def load_weights_json(path: str | os.PathLike[str], net: Network) -> Network:
    """``net`` with the parameters of the JSON file at ``path``. WeightsError if the file
    is too large (checked before reading), not UTF-8, or does not fit; OSError if it
    cannot be read."""
    _check_size(path)
    with open(path, "rb") as f:
        raw = f.read(MAX_WEIGHTS_BYTES + 1)
    if len(raw) > MAX_WEIGHTS_BYTES:
        raise WeightsError(f"the file is more than the {MAX_WEIGHTS_BYTES} bytes allowed")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise WeightsError(f"not UTF-8 text: byte {e.start} cannot be decoded") from None
    return parse_weights_json(text, net)


# ---------------------------------------------------------------------------------------------
# NumPy .npz.


def weights_to_npz(net: Network) -> bytes:
    """The network's parameters as the bytes of an ``.npz`` file."""
    arrays: dict[str, np.ndarray] = {
        "layer_sizes": np.array(net.layer_sizes, dtype=np.int64),
        "activations": np.array(net.activations, dtype=np.str_),
    }
    for l, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        arrays[f"weights_{l}"] = np.asarray(w, dtype=np.float64)
        arrays[f"biases_{l}"] = np.asarray(b, dtype=np.float64)
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def save_weights_npz(path: str | os.PathLike[str], net: Network) -> None:
    """Write :func:`weights_to_npz` to ``path`` atomically."""
    write_file_atomically(path, weights_to_npz(net))


def _member_headers(path: str | os.PathLike[str]) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Each ``.npy`` member's name (without ``.npy``), shape and dtype, read from the headers
    alone, refusing what np.load must never be asked to read."""
    headers: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    total = 0
    with zipfile.ZipFile(path) as zf:
        members = zf.infolist()
        if len(members) > _MAX_NPZ_MEMBERS:
            raise WeightsError(f"the file holds {len(members)} entries, too many for a network")
        for info in members:
            if not info.filename.endswith(".npy"):
                raise WeightsError(f"{info.filename}: not a NumPy array (.npy) entry")
            with zf.open(info) as f:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, _fortran, dtype = np.lib.format.read_array_header_1_0(f)
                elif version in ((2, 0), (3, 0)):
                    shape, _fortran, dtype = np.lib.format.read_array_header_2_0(f)
                else:
                    raise WeightsError(f"{info.filename}: unknown .npy version {version}")
            name = info.filename[: -len(".npy")]
            if dtype.hasobject or dtype.kind not in "biufU":
                raise WeightsError(f"{name}: holds {dtype} values, not numbers")
            total += math.prod(shape) * dtype.itemsize
            if total > MAX_WEIGHTS_BYTES:
                raise WeightsError(
                    f"{name}: the arrays need more than the {MAX_WEIGHTS_BYTES} bytes allowed"
                )
            headers[name] = (tuple(int(n) for n in shape), dtype)
    return headers


def load_weights_npz(path: str | os.PathLike[str], net: Network) -> Network:
    """``net`` with the parameters of the ``.npz`` file at ``path`` (read with
    ``allow_pickle=False``). WeightsError if it is too large, not an ``.npz`` of numbers,
    or does not fit; OSError if it cannot be read."""
    _check_size(path)
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic not in _ZIP_MAGIC:
        raise WeightsError("not a NumPy .npz file")
    try:
        headers = _member_headers(path)
        needed = [f"{kind}_{l}" for l in range(net.depth) for kind in ("weights", "biases")]
        for name in needed:
            if name not in headers:
                found = sum(1 for k in headers if k.startswith("weights_"))
                raise WeightsError(
                    f"{name} is missing: the file has {found} weight matrices, "
                    f"the network needs {net.depth}"
                )
        extra = [k for k in headers if k not in (*needed, "layer_sizes", "activations")]
        if extra:
            raise WeightsError(f"{extra[0]}: not part of a network of {net.depth} layers")
        with np.load(path, allow_pickle=False) as npz:
            if "layer_sizes" in headers:
                sizes = npz["layer_sizes"]
                if sizes.ndim != 1 or sizes.dtype.kind not in "iu":
                    raise WeightsError("layer_sizes: expected a list of integers")
                _check_layer_sizes([int(n) for n in sizes], net)
            arrays = {}
            for name in needed:
                arr = npz[name]
                if arr.dtype.kind not in "iuf":
                    raise WeightsError(f"{name}: holds {arr.dtype} values, not numbers")
                arrays[name] = arr
    except WeightsError:
        raise
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError) as e:
        raise WeightsError(f"not a readable .npz file: {e}") from None
    except (ValueError, KeyError, NotImplementedError, RuntimeError, OverflowError) as e:
        # numpy's header parser and zipfile say "not readable" in these words
        # (encrypted or unsupported compression, a malformed header).
        raise WeightsError(f"not a readable .npz file: {e}") from None
    weights = [
        _fit(f"weights_{l}", arrays[f"weights_{l}"], (n_out, n_in))
        for l, (n_in, n_out) in enumerate(net.shapes)
    ]
    biases = [
        _fit(f"biases_{l}", arrays[f"biases_{l}"], (n_out,))
        for l, (_, n_out) in enumerate(net.shapes)
    ]
    return _network_with(net, weights, biases)


# ---------------------------------------------------------------------------------------------
# Either.

WEIGHTS_SUFFIXES = (".json", ".npz")


def save_weights(path: str | os.PathLike[str], net: Network) -> None:
    """Save as ``.npz`` or JSON, chosen by the file name's suffix (JSON unless ``.npz``)."""
    if Path(path).suffix.lower() == ".npz":
        save_weights_npz(path, net)
    else:
        save_weights_json(path, net)


def load_weights(path: str | os.PathLike[str], net: Network) -> Network:
    """``net`` with the parameters of the file at ``path``, ``.npz`` or JSON by content."""
    _check_size(path)
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic in _ZIP_MAGIC:
        return load_weights_npz(path, net)
    return load_weights_json(path, net)


__all__ = [
    "FORMAT",
    "MAX_WEIGHTS_BYTES",
    "VERSION",
    "WEIGHTS_SUFFIXES",
    "WeightsError",
    "load_weights",
    "load_weights_json",
    "load_weights_npz",
    "parse_weights_json",
    "save_weights",
    "save_weights_json",
    "save_weights_npz",
    "weights_to_json",
    "weights_to_npz",
]
