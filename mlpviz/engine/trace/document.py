"""The document a worked example is made of, and the small builders of its formulas.

A :class:`Section` holds blocks (:class:`Paragraph`, :class:`Equation`, :class:`Elided`);
an equation is made of expressions, tuples of items such as :class:`Symbol`, :class:`Num`,
:class:`Op` and :class:`Matrix`. Nothing here knows a network or an output format: the
phase builders fill these in and the renderers lay them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias

from mlpviz.engine.stepper import Phase


@dataclass(frozen=True)
class Symbol:
    """A named quantity: ``base`` with optional sub- and superscript, e.g. bʰ₁ is
    ``Symbol("b", sub="1", sup="h")``; ``bold`` marks vectors and matrices."""

    base: str
    sub: str = ""
    sup: str = ""
    bold: bool = False


@dataclass(frozen=True)
class Num:
    """A number, formatted by the renderer (negative ones in parentheses inside a term)."""

    value: float


@dataclass(frozen=True)
class Op:
    """An operator or bracket: + − · = ← ( ) [ ] … ⊙ |; ``spaced`` puts spaces around it in text."""

    text: str
    spaced: bool = False


@dataclass(frozen=True)
class Word:
    """Words inside a formula, e.g. "if"."""

    text: str


@dataclass(frozen=True)
class Partial:
    """The partial derivative ∂of/∂wrt."""

    of: Expr
    wrt: Expr


@dataclass(frozen=True)
class Frac:
    num: Expr
    den: Expr


@dataclass(frozen=True)
class Call:
    """A function applied to an argument: σ(z), log(ŷ), exp(u)."""

    name: str
    arg: Expr


@dataclass(frozen=True)
class Power:
    base: Expr
    exponent: str


@dataclass(frozen=True)
class Sqrt:
    arg: Expr


@dataclass(frozen=True)
class Matrix:
    """A matrix of numbers; elided cells are ``Op("…")``, ``Op("⋮")`` or ``Op("⋱")``."""

    rows: tuple[tuple[Num | Op, ...], ...]


Item: TypeAlias = "Symbol | Num | Op | Word | Partial | Frac | Call | Power | Sqrt | Matrix"
Expr: TypeAlias = "tuple[Item, ...]"


@dataclass(frozen=True)
class Paragraph:
    """Prose (``str``) with formulas (items) inline."""

    parts: tuple[str | Item, ...]


@dataclass(frozen=True)
class Equation:
    """``lhs relation rhs[0] = rhs[1] = …``: formula, numbers substituted, result."""

    lhs: Expr
    rhs: tuple[Expr, ...]
    relation: str = "="


@dataclass(frozen=True)
class Elided:
    """``count`` equations (one per neuron or weight) left out: "… (N more)"."""

    count: int


Block: TypeAlias = "Paragraph | Equation | Elided"


@dataclass(frozen=True)
class Section:
    """A titled part of one phase; ``matrix_form`` marks the whole-layer matrix version."""

    title: str
    phase: Phase
    blocks: tuple[Block, ...]
    matrix_form: bool = False


@dataclass(frozen=True)
class Focus:
    """One neuron, weight or bias to show alone (the GUI's formula panel).

    neuron: ``layer`` 0..L, ``j`` its index; weight: ``weights[layer][j, i]`` (from neuron i
    of layer ``layer`` to neuron j of layer ``layer + 1``); bias: ``biases[layer][j]``.
    """

    kind: Literal["neuron", "weight", "bias"]
    layer: int
    j: int
    i: int = 0

    @classmethod
    def neuron(cls, layer: int, index: int) -> Focus:
        return cls("neuron", layer, index)

    @classmethod
    def weight(cls, layer: int, j: int, i: int) -> Focus:
        return cls("weight", layer, j, i)

    @classmethod
    def bias(cls, layer: int, j: int) -> Focus:
        return cls("bias", layer, j)


# --- building formulas ---------------------------------------------------------------------
PLUS, MINUS, NEG, TIMES = Op("+", True), Op("−", True), Op("−"), Op("·")
EQUALS = Op("=", True)
LPAR, RPAR = Op("("), Op(")")
ELLIPSIS = Op("…")


def _join(parts: Iterable[Expr], sep: Op) -> Expr:
    """The expressions one after another, ``sep`` between them."""
    out: list[Item] = []
    for n, part in enumerate(parts):
        if n:
            out.append(sep)
        out.extend(part)
    return tuple(out)


def prod(*factors: Expr | Item, spaced: bool = False) -> Expr:
    """A product a·b·…; ``spaced`` writes " · " in text."""
    return _join((f if isinstance(f, tuple) else (f,) for f in factors), Op("·", spaced))


def sum_of(terms: Iterable[Expr]) -> Expr:
    """A sum a + b + …"""
    return _join(terms, PLUS)


def paren(e: Expr) -> Expr:
    """(e)"""
    return (LPAR, *e, RPAR)


def mprod(a: Item, b: Item) -> Expr:
    """A matrix product: juxtaposed matrices, or "·" when one side is a plain number."""
    return (a, b) if isinstance(a, Matrix) and isinstance(b, Matrix) else (a, TIMES, b)


def partial(of: Item, wrt: Item) -> Partial:
    """∂of/∂wrt of two single items."""
    return Partial((of,), (wrt,))


L_SYM = Symbol("L")
ETA = Symbol("η")
