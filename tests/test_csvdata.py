"""Loading CSV files: good files of several shapes, every kind of bad file with its place."""

from __future__ import annotations

import io
import itertools
import statistics
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpviz.engine.csvdata import CsvError, load_csv, preview_csv
from mlpviz.engine.datasets import Dataset


def load_text(text: str, **kwargs: object) -> Dataset:
    return load_csv(io.StringIO(text), **kwargs)  # type: ignore[arg-type]


def in_file_order(d: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Training rows sorted by their first feature, to compare with a file whose first
    column is increasing (the loader shuffles the samples)."""
    order = np.argsort(d.x_train[:, 0], kind="stable")
    return d.x_train[order], d.y_train[order]


def refused(text: str | bytes, message: str, **kwargs: object) -> CsvError:
    """load_csv refuses ``text`` with exactly ``message``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8", newline="")
        else:
            path.write_bytes(text)
        with pytest.raises(CsvError) as caught:
            load_csv(path, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == message
    return caught.value


# --- good files ---------------------------------------------------------------------------


def test_header_and_numeric_regression_target(tmp_path: Path) -> None:
    path = tmp_path / "houses.csv"
    path.write_text("rooms,area,price\n1,20.5,100\n2,40,180\n3,61.25,-7e2\n", encoding="utf-8")
    d = load_csv(path)
    assert d.name == "houses" and d.task == "regression"
    assert d.feature_names == ["rooms", "area"] and d.target_names == ["price"]
    x, y = in_file_order(d)
    np.testing.assert_array_equal(x, [[1, 20.5], [2, 40], [3, 61.25]])
    np.testing.assert_array_equal(y, [[100], [180], [-700]])
    assert d.class_names == [] and d.x_test.shape == (0, 2)


def test_no_header_names_the_columns() -> None:
    d = load_text("1,2,3\n4,5,6\n")
    assert d.feature_names == ["column 1", "column 2"] and d.target_names == ["column 3"]
    x, y = in_file_order(d)
    np.testing.assert_array_equal(x, [[1, 2], [4, 5]])
    np.testing.assert_array_equal(y, [[3], [6]])


def test_string_labels_become_sorted_one_hot_classes() -> None:
    text = "a,b,species\n1,0,virginica\n2,0,setosa\n3,0,versicolor\n4,0,setosa\n"
    d = load_text(text)
    assert d.task == "classification"
    assert d.class_names == ["setosa", "versicolor", "virginica"]
    assert d.target_names == d.class_names
    _, y = in_file_order(d)
    np.testing.assert_array_equal(y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])


def test_string_labels_sort_by_code_point() -> None:
    d = load_text("1,b\n2,B\n3,a\n4,ä\n")
    assert d.class_names == ["B", "a", "b", "ä"]


def test_numeric_labels_sort_numerically_and_merge_equal_values() -> None:
    text = "x,digit\n1,10\n2,2\n3,1.0\n4,1\n5,0.5\n"
    d = load_text(text, task="classification")
    assert d.class_names == ["0.5", "1", "2", "10"]
    _, y = in_file_order(d)
    np.testing.assert_array_equal(np.argmax(y, axis=1), [3, 2, 1, 1, 0])
    # without task="classification" numbers are a regression target
    assert load_text(text).task == "regression"


def test_two_classes_give_one_zero_one_column() -> None:
    d = load_text("x1,x2,label\n1,5,yes\n2,6,no\n3,7,yes\n")
    assert d.class_names == ["no", "yes"] and d.target_names == ["yes"]
    _, y = in_file_order(d)
    np.testing.assert_array_equal(y, [[1], [0], [1]])


def test_several_targets_by_name_and_by_index() -> None:
    text = "y1,x1,x2,y2\n1,2,3,4\n5,6,7,8\n"
    d = load_text(text, target_columns=["y2", "y1"])
    assert d.feature_names == ["x1", "x2"] and d.target_names == ["y2", "y1"]
    _, y = in_file_order(d)
    np.testing.assert_array_equal(y, [[4, 1], [8, 5]])
    by_index = load_text(text, target_columns=[0, -1])
    assert by_index.target_names == ["y1", "y2"]
    np.testing.assert_array_equal(in_file_order(by_index)[1], [[1, 4], [5, 8]])
    single = load_text(text, target_columns="x1")
    assert single.feature_names == ["y1", "x2", "y2"]
    np.testing.assert_array_equal(in_file_order(single)[1], [[2], [6]])


@pytest.mark.parametrize(
    "text",
    [
        "a;b;c\n1;2;3\n4;5;6\n",
        "a\tb\tc\n1\t2\t3\n4\t5\t6\n",
        '"a","b","c"\r\n"1","2","3"\r\n"4","5","6"\r\n',
        "\ufeffa,b,c\n\n1, 2 ,3\n\n  \n4,5,6",
        "a,b,c\r1,2,3\r4,5,6\r",
    ],
)
def test_delimiters_quotes_line_endings_and_blank_lines(text: str) -> None:
    d = load_text(text)
    assert d.feature_names == ["a", "b"] and d.target_names == ["c"]
    x, y = in_file_order(d)
    np.testing.assert_array_equal(x, [[1, 2], [4, 5]])
    np.testing.assert_array_equal(y, [[3], [6]])


def test_forcing_the_header_choice() -> None:
    d = load_text("1,2,3\n4,5,6\n", has_header=True)
    assert d.feature_names == ["1", "2"] and len(d.x_train) == 1
    with pytest.raises(CsvError, match=r"^line 1, column 1: 'x' is not a number$"):
        load_text("x,y\n1,2\n", has_header=False)


def test_split_is_seeded_and_stratified() -> None:
    rows = [f"{i},{'ab'[i % 2]}" for i in range(20)]
    text = "x,label\n" + "\n".join(rows)
    a = load_text(text, test_ratio=0.2, seed=1)
    b = load_text(text, test_ratio=0.2, seed=1)
    c = load_text(text, test_ratio=0.2, seed=2)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert not np.array_equal(a.x_test, c.x_test)
    assert len(a.x_test) == 4 and a.y_test.sum() == 2
    assert sorted(np.concatenate([a.x_train, a.x_test])[:, 0]) == list(range(20))


def test_standardize_uses_the_training_part() -> None:
    rows = [f"{i * i},{3 - i},{i}" for i in range(12)]
    raw = load_text("\n".join(rows), test_ratio=0.25, seed=3)
    std = load_text("\n".join(rows), test_ratio=0.25, seed=3, standardize=True)
    for j in range(2):
        column = [float(v) for v in raw.x_train[:, j]]
        mean, sd = statistics.fmean(column), statistics.pstdev(column)
        np.testing.assert_allclose(std.x_train[:, j], [(v - mean) / sd for v in column])
        np.testing.assert_allclose(std.x_test[:, j], [(v - mean) / sd for v in raw.x_test[:, j]])


def test_progress_rises_to_one() -> None:
    text = "a,b,c\n" + "".join(f"{i},{i % 7},{i % 3}\n" for i in range(5000))
    calls: list[float] = []
    load_text(text, progress=calls.append)
    assert calls[-1] == 1.0
    assert all(a <= b for a, b in itertools.pairwise(calls))
    assert 0 <= calls[0] and len(calls) <= 110
    # no report before about 1 % of the lines
    assert calls[0] >= 0.6 * 0.009


def test_large_file_loads_fast(tmp_path: Path) -> None:
    import time

    rng = np.random.default_rng(0)
    path = tmp_path / "big.csv"
    np.savetxt(path, rng.normal(size=(100_000, 10)), delimiter=",", fmt="%.6f")
    start = time.perf_counter()
    d = load_csv(path)
    assert time.perf_counter() - start < 3.0
    assert d.x_train.shape == (100_000, 9)


def test_preview(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("a,b\n" + "".join(f"{i},x{i}\n" for i in range(30)) + "1,2,3\n")
    header, rows = preview_csv(path, n_rows=3)
    assert header == ["a", "b"] and rows == [["0", "x0"], ["1", "x1"], ["2", "x2"]]
    assert preview_csv(io.StringIO("1,2\n3\n")) == (None, [["1", "2"], ["3"]])
    assert preview_csv(io.StringIO("")) == (None, [])
    with pytest.raises(CsvError, match=r"^line 2, column 1: byte 0xe9 is not valid UTF-8"):
        path.write_bytes(b"a,b\n\xe9,1\n")
        preview_csv(path)


# --- bad files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("\n \n\r\n", "the file is empty"),
        ("a,b,c\n", "line 1: the file has a header but no data rows"),
        ("\n\na,b,c\n\n", "line 3: the file has a header but no data rows"),
        ("a,b,c\n1,2,3\n4,5\n", "line 3, column 3: 2 cells where line 1 has 3"),
        ("a,b,c\n1,2,3\n4,5,6,7\n", "line 3, column 4: 4 cells where line 1 has 3"),
        ("x,y\n1,2\n3,4\nabc,5\n", "line 4, column 1: 'abc' is not a number"),
        ("x,y,z\n1,2,a\n3,,b\n", "line 3, column 2: empty cell"),
        ("x,y,z\n1,2,a\n3, ,b\n", "line 3, column 2: empty cell"),
        ("x,y\n1,2\nnan,4\n", "line 3, column 1: 'nan' is not a finite number"),
        ("x,y\n1,2\n3,4\n\n5,inf\n", "line 5, column 2: 'inf' is not a finite number"),
        ("x,y\n1,2\n-Infinity,3\n", "line 3, column 1: '-Infinity' is not a finite number"),
        ("x,y\n1,2\n1e400,3\n", "line 3, column 1: '1e400' is not a finite number"),
        ("x,y,l\n1,2,a\n3,4,NaN\n", "line 3, column 3: 'NaN' is not a finite number"),
        ("x,y,l\n1,2,a\n3,4,\n", "line 3, column 3: empty cell"),
        # reading order: the earlier line wins, whatever the kind of problem
        ("x,y\n1,nan\n2,abc\n", "line 2, column 2: 'nan' is not a finite number"),
        # a quoted cell over two lines moves the later lines' numbers on
        ('x,y,z\n"1\n",2,3\n3,abc,4\n', "line 4, column 2: 'abc' is not a number"),
        # a quote left open swallows the rest of the file: said as such
        ('x,y,z\n1,2,3\n3,"4,1\n5,6,1\n', "line 3: a quoted cell runs from here to the "
         'end of the file: is a quote (") left open?'),
        ("x,label\n1,a\n2,a\n", "column 2: every sample has the class 'a': "
         "classification needs two classes or more"),
        ("y\n1\n2\n", "one column only: a dataset needs a feature column and a target column"),
    ],
)
def test_bad_files(text: str, message: str) -> None:
    refused(text, message)


