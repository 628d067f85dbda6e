"""HTML for Qt rich text (the GUI's formula panel): <i>, <sub>, <sup>, matrices as tables."""

from __future__ import annotations

import html
from collections.abc import Sequence

from mlpviz.engine.trace.document import (
    Call,
    Elided,
    Expr,
    Frac,
    Matrix,
    Op,
    Paragraph,
    Partial,
    Section,
    Sqrt,
    Symbol,
)
from mlpviz.engine.trace.rendering import (
    MathRenderer,
    check_precision,
    equation_parts,
    has_matrix,
    number_parts,
    opens,
    plain_prose,
)


class _HtmlMath(MathRenderer):
    def number(self, value: float) -> str:
        neg, digits, exp = number_parts(value, self.precision)
        text = ("−" if neg else "") + digits
        return text if exp is None else f"{text}×10<sup>{str(exp).replace('-', '−')}</sup>"

    def symbol(self, s: Symbol) -> str:
        base = html.escape(s.base)
        if s.base != "Σ" and not s.base.isupper():
            base = f"<i>{base}</i>"
        if s.bold:
            base = f"<b>{base}</b>"
        sup = f"<sup>{html.escape(s.sup)}</sup>" if s.sup else ""
        sub = f"<sub>{html.escape(s.sub)}</sub>" if s.sub else ""
        return base + sup + sub + (" " if s.base == "Σ" else "")

    def op(self, o: Op) -> str:
        text = html.escape(o.text)
        return f" {text} " if o.spaced else (text + " " if o.text == "," else text)

    def word(self, text: str) -> str:
        return f" {html.escape(text)} "

    def partial(self, p: Partial) -> str:
        return f"∂{self.expr(p.of)}/∂{self.expr(p.wrt)}"

    def _group(self, e: Expr) -> str:
        text = self.expr(e)
        return text if len(e) == 1 and not isinstance(e[0], Frac) else f"({text})"

    def frac(self, f: Frac) -> str:
        return f"{self._group(f.num)}/{self._group(f.den)}"

    def call(self, c: Call) -> str:
        return f"{html.escape(c.name)}({self.expr(c.arg)})"

    def power(self, base: str, exponent: str) -> str:
        return f"{base}<sup>{html.escape(exponent)}</sup>"

    def sqrt(self, s: Sqrt) -> str:
        return "√" + self._group(s.arg)

    def matrix(self, m: Matrix) -> str:
        # Bracket glyphs in their own cells: Qt rich text has no inline boxes to draw on.
        n = len(m.rows)
        left = ["["] if n == 1 else ["⎡", *["⎢"] * (n - 2), "⎣"]
        right = ["]"] if n == 1 else ["⎤", *["⎥"] * (n - 2), "⎦"]
        rows = "".join(
            f"<tr><td>{lb}</td>"
            + "".join(f'<td align="right">&nbsp;{self.item(c)}</td>' for c in row)
            + f"<td>&nbsp;{rb}</td></tr>"
            for lb, row, rb in zip(left, m.rows, right, strict=True)
        )
        return f'<table cellspacing="0" cellpadding="0">{rows}</table>'


EQUATION_STYLE = "p.equation { margin-left: 1.2em; }"
"""Equations stand indented under their prose, and a long one wraps at that indent rather
than running off the right edge: in the formula panel, Backward 1's δ lines at 100 % and
most phases' lines on a projector at 200 % are wider than the panel."""


def render_html(sections: Sequence[Section], precision: int = 6, standalone: bool = False) -> str:
    """HTML for Qt rich text: <i>, <sub>, <sup>, matrices as tables."""
    check_precision(precision)
    r = _HtmlMath(precision)
    out: list[str] = []
    for s in sections:
        out.append(f"<h3>{html.escape(s.title)}</h3>")
        for b in s.blocks:
            if isinstance(b, Paragraph):
                out.append(f"<p>{plain_prose(b.parts, r.expr, html.escape)}</p>")
            elif isinstance(b, Elided):
                out.append(f'<p class="equation">… ({b.count} more)</p>')
            elif any(has_matrix(e) for e in (b.lhs, *b.rhs)):
                cells = [r.expr(b.lhs)]
                for rel, side in equation_parts(b):
                    cells.append(f" {html.escape(rel)} ")
                    cells += [r.item(it, bare=opens(side, n)) for n, it in enumerate(side)]
                row = "".join(f'<td valign="middle">{c}</td>' for c in cells)
                out.append(f'<table cellspacing="2" cellpadding="0"><tr>{row}</tr></table>')
            else:
                sides = "".join(
                    f" {html.escape(p)} {r.expr(side)}" for p, side in equation_parts(b)
                )
                out.append(f'<p class="equation">{r.expr(b.lhs)}{sides}</p>')
    body = "\n".join(out)
    if not standalone:
        return body + "\n"
    return f"<html><head><style>{EQUATION_STYLE}</style></head><body>\n{body}\n</body></html>\n"
