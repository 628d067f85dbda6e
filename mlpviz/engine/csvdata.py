"""Loading a user's CSV file as a :class:`~mlpviz.engine.datasets.Dataset`.

The file is UTF-8 text (a byte-order mark is allowed), one sample per line, cells split by
commas (or by semicolons or tabs when the first line holds more of those). An optional
first row of column names is recognised on its own: it is taken as a header when one of
its cells is text where the row below has a number. Blank lines are skipped.

Features must be finite numbers. The target columns (the last column unless told
otherwise) are numbers for regression, or labels for classification. Class names are
sorted in a fixed order: numerically when every label is a number (so "2" comes before
"10", and "1" and "1.0" are one class), otherwise by Unicode code point ("B" < "a").
Two classes give one 0/1 output (1 for the second class), more give one-hot outputs, as
the generators of :mod:`mlpviz.engine.datasets` do.

Anything wrong with the file raises :class:`CsvError`, whose message gives the 1-based
line and column (the column counts cells, not characters). Nothing is ever evaluated:
cells are only parsed with :func:`float`.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import TextIO

import numpy as np
from numpy.typing import NDArray

from mlpviz.engine.datasets import (
    TASKS,
    Dataset,
    class_target_names,
    one_hot,
    split_samples,
    standardize_features,
)
from mlpviz.engine.types import Array

DEFAULT_MAX_BYTES = 32 * 1024 * 1024
"""Largest file :func:`load_csv` reads by default: far above 100,000 rows × 10 columns."""

MAX_CLASSES = 100
"""More distinct labels than this are refused: the column is most likely not a class."""

PREVIEW_BYTES = 1024 * 1024
""":func:`preview_csv` reads at most this much of the file's beginning."""

DELIMITERS = (",", ";", "\t")

CsvSource = str | os.PathLike[str] | TextIO
"""A path to a CSV file, or an open text stream."""


class CsvError(ValueError):
    """A file that cannot be loaded; ``line`` and ``column`` (1-based) say where, if known."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        place = [f"line {line}"] if line is not None else []
        place += [f"column {column}"] if column is not None else []
        super().__init__(f"{', '.join(place)}: {reason}" if place else reason)


# --- reading the text ---------------------------------------------------------------------


def _count_lines(text: str) -> int:
    """Line breaks in ``text`` as the csv module sees them (\\n, \\r and \\r\\n)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _decode(data: bytes) -> str:
    """UTF-8 ``data`` as text, or a CsvError at the first invalid byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8-sig")
        line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
        partial_line = before[line_start:]
        delimiter = _detect_delimiter(before)
        cells = next(csv.reader([partial_line], delimiter=delimiter), []) if partial_line else []
        raise CsvError(
            f"byte 0x{data[error.start]:02x} is not valid UTF-8 (save the file as UTF-8)",
            _count_lines(before) + 1,
            max(len(cells), 1),
        ) from None


def _read_text(source: CsvSource, limit: int, whole: bool) -> tuple[str, str]:
    """(text, dataset name) of ``source``; at most ``limit`` bytes.

    ``whole``: the file must fit in ``limit`` (else CsvError); otherwise the text is cut
    after its last complete line within the limit.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        size = path.stat().st_size
        if whole and size > limit:
            raise CsvError(f"the file is {size:,} bytes, more than the limit of {limit:,}")
        with path.open("rb") as file:
            data = file.read(limit + 1)
        if len(data) > limit:
            if whole:
                raise CsvError(f"the file is larger than the limit of {limit:,} bytes")
            data = data[: data.rfind(b"\n", 0, limit) + 1]
        return _decode(data), path.stem
    try:
        raw: str | bytes = source.read(limit + 1)
    except UnicodeDecodeError as error:
        raise CsvError(f"the text is not valid UTF-8 ({error.reason})") from None
    text = _decode(raw) if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    if len(text) > limit:
        if whole:
            raise CsvError(f"the text is longer than the limit of {limit:,} characters")
        text = text[: text.rfind("\n", 0, limit) + 1]
    return text, Path(str(getattr(source, "name", ""))).stem or "CSV data"


