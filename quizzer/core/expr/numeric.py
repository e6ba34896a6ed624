"""Evaluating formulas at random points in high precision (mpmath), to find counterexamples.

A SymPy expression is compiled once into nested closures over mpmath functions (no `lambdify`,
no generated source), then evaluated at points drawn from each symbol's declared domain.
Values may be complex (`sqrt` of a negative number); comparisons are relative, and a mismatch
counts only when it survives re-evaluation at two higher precisions: rounding noise shrinks as
the precision grows, a real difference does not.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.expr.context import Domain

Value = Any  # an mpmath mpf or mpc
Compiled = Callable[[Sequence[Value]], Value]


class Unsupported(Exception):
    """The expression contains something the evaluator cannot compute (an unevaluated sum)."""


class Undefined(Exception):
    """The expression has no finite value at this point (a pole, 0^-1, max of complex values)."""


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

    def heaviside(x: Value, h0: Value = None) -> Value:
        if x == 0:
            return mpmath.mpf(0.5) if h0 is None else h0
        return mpmath.mpf(1) if x > 0 else mpmath.mpf(0)

    table: dict[Any, Callable[..., Value]] = {
        sp.exp: mpmath.exp,
        sp.log: mpmath.log,
        sp.Abs: abs,
        sp.sign: sign,
        sp.erf: mpmath.erf,
        sp.erfc: mpmath.erfc,
        sp.gamma: mpmath.gamma,
        sp.factorial: mpmath.factorial,
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
        ml_functions(): lambda x: 1 / (1 + mpmath.exp(-x)),
    }
    for name in (
        "sin",
        "cos",
        "tan",
        "cot",
        "sec",
        "csc",
        "sinh",
        "cosh",
        "tanh",
        "coth",
        "sech",
        "csch",
    ):
        table[getattr(sp, name)] = getattr(mpmath, name)
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


def sample(rng: random.Random, domain: Domain, spread: int = 0) -> Value:
    """A value drawn from `domain`: several scales, both signs where allowed.

    `spread` > 0 adds rare draws out to 10^spread and down to 10^-spread: a piecewise formula
    such as max(x, 50) or x + floor(x/1000) differs from x only far from 1, and its constants
    say how far to look.
    """
    import mpmath

    def fraction() -> Any:
        return mpmath.mpf(rng.getrandbits(62) | 1) / (1 << 62)  # odd: never exactly a dyadic 0

    def log_uniform(low: Any, high: Any) -> Any:
        return mpmath.exp(mpmath.log(low) + fraction() * (mpmath.log(high) - mpmath.log(low)))

    def magnitude() -> Any:
        bucket = rng.random()
        if spread and bucket >= 0.84:
            wide = mpmath.mpf(10) ** max(spread, 2)
            return log_uniform(40, wide) if bucket < 0.92 else log_uniform(1 / wide, 0.01)
        if bucket < 0.6:
            return mpmath.mpf("0.25") + fraction() * mpmath.mpf("2.75")
        if bucket < 0.8:
            return log_uniform(mpmath.mpf("0.01"), mpmath.mpf("0.25"))
        return log_uniform(3, 40)

    def integer(low: int) -> Any:
        bucket = rng.random()
        if spread and bucket >= 0.9:
            return mpmath.mpf(rng.randint(61, 10 ** min(spread, 6)))
        return mpmath.mpf(rng.randint(low, 12) if bucket < 0.65 else rng.randint(13, 60))

    kind = domain.kind
    if kind == "interval":
        low, high = domain.low or 0.0, domain.high or 0.0
        if domain.integer:
            return mpmath.mpf(rng.randint(math.ceil(low), math.floor(high)))
        return mpmath.mpf(low) + fraction() * (mpmath.mpf(high) - mpmath.mpf(low))
    if kind == "probability":
        return mpmath.mpf("0.02") + fraction() * mpmath.mpf("0.96")
    if kind == "complex":
        return mpmath.mpc(_signed(rng, magnitude()), _signed(rng, magnitude()))
    if domain.integer:
        value = integer(0 if kind in ("nonnegative", "nonpositive") else 1)
    else:
        value = magnitude()
    if kind in ("negative", "nonpositive"):
        return -value
    if kind in ("positive", "nonnegative"):
        return value
    return _signed(rng, value)


def _signed(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.5 else -value


def close(a: Value, b: Value, dps: int) -> bool:
    """Equal to within rounding at `dps` digits (relative, with 10 digits of slack)."""
    if a == b:
        return True
    import mpmath

    scale = max(abs(a), abs(b))
    tolerance: bool = abs(a - b) <= scale * mpmath.mpf(10) ** (-(dps - 10))
    return tolerance


@dataclass
class PointResult:
    """One evaluated point: `status` is agree, differ, undefined or unclear."""

    point: tuple[Value, ...]
    status: str
    values: tuple[Value, Value] | None = None


@dataclass
class Comparison:
    """The outcome of comparing two compiled expressions at random points."""

    agree: int = 0
    undefined: int = 0
    unclear: int = 0
    counterexample: PointResult | None = None
    points: list[PointResult] = field(default_factory=list)
    dps: int = 30
    needed: int = 1  # agreeing points asked for


MAX_CONFIRM_DIGITS = 3000


def compare_at(fa: Compiled, fb: Compiled, point: Sequence[Value], dps: int) -> PointResult:
    """Compare at one point; a mismatch is confirmed at higher precisions before it counts."""
    try:
        va, vb = evaluate(fa, point, dps), evaluate(fb, point, dps)
    except Undefined:
        return PointResult(tuple(point), "undefined")
    if close(va, vb, dps):
        return PointResult(tuple(point), "agree", (va, vb))
    dps2, dps3 = 2 * dps + 20, 4 * dps + 40
    try:
        va2, vb2 = evaluate(fa, point, dps2), evaluate(fb, point, dps2)
        va3, vb3 = evaluate(fa, point, dps3), evaluate(fb, point, dps3)
    except Undefined:
        return PointResult(tuple(point), "undefined")
    verdict = _judge(va, vb, dps, va2, vb2, va3, vb3, dps3)
    if verdict != "differ":
        return PointResult(tuple(point), verdict, (va3, vb3))
    # A difference far below 1 may still be cancellation: 1 - sigmoid(800) is exactly 0 until
    # the precision reaches its 348 leading zeros. Recompute with enough digits to see it.
    import mpmath

    with mpmath.workdps(dps3):
        d3 = abs(va3 - vb3)
        size = max(abs(va3), abs(vb3), 1)
        needed = int(mpmath.log10(size / d3)) + 1 if d3 > 0 else 0
    dps4 = dps3 + needed + 20
    if dps4 > MAX_CONFIRM_DIGITS:
        return PointResult(tuple(point), "unclear", (va3, vb3))
    try:
        va4, vb4 = evaluate(fa, point, dps4), evaluate(fb, point, dps4)
    except Undefined:
        return PointResult(tuple(point), "undefined")
    return PointResult(tuple(point), _judge(va, vb, dps, va3, vb3, va4, vb4, dps4), (va4, vb4))


def _judge(
    va: Value, vb: Value, dps: int, va2: Value, vb2: Value, va3: Value, vb3: Value, dps3: int
) -> str:
    """agree, differ or unclear from the same comparison at three increasing precisions."""
    import mpmath

    with mpmath.workdps(dps3):
        d1, d2, d3 = abs(va - vb), abs(va2 - vb2), abs(va3 - vb3)
        # Rounding noise shrinks with the precision: by 10^-(dps3 - dps) in theory, by at least
        # half of that here. A real difference D stays put: d2 and d3 both approximate D.
        if close(va3, vb3, dps3) or d3 <= d1 * mpmath.mpf(10) ** (-((dps3 - dps) // 2)):
            return "agree"
        if d2 > 0 and abs(d3 - d2) <= d2 * mpmath.mpf("0.01"):
            return "differ"
    return "unclear"


def compare(
    fa: Compiled,
    fb: Compiled,
    domains: Sequence[Domain],
    *,
    seed: int,
    dps: int,
    points: int,
    attempts: int,
    spread: int = 0,
    stop: Callable[[], bool] = lambda: False,
) -> Comparison:
    """Compare at up to `attempts` random points until `points` agree or one differs
    (`spread`: see `sample`)."""
    rng = random.Random(seed)
    result = Comparison(dps=dps, needed=points if domains else 1)
    tried: set[tuple[Any, ...]] = set()
    for _ in range(attempts if domains else 1):
        if result.agree >= (points if domains else 1) or stop():
            break
        point = tuple(sample(rng, d, spread) for d in domains)
        if point in tried:  # integer domains repeat
            continue
        tried.add(point)
        outcome = compare_at(fa, fb, point, dps)
        result.points.append(outcome)
        if outcome.status == "agree":
            result.agree += 1
        elif outcome.status == "differ":
            result.counterexample = outcome
            break
        elif outcome.status == "undefined":
            result.undefined += 1
        else:
            result.unclear += 1
    return result


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
