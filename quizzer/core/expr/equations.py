"""Comparing equations: `a = b` and `c = d` are equivalent when, after clearing denominators,
a - b is a nonzero constant multiple of c - d.

This is the algebraic reading STACK uses: `y = 1 - x` is `x + y = 1`, `2x = 2` is `x = 1`, but
`(x-2)^2 = 0` is not `x = 2` (a different multiplicity) and `a x = a y` is not `x = y` (it also
holds when a = 0). Two identities (`x = x`) are equivalent, and so are two contradictions
(`2 = 3`, `1 = 4`): neither has a solution.
"""

from __future__ import annotations

import random
from typing import Any

from quizzer.core.expr.breakpoints import sampling_plan
from quizzer.core.expr.context import ExprContext
from quizzer.core.expr.deadline import Deadline, TimeLimit, time_limit
from quizzer.core.expr.engine import (
    ATTEMPTS,
    BASE_DIGITS,
    MAX_DIGITS,
    MIN_AGREEING,
    Decision,
    domains_for,
    random_functions,
    seed_for,
)
from quizzer.core.expr.numeric import (
    Undefined,
    Unsupported,
    compile_expr,
    constant_digits,
    evaluate,
)
from quizzer.core.expr.points import compare, sample


def residual(equation: Any, deadline: Deadline) -> Any:
    """The numerator of lhs - rhs over a common denominator (the lhs - rhs itself if slow)."""
    import sympy as sp

    difference = equation.lhs - equation.rhs
    try:
        with time_limit(min(0.2, deadline.remaining())):
            numerator, _ = sp.fraction(sp.together(difference))
            return numerator
    except TimeLimit:
        deadline.check()
        return difference


def decide_equations(a: Any, b: Any, context: ExprContext, deadline: Deadline) -> Decision:
    import sympy as sp

    if a == b:
        return Decision("equivalent", "the same equation", "structural")
    fa, fb = residual(a, deadline), residual(b, deadline)
    seed = seed_for(fa, fb)
    fa, fb = random_functions([fa, fb], seed)
    symbols = sorted(fa.free_symbols | fb.free_symbols, key=str)
    try:
        ca, cb = compile_expr(fa, symbols), compile_expr(fb, symbols)
    except (Unsupported, Undefined) as exc:
        return Decision(
            "undecided", f"the equations cannot be evaluated numerically ({exc})", "none"
        )
    domains = domains_for(symbols, context)
    width = max(constant_digits(fa), constant_digits(fb))
    dps = BASE_DIGITS + 2 * min(width, MAX_DIGITS)
    zero = compile_expr(sp.Integer(0), symbols)
    # The same sampling as for expressions: `y = min(x, 50)` equals `y = x` below 50 only.
    plan = sampling_plan(
        [fa, fb], symbols, domains, width, seed, dps, deadline, MIN_AGREEING, ATTEMPTS
    )
    needed = plan.points if symbols else 1

    def identically_zero(fn: Any) -> bool | None:
        result = compare(
            fn,
            zero,
            domains,
            seed=seed,
            dps=dps,
            points=plan.points,
            attempts=plan.attempts,
            spread=plan.spread,
            probes=plan.probes,
        )
        if result.counterexample is not None:
            return False
        return True if result.agree >= result.needed and result.unclear == 0 else None

    za, zb = identically_zero(ca), identically_zero(cb)
    if za is None or zb is None:
        return Decision(
            "undecided", "the equations could not be evaluated at enough points", "none"
        )
    if za and zb:
        return Decision("equivalent", "both equations hold for every value", "numeric")
    if za != zb:
        which = "your equation" if za else "the expected equation"
        return Decision(
            "different", f"{which} holds for every value, the other does not", "numeric"
        )
    reference = _reference_values(ca, cb, domains, seed, 4 * dps + 40)
    if reference is None:
        return Decision("undecided", "no point where both equations can be compared", "none")
    va0, vb0 = reference

    def scaled_a(env: Any) -> Any:
        return ca(env) * vb0

    def scaled_b(env: Any) -> Any:
        return cb(env) * va0

    result = compare(
        scaled_a,
        scaled_b,
        domains,
        seed=seed + 1,
        dps=dps,
        points=plan.points,
        attempts=plan.attempts,
        spread=plan.spread,
        stop=lambda: deadline.remaining() < 0.05,
        probes=plan.probes,
    )
    if result.counterexample is not None:
        return Decision(
            "different",
            "the equations are not equivalent: one is not a constant multiple of the other",
            "numeric",
        )
    if _proportional(fa, fb, deadline):
        return Decision(
            "equivalent", "one equation is a constant multiple of the other", "symbolic"
        )
    if result.agree >= max(result.needed, needed) and result.unclear == 0:
        return Decision("equivalent", f"proportional at {result.agree} random points", "numeric")
    return Decision("undecided", "the equations could not be compared at enough points", "none")


def _reference_values(
    ca: Any, cb: Any, domains: Any, seed: int, dps: int
) -> tuple[Any, Any] | None:
    """Both residuals at a point where neither is 0, in high precision."""
    rng = random.Random(seed ^ 0x5EED)
    for _ in range(ATTEMPTS):
        point = tuple(sample(rng, d) for d in domains)
        try:
            va, vb = evaluate(ca, point, dps), evaluate(cb, point, dps)
        except Undefined:
            continue
        if va != 0 and vb != 0:
            return va, vb
    return None


def _proportional(fa: Any, fb: Any, deadline: Deadline) -> bool:
    import sympy as sp

    try:
        with time_limit(min(0.15, deadline.remaining())):
            ratio = sp.cancel(fa / fb)
            return bool(ratio.free_symbols == set() and ratio != 0 and ratio.is_finite)
    except (TimeLimit, TypeError, ValueError, NotImplementedError, sp.PolynomialError):
        return False
