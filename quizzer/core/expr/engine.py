"""The decision procedure: are two formulas equal on their symbols' domains?

Cheap first, expensive last:

1. structure: identical trees (after SymPy's automatic evaluation) are equivalent;
2. numbers: both sides are evaluated at random points of each symbol's domain in high
   precision (see `numeric.py`); one confirmed mismatch proves them `different`, with the
   point and both values as the counterexample;
3. proof: canonical forms of the difference (cancel, expand; `simplify` only when numbers could
   not decide) under the time limit; a zero difference is a proof.

When to accept without a proof. Every function of the language is analytic on the open
regions where it is defined, so the difference d = a - b of two different formulas is a
nonzero analytic function there, whose zeros have measure zero: a point drawn from a
continuous distribution misses them with probability 1. We sample 62-bit random mantissas at
several scales (0.01..0.25, 0.25..3, 3..40, a few out to 10^±3, both signs unless declared),
evaluate with at least 30 significant digits, and call two values equal only within
10^-(digits-10) relative. Constants set the rest: w digits of constants (10^-30, exp(-100),
10^6) add 2w digits of precision, so `x + 10^-30` is caught, and push the scales out to
10^±(w+2), so `exp(x) + exp(-10^6 x^2)` is caught where that term is not negligible.
Piecewise functions (max, |x|, floor, sign) are analytic only between breakpoints that their
constants place, so they get the wide scales, twice the points, and two points either side of
every breakpoint that can be solved for (`breakpoints.py`). Acceptance needs
`MIN_AGREEING` (or twice that) agreeing points and no point left unclear. A wrong formula
could only pass by differing by less than 10^-20 of its value at every point on every scale,
which takes a deliberately planted term such as exp(-exp(x^2 + 100)); no near-miss a learner makes
looks like that. Integer symbols are drawn from 1..60 (and negatives when allowed, and rarely
far beyond), so a difference vanishing on a few integers is still exposed. Numeric acceptance
is reported as method "numeric" and a proof as "symbolic".
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.expr.breakpoints import sampling_plan
from quizzer.core.expr.context import Domain, ExprContext, domain_of
from quizzer.core.expr.deadline import Deadline, TimeLimit, time_limit
from quizzer.core.expr.numeric import (
    Undefined,
    Unsupported,
    compile_expr,
    constant_digits,
    format_value,
)
from quizzer.core.expr.points import (
    Comparison,
    PointResult,
    compare,
    compare_at,
    relative_difference,
    simple_points,
)

MIN_AGREEING = 10  # agreeing random points needed to accept without a proof
ATTEMPTS = 40  # points tried before giving up on numbers
BASE_DIGITS = 30
MAX_DIGITS = 400  # constants wider than this: numbers alone never accept (and no slower checks)
PROOF_BUDGET = 0.15  # seconds spent looking for a proof once numbers agree


@dataclass
class Decision:
    """What the engine decided; `counterexample` is {point, answer, expected} as text."""

    verdict: str  # equivalent | different | undecided
    reason: str
    method: str
    counterexample: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)


def prepare(expr: Any) -> Any:
    """Evaluate derivatives and sums, make floats exact (0.1 -> 1/10)."""
    import sympy as sp

    if expr.has(sp.Float):  # a SymPy Float is the binary number it holds, taken exactly
        expr = expr.replace(lambda n: n.is_Float, lambda n: sp.Rational(n))
    if expr.has(sp.Derivative, sp.Sum, sp.Product):
        expr = expr.doit()
    return expr


def domains_for(symbols: list[Any], context: ExprContext) -> list[Domain]:
    """Each symbol's sampling domain: the context's declaration, else its SymPy assumptions."""
    domains = []
    for symbol in symbols:
        if symbol.name in context.symbols:
            domains.append(domain_of(context.symbols[symbol.name]))
            continue
        integer = bool(symbol.is_integer)
        if symbol.is_positive:
            domains.append(Domain("positive", integer))
        elif symbol.is_negative:
            domains.append(Domain("negative", integer))
        elif symbol.is_nonnegative:
            domains.append(Domain("nonnegative", integer))
        elif symbol.is_nonpositive:
            domains.append(Domain("nonpositive", integer))
        elif symbol.is_real or integer:
            domains.append(Domain("real", integer))
        else:
            domains.append(Domain("complex"))
    return domains


def seed_for(a: Any, b: Any) -> int:
    """A reproducible seed: the same pair is always tested at the same points."""
    return zlib.crc32(f"{a}|{b}".encode())


def random_functions(exprs: list[Any], seed: int) -> list[Any]:
    """Replace abstract functions f(x) by one random analytic function, then evaluate
    derivatives: two formulas equal for every f are equal for this one."""
    import sympy as sp
    from sympy.core.function import AppliedUndef

    applied: set[Any] = set()
    for expr in exprs:
        applied |= {a.func for a in expr.atoms(AppliedUndef)}
    if not applied:
        return exprs
    rng = random.Random(seed)

    def coefficient() -> Any:
        return sp.Rational(rng.randint(-97, 97) or 1, rng.randint(7, 31))

    replaced = list(exprs)
    for func in sorted(applied, key=str):
        arity = max(len(a.args) for e in exprs for a in e.atoms(AppliedUndef) if a.func == func)
        ts = sp.symbols(f"t0:{arity}", real=True)
        linear = sum(coefficient() * t for t in ts)
        body = coefficient() + linear + coefficient() * sp.sin(sum(coefficient() * t for t in ts))
        body += coefficient() * sp.exp(sum(coefficient() * t for t in ts) / 5)
        lam = sp.Lambda(ts, body)
        replaced = [e.replace(func, lambda *args, lam=lam: lam(*args)) for e in replaced]
    return [e.doit() for e in replaced]


def nice_counterexample(fa: Any, fb: Any, outcome: PointResult, dps: int) -> PointResult:
    """The same mismatch at a point with short coordinates (x = 1.3), when there is one."""
    import mpmath

    for digits in (1, 2, 3):
        nice = []
        for value in outcome.point:
            if isinstance(value, mpmath.mpc):
                nice.append(
                    mpmath.mpc(
                        mpmath.mpf(mpmath.nstr(value.real, digits)),
                        mpmath.mpf(mpmath.nstr(value.imag, digits)),
                    )
                )
            else:
                nice.append(mpmath.mpf(mpmath.nstr(value, digits)))
        trial = compare_at(fa, fb, nice, dps)
        if trial.status == "differ":  # confirmed at three precisions, like any mismatch
            return trial
    return outcome


def clearer_counterexample(
    fa: Any, fb: Any, outcome: PointResult, domains: list[Domain], dps: int
) -> PointResult:
    """A simple point (x = 1, 2, 0.5, ...) where the values differ by at least 1%, when the
    point found is not one already: a person checks it by hand, and a mismatch found only in
    the 20th digit (`m_t` against m_t/(1 − β₁^t) at t = 30) or among tiny values
    (-3.7e-44 against 3.7e-44 at x = 100) says little."""
    if outcome.values is None:
        return outcome
    if outcome.point in simple_points(domains, 2):
        return outcome
    for point in simple_points(domains):
        trial = compare_at(fa, fb, point, dps)
        if trial.status == "differ" and relative_difference(*trial.values or (0, 0)) >= 0.01:
            return trial
    return outcome


def describe(outcome: PointResult, symbols: list[Any]) -> dict[str, Any]:
    """The counterexample as text, with as many digits as it takes to tell the values apart
    (x + 10^-30 and x differ in the 31st digit)."""
    import mpmath

    assert outcome.values is not None
    point = {str(s): _coordinate(v) for s, v in zip(symbols, outcome.point, strict=True)}
    answer, expected = outcome.values
    digits = 6
    with mpmath.workdps(max(mpmath.mp.dps, 4 * BASE_DIGITS + 40 + 2 * MAX_DIGITS)):
        while format_value(answer, digits) == format_value(expected, digits) and digits < 4000:
            digits *= 2
    return {
        "point": point,
        "answer": format_value(answer, digits),
        "expected": format_value(expected, digits),
    }


def _coordinate(value: Any) -> str:
    """A point's coordinate: short when it is a short number (1.5), else 20 digits."""
    import mpmath

    short = format_value(value, 6)
    try:
        exact = mpmath.mpmathify(short.replace(" ", "").replace("i", "j")) == value
    except (ValueError, TypeError):
        exact = False
    return short if exact else format_value(value, 20)


