"""Live training: the engine's Trainer run in short chunks on the GUI thread, its progress
handed to the SessionModel at a throttled rate.

Why chunks on the GUI thread and not a worker QThread (superqt's generator worker):

- An update of a network this app draws is many small numpy calls with Python between
  them; numpy releases the GIL only inside large array operations, so a worker would
  hold the GIL most of the time. It would not run beside the GUI, only compete with it:
  the event loop would get the interpreter back every 5 ms switch interval at best, and
  every repaint would be slowed by training instead of interleaved with it.
- Between two chunks the Trainer is idle, so a parameter change, a pause or an edit in
  the window applies exactly between two updates; no lock, no copy of the history across
  threads, and a run with a fixed seed gives the same weights however it was chunked or
  paused (the tests rely on it).
- The Trainer is already a generator that can stop at any yield (Orange3's "long work is
  a plain function that reports partial results"); with ``report_every = 0`` it yields
  after every update, so a chunk is "updates until CHUNK_SECONDS have passed".

Latency: input waits for at most one chunk (CHUNK_SECONDS) plus one repaint, well under
100 ms; pause takes effect at the end of the current chunk. The cost: a single update
longer than a chunk (a full batch through layers of thousands of neurons) blocks for that
long; the training panel's mini-batch setting keeps updates short.

Repaints are throttled (superqt's throttler): at most one per FRAME_SECONDS (32 a
second), and never closer together than REPAINT_SHARE⁻¹ times what the last one cost
(the process's CPU time from the hand-over until training goes on: the views' updates,
which follow within PAINT_MS, and the painting), so repaints take at most that share of
the time and cheap views get every frame. A chunk of training ends when the next repaint
is due, so repaints come on time. A hand-over and a chunk never share a timer visit: the
event loop runs between them. While running, only ``SessionModel.trained`` is
emitted (views that are cheap to update follow it); pausing or stopping hands every view
the final weights once.
"""

from __future__ import annotations

import copy
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from mlpviz.engine.losses import constant_prediction_loss
from mlpviz.engine.network import Network
from mlpviz.engine.numbers import format_number
from mlpviz.engine.optimizers import Optimizer, OptimizerState
from mlpviz.engine.trainer import History, Trainer
from mlpviz.gui.session_model import SessionModel, copy_history

CHUNK_SECONDS = 0.02
"""Longest stretch of training between two visits of the event loop."""
MIN_CHUNK_SECONDS = 0.002
"""Shortest stretch of training before a repaint that is already due."""
REPORT_SECONDS = 0.001
"""How often the Trainer reports within a chunk (besides the end of every epoch): a chunk
ends at most this much after its deadline."""
FRAME_SECONDS = 1 / 32
"""Shortest time between two live repaints: at most 32 a second, a little above the 30
that make motion smooth, so that the rate stays at 30 or more however the repaints fall
(views that cost more get fewer: REPAINT_SHARE)."""
REPAINT_SHARE = 0.4
"""Live repaints (the views' updates and the painting that follows) may take at most this
share of the time; slower views are repainted less often."""
COST_AVERAGING = 0.25
"""Weight of the latest repaint's cost in the running average the repaint rate follows."""
PAINT_MS = 5
"""Pause after a live hand-over in which the event loop repaints the views."""
SPEEDS: tuple[int, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 0)
"""Updates between two repaints offered by the speed slider; 0 = as fast as possible."""
WORSE_THAN_GUESSING = 2.0
"""Training that ends with a loss this many times the loss of predicting the targets' average
whatever the input says so, naming the learning rate (see _worse_than_guessing)."""


@dataclass(frozen=True)
class TrainingStatus:
    """What the training panel shows: completed epochs, updates in this run of the Trainer,
    training samples per second (0 when not measured), the last batch loss."""

    epoch: int = 0
    updates: int = 0
    samples_per_second: float = 0.0
    batch_loss: float = math.nan


_PARAMETER = re.compile(r"(weights|biases)\[(\d+)\]\[(\d+)(?:, (\d+))?\] = (\S+)")


