"""Weights files: JSON and .npz round trips are exact, what numpy itself reads back is the
course example, and every file that does not fit the network is refused with a message
naming the problem."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlpviz.engine.weights_io as weights_io
from mlpviz.engine.network import Network, course_example, initialise
from mlpviz.engine.session import default_session, save_session
from mlpviz.engine.weights_io import (
    WeightsError,
    load_weights,
    load_weights_json,
    load_weights_npz,
    parse_weights_json,
    save_weights,
    save_weights_json,
    save_weights_npz,
)

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
W = [[[0.2, 0.4], [0.6, 0.8]], [[0.3, 0.5]]]
B = [[0.1, 0.2], [0.4]]


def zeros_like(net: Network) -> Network:
    return Network(list(net.layer_sizes), list(net.activations))


def test_json_file_holds_the_course_values(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    save_weights_json(path, course_example())
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "mlpviz-weights" and doc["version"] == 1
    assert doc["layer_sizes"] == [2, 2, 1]
    assert doc["weights"] == W and doc["biases"] == B
    loaded = load_weights_json(path, zeros_like(course_example()))
    assert loaded.equals(course_example())


def test_npz_file_holds_the_course_values_for_numpy_itself(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    save_weights_npz(path, course_example())
    with np.load(path, allow_pickle=False) as npz:
        assert list(npz["layer_sizes"]) == [2, 2, 1]
        assert list(npz["activations"]) == ["sigmoid", "sigmoid"]
        np.testing.assert_array_equal(npz["weights_0"], W[0])
        np.testing.assert_array_equal(npz["weights_1"], W[1])
        np.testing.assert_array_equal(npz["biases_0"], B[0])
        np.testing.assert_array_equal(npz["biases_1"], B[1])
    assert load_weights_npz(path, zeros_like(course_example())).equals(course_example())


def test_a_hand_written_npz_without_layer_sizes_loads(tmp_path: Path) -> None:
    path = tmp_path / "hand.npz"
    np.savez(path, weights_0=np.array(W[0]), biases_0=np.array(B[0]),
             weights_1=np.array(W[1], dtype=np.float32), biases_1=np.array([0.4]))  # fmt: skip
    net = load_weights(path, zeros_like(course_example()))
    np.testing.assert_array_equal(net.weights[1], np.float32([[0.3, 0.5]]).astype(float))
    assert net.weights[0].dtype == np.float64


@FAST
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    seed=st.integers(0, 2**31),
    scale=st.sampled_from([1e-300, 1e-3, 1.0, 1e5, 1e300]),
    suffix=st.sampled_from([".json", ".npz"]),
)
def test_round_trip_is_exact(sizes: list[int], seed: int, scale: float, suffix: str) -> None:
    acts = ["tanh"] * (len(sizes) - 1)
    net = initialise(sizes, acts, "he", seed)
    net = net.with_params([w * scale for w in net.weights], [b + scale for b in net.biases])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"w{suffix}"
        save_weights(path, net)
        again = load_weights(path, zeros_like(net))
    for p, q in zip(net.params(), again.params(), strict=True):
        assert p.tobytes() == q.tobytes()  # bit for bit


def test_shapes_that_differ_are_named(tmp_path: Path) -> None:
    wide = initialise([2, 3, 1], ["sigmoid", "sigmoid"], "xavier", 0)
    for suffix in (".json", ".npz"):
        path = tmp_path / f"wide{suffix}"
        save_weights(path, wide)
        with pytest.raises(WeightsError, match=r"the file's network is 2-3-1, this one is 2-2-1"):
            load_weights(path, course_example())
    # Without layer_sizes the first array that does not fit is named, with both shapes.
    np.savez(tmp_path / "bare.npz", weights_0=wide.weights[0], biases_0=wide.biases[0],
             weights_1=wide.weights[1], biases_1=wide.biases[1])  # fmt: skip
    with pytest.raises(WeightsError, match=r"weights_0: the file has shape \(3, 2\), the network needs \(2, 2\)"):  # fmt: skip # noqa: E501
        load_weights(tmp_path / "bare.npz", course_example())
    doc = {"weights": [[[1, 2], [3, 4], [5, 6]], [[1, 2, 3]]], "biases": [[0, 0, 0], [0]]}
    with pytest.raises(WeightsError, match=r"weights\[0\]: the file has 3 rows, the network needs 2"):  # fmt: skip # noqa: E501
        parse_weights_json(json.dumps(doc), course_example())
    doc = {"weights": W, "biases": [[0.1, 0.2, 0.3], [0.4]]}
    with pytest.raises(WeightsError, match=r"biases\[0\]: the file has 3 numbers"):
        parse_weights_json(json.dumps(doc), course_example())
    doc = {"weights": W[:1], "biases": B[:1]}
    with pytest.raises(WeightsError, match="weights: the file has 1 layers, the network needs 2"):
        parse_weights_json(json.dumps(doc), course_example())
    np.savez(tmp_path / "short.npz", weights_0=np.array(W[0]), biases_0=np.array(B[0]))
    with pytest.raises(WeightsError, match="weights_1 is missing"):
        load_weights(tmp_path / "short.npz", course_example())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"weights": [[[NaN, 0.4], [0.6, 0.8]], [[0.3, 0.5]]], "biases": [[0.1, 0.2], [0.4]]}',
         "NaN is not allowed"),
        ('{"weights": [[[1e999, 0.4], [0.6, 0.8]], [[0.3, 0.5]]], "biases": [[0.1, 0.2], [0.4]]}',
         "1e999 is too large"),
        ('{"weights": [[[true, 0.4], [0.6, 0.8]], [[0.3, 0.5]]], "biases": [[0.1, 0.2], [0.4]]}',
         r"weights\[0\]\[0\]\[0\]: expected a number, got true"),
        ('{"weights": [[["a", 0.4], [0.6, 0.8]], [[0.3, 0.5]]], "biases": [[0.1, 0.2], [0.4]]}',
         "expected a number, got a string"),
        ('{"weights": W}', "not JSON"),
        ("[1, 2]", "expected a JSON object, got a list"),
        ('{"format": "other"}', "format: expected 'mlpviz-weights'"),
        ('{"format": "mlpviz-weights", "version": 9}', "newer mlpviz"),
        ('{"format": "mlpviz-weights", "wieghts": []}', "unknown key 'wieghts'"),
        ('{"biases": []}', "missing 'weights'"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)  # fmt: skip
def test_malformed_json_is_refused(text: str, message: str) -> None:
    with pytest.raises(WeightsError, match=message):
        parse_weights_json(text, course_example())


def test_non_finite_npz_is_refused(tmp_path: Path) -> None:
    w0 = np.array(W[0])
    w0[1, 0] = np.inf
    np.savez(tmp_path / "inf.npz", weights_0=w0, biases_0=np.array(B[0]),
             weights_1=np.array(W[1]), biases_1=np.array(B[1]))  # fmt: skip
    with pytest.raises(WeightsError, match=r"weights_0\[1, 0\]: inf is not allowed"):
        load_weights(tmp_path / "inf.npz", course_example())


def test_a_pickled_npz_is_refused_without_unpickling(tmp_path: Path) -> None:
    path = tmp_path / "objects.npz"
    objects = np.array([[0.2, 0.4], [0.6, {"x": 1}]], dtype=object)
    np.savez(path, weights_0=objects, biases_0=np.array(B[0]),
             weights_1=np.array(W[1]), biases_1=np.array(B[1]))  # fmt: skip
    with pytest.raises(WeightsError, match="weights_0: holds object values, not numbers"):
        load_weights(path, course_example())
    np.savez(path, weights_0=np.array([["a", "b"], ["c", "d"]]), biases_0=np.array(B[0]),
             weights_1=np.array(W[1]), biases_1=np.array(B[1]))  # fmt: skip
    with pytest.raises(WeightsError, match="weights_0: holds <U1 values, not numbers"):
        load_weights(path, course_example())


def test_a_header_claiming_a_huge_array_is_refused_before_allocation(tmp_path: Path) -> None:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**9, 10**3)}
    )
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("weights_0.npy", b"\x93NUMPY\x01\x00" + header.getvalue()[8:] + b"\0" * 64)
    with pytest.raises(WeightsError, match=r"more than the \d+ bytes allowed"):
        load_weights(path, course_example())


def test_files_over_the_limit_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.json"
    save_weights_json(path, course_example())
    monkeypatch.setattr(weights_io, "MAX_WEIGHTS_BYTES", 100)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr("builtins.open", no_reading)
    with pytest.raises(WeightsError, match=r"bytes, more than the 100"):
        load_weights(path, course_example())


@pytest.mark.parametrize(
    "content",
    [b"", b"\x93NUMPY\x01\x00", b"PK\x03\x04garbage", b"\xff\xfe\x00not text", b"\x80\x04pickle"],
)
def test_garbage_files_are_weights_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "g.npz"
    path.write_bytes(content)
    with pytest.raises(WeightsError):
        load_weights(path, course_example())
    with pytest.raises(WeightsError):
        load_weights_npz(path, course_example())


def test_a_session_file_gives_its_network_weights(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    save_session(path, default_session())
    assert load_weights(path, zeros_like(course_example())).equals(course_example())


def test_saving_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.npz"
    save_weights(path, course_example())
    before = path.read_bytes()

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        save_weights(path, initialise([2, 2, 1], ["sigmoid", "sigmoid"], "he", 3))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no temporary file left


def test_non_finite_weights_are_not_written_as_json(tmp_path: Path) -> None:
    net = course_example()
    net.biases[1][0] = np.nan
    with pytest.raises(WeightsError, match=r"biases\[1\]\[0\] = nan"):
        save_weights_json(tmp_path / "w.json", net)
    assert not (tmp_path / "w.json").exists()