def prove_zero(difference: Any, deadline: Deadline, *, thorough: bool) -> bool:
    """Whether canonical forms show `difference` is identically 0 (False: no proof found)."""
    import sympy as sp

    from quizzer.core.expr.mlfunctions import expand_ml

    budget = deadline.remaining() if thorough else min(PROOF_BUDGET, deadline.remaining())
    if budget <= 0.01:
        return False
    try:
        with time_limit(budget):
            d = expand_ml(difference)
            if d == 0:
                return True
            if d.is_rational_function():
                return bool(sp.cancel(d) == 0)
            if sp.expand(d) == 0:
                return True
            d = sp.powsimp(sp.powdenest(d))
            if sp.cancel(sp.together(sp.expand(d))) == 0:
                return True
            if not thorough:
                return False
            rewritten = (
                d.rewrite(sp.exp) if d.has(sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh) else d
            )
            if sp.cancel(sp.expand(sp.powsimp(rewritten))) == 0:
                return True
            return bool(sp.simplify(d) == 0)
    except TimeLimit:
        return False
    except (
        TypeError,
        ValueError,
        NotImplementedError,
        RecursionError,
        AttributeError,
        sp.PolynomialError,
    ):
        return False


def decide(answer: Any, expected: Any, context: ExprContext, deadline: Deadline) -> Decision:
    """Compare two SymPy expressions or equations within `deadline`."""
    import sympy as sp

    a_eq, b_eq = isinstance(answer, sp.Equality), isinstance(expected, sp.Equality)
    if a_eq and not context.allow_equations:
        return Decision(
            "different", "an equation is not accepted here: give an expression", "structural"
        )
    if a_eq != b_eq:
        what = "an equation" if a_eq else "an expression, not an equation"
        wanted = "an expression" if a_eq else "an equation (with '=')"
        return Decision("different", f"the answer is {what}; {wanted} was expected", "structural")
    try:
        answer, expected = prepare(answer), prepare(expected)
        if a_eq:
            from quizzer.core.expr.equations import decide_equations

            return decide_equations(answer, expected, context, deadline)
        return decide_expressions(answer, expected, context, deadline)
    except TimeLimit:
        return Decision("undecided", "time limit reached before a decision", "timeout")