def describe_non_finite(where: str) -> str:
    """The Trainer's ``Progress.non_finite`` in the window's words, e.g.
    "weights[1][0, 2] = nan" → "the weight w₃₁ of layer 2 (weights[1][0, 2]) is nan".

    weights[l][j, i] is the page's w_ij into neuron j of layer l+1 from neuron i of layer l.
    """
    match = _PARAMETER.fullmatch(where.strip())
    if match is None:
        return where.replace(" = ", " is ")
    kind, layer, j, i, value = match.groups()
    into, gap = int(j) + 1, int(layer) + 1
    if kind == "weights" and i is not None:
        name = f"the weight w{_sub(int(i) + 1)}{_sub(into)} of layer {gap}"
        place = f"(into neuron {into} from neuron {int(i) + 1} of layer {gap - 1})"
    else:
        name = f"the bias b{_sub(into)} of layer {gap}"
        place = f"(of neuron {into})"
    return f"{name} {place}, {kind}[{layer}][{j}{'' if i is None else ', ' + i}], is {value}"


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def frame_interval(cost: float) -> float:
    """Seconds from one live repaint to the next when a repaint (the hand-over, the views'
    updates and the painting) took ``cost`` seconds: FRAME_SECONDS while that is at most
    REPAINT_SHARE of the interval, longer for costlier repaints."""
    return max(FRAME_SECONDS, cost / REPAINT_SHARE)


def _finite_state(state: OptimizerState) -> bool:
    return all(np.isfinite(a).all() for a in [*state.velocity, *state.m, *state.v])


