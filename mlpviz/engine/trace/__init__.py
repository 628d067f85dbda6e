"""Worked examples: every equation of one online step, written out with its numbers.

As in the course page's "Numerical Simulation", each equation is shown as its formula,
then with the numbers substituted, then its result, e.g.

    z₁ = w₁₁·x₁ + w₂₁·x₂ + bʰ₁ = 0.2·0.5 + 0.4·0.8 + 0.1 = 0.52

The numbers come from the engine (a :class:`~mlpviz.engine.stepper.SampleStep`), never
recomputed here, so the worked example always agrees with what training does.

One generator, several renderings: :func:`phase_sections` and :func:`worked_example`
build a small document model (:class:`Section` of :class:`Paragraph`, :class:`Equation`
and :class:`Elided` blocks; equations are tuples of items such as :class:`Symbol`,
:class:`Num` and :class:`Matrix`), and :func:`render_text`, :func:`render_markdown`,
:func:`render_latex` and :func:`render_html` lay it out. :func:`trace_json` gives the
same step as plain numbers.

The modules, in the order a step goes through them:

- ``document``: the items and blocks of a worked example, and formula builders;
- ``names``: the page's names (x, W, h, V, ŷ, …) or layer-indexed ones (a⁽ˡ⁾, W⁽ˡ⁾, …);
- ``step_context``: one step's numbers and which of them are shown (focus, elision);
- ``forward_phases``, ``backward_phases``, ``update_phases``: the sections of each phase;
- ``worked_step``: :func:`phase_sections` and :func:`worked_example`;
- ``rendering`` (what the formats share), ``text_rendering``, ``latex_rendering``
  (LaTeX and Markdown), ``html_rendering``; ``json_trace``.
"""

from __future__ import annotations

from mlpviz.engine.trace.document import (
    Block,
    Call,
    Elided,
    Equation,
    Expr,
    Focus,
    Frac,
    Item,
    Matrix,
    Num,
    Op,
    Paragraph,
    Partial,
    Power,
    Section,
    Sqrt,
    Symbol,
    Word,
)
from mlpviz.engine.trace.html_rendering import render_html
from mlpviz.engine.trace.json_trace import trace_json
from mlpviz.engine.trace.latex_rendering import render_latex, render_markdown
from mlpviz.engine.trace.names import parameter_name
from mlpviz.engine.trace.text_rendering import render_text
from mlpviz.engine.trace.worked_step import (
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_TERMS,
    phase_sections,
    worked_example,
)

__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MAX_TERMS",
    "Block",
    "Call",
    "Elided",
    "Equation",
    "Expr",
    "Focus",
    "Frac",
    "Item",
    "Matrix",
    "Num",
    "Op",
    "Paragraph",
    "Partial",
    "Power",
    "Section",
    "Sqrt",
    "Symbol",
    "Word",
    "parameter_name",
    "phase_sections",
    "render_html",
    "render_latex",
    "render_markdown",
    "render_text",
    "trace_json",
    "worked_example",
]
