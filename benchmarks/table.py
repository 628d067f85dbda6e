"""A benchmark figure (one row of the results table) and its Markdown and JSON forms."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured figure: mlpviz's median, the reference's in the same run, the target.

    A reference is either a competitor doing the same work (PyTorch) or, with
    ``reference_is_floor``, a bound: the least the platform itself costs for a time (an
    empty Qt window), the most a rate can reach (the Trainer without a window); a bound
    gives context, not a race. ``speedup`` is how many times better
    mlpviz is than a competitor: reference ÷ mlpviz for times (lower is better),
    mlpviz ÷ reference for rates (``higher_is_better``). ``met`` is None where no target
    applies.
    """

    group: str
    name: str
    unit: str
    mlpviz: float
    reference: float | None = None
    reference_name: str = ""
    higher_is_better: bool = False
    reference_is_floor: bool = False
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def speedup(self) -> float | None:
        if self.reference is None or self.reference_is_floor:
            return None
        if not self.mlpviz or not self.reference:
            return None
        if self.higher_is_better:
            return self.mlpviz / self.reference
        return self.reference / self.mlpviz

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["speedup"] = self.speedup
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> Figure:
        fields = {k: v for k, v in data.items() if k != "speedup"}
        return Figure(**fields)


def format_value(value: float | None, unit: str) -> str:
    """A value with three significant digits and its unit, or an em dash for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}"


def markdown_table(figures: list[Figure]) -> str:
    """The results as a Markdown table: figure, mlpviz, reference, speed-up, target, met?"""
    lines = [
        "| figure | mlpviz (median) | reference (median) | speed-up | target | met? |",
        "| --- | ---: | ---: | ---: | --- | :---: |",
    ]
    for f in figures:
        speedup = f"{f.speedup:.2f}×" if f.speedup is not None else "—"
        met = {True: "yes", False: "**no**", None: "—"}[f.met]
        name = f.name + (f" ({f.note})" if f.note else "")
        reference = format_value(f.reference, f.unit)
        if f.reference is not None and f.reference_name:
            # A bound, not a race: the least a time can be, the most a rate can.
            bound = "ceiling: " if f.higher_is_better else "floor: "
            kind = bound if f.reference_is_floor else ""
            reference += f" ({kind}{f.reference_name})"
        lines.append(
            f"| {name} | {format_value(f.mlpviz, f.unit)} "
            f"| {reference} | {speedup} | {f.target or '—'} | {met} |"
        )
    return "\n".join(lines)


FIGURES_MARKER = "mlpviz-benchmark-figures:"
"""Starts the one line of a group's output that carries its figures as JSON."""


def emit(figures: list[Figure]) -> None:
    """Print a group's figures for :mod:`benchmarks.run`, which runs each group in its own
    process, and as a readable table for a person running the group alone."""
    print(markdown_table(figures))
    print(FIGURES_MARKER + json.dumps([f.to_json() for f in figures]), flush=True)


def parse_emitted(stdout: str) -> list[Figure]:
    """The figures a group printed with :func:`emit`; empty if it printed none."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(FIGURES_MARKER):
            return [Figure.from_json(d) for d in json.loads(line[len(FIGURES_MARKER) :])]
    return []
