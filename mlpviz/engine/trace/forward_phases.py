"""The worked equations of the input, forward and loss phases.

As in the course page's "Numerical Simulation", each equation is shown as its formula,
then with the numbers substituted, then its result, e.g.

    z₁ = w₁₁·x₁ + w₂₁·x₂ + bʰ₁ = 0.2·0.5 + 0.4·0.8 + 0.1 = 0.52
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlpviz.engine.losses import EPS
from mlpviz.engine.stepper import Phase
from mlpviz.engine.trace.document import (
    EQUALS,
    ETA,
    L_SYM,
    LPAR,
    MINUS,
    NEG,
    PLUS,
    RPAR,
    TIMES,
    Block,
    Call,
    Equation,
    Expr,
    Frac,
    Item,
    Num,
    Op,
    Paragraph,
    Power,
    Section,
    Symbol,
    mprod,
    paren,
    prod,
)
from mlpviz.engine.trace.names import ACTIVATION_CALL
from mlpviz.engine.trace.step_context import StepContext, elide
from mlpviz.engine.types import Array


class ForwardPhases(StepContext):
    """Sections of the input, forward and loss phases; the loss's formula and its
    clipping note serve the later phases too."""

    def input(self, phase: Phase) -> list[Section]:
        nm, f = self.names, self.focus
        n0, k_out = self.net.layer_sizes[0], self.net.layer_sizes[-1]
        blocks: list[Block] = []
        if f is None or (f.kind == "neuron" and f.layer == 0):
            rows = elide(n0, self.max_rows) if f is None else [f.j]
            blocks.append(Paragraph((f"Sample {self.step.sample + 1}: the input ", nm.act(0), ".")))
            blocks += self._each(
                rows, lambda i: [Equation((nm.act(0, i),), ((Num(self.a[0][i]),),))]
            )
        if f is None or (f.kind == "neuron" and f.layer == self.depth):
            rows = elide(k_out, self.max_rows) if f is None else [f.j]
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
            symbolic = self._terms(n_in, lambda i: prod(nm.weight(l, i, j), nm.act(l - 1, i)), keep)
            numbers = self._terms(n_in, lambda i: prod(Num(w[j, i]), Num(self.a[l - 1][i])), keep)
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
            name = ACTIVATION_CALL[act]
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
            f_call = Call(ACTIVATION_CALL.get(act, act if act == "softmax" else "f"), (nm.pre(l),))
            matrices: list[Block] = [
                Equation(
                    (nm.pre(l),),
                    (
                        (nm.weight(l), TIMES, nm.act(l - 1), PLUS, nm.bias(l)),
                        (
                            *mprod(self._matrix(w), self._column(self.a[l - 1], self.max_terms)),
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

        def term(yk: Item, pk: Expr) -> Expr:
            """One output's term; ``pk`` is ŷ_k: a symbol, a number, or 1 − ε when the
            loss clipped it there (a number would print as 1, and log(1 − 1) as if
            the loss took log 0)."""
            if loss in ("mse", "half_sse"):
                return (Power((yk, MINUS, *pk), "2"),)
            if loss == "bce":
                one_minus_y: Expr = (Num(1), MINUS, yk)
                one_minus_p: Expr = (Num(1), MINUS, *(pk if len(pk) == 1 else paren(pk)))
                return (
                    Op("["),
                    *prod(yk, Call("log", pk)),
                    PLUS,
                    *prod(paren(one_minus_y), Call("log", one_minus_p)),
                    Op("]"),
                )
            return prod(yk, Call("log", pk))

        def clipped(p: float) -> Expr:
            """ŷ as the loss's logarithms take it (see _in_log)."""
            kept = self._in_log(p)
            if kept != p and kept == 1.0 - EPS:
                return (Num(1), MINUS, Symbol("ε"))
            if kept != p and kept == EPS:
                return (Symbol("ε"),)
            return (Num(kept),)

        def expanded(numeric: bool) -> Expr:
            def one(k: int) -> Expr:
                if numeric:
                    return term(Num(self.y[k]), clipped(float(y_hat[k])))
                return term(nm.target(k), (y_hat_sym(k),))

            return one(0) if single else paren(self._terms(k_out, one))

        scale: Expr = {
            "mse": () if single else (Frac((Num(1),), (Num(k_out),)), TIMES),
            "half_sse": (Frac((Num(1),), (Num(2),)), TIMES),
            "bce": (NEG,) if single else (NEG, Frac((Num(1),), (Num(k_out),)), TIMES),
            "cross_entropy": (NEG,),
        }[loss]
        sides: list[Expr] = []
        if not single:
            sides.append((*scale, Symbol("Σ", "k"), *term(nm.target("k"), (y_hat_sym("k"),))))
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