def decide_expressions(a: Any, b: Any, context: ExprContext, deadline: Deadline) -> Decision:
    import sympy as sp

    if a == b:
        return Decision("equivalent", "the same formula", "structural")
    if a.has(sp.oo, -sp.oo, sp.zoo) or b.has(sp.oo, -sp.oo, sp.zoo):
        # Infinities are not numbers to sample; SymPy compares them exactly when both are
        # constants, and anything else with an infinity in it is left undecided.
        if not a.free_symbols and not b.free_symbols and sp.Eq(a, b) is sp.false:
            return Decision("different", "the values differ (one is infinite)", "structural")
        return Decision("undecided", "formulas with infinities are not compared", "none")
    symbols = sorted((a - b).free_symbols | a.free_symbols | b.free_symbols, key=str)
    comparison, reason = numeric_comparison(a, b, symbols, context, deadline)
    if comparison is not None and comparison.counterexample is not None:
        return Decision(
            "different",
            "the formulas differ at a point",
            "numeric",
            describe(comparison.counterexample, symbols),
        )
    enough = (
        comparison is not None
        and comparison.agree >= comparison.needed
        and comparison.unclear == 0
        and reason == ""
    )
    if prove_zero(a - b, deadline, thorough=not enough):
        return Decision("equivalent", "the difference simplifies to 0", "symbolic")
    if enough and comparison is not None:
        where = f"{comparison.agree} random points" if symbols else "the value"
        return Decision(
            "equivalent",
            f"equal at {where} to {comparison.dps - 10} digits",
            "numeric",
            details={"points": comparison.agree, "digits": comparison.dps},
        )
    if deadline.expired():
        return Decision("undecided", "time limit reached before a decision", "timeout")
    return Decision("undecided", reason or _weak_evidence(comparison), "none")


def _weak_evidence(comparison: Comparison | None) -> str:
    if comparison is None:
        return "the formulas could not be evaluated"
    if comparison.unclear:
        return (
            f"the formulas agree at {comparison.agree} points, but {comparison.unclear} "
            "could not be compared (values too large, or not settling with more digits), "
            "and no proof was found"
        )
    return (
        f"the formulas agree where both are defined, but only {comparison.agree} points "
        "could be compared, and no proof was found"
    )


def numeric_comparison(
    a: Any, b: Any, symbols: list[Any], context: ExprContext, deadline: Deadline
) -> tuple[Comparison | None, str]:
    """Compare at random points; returns (comparison or None, why acceptance is ruled out)."""
    seed = seed_for(a, b)
    a_num, b_num = random_functions([a, b], seed)
    symbols_now = sorted(a_num.free_symbols | b_num.free_symbols, key=str)
    if symbols_now != symbols:
        symbols[:] = symbols_now
    try:
        fa, fb = compile_expr(a_num, symbols), compile_expr(b_num, symbols)
    except (Unsupported, Undefined) as exc:
        return None, f"the formulas cannot be evaluated numerically ({exc})"
    width = max(constant_digits(a_num), constant_digits(b_num))
    dps = BASE_DIGITS + 2 * min(width, MAX_DIGITS)
    domains = domains_for(symbols, context)
    plan = sampling_plan(
        [a_num, b_num], symbols, domains, width, seed, dps, deadline, MIN_AGREEING, ATTEMPTS
    )
    comparison = compare(
        fa,
        fb,
        domains,
        seed=seed,
        dps=dps,
        points=plan.points,
        attempts=plan.attempts,
        spread=plan.spread,
        stop=lambda: deadline.remaining() < 0.05,
        probes=plan.probes,
    )
    if comparison.counterexample is not None:
        found = nice_counterexample(fa, fb, comparison.counterexample, dps)
        comparison.counterexample = clearer_counterexample(fa, fb, found, domains, dps)
    reason = "" if width <= MAX_DIGITS else "constants too wide to trust numbers"
    return comparison, reason
