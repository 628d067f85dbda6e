"""The training panel: play, pause, step one epoch, reset and speed; the optimizer and its
parameters, the learning rate, batches, L1/L2 and when to stop; the epoch counter and the
samples per second.

The buttons drive a :class:`TrainingController`; the settings are undoable edits of the
SessionModel (``set_training_config``) that keep the weights, so they may change while
training runs. A NaN or infinity pauses training and opens a dialog that names the
parameter and offers to restore the last finite weights.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.backprop import Regularization
from mlpviz.engine.numbers import format_number
from mlpviz.engine.optimizers import OPTIMIZERS
from mlpviz.engine.trainer import TrainingConfig
from mlpviz.gui.live_refresh import LiveText
from mlpviz.gui.training_controller import SPEEDS, TrainingController

OPTIMIZER_TITLES = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}
BATCH_MODES = ("online", "mini-batch", "full batch")
DEFAULT_MINI_BATCH = 10


def _rate_spin(decimals: int, low: float, high: float, tip: str, name: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setAccessibleName(name)
    # Not as wide as its largest value: the panel lives in a narrow column.
    spin.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    spin.setMinimumWidth(70)
    spin.setDecimals(decimals)
    spin.setRange(low, high)
    spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    spin.setKeyboardTracking(False)  # one edit per number typed, not per digit
    spin.setToolTip(tip)
    return spin


class TrainingPanel(QWidget):
    """Controls of live training (see the module docstring)."""

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = model = controller.model
        self.non_finite_box: QMessageBox | None = None

        self.play_action = QAction("▶ Train", self)
        self.play_action.setShortcut(QKeySequence("P"))
        self.play_action.setToolTip("Train until paused, the epoch limit or the target loss (P)")
        self.play_action.triggered.connect(controller.toggle)
        self.step_action = QAction("Train one epoch", self)
        self.step_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.step_action.setToolTip("Train to the end of the epoch, then pause (Ctrl+Shift+E)")
        self.step_action.triggered.connect(controller.step_epoch)
        self.reset_action = QAction("Reset training", self)
        self.reset_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.reset_action.setToolTip("Back to the initial weights, epoch 0 (Ctrl+Shift+R)")
        self.reset_action.triggered.connect(controller.reset)

        buttons = QGridLayout()
        self.play_button = QToolButton(self)
        self.play_button.setDefaultAction(self.play_action)
        self.step_button = QToolButton(self)
        self.step_button.setDefaultAction(self.step_action)
        self.reset_button = QToolButton(self)
        self.reset_button.setDefaultAction(self.reset_action)
        for k, button in enumerate((self.play_button, self.step_button, self.reset_button)):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            buttons.addWidget(button, k // 2, k % 2)

        # Changes at every live repaint (epoch, samples/s, loss): a line that re-lays out
        # the panel only when the text needs another height.
        self.status_line = LiveText(self, wrap=True)
        self.epoch_label = self.status_line.label
        self.epoch_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.speed = QSlider(Qt.Orientation.Horizontal, self)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setToolTip("How many updates between two repaints")
        self.speed.setAccessibleName("Speed: updates between repaints")
        self.speed_label = QLabel(self)

        self.optimizer = QComboBox(self)
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_TITLES.get(name, name), name)
        self.learning_rate = _rate_spin(6, 1e-6, 1e7, "Learning rate η", "Learning rate η")
        self.momentum = _rate_spin(3, 0.0, 0.999, "Momentum μ: v ← μ·v − η·∂L/∂p", "Momentum μ")
        self.beta1 = _rate_spin(3, 0.0, 0.999, "Adam's β₁ (first moment decay)", "Adam β₁")
        self.beta2 = _rate_spin(4, 0.0, 0.9999, "Adam's β₂ (second moment decay)", "Adam β₂")
        self.epsilon = _rate_spin(10, 1e-10, 1.0, "Adam's ε (added to √v)", "Adam ε")
        self.batch_mode = QComboBox(self)
        self.batch_mode.addItems(list(BATCH_MODES))
        self.batch_mode.setToolTip(
            "Online: one sample per update; mini-batch: a few; full batch: all"
        )
        self.batch_size = QSpinBox(self)
        self.batch_size.setRange(2, 1_000_000)
        self.batch_size.setKeyboardTracking(False)
        self.batch_size.setSuffix(" samples")
        self.batch_size.setAccessibleName("Mini-batch size")
        self.batch_size.setToolTip("How many samples make one mini-batch update")
        self.l1 = _rate_spin(6, 0.0, 100.0, "L1 rate: adds l1·Σ|w| to the loss", "L1 rate")
        self.l2 = _rate_spin(6, 0.0, 100.0, "L2 rate: adds l2/2·Σw² to the loss", "L2 rate")
        self.epoch_limit = QSpinBox(self)
        self.epoch_limit.setRange(0, 10_000_000)
        self.epoch_limit.setSpecialValueText("none")
        self.epoch_limit.setKeyboardTracking(False)
        self.epoch_limit.setToolTip("Training pauses after this many epochs (0: no limit)")
        self.use_target = QCheckBox("Stop at loss", self)
        self.target_loss = _rate_spin(
            6, 0.0, 1e6, "Training pauses once the training loss is ≤", "Target loss"
        )

        # The panel lives in a narrow column: no field asks for the width of its longest
        # entry or largest value.
        for field in (self.optimizer, self.batch_mode):
            field.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            field.setMinimumContentsLength(6)
        for spin in (self.batch_size, self.epoch_limit):
            spin.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            spin.setMinimumWidth(70)

        form = QFormLayout()
        form.addRow("Optimizer", self.optimizer)
        form.addRow("η (rate)", self.learning_rate)
        form.addRow("Momentum", self.momentum)
        adam = QGridLayout()
        for row, (name, spin) in enumerate(
            (("β₁", self.beta1), ("β₂", self.beta2), ("ε", self.epsilon))
        ):
            adam.addWidget(QLabel(name), row, 0)
            adam.addWidget(spin, row, 1)
        adam.setColumnStretch(1, 1)
        self.adam_row = QWidget(self)
        self.adam_row.setLayout(adam)
        adam.setContentsMargins(0, 0, 0, 0)
        form.addRow("Adam", self.adam_row)
        batch = QHBoxLayout()
        batch.addWidget(self.batch_mode, 1)
        batch.addWidget(self.batch_size, 1)
        form.addRow("Batches", batch)
        reg = QHBoxLayout()
        reg.addWidget(QLabel("L1"))
        reg.addWidget(self.l1, 1)
        reg.addWidget(QLabel("L2"))
        reg.addWidget(self.l2, 1)
        form.addRow("Regularisation", reg)
        form.addRow("Epoch limit", self.epoch_limit)
        stop = QHBoxLayout()
        stop.addWidget(self.use_target)
        stop.addWidget(self.target_loss, 1)
        form.addRow("Target", stop)
        speed = QHBoxLayout()
        speed.addWidget(self.speed, 1)
        speed.addWidget(self.speed_label)
        form.addRow("Speed", speed)

        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.status_line)
        layout.addLayout(form)
        layout.addStretch(1)

        self.optimizer.currentIndexChanged.connect(self._on_edit)
        for spin in (self.learning_rate, self.momentum, self.beta1, self.beta2, self.epsilon,
                     self.l1, self.l2, self.target_loss):  # fmt: skip
            spin.valueChanged.connect(self._on_edit)
        self.batch_mode.currentIndexChanged.connect(self._on_edit)
        self.batch_size.valueChanged.connect(self._on_edit)
        self.epoch_limit.valueChanged.connect(self._on_edit)
        self.use_target.toggled.connect(self._on_edit)
        self.speed.valueChanged.connect(self._on_speed)

        controller.running_changed.connect(self._on_running)
        controller.status_changed.connect(self._on_status)
        controller.non_finite.connect(self._on_non_finite)
        model.training_changed.connect(self.refresh)
        model.data_changed.connect(self.refresh)
        model.training_changed.connect(self._on_status)
        model.history_changed.connect(self._on_status)
        self.refresh()
        self._on_speed()
        self._on_running(controller.running)
        self._on_status()

    # --- model → panel -------------------------------------------------------------------
    def refresh(self) -> None:
        cfg = self.model.config
        opt = cfg.optimizer
        widgets = (self.optimizer, self.learning_rate, self.momentum, self.beta1, self.beta2,
                   self.epsilon, self.batch_mode, self.batch_size, self.l1, self.l2,
                   self.epoch_limit, self.use_target, self.target_loss)  # fmt: skip
        blockers = [QSignalBlocker(w) for w in widgets]
        self.optimizer.setCurrentIndex(self.optimizer.findData(opt.name))
        self.learning_rate.setValue(opt.learning_rate)
        self.momentum.setValue(opt.momentum)
        self.beta1.setValue(opt.beta1)
        self.beta2.setValue(opt.beta2)
        self.epsilon.setValue(opt.epsilon)
        n = len(self.model.x)
        mode = 0 if cfg.batch_size == 1 else 2 if cfg.batch_size == 0 or cfg.batch_size >= n else 1
        self.batch_mode.setCurrentIndex(mode)
        self.batch_size.setValue(cfg.batch_size if mode == 1 else min(DEFAULT_MINI_BATCH, n))
        self.l1.setValue(cfg.regularization.l1)
        self.l2.setValue(cfg.regularization.l2)
        self.epoch_limit.setValue(cfg.epochs)
        self.use_target.setChecked(cfg.target_loss is not None)
        self.target_loss.setValue(cfg.target_loss if cfg.target_loss is not None else 0.01)
        for blocker in blockers:
            blocker.unblock()
        self.momentum.setEnabled(opt.name == "momentum")
        self.adam_row.setEnabled(opt.name == "adam")
        self.batch_size.setEnabled(mode == 1)
        self.target_loss.setEnabled(cfg.target_loss is not None)

    def _on_running(self, running: bool) -> None:
        self.play_action.setText("■ Pause" if running else "▶ Train")
        self.play_action.setToolTip(
            "Pause training (P)"
            if running
            else "Train until paused, the epoch limit or the target loss (P)"
        )

    def _on_status(self) -> None:
        st = self.controller.status
        parts = [f"Epoch <b>{st.epoch}</b>"]
        if self.model.config.epochs:
            parts[0] += f" of {self.model.config.epochs}"
        if self.controller.running and st.samples_per_second > 0:
            parts.append(f"{st.samples_per_second:,.0f} samples/s")
        h = self.model.history
        if h.train_loss:
            parts.append(f"training loss {format_number(h.train_loss[-1], 4)}")
        text = " · ".join(parts)
        if self.status_line.text() != text:
            self.status_line.setText(text)

    def _on_speed(self) -> None:
        updates = SPEEDS[self.speed.value()]
        self.controller.set_speed(updates)
        self.speed_label.setText(
            "fastest" if updates == 0 else f"{updates} update{'s' if updates > 1 else ''}/frame"
        )

    # --- panel → model -------------------------------------------------------------------
    def config_from_widgets(self) -> TrainingConfig:
        """The training settings the widgets show (validated by the engine)."""
        cfg = self.model.config
        optimizer = replace(
            cfg.optimizer,
            name=self.optimizer.currentData(),
            learning_rate=self.learning_rate.value(),
            momentum=self.momentum.value(),
            beta1=self.beta1.value(),
            beta2=self.beta2.value(),
            epsilon=self.epsilon.value(),
        )
        mode = self.batch_mode.currentIndex()
        batch = 1 if mode == 0 else 0 if mode == 2 else self.batch_size.value()
        return replace(
            cfg,
            optimizer=optimizer,
            batch_size=batch,
            regularization=Regularization(self.l1.value(), self.l2.value()),
            epochs=self.epoch_limit.value(),
            target_loss=self.target_loss.value() if self.use_target.isChecked() else None,
        )

    def _on_edit(self) -> None:
        old = self.model.config
        try:
            new = self.config_from_widgets()
        except ValueError as error:
            self.model.message.emit(f"Not changed: {error}")
            self.refresh()
            return
        if new != old:
            self.model.set_training_config(new, _describe_change(old, new))
        self.refresh()

    def _on_non_finite(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Training paused", text, parent=self.window())
        restore = box.addButton(
            "Restore the last finite weights", QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton("Keep the weights shown", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def done() -> None:
            if box.clickedButton() is restore:
                self.controller.restore_last_finite()
            self.non_finite_box = None

        box.finished.connect(done)
        self.non_finite_box = box
        box.open()  # not exec(): training stays paused, the window keeps painting


def _describe_change(old: TrainingConfig, new: TrainingConfig) -> str:
    """The undo stack's name for a settings edit, e.g. "Learning rate 0.01"."""
    o, n = old.optimizer, new.optimizer
    if o.name != n.name:
        return f"Optimizer {OPTIMIZER_TITLES.get(n.name, n.name)}"
    if o.learning_rate != n.learning_rate:
        return f"Learning rate {n.learning_rate:g}"
    if o != n:
        return "Optimizer parameters"
    if old.batch_size != new.batch_size:
        size = new.batch_size
        return "Online learning" if size == 1 else "Full batch" if size == 0 else f"Batch {size}"
    if old.regularization != new.regularization:
        return f"L1 {new.regularization.l1:g}, L2 {new.regularization.l2:g}"
    if old.epochs != new.epochs:
        return f"Epoch limit {new.epochs}" if new.epochs else "No epoch limit"
    return "Target loss" if new.target_loss is not None else "No target loss"
