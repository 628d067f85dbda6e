"""CSV import: preview, column and task choice, good files of several shapes, each kind of
bad file refused with its line and column while the data in use stay; a 100,000-row file
loads in a worker while the window keeps answering."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from loop_gaps import LoopGaps
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mlpviz.gui.csv_import_dialog import CsvImportDialog
from mlpviz.gui.data_panel import DataPanel
from mlpviz.gui.session_model import SessionModel


def write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def dialog_for(qtbot: QtBot, path: str) -> CsvImportDialog:
    dialog = CsvImportDialog(None, path)
    qtbot.addWidget(dialog)
    return dialog


def load(qtbot: QtBot, dialog: CsvImportDialog) -> None:
    with qtbot.waitSignal(dialog.finished, timeout=10000):
        dialog.load_button.click()


def load_fails(qtbot: QtBot, dialog: CsvImportDialog) -> str:
    dialog.load_button.click()
    qtbot.waitUntil(lambda: dialog.loader is None, timeout=10000)
    assert dialog.dataset is None
    return dialog.error.text()


IRIS_LIKE = "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n" * 1


def test_preview_header_and_default_target(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, write(tmp_path, IRIS_LIKE))
    assert dialog.has_header.isChecked()
    assert dialog.preview.rowCount() == 3 and dialog.preview.columnCount() == 3
    assert dialog.preview.horizontalHeaderItem(2).text() == "species"
    assert dialog.preview.item(1, 1).text() == "4.7"
    assert dialog.target_columns() == [2]
    dialog.has_header.setChecked(False)  # the names become a row of the preview
    assert dialog.preview.rowCount() == 4
    assert dialog.preview.horizontalHeaderItem(0).text() == "column 1"


def test_a_classification_file(qtbot: QtBot, tmp_path: Path) -> None:
    rows = "".join(f"{i},{(i * 7) % 5},{'ab'[i % 2]}\n" for i in range(20))
    dialog = dialog_for(qtbot, write(tmp_path, "x,y,label\n" + rows))
    dialog.test_ratio.setValue(0.3)
    dialog.standardize.setChecked(False)
    load(qtbot, dialog)
    d = dialog.dataset
    assert d is not None and d.task == "classification"
    assert d.class_names == ["a", "b"]
    assert len(d.x_train) == 14 and len(d.x_test) == 6  # 3 of each class of 10
    # Every sample comes back with its label: 'b' (the second class) on odd rows.
    x = np.concatenate([d.x_train, d.x_test])
    y = np.concatenate([d.y_train, d.y_test])[:, 0]
    np.testing.assert_array_equal(y, x[:, 0] % 2)
    assert dialog.source == {
        "kind": "csv", "path": str(tmp_path / "data.csv"), "target_columns": [2],
        "has_header": True, "task": None, "standardize": False, "test_ratio": 0.3, "seed": 0,
    }  # fmt: skip


def test_regression_with_two_targets_and_standardised_inputs(qtbot: QtBot, tmp_path: Path) -> None:
    rows = "".join(f"{i};{2 * i};{i + 1};{3 * i}\n" for i in range(10))  # semicolons
    dialog = dialog_for(qtbot, write(tmp_path, rows))
    assert not dialog.has_header.isChecked()
    dialog.targets.item(3).setCheckState(Qt.CheckState.Checked)
    dialog.targets.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.task.setCurrentIndex(2)  # regression
    dialog.test_ratio.setValue(0.0)
    load(qtbot, dialog)
    d = dialog.dataset
    assert d is not None and d.task == "regression"
    assert d.x_train.shape == (10, 2) and d.y_train.shape == (10, 2)
    # Inputs 2i and i + 1 standardised: mean 0, standard deviation 1.
    np.testing.assert_allclose(d.x_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(d.x_train.std(axis=0), 1.0)
    # Targets i and 3i, untouched: the second is three times the first.
    np.testing.assert_allclose(d.y_train[:, 1], 3 * d.y_train[:, 0])


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a,b,c\n1,2,0\n3,x,1\n", "line 3, column 2: 'x' is not a number"),
        ("a,b,c\n1,2,0\n3,4\n", "line 3, column 3: 2 cells where line 1 has 3"),
        ("a,b,c\n1,2,0\n3,,1\n", "line 3, column 2: empty cell"),
        ("a,b,c\n1,2,0\n1,inf,1\n", "line 3, column 2: 'inf' is not a finite number"),
        ("a,b,c\n1,2,0\n4,5,0\n", "column 3: every sample has the class '0'"),
        (b"a,b,c\n1,2,0\n3,\xff4,1\n", "line 3, column 2: byte 0xff is not valid UTF-8"),
    ],
    ids=["text", "ragged", "empty", "infinite", "one-class", "encoding"],
)
def test_bad_files_are_refused_with_line_and_column(
    qtbot: QtBot, tmp_path: Path, text: str | bytes, where: str
) -> None:
    dialog = dialog_for(qtbot, write(tmp_path, text))
    dialog.task.setCurrentIndex(1)  # classification, so a single class is refused too
    if isinstance(text, bytes):
        # The preview stops at the bad byte already, and says where.
        assert where in dialog.error.text()
        return
    message = load_fails(qtbot, dialog)
    assert where in message
    assert "The data in use are unchanged" in message
    assert dialog.isVisible() or not dialog.result()  # not accepted


def test_a_missing_or_empty_file(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, str(tmp_path / "nowhere.csv"))
    assert "cannot read the file" in dialog.error.text()
    assert not dialog.load_button.isEnabled()
    dialog.set_path(write(tmp_path, "", "empty.csv"))
    assert not dialog.load_button.isEnabled()
    assert "the file is empty" in dialog.error.text()


def test_a_refused_file_leaves_the_model_unchanged(
    qtbot: QtBot, tmp_path: Path, course_model: SessionModel
) -> None:
    panel = DataPanel(course_model)
    qtbot.addWidget(panel)
    x_before = course_model.x.copy()
    dialog = panel.show_csv_dialog()
    dialog.set_path(write(tmp_path, "a,b\n1,2\n3,oops\n"))
    dialog.task.setCurrentIndex(2)
    assert "line 3, column 2" in load_fails(qtbot, dialog)
    dialog.reject()
    np.testing.assert_array_equal(course_model.x, x_before)
    assert course_model.undo_stack.count() == 0
    # A good file through the same panel becomes the data, undoably.
    dialog = panel.show_csv_dialog()
    dialog.set_path(write(tmp_path, "a,b,c\n1,2,3\n4,5,6\n7,8,9\n", "good.csv"))
    dialog.test_ratio.setValue(0.0)
    load(qtbot, dialog)
    assert course_model.x.shape == (3, 2)
    assert course_model.session.data_source["kind"] == "csv"
    assert course_model.network.layer_sizes == [2, 2, 1]
    course_model.undo_stack.undo()
    np.testing.assert_array_equal(course_model.x, x_before)


def test_100000_rows_load_while_the_window_answers(qtbot: QtBot, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100_000, 4))
    label = np.where(x[:, 0] + x[:, 1] > 0, "yes", "no")
    lines = [
        ",".join(f"{v:.5f}" for v in row) + f",{lab}" for row, lab in zip(x, label, strict=True)
    ]
    path = write(tmp_path, "a,b,c,d,label\n" + "\n".join(lines) + "\n", "big.csv")
    dialog = dialog_for(qtbot, path)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)  # the first paint is done before the probe starts
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    probe = LoopGaps(10)
    probe.start()
    load(qtbot, dialog)
    probe.stop()
    gaps = probe.gaps
    assert dialog.dataset is not None and len(dialog.dataset.x_train) == 80_000
    assert any(0 < p < 100 for p in progress)  # progress was shown on the way
    assert len(gaps) >= 5  # the event loop kept running during the load
    assert max(gaps) < 0.15, max(gaps)
