"""The Qt-side model of an open session: the engine's Stepper plus signals and an undo stack.

Views wrap this model: they subscribe to its signals in ``__init__`` and write back only
through its methods, which put user edits on the undo stack (QUndoCommand). Stepping is
history, not an edit: it never goes on the undo stack.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from mlpviz.engine.activations import get_activation
from mlpviz.engine.datasets import Dataset
from mlpviz.engine.gradcheck import numeric_gradient
from mlpviz.engine.network import Network, initialise
from mlpviz.engine.optimizers import Optimizer, OptimizerConfig, OptimizerState
from mlpviz.engine.session import InitConfig, Session
from mlpviz.engine.stepper import Phase, PhaseKind, SampleStep, Stepper
from mlpviz.engine.trainer import History, TrainingConfig
from mlpviz.gui.dataset_presets import LOSS_TITLES, adapt_network, fits, shape_text

BEHIND_THE_DIAGRAM = Qt.ConnectionType.QueuedConnection
"""How the views beside the diagram (formula, plots, samples) follow ``stepped`` and
``network_changed``: queued, so a step first writes the diagram's numbers, which Qt then
paints, and only then refreshes them, a frame later at most. The diagram is what a room
watches; connected directly, every view's work came before its repaint (into Update on
the course example, 8 ms of handlers before the diagram was painted). The diagram's view
connects directly and first (the main window makes it first), so its repaint is queued
before these calls."""


@dataclass(frozen=True)
class Selection:
    """What the user clicked in the diagram.

    ``kind`` is "neuron" (``layer`` 0..L, ``index``), "weight" (``layer`` l of
    ``weights[l]``, into neuron ``index`` = j of layer l+1, from ``source`` = i of layer l)
    or "bias" (``layer`` l of ``biases[l]``, neuron ``index`` of layer l+1).
    """

    kind: str
    layer: int
    index: int
    source: int = 0


class SessionModel(QObject):
    """One open session: its data, settings and the Stepper walking through it.

    Signals:
    - ``stepped``: the phase or the sample changed (numbers to show changed).
    - ``network_changed``: the parameters in force changed (an edit, an update, a reset).
    - ``structure_changed``: layer sizes or activations changed (views rebuild).
    - ``selection_changed``: the selected neuron, weight or bias changed (None = whole layer).
    - ``gradcheck_changed``: the "gradient check" toggle changed.
    - ``message``: a line for the status bar.
    - ``data_changed``: another dataset (or the same regenerated) is trained on.
    - ``history_changed``: the per-epoch training history grew or was cleared.
    - ``trained``: training moved the weights on. While training runs this is the only
      signal about it (views that are cheap to update follow it live); when training
      pauses, ``network_changed`` and ``stepped`` follow once for every view.
    - ``training_changed``: how to train (optimizer, rates, batches, stopping) changed.

    The diagram follows ``stepped`` and ``network_changed`` directly, the views beside it
    through :data:`BEHIND_THE_DIAGRAM` (queued).
    """

    stepped = Signal()
    network_changed = Signal()
    structure_changed = Signal()
    selection_changed = Signal()
    gradcheck_changed = Signal()
    message = Signal(str)
    data_changed = Signal()
    history_changed = Signal()
    trained = Signal()
    training_changed = Signal()

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.selection: Selection | None = None
        self.gradcheck = False
        self._numeric: tuple[SampleStep, list[np.ndarray], list[np.ndarray]] | None = None
        self.session = session
        self.stepper = self._make_stepper(session)
        self.training_live = False
        """True between a live hand-over of training and the final one: views that are
        costly to update may spread their repaints (mlpviz/gui/live_refresh.py)."""

    # --- reading ---------------------------------------------------------------------
    @property
    def config(self) -> TrainingConfig:
        return self.stepper.config

    @property
    def phase(self) -> Phase:
        return self.stepper.phase

    @property
    def record(self) -> SampleStep:
        return self.stepper.record

    @property
    def network(self) -> Network:
        """The parameters in force at the current phase."""
        return self.stepper.network

    @property
    def phases(self) -> list[Phase]:
        return self.stepper.phases

    @property
    def x(self) -> np.ndarray:
        return self.stepper.x

    @property
    def y(self) -> np.ndarray:
        return self.stepper.y

    def numeric_gradient(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Finite-difference ∂L/∂W and ∂L/∂b of the current sample's step (cached per step),
        for the "gradient check" toggle to show beside backprop's values."""
        rec = self.record
        if self._numeric is None or self._numeric[0] is not rec:
            r = rec.result
            w, b = numeric_gradient(
                r.before, rec.x, rec.y, self.config.loss, self.config.regularization
            )
            self._numeric = (rec, w, b)
        return self._numeric[1], self._numeric[2]

    def set_gradcheck(self, on: bool) -> None:
        if on != self.gradcheck:
            self.gradcheck = on
            self.gradcheck_changed.emit()

    # --- a whole new session ---------------------------------------------------------
    def load(self, session: Session) -> None:
        """Replace the open session (after File › Open); clears the undo stack."""
        old_sizes = self.network.layer_sizes, self.network.activations
        self.session = session
        self.stepper = self._make_stepper(session)
        self.training_live = False
        self.undo_stack.clear()
        self.selection = None
        if (self.network.layer_sizes, self.network.activations) != old_sizes:
            self.structure_changed.emit()
        self.data_changed.emit()
        self.history_changed.emit()
        self.training_changed.emit()
        self.network_changed.emit()
        self.selection_changed.emit()
        self.stepped.emit()

    @staticmethod
    def _make_stepper(session: Session) -> Stepper:
        optimizer = Optimizer(session.training.optimizer, copy.deepcopy(session.optimizer_state))
        return Stepper(
            session.network,
            session.data.x_train,
            session.data.y_train,
            session.training,
            optimizer=optimizer if session.optimizer_state is not None else None,
            sample=min(session.sample, len(session.data.x_train) - 1),
            initial_network=session.initial_network,
        )

    def to_session(self) -> Session:
        """The open session as it stands now, ready to save: the parameters in force, the
        initial network, the optimizer state, the sample being stepped, and the samples
        as edited (edited samples are written inline)."""
        s, st = self.session, self.stepper
        data, source = s.data, s.data_source
        if not (np.array_equal(st.x, data.x_train) and np.array_equal(st.y, data.y_train)):
            data = replace(data, x_train=st.x.copy(), y_train=st.y.copy())
            source = {"kind": "inline"}
        return replace(
            s,
            network=self.network.copy(),
            initial_network=st.initial_network.copy(),
            training=self.config,
            data=data,
            data_source=dict(source),
            sample=st.sample,
            optimizer_state=copy.deepcopy(st.optimizer.state),
            view=dict(s.view),
        )

    # --- stepping (history, not edits) -------------------------------------------------
    def _move(self, action: Callable[[], object]) -> None:
        before = self.stepper.network
        action()
        moved = self.stepper.network is not before
        if moved:
            self._forget_stale_edits()
        self.stepped.emit()
        if moved:
            self.network_changed.emit()

    def _forget_stale_edits(self) -> None:
        """The weights moved on by learning (an Update, training, a reset): an edit that
        would restore the weights it saw (a weight's, the samples') would now throw the
        learning away, and redoing it would not come back to where undo left. Qt's undo
        stack cannot drop single commands, so it is emptied if it holds any such edit."""
        stack = self.undo_stack
        commands = [stack.command(i) for i in range(stack.count())]
        if any(not getattr(c, "keeps_weights", True) for c in commands):
            stack.clear()
            self.message.emit(
                "The weights have moved on since your last edits: they can no longer be undone."
            )

    def step(self) -> None:
        """Next phase (Right, Space, PageDown)."""
        self._move(self.stepper.step)

    def back(self) -> None:
        """Previous phase (Left, PageUp); at the start, says so in the status bar."""
        if self.stepper.at_start:
            self.message.emit("Already at the start of the session.")
            return
        self._move(self.stepper.back)

    def next_sample(self) -> None:
        """Finish this sample's step and stop at the next sample's Input."""
        self._move(self.stepper.next_sample)

    def run_epoch(self) -> None:
        """One online step on every sample, ending at the Input of the sample after."""

        def epoch() -> None:
            for _ in range(len(self.stepper.x)):
                self.stepper.next_sample()

        self._move(epoch)

    def reset(self) -> None:
        """Back to the start of the session, with the initial weights."""
        self._move(self.stepper.reset)

    def go_to(self, phase: Phase) -> None:
        """Jump to a phase of the current sample."""
        self._move(lambda: self.stepper.go_to(phase.kind, phase.layer))

    def select_sample(self, sample: int) -> None:
        """Step the given sample from its Input phase, with the weights in force now."""
        if sample != self.stepper.sample:
            self._restart(self.network, sample=sample, at=PhaseKind.INPUT)

    def select(self, selection: Selection | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.selection_changed.emit()

    # --- edits (undoable) ------------------------------------------------------------
    def set_weight(self, layer: int, j: int, i: int, value: float) -> None:
        """weights[layer][j, i] = value (the page's w_ij of that layer)."""
        net = self.network.copy()
        net.weights[layer][j, i] = value
        self._push_network(net, f"Set weight w{i + 1}{j + 1} of layer {layer + 1} to {value:g}")

    def set_bias(self, layer: int, j: int, value: float) -> None:
        net = self.network.copy()
        net.biases[layer][j] = value
        self._push_network(net, f"Set bias b{j + 1} of layer {layer + 1} to {value:g}")

    def set_activation(self, layer: int, name: str) -> None:
        """The activation of layer ``layer`` (1..L); restarts the step."""
        get_activation(name)
        net = self.network.copy()
        net.activations[layer - 1] = name
        net.validate()
        self._push_network(net, f"Set the activation of layer {layer} to {name}")

    def set_input(self, sample: int, feature: int, value: float) -> None:
        x = self.stepper.x.copy()
        x[sample, feature] = value
        self._push_data(
            x, self.stepper.y, f"Set x{feature + 1} of sample {sample + 1} to {value:g}"
        )

    def set_target(self, sample: int, output: int, value: float) -> None:
        y = self.stepper.y.copy()
        y[sample, output] = value
        self._push_data(
            self.stepper.x, y, f"Set target y{output + 1} of sample {sample + 1} to {value:g}"
        )

    def set_learning_rate(self, value: float) -> None:
        optimizer = replace(self.config.optimizer, learning_rate=value)  # validates
        self._push_config(replace(self.config, optimizer=optimizer), f"Set η to {value:g}")

    def set_optimizer(self, optimizer: OptimizerConfig) -> None:
        self._push_config(
            replace(self.config, optimizer=optimizer), f"Set optimizer to {optimizer.name}"
        )

    def set_loss(self, loss: str) -> None:
        self._push_config(replace(self.config, loss=loss), f"Set the loss to {loss}")

    def replace_parameters(self, net: Network, text: str) -> None:
        """Every weight and bias at once (e.g. imported from a file) as one undoable edit;
        ``net`` has this network's layer sizes and activations."""
        if net.layer_sizes != self.network.layer_sizes:
            raise ValueError(
                f"the new parameters are for layers {net.layer_sizes}, "
                f"the network has {self.network.layer_sizes}"
            )
        self._push_network(net.copy(), text)

    def _push_network(self, net: Network, text: str) -> None:
        old = self.network
        self.undo_stack.push(
            _Edit(text, lambda: self._apply(net=net), lambda: self._apply(net=old))
        )

    def _push_data(self, x: np.ndarray, y: np.ndarray, text: str) -> None:
        old_x, old_y, net = self.stepper.x, self.stepper.y, self.network
        self.undo_stack.push(
            _Edit(
                text,
                lambda: self._apply(net=net, x=x, y=y),
                lambda: self._apply(net=net, x=old_x, y=old_y),
            )
        )

    def _push_config(self, config: TrainingConfig, text: str) -> None:
        # Undo and redo change the settings only and keep the weights the current step
        # starts from: undoing a learning-rate change must not throw away the training
        # done since, and a change at the Update works the step out again from its
        # weights before the update (not the updated ones, which would update twice).
        old = self.config
        self.undo_stack.push(
            _Edit(
                text,
                lambda: self._apply(net=self.record.result.before, config=config),
                lambda: self._apply(net=self.record.result.before, config=old),
                keeps_weights=True,
            )
        )

    def _apply(
        self,
        net: Network,
        x: np.ndarray | None = None,
        y: np.ndarray | None = None,
        config: TrainingConfig | None = None,
    ) -> None:
        structure = net.activations != self.network.activations
        self._restart(net, x=x, y=y, config=config)
        if structure:
            self.structure_changed.emit()
        if x is not None or y is not None:
            self.data_changed.emit()
        if config is not None:
            self.training_changed.emit()
        self.message.emit("Edited: the step restarts at Forward 1 with the new values.")

    def _restart(
        self,
        net: Network,
        sample: int | None = None,
        x: np.ndarray | None = None,
        y: np.ndarray | None = None,
        config: TrainingConfig | None = None,
        at: PhaseKind = PhaseKind.FORWARD,
    ) -> None:
        self.stepper.restart(net=net, sample=sample, x=x, y=y, config=config)
        if at is PhaseKind.FORWARD:
            self.stepper.step()
        self.network_changed.emit()
        self.stepped.emit()

    # --- data, shape and training (live training; issue 4) -------------------------------
    @property
    def history(self) -> History:
        """Per-epoch training metrics so far; empty before any training."""
        return self.session.history if self.session.history is not None else History()

    @property
    def data(self) -> Dataset:
        """The dataset trained on: the session's, with the training samples as edited."""
        d, st = self.session.data, self.stepper
        if st.x is d.x_train and st.y is d.y_train:
            return d
        return replace(d, x_train=st.x, y_train=st.y)

    @property
    def init(self) -> InitConfig:
        """How the weights are drawn when the network is re-initialised."""
        return self.session.init if self.session.init is not None else InitConfig()

    def set_dataset(
        self,
        data: Dataset,
        source: dict[str, object],
        network: Network | None = None,
        config: TrainingConfig | None = None,
        init: InitConfig | None = None,
    ) -> None:
        """Train on ``data`` from now on (undoable); ``source`` describes it for saving
        (see :class:`Session`). The history is cleared.

        ``network`` (and ``config``, ``init``) come with the data, e.g. a dataset's preset.
        Without one, the network in force is kept if it fits the data (as many inputs and
        outputs, the same task); otherwise its hidden layers are kept and its input and
        output layers fitted to the data, with weights drawn afresh and the output
        activation and loss that suit the data (the message says so).
        """
        old = self.to_session()
        config = config if config is not None else old.training
        init = init if init is not None else self.init
        note = ""
        if network is None:
            if fits(old.network, data) and data.task == old.data.task:
                network = old.network
                note = "the network and its weights are kept"
            else:
                network, loss = adapt_network(old.network, data, init)
                config = replace(config, loss=loss)
                note = (
                    f"the network is now {shape_text(network.layer_sizes)} with "
                    f"{network.activations[-1]} output and {LOSS_TITLES[loss]}; "
                    f"weights drawn afresh ({_init_text(init)})"
                )
        else:
            note = (
                f"network {shape_text(network.layer_sizes)} "
                f"({', '.join(network.activations)}) with {LOSS_TITLES.get(config.loss, '')}"
                f", weights drawn afresh ({_init_text(init)})"
            )
        if not fits(network, data):
            raise ValueError(
                f"the network {shape_text(network.layer_sizes)} does not fit data with "
                f"{data.n_inputs} inputs and {data.n_outputs} outputs"
            )
        kept = network is old.network
        new = replace(
            old,
            network=network.copy(),
            training=config,
            data=data,
            data_source=dict(source),
            init=init,
            initial_network=old.initial_network if kept else None,
            optimizer_state=old.optimizer_state if kept else None,
            history=None,
            sample=0,
        )
        name = data.name or "the data"
        self._push_session(old, new, f"Load {name}", f"Loaded {name}: {note}.")

    def set_structure(self, layer_sizes: list[int], activations: list[str]) -> None:
        """A new shape (layer sizes and activations): the weights are drawn afresh with
        :attr:`init`, the optimizer and history start over (undoable, and says so)."""
        net = self.network
        if list(layer_sizes) == net.layer_sizes and list(activations) == net.activations:
            return
        data = self.session.data
        init = self.init
        new_net = initialise(layer_sizes, activations, init.scheme, init.seed, init.scale)
        if not fits(new_net, data):
            raise ValueError(
                f"the data have {data.n_inputs} inputs and {data.n_outputs} outputs; "
                f"{shape_text(layer_sizes)} does not fit them"
            )
        old = self.to_session()
        new = _afresh(old, new_net, init)
        shape = shape_text(layer_sizes)
        self._push_session(
            old,
            new,
            f"Shape {shape}",
            f"New shape {shape}: the weights were drawn afresh ({_init_text(init)}) and "
            "training starts over. Undo brings the old network back.",
        )

    def reinitialise(self, scheme: str, seed: int | None, scale: float = 1.0) -> None:
        """Draw every weight afresh by ``scheme`` and ``seed`` (undoable); the optimizer
        and the history start over."""
        init = InitConfig(scheme, seed, scale)
        net = self.network
        new_net = initialise(net.layer_sizes, net.activations, scheme, seed, scale)
        old = self.to_session()
        new = _afresh(old, new_net, init)
        text = _init_text(init)
        self._push_session(
            old,
            new,
            f"Re-initialise ({text})",
            f"Weights drawn afresh ({text}); training starts over.",
        )

    def set_output(self, activation: str, loss: str) -> None:
        """The output layer's activation and the loss together (undoable); the weights
        in force are kept."""
        get_activation(activation)
        old_pair = (self.network.activations[-1], self.config.loss)
        if (activation, loss) == old_pair:
            return
        replace(self.config, loss=loss)  # validates the loss before anything changes
        text = f"Output {activation} with {LOSS_TITLES.get(loss, loss)}"
        self.undo_stack.push(
            _Edit(
                text,
                lambda: self._apply_output(activation, loss),
                lambda: self._apply_output(*old_pair),
                keeps_weights=True,
            )
        )

    def _apply_output(self, activation: str, loss: str) -> None:
        net = self.network.copy()
        net.activations[-1] = activation
        net.validate()
        initial = self.stepper.initial_network.copy()
        initial.activations[-1] = activation
        self.stepper.initial_network = initial  # so that a reset keeps the new output
        self._apply(net=net, config=replace(self.config, loss=loss))

    def set_training_config(self, config: TrainingConfig, text: str) -> None:
        """How to train: optimizer, learning rate, batches, L1/L2, epoch limit, target
        loss (undoable, ``text`` names the edit). The weights in force are kept."""
        if config != self.config:
            self._push_config(config, text)

    def apply_training(
        self,
        network: Network,
        optimizer_state: OptimizerState,
        history: History,
        running: bool = False,
    ) -> None:
        """Training moved the weights on to ``network`` (history, not an edit: never on
        the undo stack). The Stepper starts afresh from them at the current sample's
        Input, with ``optimizer_state``; ``history`` (copied) is the training so far.

        ``running``: training goes on, so only ``trained`` (and ``history_changed`` if
        the history grew) are emitted; otherwise every view hears of it.
        """
        st = self.stepper
        if (network.layer_sizes, network.activations) != (
            st.network.layer_sizes,
            st.network.activations,
        ):
            raise ValueError("training cannot change the network's shape")
        optimizer = Optimizer(st.config.optimizer, copy.deepcopy(optimizer_state))
        # After a blow-up (restoring the last finite weights) the step shown may overflow:
        # its numbers say so, a warning on the console would add nothing.
        with np.errstate(all="ignore"):
            self.stepper = Stepper(
                network,
                st.x,
                st.y,
                st.config,
                optimizer=optimizer,
                sample=st.sample,
                initial_network=st.initial_network,
            )
        grew = len(history.epoch) != len(self.history.epoch)
        self.session.history = copy_history(history)
        self.training_live = running
        self._forget_stale_edits()
        self.trained.emit()
        if grew or not running:
            self.history_changed.emit()
        if not running:
            self.network_changed.emit()
            self.stepped.emit()

    def end_live_training(self) -> None:
        """Training stopped without a last hand-over (the NaN guard paused it, or an edit
        came between two): every view that followed it at its own rate, or hid numbers
        while it ran, catches up with the network the model holds."""
        if self.training_live:
            self.training_live = False
            self.network_changed.emit()
            self.stepped.emit()

    def reset_training(self) -> None:
        """Back to the initial weights with a fresh optimizer; the history is cleared.
        Not an edit (training is history): it does not go on the undo stack."""
        self.stepper.reset()
        self.session.history = None
        self.training_live = False
        self._forget_stale_edits()
        self.trained.emit()
        self.history_changed.emit()
        self.network_changed.emit()
        self.stepped.emit()
        self.message.emit("Reset: the initial weights, epoch 0.")

    def _push_session(self, old: Session, new: Session, text: str, message: str) -> None:
        self.undo_stack.push(
            _Edit(
                text,
                lambda: self._install(new, message),
                lambda: self._install(old, ""),
                keeps_weights=True,  # whole sessions, weights and all: a way back
            )
        )

    def _install(self, session: Session, message: str) -> None:
        """Make ``session`` the open one (an undoable whole-session edit)."""
        old, old_data = self.network, self.data
        self.session = session
        self.stepper = self._make_stepper(session)
        self.selection = None
        self.training_live = False
        if (self.network.layer_sizes, self.network.activations) != (
            old.layer_sizes,
            old.activations,
        ):
            self.structure_changed.emit()
        if not _same_data(old_data, session.data):
            self.data_changed.emit()
        self.history_changed.emit()
        self.training_changed.emit()
        self.trained.emit()
        self.network_changed.emit()
        self.selection_changed.emit()
        self.stepped.emit()
        if message:
            self.message.emit(message)


def _init_text(init: InitConfig) -> str:
    seed = "a random seed" if init.seed is None else f"seed {init.seed}"
    scale = f" ±{init.scale:g}" if init.scheme == "uniform" else ""
    return f"{init.scheme}{scale}, {seed}"


def _same_data(a: Dataset, b: Dataset) -> bool:
    """The same samples, split and task (names aside)."""
    if a is b:
        return True
    return a.task == b.task and all(
        np.array_equal(p, q)
        for p, q in (
            (a.x_train, b.x_train),
            (a.y_train, b.y_train),
            (a.x_test, b.x_test),
            (a.y_test, b.y_test),
        )
    )


def copy_history(h: History) -> History:
    """A copy of ``h`` that later epochs appended to either never reach the other."""
    return History(
        list(h.epoch),
        list(h.train_loss),
        list(h.test_loss),
        list(h.train_accuracy),
        list(h.test_accuracy),
    )


def _afresh(session: Session, network: Network, init: InitConfig) -> Session:
    """``session`` with newly drawn weights: training (optimizer, history) starts over."""
    return replace(
        session,
        network=network,
        initial_network=None,
        optimizer_state=None,
        history=None,
        init=init,
    )


class _Edit(QUndoCommand):
    """An undoable edit, given as the two functions that do and undo it.

    ``keeps_weights``: it works on the weights in force when it is done or undone (a
    setting, the output layer, a whole session), not on the weights it saw when it was
    made; an edit that restores those (of a weight, of the samples) is stale once the
    weights have moved on by learning (see :meth:`SessionModel._forget_stale_edits`)."""

    def __init__(
        self,
        text: str,
        redo: Callable[[], None],
        undo: Callable[[], None],
        keeps_weights: bool = False,
    ) -> None:
        super().__init__(text)
        self._redo, self._undo = redo, undo
        self.keeps_weights = keeps_weights

    def redo(self) -> None:
        self._redo()

    def undo(self) -> None:
        self._undo()