def test_non_numeric_regression_target() -> None:
    refused("x,y,z\n1,2,3\n4,5,cat\n", "line 3, column 3: 'cat' is not a number",
            task="regression")
    refused("x,y,z\n1,a,3\n4,b,5\n", "line 2, column 2: 'a' is not a number",
            target_columns=[1, 2])
    # a row over two lines is placed at the line where it starts
    refused('x,y,z\n0,1,2\n1,"2\n",abc\n', "line 3, column 3: 'abc' is not a number",
            task="regression")


def test_non_utf8_bytes() -> None:
    refused(b"a,b\n1,2\n3,\xff4\n", "line 3, column 2: byte 0xff is not valid UTF-8 "
            "(save the file as UTF-8)")
    refused(b"x,caf\xe9\n1,2\n", "line 1, column 2: byte 0xe9 is not valid UTF-8 "
            "(save the file as UTF-8)")
    refused(b"x,y\r\n1,2\r\n\x80,3\r\n", "line 3, column 1: byte 0x80 is not valid UTF-8 "
            "(save the file as UTF-8)")
    refused(b"x,y\r1,2\r\x80,3\r", "line 3, column 1: byte 0x80 is not valid UTF-8 "
            "(save the file as UTF-8)")


def test_bad_target_choices() -> None:
    text = "a,b,c\n1,2,3\n4,5,6\n"
    refused(text, "line 1: no column is named 'z'", target_columns=["z"])
    refused("a,a,c\n1,2,3\n", "line 1: 2 columns are named 'a'", target_columns=["a"])
    refused(text, "target column 3 is out of range: the file has 3", target_columns=[3])
    refused(text, "target column -4 is out of range: the file has 3", target_columns=[-4])
    refused("1,2\n3,4\n", "target column 'b' needs a header row, the file has none",
            target_columns=["b"])
    refused(text, "every column is a target: at least one feature column is needed",
            target_columns=[0, 1, 2])
    refused(text, "column 3 is chosen as a target twice", target_columns=[2, -1])
    refused(text, "classification takes one target column, 2 were chosen",
            target_columns=[1, 2], task="classification")
    refused(text, "no target column chosen", target_columns=[])