class TrainingController(QObject):
    """Plays, pauses and steps training of a :class:`SessionModel`'s network on its data.

    The model stays the one source of truth: before every chunk the controller compares
    the model with what it last handed it, and an edit, an undo, a reset or new data
    rebuild the Trainer from the model; a settings change (learning rate, optimizer,
    batches) is applied to the running Trainer, keeping the weights.

    Signals: ``running_changed(bool)``; ``status_changed`` (epoch counter, samples/s);
    ``message(str)`` for the status bar (why training stopped); ``non_finite(str)``
    names the parameter that went NaN or infinite (training has paused, the last finite
    weights can be restored with :meth:`restore_last_finite`).
    """

    running_changed = Signal(bool)
    status_changed = Signal()
    message = Signal(str)
    non_finite = Signal(str)

    def __init__(
        self,
        model: SessionModel,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.perf_counter,
        work_clock: Callable[[], float] = time.process_time,
    ) -> None:
        super().__init__(parent)
        self.model = model
        # Seconds (tests fake them): the clock times chunks, repaints and samples/s; the
        # work clock, the process's CPU time, measures what a repaint cost, so that time
        # the machine gives to other programs meanwhile is not taken for the views' cost.
        self._clock = clock
        self._work_clock = work_clock
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run_chunk)
        self._running = False
        self._speed = 0
        self._trainer: Trainer | None = None
        self._published: Network | None = None  # the network last handed to the model
        self._source: tuple[object, ...] = ()  # the model's data the trainer was built on
        self._stop_epoch: int | None = None  # set by "step one epoch"
        self._status = TrainingStatus(epoch=len(model.history.epoch))
        self._frame_updates = 0  # updates since the last repaint
        self._next_frame = 0.0
        # When the last live hand-over was due (clock) and began (work clock).
        self._frame_start: tuple[float, float] | None = None
        self._frame_cost: float | None = None  # what repaints cost lately (work seconds)
        self._rate_mark = (0.0, 0)  # (time, trainer samples) where samples/s is measured from
        self._last_finite: tuple[Network, OptimizerState | None, History] | None = None
        model.history_changed.connect(self._on_history_changed)
        model.data_changed.connect(self._on_data_changed)

    # --- reading ---------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    @property
    def status(self) -> TrainingStatus:
        return self._status

    @property
    def samples(self) -> int:
        """Training samples the current Trainer has gone through, counting every sample
        of every update (0 before one is built; it starts again from 0 when an edit
        rebuilds it)."""
        return 0 if self._trainer is None else self._trainer.samples

    @property
    def speed(self) -> int:
        """Updates between repaints; 0 = as many as fit (up to 32 repaints a second, fewer
        when the views cost more than REPAINT_SHARE of the time)."""
        return self._speed

    @property
    def can_restore(self) -> bool:
        """True after a NaN or infinity, while the last finite weights can be restored."""
        return self._last_finite is not None

    # --- commands ----------------------------------------------------------------------
    def play(self) -> None:
        """Train until paused, the epoch limit or the target loss."""
        self._stop_epoch = None
        self._start()

    def pause(self) -> None:
        """Stop after the current chunk and show every view the weights reached."""
        if self._running:
            self._stop(None)

    def toggle(self) -> None:
        if self._running:
            self.pause()
        else:
            self.play()

    def step_epoch(self) -> None:
        """Train to the end of the current epoch (one whole epoch from a boundary), then
        pause."""
        trainer = self._synced_trainer()
        self._stop_epoch = trainer.epoch + 1
        self._start()

    def reset(self) -> None:
        """Pause, and go back to the initial weights at epoch 0."""
        if self._running:
            self._timer.stop()
            self._set_running(False)
        self._trainer = None
        self._last_finite = None
        self.model.reset_training()
        self._status = TrainingStatus()
        self.status_changed.emit()

    def set_speed(self, updates_per_repaint: int) -> None:
        """Updates between two repaints (1 shows every update); 0 = as fast as possible."""
        if updates_per_repaint < 0:
            raise ValueError(f"the speed must be ≥ 0, got {updates_per_repaint}")
        self._speed = updates_per_repaint

    def restore_last_finite(self) -> None:
        """After a NaN or infinity: hand the model the last finite weights (from just
        before the update that went wrong) and the history up to them."""
        if self._last_finite is None:
            return
        net, state, history = self._last_finite
        self._last_finite = None
        self._trainer = None  # its optimizer state may hold the non-finite values
        self.model.apply_training(net, state if state is not None else OptimizerState(), history)
        self._published = self.model.network
        note = "" if state is not None else " The optimizer's state was not finite: it starts over."
        self.message.emit(
            f"Restored the last finite weights, after {len(history.epoch)} epochs.{note}"
        )

    # --- the loop ------------------------------------------------------------------------
    def _start(self) -> None:
        if self._running:
            return
        trainer = self._synced_trainer()
        if self._epochs_left(trainer) == 0:
            limit = trainer.config.epochs
            self.message.emit(f"The epoch limit ({limit}) is reached: raise it to train on.")
            return
        self._last_finite = None
        self._frame_updates = 0
        self._frame_start = None
        self._frame_cost = None
        now = self._clock()
        self._next_frame = now + FRAME_SECONDS
        self._rate_mark = (now, trainer.samples)
        self._set_running(True)
        self._timer.start(0)

    def _set_running(self, on: bool) -> None:
        if on != self._running:
            self._running = on
            self.running_changed.emit(on)

    def _synced_trainer(self) -> Trainer:
        """The Trainer, rebuilt from the model if the model changed since the last hand-over,
        or with the model's settings if only those changed."""
        m = self.model
        trainer = self._trainer
        if trainer is None or not self._in_sync():
            history = m.history
            optimizer = Optimizer(m.config.optimizer, m.stepper.optimizer.state)
            trainer = Trainer(m.network, m.data, m.config, optimizer, copy_history(history))
            self._trainer = trainer
            self._published = m.network
            self._source = (m.session.data, m.x, m.y)
        elif trainer.config is not m.config:
            # Settings only: the running trainer keeps its weights, optimizer state and
            # place in the epoch.
            trainer.config = m.config
            trainer.optimizer = Optimizer(m.config.optimizer, trainer.optimizer.state)
        return trainer

    def _in_sync(self) -> bool:
        """True while the model holds the weights and data last handed to or taken from
        it: no edit, undo, reset or new data since."""
        m = self.model
        source = (m.session.data, m.x, m.y)
        return (
            m.network is self._published
            and len(self._source) == len(source)
            and all(a is b for a, b in zip(source, self._source, strict=True))
        )

    def _epochs_left(self, trainer: Trainer) -> int:
        """Epochs the next chunk may still complete; a large number when unlimited."""
        left = 1 << 40
        limit = trainer.config.epochs
        if limit > 0:
            left = max(0, limit - trainer.epoch)
        if self._stop_epoch is not None:
            left = min(left, max(0, self._stop_epoch - trainer.epoch))
        return left

    def _run_chunk(self) -> None:
        """One visit of the timer: a live repaint or a chunk of training, never both, so
        that the event loop (input, painting) gets control back after either."""
        if not self._running:
            return
        now = self._clock()
        if self._frame_start is not None:
            # The event loop has painted the last hand-over: count its whole cost.
            due, work = self._frame_start
            cost = self._work_clock() - work
            # Averaged over the last few repaints: an occasional costly one (the
            # diagram's edges, a few times a second) is spread over its neighbours.
            if self._frame_cost is None:
                self._frame_cost = cost
            else:
                self._frame_cost += COST_AVERAGING * (cost - self._frame_cost)
            self._next_frame = due + frame_interval(self._frame_cost)
            self._frame_start = None
        if self._frame_updates and not self._in_sync():
            # The model was edited since the last chunk: its state wins, the trainer's
            # unshown updates are dropped (as when stopping) and it is rebuilt below.
            self._frame_updates = 0
        slow_frame_done = self._speed and self._frame_updates >= self._speed
        if self._frame_updates and (slow_frame_done or not self._speed):
            if now >= self._next_frame:
                self._publish(running=True)
                # Not 0: a zero timer would run the next chunk before Qt paints what was
                # handed over, and input would wait for both.
                self._timer.start(PAINT_MS)
                return
            if slow_frame_done:
                # Slow motion: this frame's updates are done; show them when it is due.
                self._timer.start(max(1, math.ceil((self._next_frame - now) * 1000)))
                return
        trainer = self._synced_trainer()
        left = self._epochs_left(trainer)
        if left == 0:
            self._stop(self._why_stopped(trainer))
            return
        deadline = now + CHUNK_SECONDS
        if not self._speed:
            # The chunk ends when the next repaint is due, so that it is not late by up
            # to a chunk.
            deadline = min(deadline, max(self._next_frame, now + MIN_CHUNK_SECONDS))
        # Overflow is not an error here: the Trainer reports the first non-finite value
        # and the NaN guard below pauses on it.
        with np.errstate(all="ignore"):
            self._train_until(trainer, left, deadline)

    def _train_until(self, trainer: Trainer, epochs: int, deadline: float) -> None:
        # Slow motion counts every update; otherwise a report every REPORT_SECONDS is
        # enough to stop near the deadline, and spares one per update.
        every = 0.0 if self._speed else REPORT_SECONDS
        generator = trainer.run(epochs, report_every=every)
        first = trainer.updates
        progress = None
        for progress in generator:
            if progress.non_finite is not None or progress.done:
                break
            if self._speed and self._frame_updates + trainer.updates - first >= self._speed:
                break
            if self._clock() >= deadline:
                break
        generator.close()
        self._frame_updates += trainer.updates - first
        if progress is not None:
            self._status = TrainingStatus(
                progress.epoch, progress.updates, self._status.samples_per_second,
                progress.batch_loss,
            )  # fmt: skip
            if progress.non_finite is not None:
                self._on_non_finite(trainer, progress.network, progress.non_finite)
                return
            if progress.done:
                self._stop(self._why_stopped(trainer))
                return
        self._timer.start(0)

    def _publish(self, running: bool) -> None:
        trainer = self._trainer
        assert trainer is not None
        start, work = self._clock(), self._work_clock()
        mark_time, mark_samples = self._rate_mark
        if start > mark_time and trainer.samples > mark_samples:
            rate = (trainer.samples - mark_samples) / (start - mark_time)
            self._rate_mark = (start, trainer.samples)
        else:
            rate = self._status.samples_per_second
        self._status = TrainingStatus(
            trainer.epoch, trainer.updates, rate if running else 0.0, self._status.batch_loss
        )
        self.model.apply_training(trainer.net, trainer.optimizer.state, trainer.history, running)
        self._published = self.model.network
        self.status_changed.emit()
        # A steady rhythm: the next repaint is due an interval after this one was due,
        # not after it came (a little late, at the end of a chunk), unless this one came
        # more than a frame late.
        due = self._next_frame if start - self._next_frame < FRAME_SECONDS else start
        # The next chunk measures what the repaint cost, painting included.
        self._frame_start = (due, work)
        self._next_frame = due + FRAME_SECONDS
        self._frame_updates = 0

    def _stop(self, reason: str | None) -> None:
        self._timer.stop()
        self._stop_epoch = None
        if self._trainer is not None and self._in_sync():
            self._publish(running=False)
        else:
            # The model was edited since the last chunk: its state wins, the trainer's
            # unshown updates are dropped.
            self._trainer = None
            self.model.end_live_training()
        self._set_running(False)
        if reason:
            self.message.emit(reason)

    def _why_stopped(self, trainer: Trainer) -> str | None:
        cfg, h = trainer.config, trainer.history
        if cfg.target_loss is not None and h.train_loss and h.train_loss[-1] <= cfg.target_loss:
            loss = format_number(h.train_loss[-1], 4)
            return f"Target loss reached: the training loss is {loss} after epoch {trainer.epoch}."
        if cfg.epochs > 0 and trainer.epoch >= cfg.epochs:
            why = f"Epoch limit reached: {trainer.epoch} epochs."
        elif self._stop_epoch is not None:
            why = f"Epoch {trainer.epoch} done."
        else:
            return None
        warning = self._worse_than_guessing(trainer)
        return f"{warning} {why}" if warning else why  # first: the status bar may cut it

    def _worse_than_guessing(self, trainer: Trainer) -> str:
        """A warning when training ended far worse than predicting the targets' average
        whatever the input: a learning rate too large saturates the outputs without any
        NaN (the spiral at η = 1000 stayed at a loss of 17, 25 times a coin's)."""
        h = trainer.history
        if not h.train_loss:
            return ""
        y = trainer.data.y_train
        baseline = constant_prediction_loss(trainer.config.loss, y) if len(y) else 0.0
        loss = h.train_loss[-1]
        if not (baseline > 0 and loss > WORSE_THAN_GUESSING * baseline):
            return ""
        rate = format_number(trainer.config.optimizer.learning_rate, 3)
        return (
            f"Loss {format_number(loss, 4)}, worse than always guessing the targets' average "
            f"({format_number(baseline, 4)}): is η = {rate} too large?"
        )

    def _on_non_finite(self, trainer: Trainer, last_finite: Network, where: str) -> None:
        self._timer.stop()
        self._stop_epoch = None
        state = copy.deepcopy(trainer.optimizer.state)
        self._last_finite = (
            last_finite,
            state if _finite_state(state) else None,
            copy_history(trainer.history),
        )
        # The trainer's optimizer took the bad update; the next Play starts from the model.
        self._trainer = None
        self.model.end_live_training()
        self._set_running(False)
        rate = format_number(trainer.config.optimizer.learning_rate, 3)
        self.non_finite.emit(
            f"Training paused in epoch {trainer.epoch + 1}: after an update, "
            f"{describe_non_finite(where)}. A learning rate of {rate} may be too large.\n\n"
            "Nothing is lost: the window shows the weights of the last repaint. The last "
            "finite weights, from just before that update, can be restored."
        )

    def _on_data_changed(self) -> None:
        if self._running:
            self._stop("Training paused: other data are loaded.")

    def _on_history_changed(self) -> None:
        if not self._running and len(self.model.history.epoch) != self._status.epoch:
            self._status = TrainingStatus(epoch=len(self.model.history.epoch))
            self.status_changed.emit()
