"""The Stepper: one online training step revealed phase by phase, forwards and back.

For a network with L layers after the input, each sample goes through the phases

    Input › Forward 1 › … › Forward L › Loss › Backward L › … › Backward 1 › Update

and then on to the next sample's Input, with the updated weights. ``back()`` returns to
the previous phase, across samples too, and the parameters and optimizer state are
those of that phase exactly: every sample's numbers are computed once by
:func:`train_step` and kept, never recomputed, so nothing drifts.

The GUI and the command line read the current phase's numbers from
:attr:`Stepper.record` (every number of the sample's step) and :attr:`Stepper.phase`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from mlpviz.engine.backprop import loss_value
from mlpviz.engine.network import Network
from mlpviz.engine.optimizers import Optimizer
from mlpviz.engine.trainer import StepResult, TrainingConfig, train_step
from mlpviz.engine.types import Array


class PhaseKind(Enum):
    INPUT = "input"
    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"


@dataclass(frozen=True)
class Phase:
    """A phase of a step; ``layer`` is the layer computed (1..L) for FORWARD and BACKWARD."""

    kind: PhaseKind
    layer: int = 0

    @property
    def label(self) -> str:
        if self.kind in (PhaseKind.FORWARD, PhaseKind.BACKWARD):
            return f"{str(self.kind.value).capitalize()} {self.layer}"
        return str(self.kind.value).capitalize()


def phases(depth: int) -> list[Phase]:
    """Every phase of one step, in order, for a network with ``depth`` = L layers."""
    return (
        [Phase(PhaseKind.INPUT)]
        + [Phase(PhaseKind.FORWARD, l) for l in range(1, depth + 1)]
        + [Phase(PhaseKind.LOSS)]
        + [Phase(PhaseKind.BACKWARD, l) for l in range(depth, 0, -1)]
        + [Phase(PhaseKind.UPDATE)]
    )


@dataclass(frozen=True)
class SampleStep:
    """One sample's whole step: which sample, every number, and the loss after the update.

    ``optimizer_before`` and ``optimizer_after`` are the optimizer around this step's
    update; neither is ever updated again.
    """

    sample: int
    x: Array
    y: Array
    result: StepResult
    loss_after: float
    optimizer_before: Optimizer
    optimizer_after: Optimizer


class Stepper:
    """Steps through online training on ``x: (N, n0)``, ``y: (N, nL)``, one phase at a time."""

    def __init__(
        self,
        net: Network,
        x: Array,
        y: Array,
        config: TrainingConfig,
        optimizer: Optimizer | None = None,
        sample: int = 0,
        initial_network: Network | None = None,
    ) -> None:
        """Start at ``sample``'s Input phase with ``net`` and ``optimizer`` (fresh if None).

        ``initial_network`` is where :meth:`reset` returns to, when the session was saved
        after training had moved the weights on from it; by default ``net`` itself.
        """
        if len(x) == 0 or len(x) != len(y):
            raise ValueError(
                "the stepper needs at least one sample, with as many targets as inputs"
            )
        self.x, self.y, self.config = x, y, config
        self.initial_network = (initial_network or net).copy()
        self.phases = phases(net.depth)
        self._records: list[SampleStep] = []
        self._position = 0  # index of the current record
        self._phase_index = 0
        start = (optimizer or Optimizer(config.optimizer)).copy()
        self._records.append(self._compute(sample, net, start))

    # --- what is shown -------------------------------------------------------------
    @property
    def record(self) -> SampleStep:
        """Every number of the current sample's step."""
        return self._records[self._position]

    @property
    def phase(self) -> Phase:
        return self.phases[self._phase_index]

    @property
    def sample(self) -> int:
        return self.record.sample

    @property
    def step_number(self) -> int:
        """How many updates came before the current sample's (0 at the start)."""
        return self._position

    @property
    def network(self) -> Network:
        """The parameters in force: after the update in the Update phase, before it otherwise."""
        r = self.record.result
        return r.after if self.phase.kind is PhaseKind.UPDATE else r.before

    @property
    def optimizer(self) -> Optimizer:
        """A copy of the optimizer in force, as :attr:`network` is."""
        r = self.record
        return (
            r.optimizer_after if self.phase.kind is PhaseKind.UPDATE else r.optimizer_before
        ).copy()

    @property
    def losses_after_updates(self) -> list[float]:
        """The loss on each stepped sample after its update, for every update done so far."""
        done = self._records[: self._position]
        if self.phase.kind is PhaseKind.UPDATE:
            done = self._records[: self._position + 1]
        return [r.loss_after for r in done]

    @property
    def at_start(self) -> bool:
        return self._position == 0 and self._phase_index == 0

    # --- moving --------------------------------------------------------------------
    def step(self) -> Phase:
        """Go to the next phase; after Update, to the next sample's Input."""
        if self._phase_index + 1 < len(self.phases):
            self._phase_index += 1
            return self.phase
        if self._position + 1 == len(self._records):
            prev = self.record
            nxt = (prev.sample + 1) % len(self.x)
            self._records.append(self._compute(nxt, prev.result.after, prev.optimizer_after))
        self._position += 1
        self._phase_index = 0
        return self.phase

    def back(self) -> Phase:
        """Go to the previous phase, restoring its parameters; ValueError at the start."""
        if self.at_start:
            raise ValueError("already at the start of the session")
        if self._phase_index > 0:
            self._phase_index -= 1
        else:
            self._position -= 1
            self._phase_index = len(self.phases) - 1
        return self.phase

    def next_sample(self) -> Phase:
        """Finish the current sample's step and stop at the next sample's Input."""
        self.step()
        while self._phase_index != 0:
            self.step()
        return self.phase

    def go_to(self, kind: PhaseKind, layer: int = 0) -> Phase:
        """Jump to a phase of the current sample (forwards or back)."""
        self._phase_index = self.phases.index(Phase(kind, layer))
        return self.phase

    def reset(self) -> Phase:
        """Back to the first phase of the first sample, with the initial parameters.

        Stepping history is kept when it starts from the initial network; otherwise (a
        session saved after training) the step starts afresh from the initial network
        with a fresh optimizer.
        """
        first = self._records[0]
        if not first.result.before.equals(self.initial_network):
            fresh = Optimizer(self.config.optimizer)
            self._records = [self._compute(first.sample, self.initial_network, fresh)]
        self._position = 0
        self._phase_index = 0
        return self.phase

    def restart(
        self,
        net: Network | None = None,
        sample: int | None = None,
        x: Array | None = None,
        y: Array | None = None,
        config: TrainingConfig | None = None,
    ) -> Phase:
        """After an edit: recompute the current sample's step from its Input phase, with
        the given network, sample, data or settings, and forget the steps after it.

        At the very start, an edited network also becomes the initial network.
        """
        if x is not None or y is not None:
            new_x = self.x if x is None else x
            new_y = self.y if y is None else y
            if len(new_x) == 0 or len(new_x) != len(new_y):
                raise ValueError(
                    "the stepper needs at least one sample, with as many targets as inputs"
                )
            self.x, self.y = new_x, new_y
        if config is not None:
            self.config = config
        current = self.record
        base = net if net is not None else self.network
        chosen = current.sample if sample is None else sample
        if not 0 <= chosen < len(self.x):
            raise ValueError(f"sample {chosen} is out of range (0..{len(self.x) - 1})")
        optimizer = current.optimizer_before
        if config is not None:
            optimizer = Optimizer(config.optimizer, optimizer.copy().state)
        if self._position == 0 and self._records[0].result.before.equals(self.initial_network):
            self.initial_network = base.copy()
        del self._records[self._position :]
        self._records.append(self._compute(chosen, base, optimizer))
        self._phase_index = 0
        return self.phase

    # --- internals -----------------------------------------------------------------
    def _compute(self, sample: int, net: Network, optimizer: Optimizer) -> SampleStep:
        x, y = self.x[sample : sample + 1], self.y[sample : sample + 1]
        updated = optimizer.copy()
        result = train_step(net, updated, x, y, self.config.loss, self.config.regularization)
        after = loss_value(result.after, x, y, self.config.loss, self.config.regularization)
        return SampleStep(sample, x, y, result, after, optimizer.copy(), updated)
