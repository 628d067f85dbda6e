"""What every output format shares: :class:`MathRenderer`, which walks a formula's
items, and the helpers for numbers, equations and prose around formulas."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlpviz.engine.numbers import format_number
from mlpviz.engine.trace.document import (
    LPAR,
    RPAR,
    Call,
    Equation,
    Expr,
    Frac,
    Item,
    Matrix,
    Num,
    Op,
    Partial,
    Power,
    Sqrt,
    Symbol,
    Word,
)


def check_precision(precision: int) -> None:
    """The decimals numbers are written with (format_number): 1 to 17."""
    if not 1 <= precision <= 17:
        raise ValueError(f"precision must be between 1 and 17, got {precision}")


def number_parts(value: float, precision: int) -> tuple[bool, str, int | None]:
    """(negative, digits, power of ten or None) of ``value`` written by the app's one rule
    for numbers, so LaTeX and HTML can typeset the power of ten."""
    text = format_number(value, precision, ascii_minus=True)
    negative = text.startswith("-")
    digits, _, exponent = text.lstrip("-").partition("e")
    return negative, digits, int(exponent) if exponent else None


def opens(e: Expr, n: int) -> bool:
    """Whether item n opens its expression or a bracket (a negative number there needs
    no parentheses of its own)."""
    prev = e[n - 1] if n else None
    return prev is None or (isinstance(prev, Op) and prev.text in ("(", "["))


class MathRenderer:
    """Formulas to one target format; subclasses say how each item looks."""

    def __init__(self, precision: int) -> None:
        self.precision = precision

    def expr(self, e: Expr) -> str:
        return "".join(self.item(it, bare=opens(e, n)) for n, it in enumerate(e))

    def item(self, it: Item, bare: bool = True) -> str:
        """One item; ``bare`` when it opens its expression, so a negative number needs
        no parentheses (0.3·(−0.2) but −0.2·0.3)."""
        if isinstance(it, Num):
            text = self.number(it.value)
            return f"({text})" if it.value < 0 and not bare else text
        if isinstance(it, Symbol):
            return self.symbol(it)
        if isinstance(it, Op):
            return self.op(it)
        if isinstance(it, Word):
            return self.word(it.text)
        if isinstance(it, Partial):
            return self.partial(it)
        if isinstance(it, Frac):
            return self.frac(it)
        if isinstance(it, Call):
            return self.call(it)
        if isinstance(it, Power):
            base = self.expr(it.base)
            plain = len(it.base) == 1 and (
                isinstance(it.base[0], (Symbol, Call))
                or (isinstance(it.base[0], Num) and it.base[0].value >= 0)
            )
            if not plain:
                base = self.op(LPAR) + base + self.op(RPAR)
            return self.power(base, it.exponent)
        if isinstance(it, Sqrt):
            return self.sqrt(it)
        return self.matrix(it)

    def number(self, value: float) -> str:
        raise NotImplementedError

    def symbol(self, s: Symbol) -> str:
        raise NotImplementedError

    def op(self, o: Op) -> str:
        raise NotImplementedError

    def word(self, text: str) -> str:
        raise NotImplementedError

    def partial(self, p: Partial) -> str:
        raise NotImplementedError

    def frac(self, f: Frac) -> str:
        raise NotImplementedError

    def call(self, c: Call) -> str:
        raise NotImplementedError

    def power(self, base: str, exponent: str) -> str:
        raise NotImplementedError

    def sqrt(self, s: Sqrt) -> str:
        raise NotImplementedError

    def matrix(self, m: Matrix) -> str:
        raise NotImplementedError


def has_matrix(e: Expr) -> bool:
    return any(isinstance(it, Matrix) for it in e)


def equation_parts(eq: Equation) -> list[tuple[str, Expr]]:
    """(relation, side) pairs after the left-hand side."""
    return [(eq.relation if n == 0 else "=", side) for n, side in enumerate(eq.rhs)]


def plain_prose(
    parts: Sequence[str | Item], math: Callable[[Expr], str], prose: Callable[[str], str]
) -> str:
    out: list[str] = []
    run: list[Item] = []  # consecutive items, rendered as one formula
    for part in [*parts, ""]:
        if isinstance(part, str):
            if run:
                out.append(math(tuple(run)))
                run = []
            out.append(prose(part))
        else:
            run.append(part)
    return "".join(out)
