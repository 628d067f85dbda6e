"""The numbers of one :class:`~mlpviz.engine.stepper.SampleStep` and which of them a
worked example shows: the base of the phase builders (forward_phases, backward_phases,
update_phases).

A focus keeps one neuron, weight or bias; otherwise sums longer than ``max_terms`` and
layers wider than ``max_rows`` keep their first and last entries and elide the middle.
The numbers come from the engine, never recomputed here, so the worked example always
agrees with what training does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mlpviz.engine.stepper import Phase, SampleStep
from mlpviz.engine.trace.document import (
    ELLIPSIS,
    Block,
    Elided,
    Expr,
    Focus,
    Item,
    Matrix,
    Num,
    Op,
    Section,
    sum_of,
)
from mlpviz.engine.trace.names import Names
from mlpviz.engine.trainer import TrainingConfig
from mlpviz.engine.types import Array


@dataclass(frozen=True)
class Skip:
    """``count`` consecutive indices left out of a list."""

    count: int


def elide(n: int, limit: int, keep: int | None = None) -> list[int | Skip]:
    """Indices 0..n−1 to show: the first ones, ``keep`` and the last, with skips between."""
    if n <= limit + 1:  # eliding a single item would save nothing
        chosen = list(range(n))
    else:
        extra = {n - 1} if keep is None else {n - 1, keep}
        chosen = sorted(set(range(max(limit - len(extra), 1))) | extra)
    out: list[int | Skip] = []
    prev = -1
    for i in chosen:
        if i > prev + 1:
            out.append(Skip(i - prev - 1))
        out.append(i)
        prev = i
    return out


class StepContext:
    """One SampleStep's numbers per layer (sample 0 of the batch), the names of its
    quantities, and the helpers that choose and lay out what is shown."""

    def __init__(
        self,
        step: SampleStep,
        config: TrainingConfig,
        focus: Focus | None,
        max_terms: int,
        max_rows: int,
    ) -> None:
        if max_terms < 2 or max_rows < 2:
            raise ValueError("max_terms and max_rows must be at least 2")
        r = step.result
        self.step, self.config, self.focus = step, config, focus
        self.max_terms, self.max_rows = max_terms, max_rows
        self.net, self.after = r.before, r.after
        self.names = Names(self.net.layer_sizes)
        self.depth = self.net.depth
        self.a = [v[0] for v in r.forward.a]
        self.z = [v[0] for v in r.forward.z]
        self.delta = [v[0] for v in r.backward.delta]
        self.grad_a = [v[0] for v in r.backward.grad_a]
        self.grad_w, self.grad_b = r.backward.grad_weights, r.backward.grad_biases
        self.y = np.asarray(step.y, dtype=float).reshape(-1)
        self.reg = config.regularization
        # The optimizer that made the update, so its rule and numbers are the ones used.
        self.opt = step.optimizer_after.config

    # --- which neurons and weights are shown ---
    def _rows(self, l: int) -> list[int | Skip] | None:
        """Neurons of layer l to show, or None when the focus has nothing in layer l."""
        f = self.focus
        if f is None:
            return elide(self.net.layer_sizes[l], self.max_rows)
        target = f.layer if f.kind == "neuron" else f.layer + 1
        return [f.j] if l == target else None

    def _cols(self, l: int) -> list[int | Skip]:
        """Source neurons (layer l−1) of the weights into layer l to show."""
        f = self.focus
        if f is not None and f.kind == "weight":
            return [f.i]
        if f is not None and f.kind == "bias":
            return []
        return elide(self.net.layer_sizes[l - 1], self.max_terms)

    def _keep(self) -> int | None:
        f = self.focus
        return f.i if f is not None and f.kind == "weight" else None

    @staticmethod
    def _each(indices: Sequence[int | Skip], make: Callable[[int], list[Block]]) -> list[Block]:
        out: list[Block] = []
        for i in indices:
            out.extend([Elided(i.count)] if isinstance(i, Skip) else make(i))
        return out

    def _terms(self, n: int, make: Callable[[int], Expr], keep: int | None = None) -> Expr:
        """The sum of make(0..n−1), middle terms elided."""
        return sum_of(
            (ELLIPSIS,) if isinstance(i, Skip) else make(i) for i in elide(n, self.max_terms, keep)
        )

    # --- matrices ---
    def _matrix(self, m: Array, row_limit: int | None = None, col_limit: int | None = None) -> Item:
        """A 2-D array as a Matrix with elided rows and columns; a 1×1 array as a number."""
        if m.shape == (1, 1):
            return Num(float(m[0, 0]))
        rows = elide(m.shape[0], row_limit or self.max_rows)
        cols = elide(m.shape[1], col_limit or self.max_terms)
        out: list[tuple[Num | Op, ...]] = []
        for r in rows:
            cells: list[Num | Op] = []
            for c in cols:
                if isinstance(r, Skip):
                    cells.append(Op("⋱" if isinstance(c, Skip) else "⋮"))
                else:
                    cells.append(Op("…") if isinstance(c, Skip) else Num(float(m[r, c])))
            out.append(tuple(cells))
        return Matrix(tuple(out))

    def _column(self, v: Array, limit: int | None = None) -> Item:
        return self._matrix(np.asarray(v).reshape(-1, 1), row_limit=limit)

    def _row(self, v: Array) -> Item:
        return self._matrix(np.asarray(v).reshape(1, -1))

    def _section(
        self, title: str, phase: Phase, blocks: list[Block], matrix: bool = False
    ) -> list[Section]:
        return [Section(title, phase, tuple(blocks), matrix)] if blocks else []
