"""The worked equations of the backward phases: ∂L/∂ŷ, the error terms δ of each layer,
and the gradients of its weights and biases, neuron by neuron and in matrix form."""

from __future__ import annotations

import numpy as np

from mlpviz.engine.activations import get_activation
from mlpviz.engine.stepper import Phase
from mlpviz.engine.trace.document import (
    EQUALS,
    L_SYM,
    MINUS,
    NEG,
    PLUS,
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
    Word,
    mprod,
    paren,
    partial,
    prod,
)
from mlpviz.engine.trace.forward_phases import ForwardPhases
from mlpviz.engine.trace.names import ACTIVATION_CALL


def _transpose(s: Symbol) -> Symbol:
    return Symbol(s.base, s.sub, s.sup + "T", s.bold)


class BackwardPhases(ForwardPhases):
    """Sections of the backward phase of each layer, from the output back."""

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
                return (*two, *((TIMES,) if numeric else ()), *paren((p_, MINUS, y_)))
            if loss == "half_sse":
                return (p_, MINUS, y_)
            if loss == "bce":
                one_minus: Expr = paren((Num(1), MINUS, p_))
                den = prod(p_, one_minus) if numeric else (p_, *one_minus)
                return (Frac((p_, MINUS, y_), (*k_num, *den)),)
            return (NEG, Frac((y_,), (p_,)))

        return form(p, y, False), form(pv, yv, True)

    def _derivative(self, l: int, j: int) -> tuple[Expr, Expr, Expr]:
        """f'(z_j) of layer l as (call form, formula in a_j, numbers)."""
        act, nm = self.net.activations[l - 1], self.names
        a_sym, a_val, z_val = nm.act(l, j), self.a[l][j], self.z[l][j]
        call: Expr = (Call(ACTIVATION_CALL.get(act, "f") + "′", (nm.pre(l, j),)),)
        if act == "sigmoid":
            return (
                call,
                (a_sym, *paren((Num(1), MINUS, a_sym))),
                prod(Num(a_val), paren((Num(1), MINUS, Num(a_val)))),
            )
        if act == "tanh":
            return (
                call,
                paren((Num(1), MINUS, Power((a_sym,), "2"))),
                paren((Num(1), MINUS, Power((Num(a_val),), "2"))),
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
            name = ACTIVATION_CALL[act] + "′"
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
            "sigmoid": (sz, *paren((Num(1), MINUS, sz))),
            "tanh": (Num(1), MINUS, Power((tz,), "2")),
        }
        if act not in rules:
            return []
        return [Equation((Call(ACTIVATION_CALL[act] + "′", (z,)),), (rules[act],))]

    def _output_delta(self, k: int) -> list[Block]:
        nm, L = self.names, self.depth
        p, y, u = nm.act(L, k), nm.target(k), nm.pre(L, k)
        pv, yv = Num(self.a[-1][k]), Num(self.y[k])
        lhs, result = (nm.delta(L, k),), (Num(self.delta[L][k]),)
        grad = partial(L_SYM, p)
        act, k_out = self.net.activations[-1], len(self.y)
        if act == "softmax" and self.config.loss == "cross_entropy":
            if abs(float(np.sum(self.y)) - 1.0) < 1e-12:
                return [
                    Equation(lhs, ((partial(L_SYM, u),), (p, MINUS, y), (pv, MINUS, yv), result))
                ]
            total = (Symbol("Σ", "m"), nm.target("m"))
            return [
                Equation(
                    lhs,
                    (
                        (partial(L_SYM, u),),
                        (*prod(p, total), MINUS, y),
                        (*prod(pv, Num(float(np.sum(self.y)))), MINUS, yv),
                        result,
                    ),
                )
            ]
        if act == "sigmoid" and self.config.loss == "bce":
            if k_out == 1:
                return [
                    Equation(lhs, ((partial(L_SYM, u),), (p, MINUS, y), (pv, MINUS, yv), result))
                ]
            return [
                Equation(
                    lhs,
                    (
                        (partial(L_SYM, u),),
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
                        prod(p, paren((grad, MINUS, s))),
                        prod(pv, paren((Num(self.grad_a[L][k]), MINUS, Num(self._softmax_s())))),
                        result,
                    ),
                )
            ]
        call, formula, numbers = self._derivative(L, k)
        g = Num(self.grad_a[L][k])
        sides = [prod(grad, call, spaced=True)]
        if formula != call:
            sides.append(prod(grad, formula, spaced=True))
        sides += [prod(g, numbers), result]
        return [Equation(lhs, tuple(sides))]

    def _softmax_s(self) -> float:
        return float(np.sum(self.grad_a[-1] * self.a[-1]))

    def _hidden_delta(self, l: int, j: int) -> list[Block]:
        nm, n_next = self.names, self.net.layer_sizes[l + 1]
        w_next = self.net.weights[l]
        symbolic = self._terms(n_next, lambda k: prod(nm.delta(l + 1, k), nm.weight(l + 1, j, k)))
        numbers = self._terms(n_next, lambda k: prod(Num(self.delta[l + 1][k]), Num(w_next[k, j])))
        grad = partial(L_SYM, nm.act(l, j))
        call, formula, der_numbers = self._derivative(l, j)
        sides = [prod(grad, call, spaced=True)]
        if formula != call:
            sides.append(prod(grad, formula, spaced=True))
        sides += [prod(Num(self.grad_a[l][j]), der_numbers), (Num(self.delta[l][j]),)]
        return [
            Equation((grad,), (symbolic, numbers, (Num(self.grad_a[l][j]),))),
            Equation((nm.delta(l, j),), tuple(sides)),
        ]

    def _weight_grad(self, l: int, j: int, i: int) -> list[Block]:
        nm, reg = self.names, self.reg
        w = self.net.weights[l - 1][j, i]
        w_sym = nm.weight(l, i, j)
        symbolic: Expr = prod(nm.delta(l, j), nm.act(l - 1, i))
        numbers: Expr = prod(Num(self.delta[l][j]), Num(self.a[l - 1][i]))
        if reg.l2:
            symbolic += (PLUS, *prod(Symbol("λ", "2"), w_sym))
            numbers += (PLUS, *prod(Num(reg.l2), Num(w)))
        if reg.l1:
            symbolic += (PLUS, *prod(Symbol("λ", "1"), Call("sign", (w_sym,))))
            numbers += (PLUS, *prod(Num(reg.l1), Num(float(np.sign(w)))))
        return [
            Equation(
                (partial(L_SYM, w_sym),), (symbolic, numbers, (Num(self.grad_w[l - 1][j, i]),))
            )
        ]

    def _bias_grad(self, l: int, j: int) -> list[Block]:
        nm = self.names
        return [
            Equation(
                (partial(L_SYM, nm.bias(l, j)),),
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
                        partial(L_SYM, nm.pre(l)),
                        " at the output:",
                    )
                )
            )
            blocks += self._clip_note(self.a[-1])
            blocks += self._each(
                rows,
                lambda k: [
                    Equation(
                        (partial(L_SYM, nm.act(L, k)),),
                        (*self._loss_grad(k), (Num(self.grad_a[L][k]),)),
                    )
                ],
            )
            if self.net.activations[-1] == "softmax" and not self._simplified_delta():
                s_rule = (Symbol("Σ", "m"), *prod(partial(L_SYM, nm.act(L, "m")), nm.act(L, "m")))
                s_num = self._terms(
                    len(self.y), lambda m: prod(Num(self.grad_a[L][m]), Num(self.a[L][m]))
                )
                blocks.append(Equation((Symbol("s"),), (s_rule, s_num, (Num(self._softmax_s()),))))
            elif not self._simplified_delta():
                blocks += self._derivative_rule(l)
            blocks += self._each(rows, self._output_delta)
        else:
            # Sum over the next layer's neurons; a single output neuron needs no sum.
            k: int | str = 0 if self.net.layer_sizes[l + 1] == 1 else "k"
            back: Expr = prod(nm.delta(l + 1, k), nm.weight(l + 1, "j", k))
            blocks.append(Paragraph(("Error propagated back from layer ", str(l + 1), ":")))
            blocks.append(
                Equation(
                    (partial(L_SYM, nm.act(l, "j")),),
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
        grad_sym = partial(L_SYM, nm.act(l))
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
                        mprod(
                            self._matrix(w_next.T), self._column(self.delta[l + 1], self.max_terms)
                        ),
                        (self._column(self.grad_a[l]),),
                    ),
                )
            )
        simplified = l == L and self._simplified_delta()
        if get_activation(act).elementwise and not simplified:
            der = get_activation(act).der(self.z[l][None, :])[0]
            call = Call(ACTIVATION_CALL.get(act, "f") + "′", (nm.pre(l),))
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
                (partial(L_SYM, nm.weight(l)),),
                (
                    g_sym,
                    mprod(self._column(self.delta[l]), self._row(self.a[l - 1]))
                    if not (self.reg.l1 or self.reg.l2)
                    else (self._matrix(self.grad_w[l - 1]),),
                    (self._matrix(self.grad_w[l - 1]),),
                ),
            )
        )
        blocks.append(
            Equation(
                (partial(L_SYM, nm.bias(l)),),
                ((nm.delta(l),), (self._column(self.grad_b[l - 1]),)),
            )
        )
        return blocks
