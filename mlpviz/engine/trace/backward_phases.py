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

Names: a network with one hidden layer uses the page's x, W (w_ij), bʰ, z, h, V (v_jk),
bʸ, u, ŷ, δʰ, δʸ; deeper networks use layer-indexed a⁽ˡ⁾, z⁽ˡ⁾, W⁽ˡ⁾, b⁽ˡ⁾, δ⁽ˡ⁾ with
a⁽⁰⁾ = x and a⁽ᴸ⁾ = ŷ; a network without hidden layer uses x, W, b, z, ŷ, δ. Indices
are 1-based, w_ij runs from neuron i to neuron j and is ``weights[l][j, i]``. Text uses
Unicode sub- and superscripts (₁₂, ʰ), which every common terminal font has.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np

from mlpviz.engine.activations import get_activation
from mlpviz.engine.backprop import forward
from mlpviz.engine.losses import EPS, get_loss
from mlpviz.engine.numbers import format_number
from mlpviz.engine.stepper import Phase, PhaseKind, SampleStep, phases
from mlpviz.engine.trainer import TrainingConfig
from mlpviz.engine.types import Array

DEFAULT_MAX_TERMS = 4
"""Terms of a sum shown before the middle ones are elided (first terms, "…", last term)."""
DEFAULT_MAX_ROWS = 4
"""Neurons of a layer shown before the middle ones are elided ("… (N more)")."""


# --- the document model ------------------------------------------------------------------
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
    out: list[Item] = []
    for n, part in enumerate(parts):
        if n:
            out.append(sep)
        out.extend(part)
    return tuple(out)


def _prod(*factors: Expr | Item, spaced: bool = False) -> Expr:
    return _join((f if isinstance(f, tuple) else (f,) for f in factors), Op("·", spaced))


def _sum(terms: Iterable[Expr]) -> Expr:
    return _join(terms, PLUS)


def _paren(e: Expr) -> Expr:
    return (LPAR, *e, RPAR)


def _mprod(a: Item, b: Item) -> Expr:
    """A matrix product: juxtaposed matrices, or "·" when one side is a plain number."""
    return (a, b) if isinstance(a, Matrix) and isinstance(b, Matrix) else (a, TIMES, b)


def _partial(of: Item, wrt: Item) -> Partial:
    return Partial((of,), (wrt,))


L_SYM = Symbol("L")
ETA = Symbol("η")


@dataclass(frozen=True)
class _Skip:
    """``count`` consecutive indices left out of a list."""

    count: int


def _elide(n: int, limit: int, keep: int | None = None) -> list[int | _Skip]:
    """Indices 0..n−1 to show: the first ones, ``keep`` and the last, with skips between."""
    if n <= limit + 1:  # eliding a single item would save nothing
        chosen = list(range(n))
    else:
        extra = {n - 1} if keep is None else {n - 1, keep}
        chosen = sorted(set(range(max(limit - len(extra), 1))) | extra)
    out: list[int | _Skip] = []
    prev = -1
    for i in chosen:
        if i > prev + 1:
            out.append(_Skip(i - prev - 1))
        out.append(i)
        prev = i
    return out


def _index(*idx: int | str) -> str:
    """1-based subscript: "21", or "12,3" once an index has two digits."""
    parts = [str(i + 1) if isinstance(i, int) else i for i in idx]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


class _Names:
    """The symbol of every quantity of a network with layers 0..L (see the module docstring)."""

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = list(sizes)
        self.depth = len(sizes) - 1
        self.scheme = {1: "single", 2: "course"}.get(self.depth, "deep")

    def _sub(self, l: int, j: int | str | None) -> str:
        # A single output is the page's plain ŷ, u, y, δʸ.
        if j is None or (l == self.depth and self.sizes[l] == 1):
            return ""
        return _index(j)

    def _layer_sup(self, l: int) -> str:
        return f"({l})" if self.scheme == "deep" else ""

    def _param_sup(self, l: int) -> str:
        """The superscript of b and δ: the page's h and y, or the layer."""
        if self.scheme == "course":
            return "h" if l == 1 else "y"
        return self._layer_sup(l)

    def act(self, l: int, j: int | str | None = None) -> Symbol:
        """a⁽ˡ⁾_j; x_j for l = 0, ŷ for l = L, h_j in the page's network."""
        bold = j is None
        if l == 0:
            return Symbol("x", "" if j is None else _index(j), bold=bold)
        if l == self.depth:
            return Symbol("ŷ", self._sub(l, j), bold=bold and self.sizes[l] > 1)
        if self.scheme == "course":
            return Symbol("h", self._sub(l, j), bold=bold)
        return Symbol("a", self._sub(l, j), self._layer_sup(l), bold)

    def pre(self, l: int, j: int | str | None = None) -> Symbol:
        """z⁽ˡ⁾_j; the page's z_j and u."""
        bold = j is None and (l < self.depth or self.sizes[l] > 1)
        if self.scheme == "course" and l == 2:
            return Symbol("u", self._sub(l, j), bold=bold)
        return Symbol("z", self._sub(l, j), self._layer_sup(l), bold)

    def delta(self, l: int, j: int | str | None = None) -> Symbol:
        bold = j is None and (l < self.depth or self.sizes[l] > 1)
        return Symbol("δ", self._sub(l, j), self._param_sup(l), bold)

    def target(self, j: int | str | None = None) -> Symbol:
        return Symbol("y", self._sub(self.depth, j), bold=j is None and self.sizes[-1] > 1)

    def weight(self, l: int, i: int | str | None = None, j: int | str | None = None) -> Symbol:
        """w⁽ˡ⁾_ij from neuron i of layer l−1 to neuron j of layer l (``weights[l−1][j, i]``);
        the whole matrix W⁽ˡ⁾ when i and j are None."""
        course_v = self.scheme == "course" and l == 2
        if i is None or j is None:
            return Symbol("V" if course_v else "W", sup=self._layer_sup(l), bold=True)
        return Symbol("v" if course_v else "w", _index(i, j), self._layer_sup(l))

    def bias(self, l: int, j: int | str | None = None) -> Symbol:
        bold = j is None and self.sizes[l] > 1
        return Symbol("b", "" if j is None else _index(j), self._param_sup(l), bold)

    def layer_name(self, l: int) -> str:
        if l == self.depth:
            return "output layer"
        return "hidden layer" if self.scheme == "course" else f"hidden layer {l}"


def _transpose(s: Symbol) -> Symbol:
    return Symbol(s.base, s.sub, s.sup + "T", s.bold)


def _prime(s: Symbol) -> Symbol:
    return Symbol(s.base, s.sub, s.sup + "′", s.bold)


def _adam_moment(moment: Call, grad: Partial, k: str, squared: bool) -> Expr:
    """Adam's moment update βₖ·m + (1 − βₖ)·g (g² for the second moment)."""
    beta = Symbol("β", k)
    g: Item = Power((grad,), "2") if squared else grad
    return (*_prod(beta, moment), PLUS, *_prod(_paren((Num(1), MINUS, beta)), g))


