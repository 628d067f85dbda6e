"""The worked equations of the update: the optimizer's rule (SGD, momentum or Adam),
every parameter before and after with the optimizer's state, and the loss after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from mlpviz.engine.backprop import forward
from mlpviz.engine.losses import get_loss
from mlpviz.engine.stepper import Phase
from mlpviz.engine.trace.document import (
    ETA,
    L_SYM,
    MINUS,
    PLUS,
    TIMES,
    Block,
    Call,
    Equation,
    Expr,
    Frac,
    Item,
    Num,
    Paragraph,
    Partial,
    Power,
    Section,
    Sqrt,
    Symbol,
    paren,
    partial,
    prod,
)
from mlpviz.engine.trace.forward_phases import ForwardPhases
from mlpviz.engine.trace.step_context import Skip, elide
from mlpviz.engine.types import Array


def _prime(s: Symbol) -> Symbol:
    return Symbol(s.base, s.sub, s.sup + "′", s.bold)


def _adam_moment(moment: Call, grad: Partial, k: str, squared: bool) -> Expr:
    """Adam's moment update βₖ·m + (1 − βₖ)·g (g² for the second moment)."""
    beta = Symbol("β", k)
    g: Item = Power((grad,), "2") if squared else grad
    return (*prod(beta, moment), PLUS, *prod(paren((Num(1), MINUS, beta)), g))


def _adam_step(p: Symbol) -> Expr:
    """Adam's update with bias-corrected moments: p − η·(m/(1 − β₁ᵗ))/(√(s/(1 − β₂ᵗ)) + ε)."""
    m, s = Call("m", (p,)), Call("s", (p,))
    m_hat = Frac((m,), (Num(1), MINUS, Power((Symbol("β", "1"),), "t")))
    s_hat = Frac((s,), (Num(1), MINUS, Power((Symbol("β", "2"),), "t")))
    return (p, MINUS, *prod(ETA, Frac((m_hat,), (Sqrt((s_hat,)), PLUS, Symbol("ε")))))


def _delta_of(s: Symbol) -> Symbol:
    """The momentum step Δp of parameter p."""
    return Symbol("Δ" + s.base, s.sub, s.sup, s.bold)


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


class UpdatePhases(ForwardPhases):
    """Sections of the update phase: every layer's parameters, then the loss after."""

    def _update_rule(self) -> list[Block]:
        p, g = Symbol("p"), partial(L_SYM, Symbol("p"))
        o = self.opt
        eta = Equation((ETA,), ((Num(o.learning_rate),),))
        if o.name == "sgd":
            return [
                Paragraph(("Gradient descent, for every parameter ", p, ":")),
                Equation((p,), ((p, MINUS, *prod(ETA, g)),), "←"),
                eta,
            ]
        if o.name == "momentum":
            dp, mu = _delta_of(p), Symbol("μ")
            return [
                Paragraph(
                    ("Momentum, for every parameter ", p, " with its step ", dp, " (0 at first):")
                ),
                Equation((dp,), ((*prod(mu, dp), MINUS, *prod(ETA, g)),), "←"),
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
        o, g, gv = self.opt, partial(L_SYM, sym), Num(float(p.grad[pos]))
        pv, nv = Num(float(p.old[pos])), Num(float(p.new[pos]))

        def before(k: str) -> Num:
            return Num(float(p.state_before[k][pos]))

        def after(k: str) -> Num:
            return Num(float(p.state_after[k][pos]))

        eta = Num(o.learning_rate)
        if o.name == "sgd":
            step = (sym, MINUS, *prod(ETA, g))
            return [Equation((sym,), (step, (pv, MINUS, *prod(eta, gv)), (nv,)), "←")]
        if o.name == "momentum":
            d = _delta_of(sym)
            rule = (*prod(Symbol("μ"), d), MINUS, *prod(ETA, g))
            numbers = (*prod(Num(o.momentum), before("velocity")), MINUS, *prod(eta, gv))
            return [
                Equation((d,), (rule, numbers, (after("velocity"),)), "←"),
                Equation((sym,), ((sym, PLUS, d), (pv, PLUS, after("velocity")), (nv,)), "←"),
            ]
        m, s = Call("m", (sym,)), Call("s", (sym,))
        b1, b2, t = o.beta1, o.beta2, self.step.optimizer_after.state.t
        m_rule = (*prod(Num(b1), before("m")), PLUS, *prod(Num(1 - b1), gv))
        s_rule = (*prod(Num(b2), before("v")), PLUS, *prod(Num(1 - b2), Power((gv,), "2")))
        m_hat = Frac((after("m"),), (Num(1 - b1**t),))
        s_hat = Frac((after("v"),), (Num(1 - b2**t),))
        ratio = Frac((m_hat,), (Sqrt((s_hat,)), PLUS, Num(o.epsilon)))
        return [
            Equation((m,), (_adam_moment(m, g, "1", False), m_rule, (after("m"),)), "←"),
            Equation((s,), (_adam_moment(s, g, "2", True), s_rule, (after("v"),)), "←"),
            Equation((sym,), (_adam_step(sym), (pv, MINUS, *prod(eta, ratio)), (nv,)), "←"),
        ]

    def _layer_updates(self, l: int, rows: list[int | Skip]) -> list[Block]:
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
                sym, g, show = p.symbol, partial(L_SYM, p.symbol), self._show
                if o.name == "sgd":
                    numbers: Expr = (show(p.old), MINUS, eta, TIMES, show(p.grad))
                    blocks.append(
                        Equation(
                            (sym,), ((sym, MINUS, *prod(ETA, g)), numbers, (show(p.new),)), "←"
                        )
                    )
                elif o.name == "momentum":
                    d, v0, v1 = (
                        _delta_of(sym),
                        p.state_before["velocity"],
                        p.state_after["velocity"],
                    )
                    rule = (*prod(Symbol("μ"), d), MINUS, *prod(ETA, g))
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
        rows = elide(len(y_hat), self.max_rows)
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
