"""Turning a syntax tree into a SymPy expression, keeping every number a bounded size.

SymPy evaluates numbers eagerly (`9^9^9` would be computed digit by digit), so every power of
numbers is estimated before it is built and refused when the result would exceed `MAX_BITS`;
factorials and binomials of literal numbers are bounded the same way. Decimals become exact
rationals (`0.1` is 1/10), so `0.33` is not `1/3`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from quizzer.core.expr.context import ExprContext, sympy_assumptions
from quizzer.core.expr.syntax import Node, allowed_names, parse_tree
from quizzer.errors import AnswerError

# About 4,200 decimal digits: far past any answer, cheap to compute, and under Python's limit
# of 4,300 digits for turning an int into text, which SymPy's printer (and so every reply and
# every seed) runs into: 2^20000 failed with "the checker failed: ValueError".
MAX_BITS = 14_000
MAX_EXPONENT = 100_000  # (x+1)^n with larger n is refused: nothing real needs it
MAX_FACTORIAL = 1000
MAX_DIFF_ORDER = 10


class Builder:
    """Builds SymPy objects for one context (symbols are created once, with assumptions)."""

    def __init__(self, context: ExprContext) -> None:
        import sympy

        self.sp = sympy
        self.context = context
        self.symbols: dict[str, Any] = {}
        self.defining: set[str] = set()

    def symbol(self, name: str) -> Any:
        if name in self.context.definitions:
            return self.definition(name)
        if name not in self.symbols:
            kwargs = sympy_assumptions(self.context.assumptions_of(name))
            self.symbols[name] = self.sp.Symbol(name, **kwargs)
        return self.symbols[name]

    def definition(self, name: str) -> Any:
        if name in self.defining:
            raise AnswerError(f"the definition of {name!r} refers to itself")
        self.defining.add(name)
        try:
            tree = parse_tree(self.context.definitions[name], self.context)
            return self.build(tree)
        finally:
            self.defining.discard(name)

    def build(self, node: Node) -> Any:
        sp = self.sp
        kind = node.kind
        if kind == "num":
            fraction = Fraction(node.value)
            return sp.Rational(fraction.numerator, fraction.denominator)
        if kind == "sym":
            return self.symbol(node.value)
        if kind == "const":
            return sp.E if node.value == "E" else sp.pi
        if kind == "eq":
            lhs, rhs = (self.build(arg) for arg in node.args)
            return sp.Eq(lhs, rhs, evaluate=False)
        args = [self.build(arg) for arg in node.args]
        if kind == "add":
            return _bounded(sp.Add(*args))
        if kind == "neg":
            return -args[0]
        if kind == "mul":
            return _bounded(args[0] * args[1])
        if kind == "div":
            if args[1] == 0:
                raise AnswerError("the formula divides by zero")
            return _bounded(args[0] / args[1])
        if kind == "pow":
            return self.power(args[0], args[1])
        if kind == "abs":
            return sp.Abs(args[0])
        if kind == "fact":
            return self.call("factorial", args)
        if kind == "call":
            return self.call(node.value, args)
        raise AnswerError(f"internal: unknown syntax node {kind}")  # pragma: no cover

    def power(self, base: Any, exponent: Any) -> Any:
        sp = self.sp
        if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
            raise AnswerError(f"exponent {_short(exponent)} is too large (at most {MAX_EXPONENT})")
        if base.is_Rational and exponent.is_Rational:
            size = math.log2(max(abs(base.p), abs(base.q)))  # bits per factor; 0 for 0, ±1
            if size > 0 and abs(exponent) * size > MAX_BITS:
                raise AnswerError(
                    f"{_short(base)}^{_short(exponent)} is too large to compute "
                    f"(numbers are limited to about {MAX_BITS * 3 // 10:,} digits)"
                )
            if base == 0 and exponent.is_negative:
                raise AnswerError("the formula divides by zero (0 to a negative power)")
        elif (
            exponent.is_Number is not True
            and exponent.free_symbols == set()
            and base.free_symbols == set()
        ):
            # A power tower of numbers: estimate its size before SymPy computes it.
            magnitude = _magnitude(exponent)
            if magnitude > MAX_EXPONENT:
                raise AnswerError(f"the exponent {_short(exponent)} is too large")
        if base == sp.E:
            return _bounded(sp.exp(exponent))
        return _bounded(sp.Pow(base, exponent))

    def call(self, name: str, args: list[Any]) -> Any:
        sp = self.sp
        if name.startswith("@"):
            return sp.Function(name[1:])(*args)
        simple = {
            "sqrt": sp.sqrt,
            "cbrt": sp.cbrt,
            "exp": sp.exp,
            "abs": sp.Abs,
            "sign": sp.sign,
            "erf": sp.erf,
            "erfc": sp.erfc,
            "floor": sp.floor,
            "ceiling": sp.ceiling,
            "atan2": sp.atan2,
        }
        if name in simple:
            return simple[name](*args)
        if name == "log":
            if len(args) == 2 and args[1] in (0, 1):
                raise AnswerError("log(x, b): the base b must not be 0 or 1")
            return sp.log(*args)
        if name in ("log2", "log10"):
            return sp.log(args[0], 2 if name == "log2" else 10)
        if name in ("max", "min"):
            return (sp.Max if name == "max" else sp.Min)(*args)
        if name == "sigmoid":
            from quizzer.core.expr.mlfunctions import ml_functions

            return ml_functions()(args[0])
        if name == "relu":
            return sp.Max(0, args[0])
        if name == "softplus":
            return sp.log(1 + sp.exp(args[0]))
        if name in ("factorial", "binomial"):
            for arg in args:
                if arg.is_Number and abs(arg) > MAX_FACTORIAL:
                    raise AnswerError(
                        f"{name} of {_short(arg)} is too large (at most {MAX_FACTORIAL})"
                    )
            return (sp.factorial if name == "factorial" else sp.binomial)(*args)
        if name == "diff":
            return self.derivative(args)
        function = getattr(sp, name, None)
        if function is None:  # pragma: no cover - the lexicon and this table agree
            raise AnswerError(f"unknown function {name!r}")
        return function(*args)

    def derivative(self, args: list[Any]) -> Any:
        sp = self.sp
        target, variable = args[0], args[1]
        order = 1
        if len(args) == 3:
            if not (args[2].is_Integer and 1 <= args[2] <= MAX_DIFF_ORDER):
                raise AnswerError(
                    f"diff(f, x, n): n must be a whole number from 1 to {MAX_DIFF_ORDER}"
                )
            order = int(args[2])
        if not variable.is_Symbol:
            raise AnswerError("diff(f, x): x must be a symbol")
        return sp.Derivative(target, (variable, order))


def _magnitude(value: Any) -> float:
    try:
        return abs(float(value.evalf(15)))
    except (TypeError, ValueError, OverflowError):
        return float("inf")


def _bounded(value: Any) -> Any:
    """Refuse a result whose numbers grew past MAX_BITS, or that is undefined (1/0).

    The operands were checked when they were built, so a new number can only be the result
    itself or a coefficient SymPy just merged: one or two levels down (2^9000·x·2^9000 is
    Mul(2^18000, x); 2^9000·(x + 2^9000) is distributed into an Add of Muls).
    """
    shallow = [value, *value.args, *(inner for arg in value.args for inner in arg.args)]
    for node in shallow:
        if node.is_Rational and max(abs(node.p).bit_length(), node.q.bit_length()) > MAX_BITS:
            raise AnswerError(
                "a number in the formula is too large "
                f"(at most about {MAX_BITS * 3 // 10:,} digits)"
            )
    if value.is_Number and not value.is_finite:
        raise AnswerError("the formula is undefined (it divides by zero)")
    return value


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:10] + "…" + text[-6:]


def build_expression(
    text: str,
    context: ExprContext,
    extra_names: frozenset[str] = frozenset(),
    builder: Builder | None = None,
) -> Any:
    """Parse and build `text`; `extra_names` are allowed besides the declared symbols."""
    tree = parse_tree(text, context, allowed_names(context, extra_names))
    result = (builder or Builder(context)).build(tree)
    import sympy

    if isinstance(result, sympy.Basic) and result.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise AnswerError("the formula is undefined (it divides by zero)")
    return result