def _adam_step(p: Symbol) -> Expr:
    """Adam's update with bias-corrected moments: p − η·(m/(1 − β₁ᵗ))/(√(s/(1 − β₂ᵗ)) + ε)."""
    m, s = Call("m", (p,)), Call("s", (p,))
    m_hat = Frac((m,), (Num(1), MINUS, Power((Symbol("β", "1"),), "t")))
    s_hat = Frac((s,), (Num(1), MINUS, Power((Symbol("β", "2"),), "t")))
    return (p, MINUS, *_prod(ETA, Frac((m_hat,), (Sqrt((s_hat,)), PLUS, Symbol("ε")))))


def _delta_of(s: Symbol) -> Symbol:
    """The momentum step Δp of parameter p."""
    return Symbol("Δ" + s.base, s.sub, s.sup, s.bold)


_ACT_CALL = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LReLU"}


@dataclass(frozen=True)
class _Param:
    """One parameter array around the update, with the optimizer's state for it
    (``velocity``, ``m``, ``v``; zeros before the first update)."""

    symbol: Symbol
    old: Array
    new: Array
    grad: Array
    state_before: dict[str, Array]
    state_after: dict[str, Array]


# --- the generator ---------------------------------------------------------------------------
class _WorkedStep:
    """Builds the sections of one SampleStep; one method per phase."""

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
        self.names = _Names(self.net.layer_sizes)
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
    def _rows(self, l: int) -> list[int | _Skip] | None:
        """Neurons of layer l to show, or None when the focus has nothing in layer l."""
        f = self.focus
        if f is None:
            return _elide(self.net.layer_sizes[l], self.max_rows)
        target = f.layer if f.kind == "neuron" else f.layer + 1
        return [f.j] if l == target else None

    def _cols(self, l: int) -> list[int | _Skip]:
        """Source neurons (layer l−1) of the weights into layer l to show."""
        f = self.focus
        if f is not None and f.kind == "weight":
            return [f.i]
        if f is not None and f.kind == "bias":
            return []
        return _elide(self.net.layer_sizes[l - 1], self.max_terms)

    def _keep(self) -> int | None:
        f = self.focus
        return f.i if f is not None and f.kind == "weight" else None

    @staticmethod
    def _each(indices: Sequence[int | _Skip], make: Callable[[int], list[Block]]) -> list[Block]:
        out: list[Block] = []
        for i in indices:
            out.extend([Elided(i.count)] if isinstance(i, _Skip) else make(i))
        return out

    def _terms(self, n: int, make: Callable[[int], Expr], keep: int | None = None) -> Expr:
        """The sum of make(0..n−1), middle terms elided."""
        return _sum(
            (ELLIPSIS,) if isinstance(i, _Skip) else make(i)
            for i in _elide(n, self.max_terms, keep)
        )

    # --- matrices ---
    def _matrix(self, m: Array, row_limit: int | None = None, col_limit: int | None = None) -> Item:
        """A 2-D array as a Matrix with elided rows and columns; a 1×1 array as a number."""
        if m.shape == (1, 1):
            return Num(float(m[0, 0]))
        rows = _elide(m.shape[0], row_limit or self.max_rows)
        cols = _elide(m.shape[1], col_limit or self.max_terms)
        out: list[tuple[Num | Op, ...]] = []
        for r in rows:
            cells: list[Num | Op] = []
            for c in cols:
                if isinstance(r, _Skip):
                    cells.append(Op("⋱" if isinstance(c, _Skip) else "⋮"))
                else:
                    cells.append(Op("…") if isinstance(c, _Skip) else Num(float(m[r, c])))
            out.append(tuple(cells))
        return Matrix(tuple(out))

    def _column(self, v: Array, limit: int | None = None) -> Item:
        return self._matrix(np.asarray(v).reshape(-1, 1), row_limit=limit)

    def _row(self, v: Array) -> Item:
        return self._matrix(np.asarray(v).reshape(1, -1))

    # --- phases ---
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

    def _section(
        self, title: str, phase: Phase, blocks: list[Block], matrix: bool = False
    ) -> list[Section]:
        return [Section(title, phase, tuple(blocks), matrix)] if blocks else []

    def input(self, phase: Phase) -> list[Section]:
        nm, f = self.names, self.focus
        n0, k_out = self.net.layer_sizes[0], self.net.layer_sizes[-1]
        blocks: list[Block] = []
        if f is None or (f.kind == "neuron" and f.layer == 0):
            rows = _elide(n0, self.max_rows) if f is None else [f.j]
            blocks.append(Paragraph((f"Sample {self.step.sample}: the input ", nm.act(0), ".")))
            blocks += self._each(
                rows, lambda i: [Equation((nm.act(0, i),), ((Num(self.a[0][i]),),))]
            )
        if f is None or (f.kind == "neuron" and f.layer == self.depth):
            rows = _elide(k_out, self.max_rows) if f is None else [f.j]
            blocks.append(Paragraph(("The target ", nm.target(), ".")))
            blocks += self._each(rows, lambda k: [Equation((nm.target(k),), ((Num(self.y[k]),),))])
        if f is not None and f.kind != "neuron":
            l = f.layer + 1
            sym = nm.weight(l, f.i, f.j) if f.kind == "weight" else nm.bias(l, f.j)
            arr = self.net.weights[f.layer] if f.kind == "weight" else self.net.biases[f.layer]
            value = arr[f.j, f.i] if f.kind == "weight" else arr[f.j]
            blocks.append(Equation((sym,), ((Num(float(value)),),)))
        out = self._section("Input", phase, blocks)
        if f is None:
            sizes = "-".join(str(n) for n in self.net.layer_sizes)
            info = (
                f"Network {sizes} ({', '.join(self.net.activations)}), loss {self.config.loss}, "
                f"optimizer {self.opt.name} with "
            )
            matrices: list[Block] = [
                Paragraph((info, ETA, EQUALS, Num(self.opt.learning_rate), "."))
            ]
            matrices.append(Equation((nm.act(0),), ((self._column(self.a[0]),),)))
            matrices.append(Equation((nm.target(),), ((self._column(self.y),),)))
            for l in range(1, self.depth + 1):
                matrices.append(
                    Equation((nm.weight(l),), ((self._matrix(self.net.weights[l - 1]),),))
                )
                matrices.append(Equation((nm.bias(l),), ((self._column(self.net.biases[l - 1]),),)))
            out += self._section("Input: matrix form", phase, matrices, matrix=True)
        return out

    def _activation_rule(self, l: int) -> list[Block]:
        act = self.net.activations[l - 1]
        z = Symbol("z")
        rules: dict[str, tuple[Expr, Expr]] = {
            "sigmoid": (
                (Call("σ", (z,)),),
                (Frac((Num(1),), (Num(1), PLUS, Call("exp", (NEG, z)))),),
            ),
            "tanh": (
                (Call("tanh", (z,)),),
                (
                    Frac(
                        (Call("exp", (Num(2), z)), MINUS, Num(1)),
                        (Call("exp", (Num(2), z)), PLUS, Num(1)),
                    ),
                ),
            ),
            "relu": ((Call("ReLU", (z,)),), (Call("max", (Num(0), Op(","), z)),)),
            "leaky_relu": (
                (Call("LReLU", (z,)),),
                (Call("max", (Num(0.01), TIMES, z, Op(","), z)),),
            ),
            "linear": ((Call("f", (z,)),), (z,)),
        }
        if act == "softmax":
            zk, zm = Symbol("z", "k"), Symbol("z", "m")
            return [
                Paragraph(("Activation (softmax):",)),
                Equation(
                    (Symbol("softmax", "k"), LPAR, z, RPAR),
                    ((Frac((Call("exp", (zk,)),), (Symbol("Σ", "m"), Call("exp", (zm,)))),),),
                ),
            ]
        lhs, rhs = rules[act]
        return [Paragraph((f"Activation ({act}):",)), Equation(lhs, (rhs,))]

    def forward(self, phase: Phase) -> list[Section]:
        l, nm, w, b = (
            phase.layer,
            self.names,
            self.net.weights[phase.layer - 1],
            self.net.biases[phase.layer - 1],
        )
        rows = self._rows(l)
        if rows is None:
            return []
        n_in, keep = self.net.layer_sizes[l - 1], self._keep()
        act = self.net.activations[l - 1]
        title = f"Forward {l}: {nm.layer_name(l)}"

        def pre(j: int) -> list[Block]:
            symbolic = self._terms(
                n_in, lambda i: _prod(nm.weight(l, i, j), nm.act(l - 1, i)), keep
            )
            numbers = self._terms(n_in, lambda i: _prod(Num(w[j, i]), Num(self.a[l - 1][i])), keep)
            return [
                Equation(
                    (nm.pre(l, j),),
                    (
                        (*symbolic, PLUS, nm.bias(l, j)),
                        (*numbers, PLUS, Num(b[j])),
                        (Num(self.z[l][j]),),
                    ),
                )
            ]

        def activation(j: int) -> list[Block]:
            lhs, zj, result = (nm.act(l, j),), Num(self.z[l][j]), (Num(self.a[l][j]),)
            if act == "linear":
                return [Equation(lhs, ((nm.pre(l, j),), (zj,)))]
            if act == "softmax":
                total = (Symbol("Σ", "m"), Call("exp", (nm.pre(l, "m"),)))
                return [
                    Equation(
                        lhs,
                        (
                            (Frac((Call("exp", (nm.pre(l, j),)),), total),),
                            (Frac((Call("exp", (zj,)),), (Num(self._softmax_total(l)),)),),
                            result,
                        ),
                    )
                ]
            name = _ACT_CALL[act]
            return [Equation(lhs, ((Call(name, (nm.pre(l, j),)),), (Call(name, (zj,)),), result))]

        blocks: list[Block] = [
            Paragraph(
                (
                    "Pre-activation ",
                    nm.pre(l),
                    EQUALS,
                    nm.weight(l),
                    TIMES,
                    nm.act(l - 1),
                    PLUS,
                    nm.bias(l),
                    ":",
                )
            )
        ]
        blocks += self._each(rows, pre)
        blocks += self._activation_rule(l)
        if act == "softmax" and self.focus is None:
            total = (Symbol("Σ", "m"), Call("exp", (nm.pre(l, "m"),)))
            numbers = self._terms(
                self.net.layer_sizes[l], lambda m: (Call("exp", (Num(self.z[l][m]),)),)
            )
            blocks.append(Equation(total, (numbers, (Num(self._softmax_total(l)),))))
        blocks += self._each(rows, activation)
        out = self._section(title, phase, blocks)
        if self.focus is None:
            f_call = Call(_ACT_CALL.get(act, act if act == "softmax" else "f"), (nm.pre(l),))
            matrices: list[Block] = [
                Equation(
                    (nm.pre(l),),
                    (
                        (nm.weight(l), TIMES, nm.act(l - 1), PLUS, nm.bias(l)),
                        (
                            *_mprod(self._matrix(w), self._column(self.a[l - 1], self.max_terms)),
                            PLUS,
                            self._column(b),
                        ),
                        (self._column(self.z[l]),),
                    ),
                ),
                Equation(
                    (nm.act(l),),
                    (
                        (nm.pre(l),) if act == "linear" else (f_call,),
                        (self._column(self.a[l]),),
                    ),
                ),
            ]
            out += self._section(f"Forward {l}: matrix form", phase, matrices, matrix=True)
        return out

    def _softmax_total(self, l: int) -> float:
        with np.errstate(over="ignore"):
            return float(np.sum(np.exp(self.z[l])))

    def _loss_blocks(
        self,
        lhs: Symbol,
        y_hat_sym: Callable[[int | str | None], Symbol],
        y_hat: Array,
        value: float,
    ) -> list[Block]:
        """lhs = the loss formula = its terms = the numbers = value, for predictions y_hat."""
        nm, loss, k_out = self.names, self.config.loss, len(self.y)
        single = k_out == 1

        def term(yk: Item, pk: Item) -> Expr:
            one_minus_p: Expr = (Num(1), MINUS, pk)
            if loss in ("mse", "half_sse"):
                return (Power((yk, MINUS, pk), "2"),)
            if loss == "bce":
                one_minus_y: Expr = (Num(1), MINUS, yk)
                return (
                    Op("["),
                    *_prod(yk, Call("log", (pk,))),
                    PLUS,
                    *_prod(_paren(one_minus_y), Call("log", one_minus_p)),
                    Op("]"),
                )
            return _prod(yk, Call("log", (pk,)))

        def expanded(numeric: bool) -> Expr:
            def one(k: int) -> Expr:
                if numeric:
                    return term(Num(self.y[k]), Num(self._in_log(y_hat[k])))
                return term(nm.target(k), y_hat_sym(k))

            return one(0) if single else _paren(self._terms(k_out, one))

        scale: Expr = {
            "mse": () if single else (Frac((Num(1),), (Num(k_out),)), TIMES),
            "half_sse": (Frac((Num(1),), (Num(2),)), TIMES),
            "bce": (NEG,) if single else (NEG, Frac((Num(1),), (Num(k_out),)), TIMES),
            "cross_entropy": (NEG,),
        }[loss]
        sides: list[Expr] = []
        if not single:
            sides.append((*scale, Symbol("Σ", "k"), *term(nm.target("k"), y_hat_sym("k"))))
        sides += [(*scale, *expanded(False)), (*scale, *expanded(True)), (Num(value),)]
        return [*self._clip_note(y_hat), Equation((lhs,), tuple(sides))]

    def _in_log(self, p: float) -> float:
        """ŷ as the loss uses it: kept inside (0, 1] in logarithms, as engine/losses.py does."""
        if self.config.loss == "bce":
            return float(np.clip(p, EPS, 1.0 - EPS))
        if self.config.loss == "cross_entropy":
            return float(np.clip(p, EPS, 1.0))
        return float(p)

    def _clip_note(self, y_hat: Array) -> list[Block]:
        if all(self._in_log(p) == p for p in y_hat):
            return []
        eps = Symbol("ε")
        high: Expr = (Num(1),) if self.config.loss == "cross_entropy" else (Num(1), MINUS, eps)
        interval = (Op("["), eps, Op(","), *high, Op("]"))
        return [
            Paragraph(
                (
                    "Some outputs lie outside ",
                    *interval,
                    " with ",
                    eps,
                    EQUALS,
                    Num(EPS),
                    ": the loss clips them into it, and so do the numbers below.",
                )
            )
        ]

    def _penalty_blocks(
        self, lhs: Symbol, data: float, penalty: float, total: float
    ) -> list[Block]:
        if not (self.reg.l1 or self.reg.l2):
            return []
        r, data_sym = Symbol("R"), Symbol("L", "data")
        w = Symbol("w")
        rule = (
            Symbol("λ", "1"),
            TIMES,
            Symbol("Σ"),
            Op("|"),
            w,
            Op("|"),
            PLUS,
            Frac((Symbol("λ", "2"),), (Num(2),)),
            TIMES,
            Symbol("Σ"),
            Power((w,), "2"),
        )
        nums = (
            Num(self.reg.l1),
            TIMES,
            Symbol("Σ"),
            Op("|"),
            w,
            Op("|"),
            PLUS,
            Frac((Num(self.reg.l2),), (Num(2),)),
            TIMES,
            Symbol("Σ"),
            Power((w,), "2"),
        )
        return [
            Paragraph(("Regularisation penalty on the weights:",)),
            Equation((r,), (rule, nums, (Num(penalty),))),
            Equation((lhs,), ((data_sym, PLUS, r), (Num(data), PLUS, Num(penalty)), (Num(total),))),
        ]

    def loss(self, phase: Phase) -> list[Section]:
        f = self.focus
        if f is not None and not (f.kind == "neuron" and f.layer == self.depth):
            return []
        bp = self.step.result.backward
        lhs = Symbol("L", "data") if (self.reg.l1 or self.reg.l2) else L_SYM
        blocks = self._loss_blocks(
            lhs, lambda k: self.names.act(self.depth, k), self.a[-1], bp.data_loss
        )
        blocks += self._penalty_blocks(L_SYM, bp.data_loss, bp.loss - bp.data_loss, bp.loss)
        return self._section(f"Loss ({self.config.loss})", phase, blocks)

    # --- backward ---
    def _simplified_delta(self) -> bool:
        act, loss = self.net.activations[-1], self.config.loss
        return (act, loss) in (("softmax", "cross_entropy"), ("sigmoid", "bce"))

    def _loss_grad(self, k: int) -> tuple[Expr, Expr]:
        """∂L/∂ŷ_k as (formula, numbers), as in engine/losses.py."""
        nm, loss, k_out = self.names, self.config.loss, len(self.y)
        p, y = nm.act(self.depth, k), nm.target(k)
        pv, yv = Num(self.a[-1][k]), Num(self.y[k])
        if loss in ("bce", "cross_entropy"):
            pv = Num(self._in_log(self.a[-1][k]))
        k_num: Expr = () if k_out == 1 else (Num(k_out), TIMES)

        def form(p_: Item, y_: Item, numeric: bool) -> Expr:
            if loss == "mse":
                two: Expr = (Num(2),) if k_out == 1 else (Frac((Num(2),), (Num(k_out),)),)
                return (*two, *((TIMES,) if numeric else ()), *_paren((p_, MINUS, y_)))
            if loss == "half_sse":
                return (p_, MINUS, y_)
            if loss == "bce":
                one_minus: Expr = _paren((Num(1), MINUS, p_))
                den = _prod(p_, one_minus) if numeric else (p_, *one_minus)
                return (Frac((p_, MINUS, y_), (*k_num, *den)),)
            return (NEG, Frac((y_,), (p_,)))

        return form(p, y, False), form(pv, yv, True)

    def _derivative(self, l: int, j: int) -> tuple[Expr, Expr, Expr]:
        """f'(z_j) of layer l as (call form, formula in a_j, numbers)."""
        act, nm = self.net.activations[l - 1], self.names
        a_sym, a_val, z_val = nm.act(l, j), self.a[l][j], self.z[l][j]
        call: Expr = (Call(_ACT_CALL.get(act, "f") + "′", (nm.pre(l, j),)),)
        if act == "sigmoid":
            return (
                call,
                (a_sym, *_paren((Num(1), MINUS, a_sym))),
                _prod(Num(a_val), _paren((Num(1), MINUS, Num(a_val)))),
            )
        if act == "tanh":
            return (
                call,
                _paren((Num(1), MINUS, Power((a_sym,), "2"))),
                _paren((Num(1), MINUS, Power((Num(a_val),), "2"))),
            )
        if act == "linear":
            return (Num(1),), (Num(1),), (Num(1),)
        slope = 0.01 if act == "leaky_relu" else 0.0
        return call, call, (Num(1.0 if z_val > 0 else slope),)

    def _derivative_rule(self, l: int) -> list[Block]:
        act = self.net.activations[l - 1]
        z = Symbol("z")
        if act in ("relu", "leaky_relu"):
            low = Num(0.01 if act == "leaky_relu" else 0.0)
            name = _ACT_CALL[act] + "′"
            return [
                Equation(
                    (Call(name, (z,)),),
                    (
                        (
                            Num(1),
                            Word("if"),
                            z,
                            Op(">", True),
                            Num(0),
                            Op(","),
                            low,
                            Word("otherwise"),
                        ),
                    ),
                )
            ]
        sz, tz = Call("σ", (z,)), Call("tanh", (z,))
        rules: dict[str, Expr] = {
            "sigmoid": (sz, *_paren((Num(1), MINUS, sz))),
            "tanh": (Num(1), MINUS, Power((tz,), "2")),
        }
        if act not in rules:
            return []
        return [Equation((Call(_ACT_CALL[act] + "′", (z,)),), (rules[act],))]

    def _output_delta(self, k: int) -> list[Block]:
        nm, L = self.names, self.depth
        p, y, u = nm.act(L, k), nm.target(k), nm.pre(L, k)
        pv, yv = Num(self.a[-1][k]), Num(self.y[k])
        lhs, result = (nm.delta(L, k),), (Num(self.delta[L][k]),)
        grad = _partial(L_SYM, p)
        act, k_out = self.net.activations[-1], len(self.y)
        if act == "softmax" and self.config.loss == "cross_entropy":
            if abs(float(np.sum(self.y)) - 1.0) < 1e-12:
                return [
                    Equation(lhs, ((_partial(L_SYM, u),), (p, MINUS, y), (pv, MINUS, yv), result))
                ]
            total = (Symbol("Σ", "m"), nm.target("m"))
            return [
                Equation(
                    lhs,
                    (
                        (_partial(L_SYM, u),),
                        (*_prod(p, total), MINUS, y),
                        (*_prod(pv, Num(float(np.sum(self.y)))), MINUS, yv),
                        result,
                    ),
                )
            ]
        if act == "sigmoid" and self.config.loss == "bce":
            if k_out == 1:
                return [
                    Equation(lhs, ((_partial(L_SYM, u),), (p, MINUS, y), (pv, MINUS, yv), result))
                ]
            return [
                Equation(
                    lhs,
                    (
                        (_partial(L_SYM, u),),
                        (Frac((p, MINUS, y), (Num(k_out),)),),
                        (Frac((pv, MINUS, yv), (Num(k_out),)),),
                        result,
                    ),
                )
            ]
        if act == "softmax":
            s = Symbol("s")
            return [
                Equation(
                    lhs,
                    (
                        _prod(p, _paren((grad, MINUS, s))),
                        _prod(pv, _paren((Num(self.grad_a[L][k]), MINUS, Num(self._softmax_s())))),
                        result,
                    ),
                )
            ]
        call, formula, numbers = self._derivative(L, k)
        g = Num(self.grad_a[L][k])
        sides = [_prod(grad, call, spaced=True)]
        if formula != call:
            sides.append(_prod(grad, formula, spaced=True))
        sides += [_prod(g, numbers), result]
        return [Equation(lhs, tuple(sides))]

    def _softmax_s(self) -> float:
        return float(np.sum(self.grad_a[-1] * self.a[-1]))

    def _hidden_delta(self, l: int, j: int) -> list[Block]:
        nm, n_next = self.names, self.net.layer_sizes[l + 1]
        w_next = self.net.weights[l]
        symbolic = self._terms(n_next, lambda k: _prod(nm.delta(l + 1, k), nm.weight(l + 1, j, k)))
        numbers = self._terms(n_next, lambda k: _prod(Num(self.delta[l + 1][k]), Num(w_next[k, j])))
        grad = _partial(L_SYM, nm.act(l, j))
        call, formula, der_numbers = self._derivative(l, j)
        sides = [_prod(grad, call, spaced=True)]
        if formula != call:
            sides.append(_prod(grad, formula, spaced=True))
        sides += [_prod(Num(self.grad_a[l][j]), der_numbers), (Num(self.delta[l][j]),)]
        return [
            Equation((grad,), (symbolic, numbers, (Num(self.grad_a[l][j]),))),
            Equation((nm.delta(l, j),), tuple(sides)),
        ]

    def _weight_grad(self, l: int, j: int, i: int) -> list[Block]:
        nm, reg = self.names, self.reg
        w = self.net.weights[l - 1][j, i]
        w_sym = nm.weight(l, i, j)
        symbolic: Expr = _prod(nm.delta(l, j), nm.act(l - 1, i))
        numbers: Expr = _prod(Num(self.delta[l][j]), Num(self.a[l - 1][i]))
        if reg.l2:
            symbolic += (PLUS, *_prod(Symbol("λ", "2"), w_sym))
            numbers += (PLUS, *_prod(Num(reg.l2), Num(w)))
        if reg.l1:
            symbolic += (PLUS, *_prod(Symbol("λ", "1"), Call("sign", (w_sym,))))
            numbers += (PLUS, *_prod(Num(reg.l1), Num(float(np.sign(w)))))
        return [
            Equation(
                (_partial(L_SYM, w_sym),), (symbolic, numbers, (Num(self.grad_w[l - 1][j, i]),))
            )
        ]

    def _bias_grad(self, l: int, j: int) -> list[Block]:
        nm = self.names
        return [
            Equation(
                (_partial(L_SYM, nm.bias(l, j)),),
                ((nm.delta(l, j),), (Num(self.grad_b[l - 1][j]),)),
            )
        ]

    def backward(self, phase: Phase) -> list[Section]:
        l, nm, f, L = phase.layer, self.names, self.focus, self.depth
        rows = self._rows(l)
        if rows is None:
            return []
        blocks: list[Block] = []
        if l == L:
            blocks.append(
                Paragraph(
                    (
                        "Gradient of the loss and error term ",
                        nm.delta(l),
                        EQUALS,
                        _partial(L_SYM, nm.pre(l)),
                        " at the output:",
                    )
                )
            )
            blocks += self._clip_note(self.a[-1])
            blocks += self._each(
                rows,
                lambda k: [
                    Equation(
                        (_partial(L_SYM, nm.act(L, k)),),
                        (*self._loss_grad(k), (Num(self.grad_a[L][k]),)),
                    )
                ],
            )
            if self.net.activations[-1] == "softmax" and not self._simplified_delta():
                s_rule = (Symbol("Σ", "m"), *_prod(_partial(L_SYM, nm.act(L, "m")), nm.act(L, "m")))
                s_num = self._terms(
                    len(self.y), lambda m: _prod(Num(self.grad_a[L][m]), Num(self.a[L][m]))
                )
                blocks.append(Equation((Symbol("s"),), (s_rule, s_num, (Num(self._softmax_s()),))))
            elif not self._simplified_delta():
                blocks += self._derivative_rule(l)
            blocks += self._each(rows, self._output_delta)
        else:
            # Sum over the next layer's neurons; a single output neuron needs no sum.
            k: int | str = 0 if self.net.layer_sizes[l + 1] == 1 else "k"
            back: Expr = _prod(nm.delta(l + 1, k), nm.weight(l + 1, "j", k))
            blocks.append(Paragraph(("Error propagated back from layer ", str(l + 1), ":")))
            blocks.append(
                Equation(
                    (_partial(L_SYM, nm.act(l, "j")),),
                    ((Symbol("Σ", "k"), *back) if k == "k" else back,),
                )
            )
            blocks += self._derivative_rule(l)
            blocks += self._each(rows, lambda j: self._hidden_delta(l, j))
        cols = self._cols(l)
        if cols:
            blocks.append(Paragraph(("Gradients of the weights ", nm.weight(l), ":")))
            blocks += self._each(
                rows, lambda j: self._each(cols, lambda i: self._weight_grad(l, j, i))
            )
        if f is None or f.kind != "weight":
            blocks.append(Paragraph(("Gradients of the biases ", nm.bias(l), ":")))
            blocks += self._each(rows, lambda j: self._bias_grad(l, j))
        out = self._section(f"Backward {l}: {nm.layer_name(l)}", phase, blocks)
        if f is None:
            out += self._section(
                f"Backward {l}: matrix form", phase, self._backward_matrices(l), matrix=True
            )
        return out

    def _backward_matrices(self, l: int) -> list[Block]:
        nm, L = self.names, self.depth
        act = self.net.activations[l - 1]
        grad_sym = _partial(L_SYM, nm.act(l))
        blocks: list[Block] = []
        if l == L:
            blocks.append(Equation((grad_sym,), ((self._column(self.grad_a[l]),),)))
        else:
            w_next = self.net.weights[l]
            blocks.append(
                Equation(
                    (grad_sym,),
                    (
                        (_transpose(nm.weight(l + 1)), TIMES, nm.delta(l + 1)),
                        _mprod(
                            self._matrix(w_next.T), self._column(self.delta[l + 1], self.max_terms)
                        ),
                        (self._column(self.grad_a[l]),),
                    ),
                )
            )
        simplified = l == L and self._simplified_delta()
        if get_activation(act).elementwise and not simplified:
            der = get_activation(act).der(self.z[l][None, :])[0]
            call = Call(_ACT_CALL.get(act, "f") + "′", (nm.pre(l),))
            blocks.append(
                Equation(
                    (nm.delta(l),),
                    (
                        (grad_sym, Op("⊙", True), call),
                        (self._column(self.grad_a[l]), Op("⊙", True), self._column(der)),
                        (self._column(self.delta[l]),),
                    ),
                )
            )
        else:
            blocks.append(Equation((nm.delta(l),), ((self._column(self.delta[l]),),)))
        g_sym: Expr = (nm.delta(l), TIMES, _transpose(nm.act(l - 1)))
        if self.reg.l1 or self.reg.l2:
            g_sym += (PLUS, Word("penalty gradient"))
        blocks.append(
            Equation(
                (_partial(L_SYM, nm.weight(l)),),
                (
                    g_sym,
                    _mprod(self._column(self.delta[l]), self._row(self.a[l - 1]))
                    if not (self.reg.l1 or self.reg.l2)
                    else (self._matrix(self.grad_w[l - 1]),),
                    (self._matrix(self.grad_w[l - 1]),),
                ),
            )
        )
        blocks.append(
            Equation(
                (_partial(L_SYM, nm.bias(l)),),
                ((nm.delta(l),), (self._column(self.grad_b[l - 1]),)),
            )
        )
        return blocks

    # --- update ---
    def _update_rule(self) -> list[Block]:
        p, g = Symbol("p"), _partial(L_SYM, Symbol("p"))
        o = self.opt
        eta = Equation((ETA,), ((Num(o.learning_rate),),))
        if o.name == "sgd":
            return [
                Paragraph(("Gradient descent, for every parameter ", p, ":")),
                Equation((p,), ((p, MINUS, *_prod(ETA, g)),), "←"),
                eta,
            ]
        if o.name == "momentum":
            dp, mu = _delta_of(p), Symbol("μ")
            return [
                Paragraph(
                    ("Momentum, for every parameter ", p, " with its step ", dp, " (0 at first):")
                ),
                Equation((dp,), ((*_prod(mu, dp), MINUS, *_prod(ETA, g)),), "←"),
                Equation((p,), ((p, PLUS, dp),), "←"),
                eta,
                Equation((mu,), ((Num(o.momentum),),)),
            ]
        m, s, t = Call("m", (p,)), Call("s", (p,)), self.step.optimizer_after.state.t
        b1, b2 = Symbol("β", "1"), Symbol("β", "2")

        def correction(beta: Symbol, value: float) -> Equation:
            """The bias correction 1 − βᵗ at this update."""
            return Equation(
                (Num(1), MINUS, Power((beta,), "t")),
                ((Num(1), MINUS, Power((Num(value),), str(t))), (Num(1 - value**t),)),
            )

        intro = (f"Adam, at update t = {t}, for every parameter ", p, " with its moments ")
        return [
            Paragraph((*intro, m, " and ", s, " (0 before the first update):")),
            Equation((m,), (_adam_moment(m, g, "1", False),), "←"),
            Equation((s,), (_adam_moment(s, g, "2", True),), "←"),
            Equation((p,), (_adam_step(p),), "←"),
            correction(b1, o.beta1),
            correction(b2, o.beta2),
            eta,
            Equation((b1,), ((Num(o.beta1),),)),
            Equation((b2,), ((Num(o.beta2),),)),
            Equation((Symbol("ε"),), ((Num(o.epsilon),),)),
        ]

    def _param(self, l: int, which: Literal["weights", "biases"]) -> _Param:
        """Layer l's weights or biases around the update; state index in Network.params()."""
        w = which == "weights"
        index = 2 * (l - 1) + (0 if w else 1)
        before, after = self.step.optimizer_before.state, self.step.optimizer_after.state
        old = (self.net.weights if w else self.net.biases)[l - 1]

        def state(arrays: list[Array]) -> Array:
            return arrays[index] if arrays else np.zeros_like(old)

        return _Param(
            symbol=self.names.weight(l) if w else self.names.bias(l),
            old=old,
            new=(self.after.weights if w else self.after.biases)[l - 1],
            grad=(self.grad_w if w else self.grad_b)[l - 1],
            state_before={k: state(getattr(before, k)) for k in ("velocity", "m", "v")},
            state_after={k: state(getattr(after, k)) for k in ("velocity", "m", "v")},
        )

    def _param_update(self, p: _Param, sym: Symbol, pos: tuple[int, ...]) -> list[Block]:
        """The update of the one parameter ``p[pos]``, called ``sym``."""
        o, g, gv = self.opt, _partial(L_SYM, sym), Num(float(p.grad[pos]))
        pv, nv = Num(float(p.old[pos])), Num(float(p.new[pos]))

        def before(k: str) -> Num:
            return Num(float(p.state_before[k][pos]))

        def after(k: str) -> Num:
            return Num(float(p.state_after[k][pos]))

        eta = Num(o.learning_rate)
        if o.name == "sgd":
            step = (sym, MINUS, *_prod(ETA, g))
            return [Equation((sym,), (step, (pv, MINUS, *_prod(eta, gv)), (nv,)), "←")]
        if o.name == "momentum":
            d = _delta_of(sym)
            rule = (*_prod(Symbol("μ"), d), MINUS, *_prod(ETA, g))
            numbers = (*_prod(Num(o.momentum), before("velocity")), MINUS, *_prod(eta, gv))
            return [
                Equation((d,), (rule, numbers, (after("velocity"),)), "←"),
                Equation((sym,), ((sym, PLUS, d), (pv, PLUS, after("velocity")), (nv,)), "←"),
            ]
        m, s = Call("m", (sym,)), Call("s", (sym,))
        b1, b2, t = o.beta1, o.beta2, self.step.optimizer_after.state.t
        m_rule = (*_prod(Num(b1), before("m")), PLUS, *_prod(Num(1 - b1), gv))
        s_rule = (*_prod(Num(b2), before("v")), PLUS, *_prod(Num(1 - b2), Power((gv,), "2")))
        m_hat = Frac((after("m"),), (Num(1 - b1**t),))
        s_hat = Frac((after("v"),), (Num(1 - b2**t),))
        ratio = Frac((m_hat,), (Sqrt((s_hat,)), PLUS, Num(o.epsilon)))
        return [
            Equation((m,), (_adam_moment(m, g, "1", False), m_rule, (after("m"),)), "←"),
            Equation((s,), (_adam_moment(s, g, "2", True), s_rule, (after("v"),)), "←"),
            Equation((sym,), (_adam_step(sym), (pv, MINUS, *_prod(eta, ratio)), (nv,)), "←"),
        ]

    def _layer_updates(self, l: int, rows: list[int | _Skip]) -> list[Block]:
        nm, f = self.names, self.focus
        weights, biases = self._param(l, "weights"), self._param(l, "biases")
        cols = self._cols(l)
        blocks: list[Block] = [
            Paragraph((f"Layer {l}: ", weights.symbol, " and ", biases.symbol, ":"))
        ]
        if cols:
            blocks += self._each(
                rows,
                lambda j: self._each(
                    cols, lambda i: self._param_update(weights, nm.weight(l, i, j), (j, i))
                ),
            )
        if f is None or f.kind != "weight":
            blocks += self._each(rows, lambda j: self._param_update(biases, nm.bias(l, j), (j,)))
        return blocks

    def update(self, phase: Phase) -> list[Section]:
        blocks: list[Block] = []
        for l in range(1, self.depth + 1):
            rows = self._rows(l)
            if rows is not None:
                blocks += self._layer_updates(l, rows)
        if not blocks:
            return []
        out = self._section(f"Update ({self.opt.name})", phase, self._update_rule() + blocks)
        if self.focus is None:
            out += self._section("Update: matrix form", phase, self._update_matrices(), matrix=True)
            out += self._section("Loss after the update", phase, self._loss_after())
        return out

    def _update_matrices(self) -> list[Block]:
        o, eta = self.opt, Num(self.opt.learning_rate)
        blocks: list[Block] = []
        for l in range(1, self.depth + 1):
            for p in (self._param(l, "weights"), self._param(l, "biases")):
                sym, g, show = p.symbol, _partial(L_SYM, p.symbol), self._show
                if o.name == "sgd":
                    numbers: Expr = (show(p.old), MINUS, eta, TIMES, show(p.grad))
                    blocks.append(
                        Equation(
                            (sym,), ((sym, MINUS, *_prod(ETA, g)), numbers, (show(p.new),)), "←"
                        )
                    )
                elif o.name == "momentum":
                    d, v0, v1 = (
                        _delta_of(sym),
                        p.state_before["velocity"],
                        p.state_after["velocity"],
                    )
                    rule = (*_prod(Symbol("μ"), d), MINUS, *_prod(ETA, g))
                    numbers = (Num(o.momentum), TIMES, show(v0), MINUS, eta, TIMES, show(p.grad))
                    blocks.append(Equation((d,), (rule, numbers, (show(v1),)), "←"))
                    blocks.append(
                        Equation(
                            (sym,),
                            ((sym, PLUS, d), (show(p.old), PLUS, show(v1)), (show(p.new),)),
                            "←",
                        )
                    )
                else:
                    blocks.append(Equation((sym,), (_adam_step(sym), (show(p.new),)), "←"))
        return blocks

    def _show(self, m: Array) -> Item:
        """A parameter array in matrix form: a column for a bias vector."""
        return self._column(m) if m.ndim == 1 else self._matrix(m)

    def _loss_after(self) -> list[Block]:
        nm, L = self.names, self.depth
        y_hat = forward(self.after, self.step.x).output[0]
        reg = self.reg.l1 or self.reg.l2
        data = get_loss(self.config.loss).value(y_hat[None, :], self.y[None, :])
        rows = _elide(len(y_hat), self.max_rows)
        blocks: list[Block] = [Paragraph(("The same sample through the updated network:",))]
        blocks += self._each(
            rows, lambda k: [Equation((_prime(nm.act(L, k)),), ((Num(y_hat[k]),),))]
        )
        lhs = _prime(Symbol("L", "data") if reg else L_SYM)
        blocks += self._loss_blocks(
            lhs, lambda k: _prime(nm.act(L, k)), y_hat, data if reg else self.step.loss_after
        )
        blocks += self._penalty_blocks(
            _prime(L_SYM), data, self.reg.penalty(self.after), self.step.loss_after
        )
        before = self.step.result.backward.loss
        blocks.append(
            Paragraph(("The loss went from ", Num(before), " to ", Num(self.step.loss_after), "."))
        )
        return blocks


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
    form; an empty list when the focused item takes no part in the phase. Sums longer
    than ``max_terms`` and layers wider than ``max_rows`` are elided in the middle.
    """
    return _WorkedStep(step, config, focus, max_terms, max_rows).sections(phase)


def worked_example(
    step: SampleStep,
    config: TrainingConfig,
    focus: Focus | None = None,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> list[Section]:
    """Every phase of ``step`` in order: input, forward, loss, backward, update."""
    worker = _WorkedStep(step, config, focus, max_terms, max_rows)
    return [s for phase in phases(step.result.before.depth) for s in worker.sections(phase)]


def parameter_name(
    layer_sizes: Sequence[int], kind: Literal["weights", "biases"], layer: int, index: Sequence[int]
) -> str:
    """The page's name of ``weights[layer][j, i]`` or ``biases[layer][j]`` in text, e.g. w₁₂,
    v₂₁, bʸ₁ or w⁽³⁾₁₂ (the same names as the worked example)."""
    names = _Names(layer_sizes)
    if kind == "weights":
        j, i = index
        symbol = names.weight(layer + 1, int(i), int(j))
    else:
        symbol = names.bias(layer + 1, int(index[0]))
    return _TextMath(6).symbol(symbol)


# --- numbers -------------------------------------------------------------------------------
def _number_parts(value: float, precision: int) -> tuple[bool, str, int | None]:
    """(negative, digits, power of ten or None) of ``value`` written by the app's one rule
    for numbers, so LaTeX and HTML can typeset the power of ten."""
    text = format_number(value, precision, ascii_minus=True)
    negative = text.startswith("-")
    digits, _, exponent = text.lstrip("-").partition("e")
    return negative, digits, int(exponent) if exponent else None


# --- rendering -----------------------------------------------------------------------------
_SUB = dict(
    zip("0123456789+−()aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,", strict=True)
)
_SUP = dict(zip("0123456789+−()hyTtni′", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ʰʸᵀᵗⁿⁱ′", strict=True))


def _script(text: str, table: dict[str, str], mark: str) -> str:
    if all(c in table for c in text):
        return "".join(table[c] for c in text)
    return f"{mark}{text}" if text.isalnum() else f"{mark}({text})"


def _opens(e: Expr, n: int) -> bool:
    """Whether item n opens its expression or a bracket (a negative number there needs
    no parentheses of its own)."""
    prev = e[n - 1] if n else None
    return prev is None or (isinstance(prev, Op) and prev.text in ("(", "["))


class _MathRenderer:
    """Formulas to one target format; subclasses say how each item looks."""

    def __init__(self, precision: int) -> None:
        self.precision = precision

    def expr(self, e: Expr) -> str:
        return "".join(self.item(it, bare=_opens(e, n)) for n, it in enumerate(e))

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


class _TextMath(_MathRenderer):
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


class _LatexMath(_MathRenderer):
    def number(self, value: float) -> str:
        neg, digits, exp = _number_parts(value, self.precision)
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


class _HtmlMath(_MathRenderer):
    def number(self, value: float) -> str:
        neg, digits, exp = _number_parts(value, self.precision)
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


def _has_matrix(e: Expr) -> bool:
    return any(isinstance(it, Matrix) for it in e)


def _equation_parts(eq: Equation) -> list[tuple[str, Expr]]:
    """(relation, side) pairs after the left-hand side."""
    return [(eq.relation if n == 0 else "=", side) for n, side in enumerate(eq.rhs)]


def _text_equation(eq: Equation, r: _TextMath, width: int = 100) -> list[str]:
    if not any(_has_matrix(s) for s in (eq.lhs, *eq.rhs)):
        lhs = r.expr(eq.lhs)
        sides = [f" {rel} {r.expr(side)}" for rel, side in _equation_parts(eq)]
        line = lhs + "".join(sides)
        if len(line) <= width or len(sides) == 1:
            return [line]
        return [lhs + sides[0]] + [" " * len(lhs) + s for s in sides[1:]]
    # Matrices side by side: each piece is a block of lines, centred on its middle row.
    pieces: list[list[str]] = []
    for rel, side in [("", eq.lhs), *_equation_parts(eq)]:
        if rel:
            pieces.append([f" {rel} "])
        for n, it in enumerate(side):
            if isinstance(it, Matrix):
                pieces.append(r.matrix_lines(it))
            else:
                pieces.append([r.item(it, bare=_opens(side, n))])
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


def _plain_prose(
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


def _check_precision(precision: int) -> None:
    if not 1 <= precision <= 17:
        raise ValueError(f"precision must be between 1 and 17, got {precision}")


def render_text(sections: Sequence[Section], precision: int = 6) -> str:
    """Plain text with Unicode sub- and superscripts, matrices as bracketed rows."""
    _check_precision(precision)
    r = _TextMath(precision)
    out: list[str] = []
    for s in sections:
        out += [s.title, "=" * len(s.title)]
        for b in s.blocks:
            if isinstance(b, Paragraph):
                out.append(_plain_prose(b.parts, r.expr, str))
            elif isinstance(b, Elided):
                out.append(f"  … ({b.count} more)")
            else:
                out += ["  " + ln.rstrip() for ln in _text_equation(b, r)]
        out.append("")
    return "\n".join(out)


def _latex_equation(eq: Equation, r: _LatexMath) -> str:
    parts = _equation_parts(eq)
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
                out += [_plain_prose(b.parts, lambda e: f"${r.expr(e)}$", _latex_prose), ""]
            elif isinstance(b, Elided):
                out += [rf"\ldots{{}} ({b.count} more)", ""]
        out.append("")
    return out


def render_latex(sections: Sequence[Section], precision: int = 6, standalone: bool = False) -> str:
    """LaTeX (amsmath): align* per group of equations, bmatrix for matrices; with
    ``standalone`` a full document that pdflatex compiles."""
    _check_precision(precision)
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
    _check_precision(precision)
    r = _LatexMath(precision)
    out: list[str] = []
    for s in sections:
        out += [f"## {s.title}", ""]
        in_list = False
        for b in s.blocks:
            item = isinstance(b, Elided) or (
                isinstance(b, Equation) and not any(_has_matrix(e) for e in (b.lhs, *b.rhs))
            )
            if in_list and not item:
                out.append("")  # a list ends at a blank line
            in_list = item
            if isinstance(b, Paragraph):
                out += [_plain_prose(b.parts, lambda e: f"${r.expr(e)}$", str), ""]
            elif isinstance(b, Elided):
                out.append(f"- … ({b.count} more)")
            elif not item:
                out += ["$$", r"\begin{aligned}", _latex_equation(b, r), r"\end{aligned}", "$$", ""]
            else:
                rel = {"=": "=", "←": r"\leftarrow"}
                sides = " ".join(f"{rel[p]} {r.expr(side)}" for p, side in _equation_parts(b))
                out.append(f"- ${r.expr(b.lhs)} {sides}$")
        out.append("")
    return "\n".join(out)


def render_html(sections: Sequence[Section], precision: int = 6, standalone: bool = False) -> str:
    """HTML for Qt rich text: <i>, <sub>, <sup>, matrices as tables."""
    _check_precision(precision)
    r = _HtmlMath(precision)
    out: list[str] = []
    for s in sections:
        out.append(f"<h3>{html.escape(s.title)}</h3>")
        for b in s.blocks:
            if isinstance(b, Paragraph):
                out.append(f"<p>{_plain_prose(b.parts, r.expr, html.escape)}</p>")
            elif isinstance(b, Elided):
                out.append(f"<p>&nbsp;&nbsp;… ({b.count} more)</p>")
            elif any(_has_matrix(e) for e in (b.lhs, *b.rhs)):
                cells = [r.expr(b.lhs)]
                for rel, side in _equation_parts(b):
                    cells.append(f" {html.escape(rel)} ")
                    cells += [r.item(it, bare=_opens(side, n)) for n, it in enumerate(side)]
                row = "".join(f'<td valign="middle">{c}</td>' for c in cells)
                out.append(f'<table cellspacing="2" cellpadding="0"><tr>{row}</tr></table>')
            else:
                sides = "".join(
                    f" {html.escape(p)} {r.expr(side)}" for p, side in _equation_parts(b)
                )
                out.append(f"<p>&nbsp;&nbsp;{r.expr(b.lhs)}{sides}</p>")
    body = "\n".join(out)
    return f"<html><body>\n{body}\n</body></html>\n" if standalone else body + "\n"


# --- json ----------------------------------------------------------------------------------
def _floats(a: Array) -> Any:
    return np.asarray(a, dtype=float).tolist()


def trace_json(step: SampleStep, config: TrainingConfig) -> dict[str, Any]:
    """Every number of ``step`` as plain lists.

    ``layers[0]`` is the input ``{"a": x}``; ``layers[l]`` (l ≥ 1) has z, a, delta = ∂L/∂z,
    grad_a = ∂L/∂a, grad_weights (n[l], n[l−1]) like weights[l−1], and grad_biases.
    """
    r = step.result
    fp, bp = r.forward, r.backward
    layers: list[dict[str, Any]] = [{"a": _floats(fp.a[0][0])}]
    for l in range(1, r.before.depth + 1):
        layers.append(
            {
                "z": _floats(fp.z[l][0]),
                "a": _floats(fp.a[l][0]),
                "delta": _floats(bp.delta[l][0]),
                "grad_a": _floats(bp.grad_a[l][0]),
                "grad_weights": _floats(bp.grad_weights[l - 1]),
                "grad_biases": _floats(bp.grad_biases[l - 1]),
            }
        )
    return {
        "sample": step.sample,
        "x": _floats(np.asarray(step.x).reshape(-1)),
        "y": _floats(np.asarray(step.y).reshape(-1)),
        "layer_sizes": list(r.before.layer_sizes),
        "activations": list(r.before.activations),
        "loss_function": config.loss,
        "optimizer": {
            "name": step.optimizer_after.config.name,
            "learning_rate": step.optimizer_after.config.learning_rate,
        },
        "loss": bp.loss,
        "layers": layers,
        "updated": {
            "weights": [_floats(w) for w in r.after.weights],
            "biases": [_floats(b) for b in r.after.biases],
        },
        "loss_after": step.loss_after,
    }


__all__ = [
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
