"""Import a CSV file as the data to train on: a preview of its first rows, the choice of
target columns, classification or regression, standardisation and the test share.

Loading runs :func:`mlpviz.engine.csvdata.load_csv` in a worker thread (Orange3's
pattern: a plain function reporting progress, the dialog handling partial results and the
end): parsing 100,000 rows takes a fraction of a second, but the window must keep painting
and the Cancel button must answer meanwhile. Progress reaches the dialog at most every
PROGRESS_SECONDS; Cancel makes the progress callback stop the loader.

A file that cannot be used is refused with the engine's message, which names the line and
column of the problem; the dialog stays open and the data in use stay as they were.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.csvdata import CsvError, load_csv, preview_csv
from mlpviz.engine.datasets import Dataset

PREVIEW_ROWS = 10
PROGRESS_SECONDS = 0.1
TASKS = (("Detect from the target", None), ("Classification", "classification"),
         ("Regression", "regression"))  # fmt: skip
ERROR_COLOUR = "#C8102E"


class _Cancelled(Exception):
    """Raised from the progress callback to stop the loader."""


class CsvLoader(QThread):
    """Runs load_csv(path, **options) off the GUI thread; emits ``progressed(fraction)``
    at most every PROGRESS_SECONDS, then ``loaded(Dataset)`` or ``failed(message)``."""

    progressed = Signal(float)
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: str, options: dict[str, object], parent: QWidget | None = None):
        super().__init__(parent)
        self.path, self.options = path, options
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        last = [0.0]

        def progress(fraction: float) -> None:
            if self._cancel.is_set():
                raise _Cancelled
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_SECONDS or fraction >= 1.0:
                last[0] = now
                self.progressed.emit(fraction)

        try:
            data = load_csv(self.path, progress=progress, **self.options)  # type: ignore[arg-type]
        except _Cancelled:
            return
        except CsvError as error:
            self.failed.emit(str(error))
        except OSError as error:
            self.failed.emit(f"cannot read the file: {error.strerror or error}")
        except ValueError as error:
            self.failed.emit(str(error))
        else:
            self.loaded.emit(data)


class CsvImportDialog(QDialog):
    """Choose how to read a CSV file, then load it; :attr:`dataset` and :attr:`source` hold
    the result once the dialog is accepted."""

    def __init__(self, parent: QWidget | None = None, path: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open CSV data")
        self.dataset: Dataset | None = None
        self.source: dict[str, object] = {}
        self.loader: CsvLoader | None = None
        self._header: list[str] | None = None

        self.path = QLineEdit(self)
        self.path.setPlaceholderText("A CSV file: one sample per line")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        self.has_header = QCheckBox("The first row names the columns", self)
        self.preview = QTableWidget(self)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setMinimumHeight(180)
        self.targets = QListWidget(self)
        self.targets.setToolTip("Target columns (the rest are the inputs)")
        self.targets.setMaximumHeight(120)
        self.task = QComboBox(self)
        for title, _ in TASKS:
            self.task.addItem(title)
        self.standardize = QCheckBox("Standardise the inputs (mean 0, std 1 on the training part)")
        self.standardize.setChecked(True)
        self.test_ratio = QDoubleSpinBox(self)
        self.test_ratio.setRange(0.0, 0.9)
        self.test_ratio.setSingleStep(0.05)
        self.test_ratio.setValue(0.2)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(self)
        self.load_button = self.buttons.addButton("Load", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.load_button.clicked.connect(self.load)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        form = QFormLayout()
        form.addRow("Targets", self.targets)
        form.addRow("Task", self.task)
        form.addRow("", self.standardize)
        form.addRow("Test share", self.test_ratio)
        form.addRow("Split seed", self.seed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.has_header)
        layout.addWidget(QLabel(f"The first {PREVIEW_ROWS} rows:"))
        layout.addWidget(self.preview, 1)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(720, 620)

        self.path.editingFinished.connect(lambda: self.set_path(self.path.text()))
        self.has_header.toggled.connect(self._show_preview)
        self.load_button.setEnabled(False)
        if path:
            self.set_path(path)

    # --- choosing ------------------------------------------------------------------------
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open CSV data", self.path.text(), "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.set_path(path)

    def set_path(self, path: str) -> None:
        """Show the file's first rows and guess its header; the last column is the target."""
        self.path.setText(path)
        self.error.clear()
        try:
            header, _rows = preview_csv(path, PREVIEW_ROWS)
        except (CsvError, OSError) as error:
            self._fail(str(error) if isinstance(error, CsvError) else _os_message(error))
            self.preview.clear()
            self.targets.clear()
            self.load_button.setEnabled(False)
            return
        self.has_header.blockSignals(True)
        self.has_header.setChecked(header is not None)
        self.has_header.blockSignals(False)
        self._show_preview()

    def _show_preview(self) -> None:
        path = self.path.text()
        try:
            header, rows = preview_csv(path, PREVIEW_ROWS, self.has_header.isChecked())
        except (CsvError, OSError) as error:
            self._fail(str(error) if isinstance(error, CsvError) else _os_message(error))
            return
        width = max([len(header or [])] + [len(r) for r in rows], default=0)
        names = (header or []) + [f"column {i + 1}" for i in range(len(header or []), width)]
        names = [name or f"column {i + 1}" for i, name in enumerate(names)]
        self._header = header
        self.preview.clear()
        self.preview.setColumnCount(width)
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(names)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                self.preview.setItem(r, c, QTableWidgetItem(cell))
        self.preview.resizeColumnsToContents()
        self.targets.clear()
        for i, name in enumerate(names):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if i == width - 1 else Qt.CheckState.Unchecked)
            self.targets.addItem(item)
        self.load_button.setEnabled(width >= 2)
        if not rows and not header:
            self._fail("the file is empty")
        elif width < 2:
            self._fail("one column only: a dataset needs a feature column and a target column")

    def target_columns(self) -> list[int]:
        """0-based indices of the checked target columns."""
        return [
            i
            for i in range(self.targets.count())
            if self.targets.item(i).checkState() == Qt.CheckState.Checked
        ]

    def options(self) -> dict[str, object]:
        """load_csv's keyword arguments for the choices shown."""
        return {
            "target_columns": self.target_columns(),
            "has_header": self.has_header.isChecked(),
            "task": TASKS[self.task.currentIndex()][1],
            "standardize": self.standardize.isChecked(),
            "test_ratio": round(self.test_ratio.value(), 6),
            "seed": self.seed.value(),
        }

    # --- loading -------------------------------------------------------------------------
    def load(self) -> None:
        """Load the file in a worker thread; accept the dialog when it is read."""
        if self.loader is not None:
            return
        if not self.target_columns():
            self._fail("choose a target column")
            return
        options = self.options()
        self.error.clear()
        self.progress.setValue(0)
        self.progress.show()
        self.load_button.setEnabled(False)
        self.loader = CsvLoader(self.path.text(), options, self)
        self.loader.progressed.connect(lambda f: self.progress.setValue(round(100 * f)))
        self.loader.loaded.connect(lambda data: self._on_loaded(data, options))
        self.loader.failed.connect(self._fail)
        self.loader.finished.connect(self._on_finished)
        self.loader.start()

    def _on_loaded(self, data: Dataset, options: dict[str, object]) -> None:
        self.dataset = data
        self.source = {"kind": "csv", "path": str(Path(self.path.text())), **options}

    def _on_finished(self) -> None:
        self.loader = None
        self.progress.hide()
        self.load_button.setEnabled(True)
        if self.dataset is not None:
            self.accept()

    def _fail(self, message: str) -> None:
        self.error.setText(f"This file cannot be used: {message}. The data in use are unchanged.")

    def done(self, result: int) -> None:
        # Never leave a loader running behind a closed dialog.
        if self.loader is not None:
            self.loader.cancel()
            self.loader.wait()
            self.loader = None
        super().done(result)


def _os_message(error: OSError) -> str:
    return f"cannot read the file: {error.strerror or error}"