def test_too_many_classes() -> None:
    text = "x,label\n" + "".join(f"{i},c{i}\n" for i in range(101))
    refused(text, "column 2: 101 different labels, more than 100 classes: "
            "is this column a regression target?")


def test_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    path.write_text("a,b\n1,2\n3,4\n")  # 12 bytes

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(CsvError, match=r"^the file is 12 bytes, more than the limit of 11$"):
        load_csv(path, max_bytes=11)
    monkeypatch.undo()
    assert len(load_csv(path, max_bytes=12).x_train) == 2
    with pytest.raises(CsvError, match="longer than the limit of 11 characters"):
        load_csv(io.StringIO("a,b\n1,2\n3,4\n"), max_bytes=11)


def test_bad_arguments_are_plain_value_errors() -> None:
    with pytest.raises(ValueError, match="unknown task 'clustering'") as caught:
        load_text("1,2\n", task="clustering")
    assert not isinstance(caught.value, CsvError)
    with pytest.raises(ValueError, match=r"test_ratio must be in \[0, 1\)"):
        load_text("1,2\n", test_ratio=1.0)


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        load_csv(tmp_path / "nothing.csv")


# --- any text at all ----------------------------------------------------------------------

CSV_LIKE = st.text(alphabet="0123456789.,;\t\n\r -+eEaxyinfNA\"'\x00é", max_size=200)


