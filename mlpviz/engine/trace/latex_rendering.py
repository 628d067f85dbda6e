"""LaTeX (amsmath: align*, bmatrix) and Markdown with $…$ LaTeX maths."""

from __future__ import annotations

from collections.abc import Sequence

from mlpviz.engine.trace.document import (
    Call,
    Elided,
    Equation,
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
    plain_prose,
)

_LATEX_CHARS = {
    "ŷ": r"\hat{y}",
    "δ": r"\delta",
    "η": r"\eta",
    "σ": r"\sigma",
    "μ": r"\mu",
    "α": r"\alpha",
    "β": r"\beta",
    "ε": r"\varepsilon",
    "λ": r"\lambda",
    "Δ": r"\Delta",
    "Σ": r"\sum",
    "∂": r"\partial",
}
_LATEX_OPS = {
    "·": r"\cdot ",
    "−": "-",
    "←": r"\leftarrow ",
    "…": r"\ldots ",
    "⋮": r"\vdots ",
    "⋱": r"\ddots ",
    "⊙": r"\odot ",
    "|": r"\lvert ",
    "[": r"\left[",
    "]": r"\right]",
}
_LATEX_FUNCS = {"σ": r"\sigma", "tanh": r"\tanh", "log": r"\log", "exp": r"\exp", "max": r"\max"}


class _LatexMath(MathRenderer):
    def number(self, value: float) -> str:
        neg, digits, exp = number_parts(value, self.precision)
        text = ("-" if neg else "") + (
            r"\infty" if digits == "inf" else r"\mathrm{NaN}" if digits == "nan" else digits
        )
        return text if exp is None else rf"{text} \times 10^{{{exp}}}"

    def _base(self, base: str, bold: bool) -> str:
        if len(base) > 1 and base.isascii() and base.isalpha():
            return rf"\mathrm{{{base}}}"
        out = []
        for c in base:
            tex = _LATEX_CHARS.get(c, c)
            if bold:
                if c == "ŷ":
                    tex = r"\hat{\mathbf{y}}"
                else:
                    tex = rf"\boldsymbol{{{tex}}}" if tex.startswith("\\") else rf"\mathbf{{{tex}}}"
            out.append(tex)
        return out[0] if len(out) == 1 else "{" + " ".join(out) + "}"

    def symbol(self, s: Symbol) -> str:
        if s.base == "Σ":
            return r"\sum" + (f"_{{{s.sub}}} " if s.sub else " ")
        text = self._base(s.base, s.bold)
        if s.sup:
            sup = s.sup.replace("T", r"\top ").replace("′", r"\prime ")
            text += f"^{{{sup}}}"
        if s.sub:
            text += f"_{{{s.sub}}}"
        return text

    def op(self, o: Op) -> str:
        if o.text in ("(", ")"):
            return o.text
        if o.text == "|":
            return "|"
        return _LATEX_OPS.get(o.text, o.text)

    def word(self, text: str) -> str:
        return rf"\text{{ {text} }}"

    def partial(self, p: Partial) -> str:
        return rf"\frac{{\partial {self.expr(p.of)}}}{{\partial {self.expr(p.wrt)}}}"

    def frac(self, f: Frac) -> str:
        return rf"\frac{{{self.expr(f.num)}}}{{{self.expr(f.den)}}}"

    def call(self, c: Call) -> str:
        base = c.name.rstrip("′")
        name = _LATEX_FUNCS.get(base, base if len(base) == 1 else rf"\operatorname{{{base}}}")
        return name + "'" * (len(c.name) - len(base)) + rf"\left({self.expr(c.arg)}\right)"

    def power(self, base: str, exponent: str) -> str:
        return f"{{{base}}}^{{{exponent}}}"

    def sqrt(self, s: Sqrt) -> str:
        return rf"\sqrt{{{self.expr(s.arg)}}}"

    def matrix(self, m: Matrix) -> str:
        rows = r" \\ ".join(" & ".join(self.item(c) for c in row) for row in m.rows)
        return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"


def _latex_equation(eq: Equation, r: _LatexMath) -> str:
    parts = equation_parts(eq)
    rel = {"=": "=", "←": r"\leftarrow"}
    lines = [f"{r.expr(eq.lhs)} &{rel[parts[0][0]]} {r.expr(parts[0][1])}"]
    lines += [f"&{rel[p]} {r.expr(side)}" for p, side in parts[1:]]
    return " \\\\\n".join(lines)


_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\^{}",
    "…": r"\ldots{}",
}


def _latex_prose(text: str) -> str:
    """Prose for LaTeX: special characters escaped, any maths character set as maths."""

    def one(c: str) -> str:
        if c in _LATEX_ESCAPES:
            return _LATEX_ESCAPES[c]
        tex = _LATEX_CHARS.get(c) or _LATEX_OPS.get(c)
        return f"${tex}$" if tex else c

    return "".join(one(c) for c in text)


def _latex_blocks(sections: Sequence[Section], r: _LatexMath, heading: str) -> list[str]:
    out: list[str] = []
    for s in sections:
        out += [f"{heading}{{{_latex_prose(s.title)}}}", ""]
        group: list[str] = []
        for b in [*s.blocks, None]:
            if isinstance(b, Equation):
                group.append(_latex_equation(b, r))
                continue
            if group:
                out += [r"\begin{align*}", " \\\\\n".join(group), r"\end{align*}"]
                group = []
            if isinstance(b, Paragraph):
                out += [plain_prose(b.parts, lambda e: f"${r.expr(e)}$", _latex_prose), ""]
            elif isinstance(b, Elided):
                out += [rf"\ldots{{}} ({b.count} more)", ""]
        out.append("")
    return out


def render_latex(sections: Sequence[Section], precision: int = 6, standalone: bool = False) -> str:
    """LaTeX (amsmath): align* per group of equations, bmatrix for matrices; with
    ``standalone`` a full document that pdflatex compiles."""
    check_precision(precision)
    body = _latex_blocks(sections, _LatexMath(precision), r"\section*")
    if not standalone:
        return "\n".join(body)
    head = [
        r"\documentclass[10pt]{article}",
        r"\usepackage{amsmath}",
        r"\setcounter{MaxMatrixCols}{30}",
        r"\allowdisplaybreaks",
        r"\begin{document}",
        "",
    ]
    return "\n".join([*head, *body, r"\end{document}", ""])


def render_markdown(sections: Sequence[Section], precision: int = 6) -> str:
    """Markdown with $…$ LaTeX maths: one equation per list item, matrices in $$…$$."""
    check_precision(precision)
    r = _LatexMath(precision)
    out: list[str] = []
    for s in sections:
        out += [f"## {s.title}", ""]
        in_list = False
        for b in s.blocks:
            item = isinstance(b, Elided) or (
                isinstance(b, Equation) and not any(has_matrix(e) for e in (b.lhs, *b.rhs))
            )
            if in_list and not item:
                out.append("")  # a list ends at a blank line
            in_list = item
            if isinstance(b, Paragraph):
                out += [plain_prose(b.parts, lambda e: f"${r.expr(e)}$", str), ""]
            elif isinstance(b, Elided):
                out.append(f"- … ({b.count} more)")
            elif not item:
                out += ["$$", r"\begin{aligned}", _latex_equation(b, r), r"\end{aligned}", "$$", ""]
            else:
                rel = {"=": "=", "←": r"\leftarrow"}
                sides = " ".join(f"{rel[p]} {r.expr(side)}" for p, side in equation_parts(b))
                out.append(f"- ${r.expr(b.lhs)} {sides}$")
        out.append("")
    return "\n".join(out)
