"""Worked examples: every equation of one online step, phase by phase.

:func:`phase_sections` gives one phase, :func:`worked_example` all of them in order; the
sections of each phase are built by forward_phases, backward_phases and update_phases.
"""

from __future__ import annotations

from mlpviz.engine.stepper import Phase, PhaseKind, SampleStep, phases
from mlpviz.engine.trace.backward_phases import BackwardPhases
from mlpviz.engine.trace.document import Focus, Section
from mlpviz.engine.trace.update_phases import UpdatePhases
from mlpviz.engine.trainer import TrainingConfig

DEFAULT_MAX_TERMS = 4
"""Terms of a sum shown before the middle ones are elided (first terms, "…", last term)."""
DEFAULT_MAX_ROWS = 4
"""Neurons of a layer shown before the middle ones are elided ("… (N more)")."""


class WorkedStep(BackwardPhases, UpdatePhases):
    """Builds the sections of one SampleStep; one method per phase."""

    def sections(self, phase: Phase) -> list[Section]:
        kind = phase.kind
        if kind is PhaseKind.INPUT:
            return self.input(phase)
        if kind is PhaseKind.FORWARD:
            return self.forward(phase)
        if kind is PhaseKind.LOSS:
            return self.loss(phase)
        if kind is PhaseKind.BACKWARD:
            return self.backward(phase)
        return self.update(phase)


def phase_sections(
    step: SampleStep,
    config: TrainingConfig,
    phase: Phase,
    focus: Focus | None = None,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> list[Section]:
    """The worked equations of one phase of ``step``.

    With a ``focus``, only that neuron's, weight's or bias's equations, and no matrix
    form; an empty list when nothing of the focused item is worked out in the phase (it may
    still be used there: a weight carrying errors back, an input feeding a sum). Sums longer
    than ``max_terms`` and layers wider than ``max_rows`` are elided in the middle.
    """
    return WorkedStep(step, config, focus, max_terms, max_rows).sections(phase)


def worked_example(
    step: SampleStep,
    config: TrainingConfig,
    focus: Focus | None = None,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> list[Section]:
    """Every phase of ``step`` in order: input, forward, loss, backward, update."""
    worker = WorkedStep(step, config, focus, max_terms, max_rows)
    return [s for phase in phases(step.result.before.depth) for s in worker.sections(phase)]