def _detect_delimiter(text: str) -> str:
    """The delimiter most frequent on the first non-blank line; a comma on ties."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = [first.count(d) for d in DELIMITERS]
    return DELIMITERS[counts.index(max(counts))] if max(counts) > 0 else ","


def _quote_left_open(text: str, line: int) -> bool:
    """Whether the text from ``line`` (1-based) to its end has an odd number of quotes:
    a quoted cell begun there is never closed (a doubled quote inside one counts two)."""
    return sum(part.count('"') for part in text.splitlines()[line - 1 :]) % 2 == 1


def _parse_rows(
    text: str,
    delimiter: str,
    max_rows: int | None = None,
    progress: Callable[[float], None] | None = None,
    progress_share: float = 1.0,
) -> tuple[list[list[str]], list[int]]:
    """Non-blank rows of cells and the line each starts on.

    progress(f) is called with f rising to ``progress_share``, about every 1 % of lines.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    total = _count_lines(text) + 1
    report_step = max(1, total // 100)
    next_report = report_step
    previous = 0
    try:
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if previous > start and previous >= total - 1 and _quote_left_open(text, start):
                # A quoted cell over several lines is CSV; one that runs to the end of the
                # file without its closing quote swallowed every line after it.
                raise CsvError(
                    'a quoted cell runs from here to the end of the file: is a quote (") '
                    "left open?",
                    start,
                )
            rows.append(row)
            lines.append(start)
            if max_rows is not None and len(rows) >= max_rows:
                break
            if progress is not None and previous >= next_report:
                progress(progress_share * min(previous / total, 1.0))
                next_report = previous + report_step
    except csv.Error as error:
        raise CsvError(f"not readable as CSV ({error})", max(reader.line_num, 1)) from None
    return rows, lines


# --- cells --------------------------------------------------------------------------------


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _looks_like_header(first: list[str], second: list[str] | None) -> bool:
    """A header has a text cell above a number; a lone row is a header if it is all text."""
    if second is None:
        return all(c.strip() and not _is_number(c) for c in first)
    return any(
        a.strip() and not _is_number(a) and _is_number(b)
        for a, b in zip(first, second, strict=False)
    )


def _shown(cell: str) -> str:
    cell = cell.strip()
    return repr(cell if len(cell) <= 40 else cell[:37] + "...")


def _cell_problem(cell: str, numeric: bool) -> str | None:
    """Why ``cell`` is refused, or None. A label may be any text but empty, NaN or inf."""
    if not cell.strip():
        return "empty cell"
    try:
        value = float(cell)
    except ValueError:
        return None if not numeric else f"{_shown(cell)} is not a number"
    return None if math.isfinite(value) else f"{_shown(cell)} is not a finite number"


def _first_bad_cell(
    rows: list[list[str]], lines: list[int], numeric: Sequence[int], labels: Sequence[int]
) -> CsvError:
    """The first refused cell in reading order, over the ``numeric`` and ``labels`` columns."""
    kinds = sorted([(i, True) for i in numeric] + [(i, False) for i in labels])
    for row, line in zip(rows, lines, strict=True):
        for i, is_numeric in kinds:
            problem = _cell_problem(row[i], is_numeric)
            if problem is not None:
                return CsvError(problem, line, i + 1)
    return CsvError("a cell could not be read")  # unreachable: callers found a bad cell first


# --- columns ------------------------------------------------------------------------------


def _target_indices(
    target_columns: Sequence[int | str] | int | str | None,
    header: list[str] | None,
    header_line: int,
    n_cols: int,
) -> list[int]:
    """0-based indices of the target columns (default: the last one)."""
    if target_columns is None:
        specs: Sequence[int | str] = [n_cols - 1]
    elif isinstance(target_columns, (str, int, np.integer)):
        specs = [target_columns]  # a single name or index, not a sequence of characters
    else:
        specs = target_columns
    indices: list[int] = []
    for spec in specs:
        if isinstance(spec, str):
            if header is None:
                raise CsvError(f"target column {spec!r} needs a header row, the file has none")
            named = [i for i, name in enumerate(header) if name == spec.strip()]
            if len(named) != 1:
                problem = "no column is" if not named else f"{len(named)} columns are"
                raise CsvError(f"{problem} named {spec!r}", header_line)
            index = named[0]
        elif isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
            index = int(spec) + n_cols if spec < 0 else int(spec)
            if not 0 <= index < n_cols:
                raise CsvError(f"target column {spec} is out of range: the file has {n_cols}")
        else:
            raise CsvError(f"a target column is a name or an index, not {spec!r}")
        if index in indices:
            raise CsvError(f"column {index + 1} is chosen as a target twice")
        indices.append(index)
    if not indices:
        raise CsvError("no target column chosen")
    if len(indices) == n_cols:
        raise CsvError("every column is a target: at least one feature column is needed")
    return indices


def _numeric_table(
    rows: list[list[str]], lines: list[int], columns: list[int], n_cols: int
) -> Array:
    """The cells of ``columns`` as floats: (N, len(columns)), every one finite."""
    if columns == list(range(n_cols)):
        selected: list[list[str]] | list[tuple[str, ...]] = rows
    elif len(columns) == 1:
        selected = [[row[columns[0]]] for row in rows]
    else:
        pick = itemgetter(*columns)
        selected = [pick(row) for row in rows]
    try:
        table = np.array(selected, dtype=float).reshape(len(rows), len(columns))
    except ValueError:
        raise _first_bad_cell(rows, lines, columns, []) from None
    if not np.isfinite(table).all():
        raise _first_bad_cell(rows, lines, columns, [])
    return table


def _class_labels(
    rows: list[list[str]], lines: list[int], column: int
) -> tuple[NDArray[np.int64], list[str]]:
    """Class index per row ``(N,)`` and the sorted class names of one label column."""
    raw = [row[column].strip() for row in rows]
    distinct = set(raw)
    if any(_cell_problem(label, numeric=False) for label in distinct):
        raise _first_bad_cell(rows, lines, [], [column])
    if all(_is_number(label) for label in distinct):
        value_of = {label: float(label) for label in distinct}
        values = sorted(set(value_of.values()))
        names = [str(int(v)) if v.is_integer() else repr(v) for v in values]
        position = {v: k for k, v in enumerate(values)}
        index_of = {label: position[v] for label, v in value_of.items()}
    else:
        names = sorted(distinct)
        index_of = {label: k for k, label in enumerate(names)}
    if len(names) < 2:
        raise CsvError(
            f"every sample has the class {names[0]!r}: classification needs two classes or more",
            column=column + 1,
        )
    if len(names) > MAX_CLASSES:
        raise CsvError(
            f"{len(names)} different labels, more than {MAX_CLASSES} classes: "
            "is this column a regression target?",
            column=column + 1,
        )
    labels = np.fromiter((index_of[label] for label in raw), dtype=np.int64, count=len(raw))
    return labels, names


# --- the public functions -----------------------------------------------------------------


def load_csv(
    source: CsvSource,
    target_columns: Sequence[int | str] | int | str | None = None,
    has_header: bool | None = None,
    task: str | None = None,
    standardize: bool = False,
    test_ratio: float = 0.0,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Dataset:
    """The samples of a CSV file (a path or an open text stream) as a Dataset.

    target_columns: header names or 0-based indices (negative count from the end);
    default the last column. has_header: None detects it (see the module docstring).
    task: "classification", "regression" or None, which picks classification when a
    single target column holds text. Classification takes exactly one target column.
    test_ratio, seed: a seeded split as in :func:`~mlpviz.engine.datasets.split_samples`
    (stratified for classification); both parts are in a seeded random order, not the
    file's. standardize: scale features by the training part's
    mean and std. progress(fraction) is called about every 1 % of the lines, rising to
    1.0 when done. max_bytes: larger files are refused before they are read.

    x: (N, number of feature columns); y: (N, number of targets) for regression,
    (N, 1) 0/1 for two classes, (N, number of classes) one-hot for more.
    Raises CsvError for a file that cannot be used, OSError if it cannot be opened.
    """
    if task is not None and task not in TASKS:
        raise ValueError(f"unknown task {task!r} (known: {', '.join(TASKS)})")
    if not 0.0 <= test_ratio < 1.0:
        raise ValueError(f"test_ratio must be in [0, 1), got {test_ratio}")
    text, name = _read_text(source, max_bytes, whole=True)
    rows, lines = _parse_rows(text, _detect_delimiter(text), None, progress, 0.6)
    if not rows:
        raise CsvError("the file is empty")
    if has_header is None:
        has_header = _looks_like_header(rows[0], rows[1] if len(rows) > 1 else None)
    header: list[str] | None = None
    header_line = lines[0]
    n_cols = len(rows[0])
    if has_header:
        header = [cell.strip() or f"column {i + 1}" for i, cell in enumerate(rows[0])]
        rows, lines = rows[1:], lines[1:]
        if not rows:
            raise CsvError("the file has a header but no data rows", header_line)
    for row, line in zip(rows, lines, strict=True):
        if len(row) != n_cols:
            raise CsvError(
                f"{len(row)} cells where line {header_line} has {n_cols}",
                line,
                min(len(row), n_cols) + 1,
            )
    if n_cols < 2:
        raise CsvError("one column only: a dataset needs a feature column and a target column")

    targets = _target_indices(target_columns, header, header_line, n_cols)
    features = [i for i in range(n_cols) if i not in targets]
    if task is None:
        text_target = len(targets) == 1 and any(not _is_number(r[targets[0]]) for r in rows)
        task = "classification" if text_target else "regression"
    if task == "classification" and len(targets) != 1:
        raise CsvError(f"classification takes one target column, {len(targets)} were chosen")

    def column_name(i: int) -> str:
        return header[i] if header is not None else f"column {i + 1}"

    labels: NDArray[np.int64] | None = None
    class_names: list[str] = []
    if task == "classification":
        x = _numeric_table(rows, lines, features, n_cols)
        labels, class_names = _class_labels(rows, lines, targets[0])
        y = one_hot(labels, len(class_names))
        target_names = class_target_names(class_names)
    else:
        table = _numeric_table(rows, lines, sorted(targets + features), n_cols)
        order = sorted(targets + features)
        x = table[:, [order.index(i) for i in features]]
        y = table[:, [order.index(i) for i in targets]]
        target_names = [column_name(i) for i in targets]
    if progress is not None:
        progress(0.9)

    train, test = split_samples(len(rows), test_ratio, np.random.default_rng(seed), labels)
    x_train, x_test = x[train], x[test]
    if standardize:
        with np.errstate(all="ignore"):
            x_train, x_test = standardize_features(x_train, x_test)
        if not (np.isfinite(x_train).all() and np.isfinite(x_test).all()):
            raise CsvError("the features are too large to standardise")
    data = Dataset(
        name,
        x_train,
        y[train],
        x_test,
        y[test],
        task=task,
        feature_names=[column_name(i) for i in features],
        target_names=target_names,
        class_names=class_names,
    )
    if progress is not None:
        progress(1.0)
    return data


def preview_csv(
    source: CsvSource, n_rows: int = 10, has_header: bool | None = None
) -> tuple[list[str] | None, list[list[str]]]:
    """(header or None, the first ``n_rows`` rows of cells as text) for an import dialog.

    Reads only the file's beginning and checks nothing but the text encoding, so ragged
    or non-numeric rows are shown as they are; :func:`load_csv` judges them.
    """
    text, _ = _read_text(source, PREVIEW_BYTES, whole=False)
    rows, _lines = _parse_rows(text, _detect_delimiter(text), max_rows=n_rows + 1)
    if not rows:
        return None, []
    if has_header is None:
        has_header = _looks_like_header(rows[0], rows[1] if len(rows) > 1 else None)
    if has_header:
        return [cell.strip() for cell in rows[0]], rows[1 : n_rows + 1]
    return None, rows[:n_rows]