def check_loads_or_refuses(load: object) -> None:
    try:
        d = load()  # type: ignore[operator]
    except CsvError:
        return
    assert isinstance(d, Dataset)
    assert d.n_inputs >= 1 and d.n_outputs >= 1
    for part in (d.x_train, d.y_train, d.x_test, d.y_test):
        assert np.isfinite(part).all()


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(max_size=200), CSV_LIKE),
    task=st.sampled_from([None, "classification", "regression"]),
    test_ratio=st.sampled_from([0.0, 0.5]),
    standardize=st.booleans(),
    has_header=st.sampled_from([None, True, False]),
)
def test_any_text_loads_or_raises_csv_error(
    text: str, task: str | None, test_ratio: float, standardize: bool, has_header: bool | None
) -> None:
    check_loads_or_refuses(
        lambda: load_text(
            text, task=task, test_ratio=test_ratio, standardize=standardize, has_header=has_header
        )
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=200), CSV_LIKE.map(lambda t: t.encode("utf-8"))))
def test_any_bytes_load_or_raise_csv_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.csv"
        path.write_bytes(data)
        check_loads_or_refuses(lambda: load_csv(path))
        try:
            preview_csv(path)
        except CsvError:
            pass


NUMBER_CELLS = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: f" {v:.3e} "),
)
BAD_CELLS = {
    "": "empty cell",
    " ": "empty cell",
    "abc": "'abc' is not a number",
    "1,5": "'1,5' is not a number",
    "nan": "'nan' is not a finite number",
    "-inf": "'-inf' is not a finite number",
}


@settings(max_examples=150, deadline=None)
@given(
    table=st.integers(2, 5).flatmap(
        lambda n_cols: st.lists(
            st.lists(NUMBER_CELLS, min_size=n_cols, max_size=n_cols), min_size=1, max_size=8
        )
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    bad=st.one_of(st.none(), st.tuples(st.integers(0, 7), st.integers(0, 3),
                                       st.sampled_from(sorted(BAD_CELLS)))),
)
def test_numeric_tables_load_exactly_or_name_the_bad_cell(
    table: list[list[str]], delimiter: str, bad: tuple[int, int, str] | None
) -> None:
    n_cols = len(table[0])
    if bad is not None and delimiter != "," and bad[2] == "1,5":
        bad = None  # "1,5" is a bad number only when the comma splits no cells
    quote = '"' if delimiter == "," else ""
    if bad is not None:
        row, column, cell = bad[0] % len(table), bad[1] % (n_cols - 1), bad[2]
        table[row][column] = f"{quote}{cell}{quote}" if cell == "1,5" else cell
    text = "\n".join(delimiter.join(row) for row in table)
    if bad is not None:
        with pytest.raises(CsvError) as caught:
            load_text(text, has_header=False, task="regression")
        assert str(caught.value) == f"line {row + 1}, column {column + 1}: {BAD_CELLS[cell]}"
        return
    d = load_text(text, has_header=False)
    expected = sorted(tuple(float(c) for c in row) for row in table)
    loaded = sorted(map(tuple, np.hstack([d.x_train, d.y_train]).tolist()))
    assert loaded == expected
