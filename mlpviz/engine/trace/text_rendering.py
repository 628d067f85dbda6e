"""Plain text: Unicode sub- and superscripts (₁₂, ʰ), which every common terminal font
has, and matrices as bracketed rows."""

from __future__ import annotations

from collections.abc import Sequence

from mlpviz.engine.numbers import format_number
from mlpviz.engine.trace.document import (
    Call,
    Elided,
    Equation,
    Expr,
    Frac,
    Matrix,
    Num,
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
    opens,
    plain_prose,
)

_SUB = dict(
    zip("0123456789+−()aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,", strict=True)
)
_SUP = dict(zip("0123456789+−()hyTtni′", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ʰʸᵀᵗⁿⁱ′", strict=True))


def _script(text: str, table: dict[str, str], mark: str) -> str:
    if all(c in table for c in text):
        return "".join(table[c] for c in text)
    return f"{mark}{text}" if text.isalnum() else f"{mark}({text})"


class TextMath(MathRenderer):
    def number(self, value: float) -> str:
        return format_number(value, self.precision)

    def symbol(self, s: Symbol) -> str:
        sup = _script(s.sup, _SUP, "^") if s.sup else ""
        sub = _script(s.sub, _SUB, "_") if s.sub else ""
        return s.base + sup + sub + (" " if s.base == "Σ" else "")

    def op(self, o: Op) -> str:
        return f" {o.text} " if o.spaced else (o.text + " " if o.text == "," else o.text)

    def word(self, text: str) -> str:
        return f" {text} "

    def partial(self, p: Partial) -> str:
        return f"∂{self.expr(p.of)}/∂{self.expr(p.wrt)}"

    def _group(self, e: Expr) -> str:
        text = self.expr(e)
        simple = len(e) == 1 and not isinstance(e[0], Frac)
        simple = simple and not (isinstance(e[0], Num) and e[0].value < 0)
        return text if simple else f"({text})"

    def frac(self, f: Frac) -> str:
        return f"{self._group(f.num)}/{self._group(f.den)}"

    def call(self, c: Call) -> str:
        return f"{c.name}({self.expr(c.arg)})"

    def power(self, base: str, exponent: str) -> str:
        return base + _script(exponent, _SUP, "^")

    def sqrt(self, s: Sqrt) -> str:
        return "√" + self._group(s.arg)

    def matrix(self, m: Matrix) -> str:
        return "[" + "; ".join(" ".join(self.item(c) for c in row) for row in m.rows) + "]"

    def matrix_lines(self, m: Matrix) -> list[str]:
        cells = [[self.item(c) for c in row] for row in m.rows]
        widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
        lines = ["  ".join(t.rjust(w) for t, w in zip(row, widths, strict=True)) for row in cells]
        if len(lines) == 1:
            return [f"[{lines[0]}]"]
        return [f"⎡{lines[0]}⎤", *(f"⎢{ln}⎥" for ln in lines[1:-1]), f"⎣{lines[-1]}⎦"]


def _text_equation(eq: Equation, r: TextMath, width: int = 100) -> list[str]:
    if not any(has_matrix(s) for s in (eq.lhs, *eq.rhs)):
        lhs = r.expr(eq.lhs)
        sides = [f" {rel} {r.expr(side)}" for rel, side in equation_parts(eq)]
        line = lhs + "".join(sides)
        if len(line) <= width or len(sides) == 1:
            return [line]
        return [lhs + sides[0]] + [" " * len(lhs) + s for s in sides[1:]]
    # Matrices side by side: each piece is a block of lines, centred on its middle row.
    pieces: list[list[str]] = []
    for rel, side in [("", eq.lhs), *equation_parts(eq)]:
        if rel:
            pieces.append([f" {rel} "])
        for n, it in enumerate(side):
            if isinstance(it, Matrix):
                pieces.append(r.matrix_lines(it))
            else:
                pieces.append([r.item(it, bare=opens(side, n))])
            if isinstance(it, Matrix) and n + 1 < len(side) and isinstance(side[n + 1], Matrix):
                pieces.append([" "])
    height = max(len(p) for p in pieces)
    mid = (height - 1) // 2
    lines = [""] * height
    for p in pieces:
        w = max(len(s) for s in p)
        top = mid - (len(p) - 1) // 2
        for row in range(height):
            k = row - top
            lines[row] += (p[k] if 0 <= k < len(p) else "").ljust(w)
    return [ln.rstrip() for ln in lines]


def render_text(sections: Sequence[Section], precision: int = 6) -> str:
    """Plain text with Unicode sub- and superscripts, matrices as bracketed rows."""
    check_precision(precision)
    r = TextMath(precision)
    out: list[str] = []
    for s in sections:
        out += [s.title, "=" * len(s.title)]
        for b in s.blocks:
            if isinstance(b, Paragraph):
                out.append(plain_prose(b.parts, r.expr, str))
            elif isinstance(b, Elided):
                out.append(f"  … ({b.count} more)")
            else:
                out += ["  " + ln.rstrip() for ln in _text_equation(b, r)]
        out.append("")
    return "\n".join(out)
