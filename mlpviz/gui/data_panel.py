"""The data panel: which data to train on, and how they are generated.

Choosing a dataset loads it with its preset (:mod:`mlpviz.gui.dataset_presets`): a network,
an initialisation and training settings that learn it, so that Train works at once. The
course example brings back the course page's network. "Regenerate" makes the chosen
dataset anew with the number of samples, noise, test share, seed and standardisation
shown, and keeps the network when it fits. "Open CSV…" imports a file
(:class:`CsvImportDialog`). Each is one undoable edit of the SessionModel.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.datasets import DATASET_NAMES, dataset_info, make_dataset
from mlpviz.engine.session import default_session
from mlpviz.gui.csv_import_dialog import CsvImportDialog
from mlpviz.gui.dataset_presets import dataset_preset
from mlpviz.gui.session_model import SessionModel

MAX_GENERATED = 100_000
"""The samples spin box's top for generated sets (session files allow more)."""


class DataPanel(QWidget):
    """Chooses and generates the model's data (see the module docstring)."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.csv_dialog: CsvImportDialog | None = None

        self.dataset = QComboBox(self)
        for name in DATASET_NAMES:
            self.dataset.addItem(dataset_info(name).title, name)
        self.dataset.setToolTip("Choosing a dataset loads it with a network that learns it")
        self.dataset.setAccessibleName("Dataset")
        self.dataset.setPlaceholderText("Session data")
        self.open_csv = QPushButton("Open CSV…", self)
        self.open_csv.setToolTip("Train on the samples of a CSV file")
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.n_samples = QSpinBox(self)
        self.n_samples.setRange(2, MAX_GENERATED)
        self.noise = QDoubleSpinBox(self)
        self.noise.setRange(0.0, 10.0)
        self.noise.setSingleStep(0.05)
        self.noise.setToolTip("Standard deviation of Gaussian noise added to the samples")
        self.test_ratio = QDoubleSpinBox(self)
        self.test_ratio.setRange(0.0, 0.9)
        self.test_ratio.setSingleStep(0.05)
        self.test_ratio.setToolTip("Share of the samples held out to test on")
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.standardize = QCheckBox("Standardise the inputs", self)
        self.regenerate = QPushButton("Regenerate", self)
        self.regenerate.setToolTip("Make the data anew with these settings; the network stays")
        self.current = QLabel(self)
        self.current.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.dataset, 1)
        top.addWidget(self.open_csv)
        form = QFormLayout()
        form.addRow("Samples", self.n_samples)
        form.addRow("Noise", self.noise)
        form.addRow("Test share", self.test_ratio)
        form.addRow("Seed", self.seed)
        form.addRow("", self.standardize)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.description)
        layout.addLayout(form)
        layout.addWidget(self.regenerate)
        layout.addWidget(self.current)
        layout.addStretch(1)

        self.dataset.currentIndexChanged.connect(self._on_dataset_chosen)
        self.regenerate.clicked.connect(self._on_regenerate)
        self.open_csv.clicked.connect(self.show_csv_dialog)
        model.data_changed.connect(self.refresh)
        self.refresh()

    # --- model → panel -------------------------------------------------------------------
    def refresh(self) -> None:
        source = self.model.session.data_source
        d = self.model.data
        name = source.get("name") if source.get("kind") == "dataset" else None
        with QSignalBlocker(self.dataset):
            self.dataset.setCurrentIndex(self.dataset.findData(name) if name else -1)
        if isinstance(name, str) and name in DATASET_NAMES:
            self._show_options(name, source)
        else:
            self.description.setText(
                f"From {source.get('path')}" if source.get("kind") == "csv" else "Session data"
            )
        self._enable_options(isinstance(name, str) and name != "course")
        parts = [f"<b>{d.name or 'Data'}</b>: {len(d.x_train)} training"]
        if len(d.x_test):
            parts[0] += f" + {len(d.x_test)} test"
        parts[0] += " samples"
        parts.append(f"{d.n_inputs} → {d.n_outputs}")
        parts.append(d.task)
        self.current.setText(" · ".join(parts))

    def _show_options(self, name: str, source: dict[str, object]) -> None:
        info = dataset_info(name)
        # Not describe_dataset's sample count: the Samples field below says how many.
        ins = f"{info.n_inputs} input{'s' if info.n_inputs > 1 else ''}"
        outs = f"{info.n_outputs} output{'s' if info.n_outputs > 1 else ''}"
        text = f"{info.title}: {ins} → {outs}, {info.task}. {info.description}"
        self.description.setText(text + (f" Source: {info.source}." if info.source else ""))
        preset = dataset_preset(name)
        widgets = (self.n_samples, self.noise, self.test_ratio, self.seed, self.standardize)
        blockers = [QSignalBlocker(w) for w in widgets]
        self.n_samples.setMaximum(info.n_samples if info.source else MAX_GENERATED)
        n = source.get("n_samples")
        self.n_samples.setValue(int(n) if isinstance(n, int) else info.n_samples)
        self.noise.setValue(float(source.get("noise", 0.0) or 0.0))  # type: ignore[arg-type]
        ratio = source.get("test_ratio", preset.test_ratio if preset else 0.2)
        self.test_ratio.setValue(float(ratio))  # type: ignore[arg-type]
        self.seed.setValue(int(source.get("seed", 0) or 0))  # type: ignore[call-overload]
        self.standardize.setChecked(bool(source.get("standardize", False)))
        for blocker in blockers:
            blocker.unblock()

    def _enable_options(self, on: bool) -> None:
        for widget in (self.n_samples, self.noise, self.test_ratio, self.seed, self.standardize,
                       self.regenerate):  # fmt: skip
            widget.setEnabled(on)

    # --- panel → model -------------------------------------------------------------------
    def choose(self, name: str) -> None:
        """Load dataset ``name`` with its preset network and training settings."""
        if name == "course":
            course = default_session()
            source = {"kind": "dataset", "name": "course"}
            self.model.set_dataset(course.data, source, course.network, course.training)
            return
        preset = dataset_preset(name)
        assert preset is not None
        data = make_dataset(
            name, preset.n_samples, preset.noise, preset.test_ratio, preset.seed,
            preset.standardize,
        )  # fmt: skip
        source = {
            "kind": "dataset", "name": name, "n_samples": preset.n_samples,
            "noise": preset.noise, "test_ratio": preset.test_ratio, "seed": preset.seed,
            "standardize": preset.standardize,
        }  # fmt: skip
        self.model.set_dataset(
            data, source, preset.network(data), preset.training(data), preset.init
        )

    def _on_dataset_chosen(self) -> None:
        name = self.dataset.currentData()
        if isinstance(name, str):
            self.choose(name)

    def _on_regenerate(self) -> None:
        name = self.dataset.currentData()
        if not isinstance(name, str) or name == "course":
            return
        info = dataset_info(name)
        n = self.n_samples.value()
        options = {
            "n_samples": None if info.source and n == info.n_samples else n,
            "noise": round(self.noise.value(), 6),
            "test_ratio": round(self.test_ratio.value(), 6),
            "seed": self.seed.value(),
            "standardize": self.standardize.isChecked(),
        }
        try:
            data = make_dataset(name, **options)  # type: ignore[arg-type]
        except ValueError as error:
            self.model.message.emit(f"Not regenerated: {error}")
            return
        self.model.set_dataset(data, {"kind": "dataset", "name": name, **options})

    def show_csv_dialog(self) -> CsvImportDialog:
        """Open the CSV import dialog (window-modal, not blocking); its accepted data
        become the model's."""
        dialog = CsvImportDialog(self.window())
        dialog.accepted.connect(lambda: self._on_csv_accepted(dialog))
        dialog.finished.connect(lambda _result: setattr(self, "csv_dialog", None))
        self.csv_dialog = dialog
        dialog.open()
        return dialog

    def _on_csv_accepted(self, dialog: CsvImportDialog) -> None:
        if dialog.dataset is not None:
            self.model.set_dataset(dialog.dataset, dialog.source)
