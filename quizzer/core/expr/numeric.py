"""Evaluating formulas in high precision (mpmath): compile once, evaluate at many points.

A SymPy expression is compiled once into nested closures over mpmath functions (no `lambdify`,
no generated source), then evaluated at the points `points.py` draws. Values may be complex
(`sqrt` of a negative number); a pole or an undefined value raises `Undefined`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from quizzer.core.expr.lexicon import CIRCULAR_AND_HYPERBOLIC

Value = Any  # an mpmath mpf or mpc
Compiled = Callable[[Sequence[Value]], Value]


class Unsupported(Exception):
    """The expression contains something the evaluator cannot compute (an unevaluated sum)."""


class Undefined(Exception):
    """The expression has no finite value at this point (a pole, 0^-1, max of complex values)."""


class TooLarge(Undefined):
    """The value exists but is not computed: exp of an argument past 10^30 (see `bounded`).

    Unlike a pole, this is not a point to skip: `exp(x^100000)` is 1 to 30 digits for |x| < 1
    and too large to compute elsewhere, so skipping accepted it for `1`. `points.compare_at`
    calls such a point unclear, which rules out acceptance by numbers alone.
    """


def _table() -> dict[Any, Callable[..., Value]]:
    import mpmath
    import sympy as sp

    from quizzer.core.expr.mlfunctions import ml_functions

    def sign(x: Value) -> Value:
        return mpmath.mpf(0) if x == 0 else x / abs(x)

    def real_only(fn: Callable[..., Value]) -> Callable[..., Value]:
        def wrapped(*args: Value) -> Value:
            if any(isinstance(a, mpmath.mpc) and a.imag != 0 for a in args):
                raise Undefined
            return fn(*(mpmath.re(a) for a in args))

        return wrapped

    def bounded(fn: Callable[[Value], Value], limit: Any) -> Callable[[Value], Value]:
        """`fn` refusing arguments so large that mpmath would grind on them: exp(10^40) needs
        a 10^40-digit argument reduction (exp(-exp(x + 100)) at any x)."""

        def wrapped(x: Value) -> Value:
            if abs(x) > limit:
                raise TooLarge
            return fn(x)

        return wrapped

    exp_limit, trig_limit = mpmath.mpf(10) ** 30, mpmath.mpf(10) ** 300

    def heaviside(x: Value, h0: Value = None) -> Value:
        if x == 0:
            return mpmath.mpf(0.5) if h0 is None else h0
        return mpmath.mpf(1) if x > 0 else mpmath.mpf(0)

    table: dict[Any, Callable[..., Value]] = {
        sp.exp: bounded(mpmath.exp, exp_limit),
        sp.log: mpmath.log,
        sp.Abs: abs,
        sp.sign: sign,
        sp.erf: bounded(mpmath.erf, exp_limit),
        sp.erfc: bounded(mpmath.erfc, exp_limit),
        sp.gamma: bounded(mpmath.gamma, exp_limit),
        sp.factorial: bounded(mpmath.factorial, exp_limit),
        sp.binomial: mpmath.binomial,
        sp.Max: real_only(max),
        sp.Min: real_only(min),
        sp.floor: real_only(mpmath.floor),
        sp.ceiling: real_only(mpmath.ceil),
        sp.atan2: real_only(mpmath.atan2),
        sp.Heaviside: real_only(heaviside),
        sp.DiracDelta: real_only(lambda x: mpmath.mpf(0) if x != 0 else mpmath.inf),
        sp.re: mpmath.re,
        sp.im: mpmath.im,
        sp.conjugate: mpmath.conj,
        ml_functions(): bounded(lambda x: 1 / (1 + mpmath.exp(-x)), exp_limit),
    }
    for name in CIRCULAR_AND_HYPERBOLIC:
        limit = exp_limit if name.endswith("h") else trig_limit
        table[getattr(sp, name)] = bounded(getattr(mpmath, name), limit)
        table[getattr(sp, "a" + name)] = getattr(mpmath, "a" + name)
    return table


_TABLE: dict[Any, Callable[..., Value]] = {}


def compile_expr(expr: Any, symbols: Sequence[Any]) -> Compiled:
    """A function of the symbols' values (in `symbols` order) that evaluates `expr`.

    Raises:
        Unsupported: for nodes the evaluator does not know (sums, integrals, derivatives).
    """
    if not _TABLE:
        _TABLE.update(_table())
    index = {s: i for i, s in enumerate(symbols)}
    return _compile(expr, index)


def _compile(e: Any, index: dict[Any, int]) -> Compiled:
    import mpmath
    import sympy as sp

    if e.is_Symbol:
        if e not in index:
            raise Unsupported(f"unbound symbol {e}")
        i = index[e]
        return lambda env: env[i]
    if e.is_Integer:
        n = int(e)
        return lambda env: mpmath.mpf(n)
    if e.is_Rational:
        p, q = int(e.p), int(e.q)
        return lambda env: mpmath.mpf(p) / q
    if e.is_Float:
        text = str(e)
        return lambda env: mpmath.mpf(text)
    constants: dict[Any, Callable[[], Value]] = {
        sp.pi: lambda: +mpmath.pi,
        sp.E: lambda: +mpmath.e,
        sp.EulerGamma: lambda: +mpmath.euler,
        sp.GoldenRatio: lambda: +mpmath.phi,
        sp.I: lambda: mpmath.mpc(0, 1),
    }
    if e in constants:
        make = constants[e]
        return lambda env: make()
    if e.is_Number:  # zoo, oo, nan
        raise Undefined
    args = [_compile(a, index) for a in e.args]
    if e.is_Add:
        return lambda env: mpmath.fsum([f(env) for f in args])
    if e.is_Mul:
        return lambda env: mpmath.fprod([f(env) for f in args])
    if e.is_Pow:
        base, exponent = args
        if e.exp.is_Integer:
            n = int(e.exp)
            return lambda env: _int_power(base(env), n)
        if e.exp == sp.S.Half:
            return lambda env: mpmath.sqrt(base(env))
        return lambda env: _power(base(env), exponent(env))
    if isinstance(e, sp.Piecewise):
        return _compile_piecewise(e, index)
    function = _TABLE.get(e.func)
    if function is None:
        raise Unsupported(f"cannot evaluate {e.func}")
    return lambda env: function(*(f(env) for f in args))


def _int_power(base: Value, n: int) -> Value:
    if base == 0 and n < 0:
        raise Undefined
    return base**n


def _power(base: Value, exponent: Value) -> Value:
    import mpmath

    if base == 0:
        if mpmath.re(exponent) > 0:
            return mpmath.mpf(0)
        raise Undefined
    return mpmath.power(base, exponent)


def _compile_piecewise(e: Any, index: dict[Any, int]) -> Compiled:
    import sympy as sp

    pieces: list[tuple[Compiled, tuple[Any, Compiled, Compiled] | None]] = []
    for expr, cond in e.args:
        if cond is sp.true:
            pieces.append((_compile(expr, index), None))
            continue
        if not isinstance(cond, sp.core.relational.Relational):
            raise Unsupported("piecewise condition")
        ops = {
            sp.StrictLessThan: lambda a, b: a < b,
            sp.LessThan: lambda a, b: a <= b,
            sp.StrictGreaterThan: lambda a, b: a > b,
            sp.GreaterThan: lambda a, b: a >= b,
            sp.Equality: lambda a, b: a == b,
            sp.Unequality: lambda a, b: a != b,
        }
        op = ops.get(type(cond))
        if op is None:
            raise Unsupported("piecewise condition")
        lhs, rhs = _compile(cond.lhs, index), _compile(cond.rhs, index)
        pieces.append((_compile(expr, index), (op, lhs, rhs)))

    def evaluate(env: Sequence[Value]) -> Value:
        for value, test in pieces:
            if test is None:
                return value(env)
            op, lhs, rhs = test
            a, b = lhs(env), rhs(env)
            if getattr(a, "imag", 0) != 0 or getattr(b, "imag", 0) != 0:
                raise Undefined
            if op(a.real, b.real):
                return value(env)
        raise Undefined

    return evaluate


def evaluate(fn: Compiled, point: Sequence[Value], dps: int) -> Value:
    """`fn` at `point` with `dps` digits; raises Undefined where it has no finite value."""
    import mpmath

    with mpmath.workdps(dps):
        try:
            env = [+v for v in point]
            value = fn(env)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError, ArithmeticError):
            raise Undefined from None
        if not isinstance(value, mpmath.mpf | mpmath.mpc):
            value = mpmath.mpmathify(value)
        if not mpmath.isfinite(value):
            raise Undefined
        return value


def constant_digits(expr: Any) -> int:
    """How many decimal digits the constants of `expr` span (10^-30 or exp(-70) count 30).

    Numeric testing must run with more digits than this, or a tiny wrong constant
    (`x + 10^-30`) would hide below the rounding error.
    """
    import mpmath

    widest = 0
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.is_Rational:
            widest = max(widest, len(str(abs(node.p))), len(str(node.q)))
            continue
        if node.is_Atom:
            continue
        if not node.free_symbols and (node.is_Pow or node.is_Function):
            try:
                value = evaluate(compile_expr(node, ()), (), 15)
                if value != 0:
                    widest = max(widest, int(abs(mpmath.log10(abs(value)))) + 1)
            except (Undefined, Unsupported):
                pass
        stack.extend(node.args)
    return widest


def format_value(value: Value, digits: int = 6) -> str:
    """A short decimal form: 0.367879, -2.5, 1.2 + 0.5i."""
    import mpmath

    if isinstance(value, mpmath.mpc):
        if value.imag == 0:
            value = value.real
        else:
            real, imag = mpmath.nstr(value.real, digits), mpmath.nstr(abs(value.imag), digits)
            sign = "-" if value.imag < 0 else "+"
            if value.real == 0:
                return f"{'-' if sign == '-' else ''}{imag}i"
            return f"{real} {sign} {imag}i"
    text: str = mpmath.nstr(value, digits, min_fixed=-4, max_fixed=8)
    return text[:-2] if text.endswith(".0") else text
