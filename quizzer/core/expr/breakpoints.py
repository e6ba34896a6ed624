"""Where piecewise formulas switch branches, so that numeric testing looks on both sides.

`x + max(0, x - 100)` equals `x` for every x below 100, and `min(x, 5)` equals `x` below 5:
random points at the usual scales land on the wrong side of such a breakpoint often enough that
about one such wrong answer in four was accepted (measured on 99 planted cases). Each piecewise
function switches where an expression crosses zero: the argument of |u|, sign(u) and
Heaviside(u), the difference of two arguments of max/min, u - k for the integers k = -1, 0, 1
of floor(u)/ceiling(u), lhs - rhs of a Piecewise condition. For every such switch expression
and every symbol it is polynomial in (degree <= 2 after clearing denominators; else a quick
`solve` when it has one symbol), the roots are found once, symbolically, as formulas of the
other symbols. `probe_points` then draws a random point, puts that symbol just past the root
and just before it (by 0.1% to 100% of the root's size), and `points.compare` tests those
points first.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.expr.context import Domain
from quizzer.core.expr.deadline import Deadline, TimeLimit, time_limit
from quizzer.core.expr.numeric import (
    Compiled,
    Undefined,
    Unsupported,
    Value,
    compile_expr,
    evaluate,
)

MAX_SWITCHES = 24  # switch expressions examined per comparison
MAX_BREAKPOINTS = 24  # (symbol, root) pairs probed, two points each
SOLVE_BUDGET = 0.2  # seconds for finding every root


@dataclass
class SamplingPlan:
    """Where and how much `points.compare` samples for one pair of formulas."""

    spread: int  # rare draws out to 10^±spread (see points.sample)
    points: int  # agreeing random points needed
    attempts: int  # random points tried at most
    probes: list[tuple[Value, ...]] = field(default_factory=list)  # compared first


def sampling_plan(
    exprs: Sequence[Any],
    symbols: Sequence[Any],
    domains: Sequence[Domain],
    width: int,
    seed: int,
    dps: int,
    deadline: Deadline,
    points: int,
    attempts: int,
) -> SamplingPlan:
    """The sampling for `exprs` (constants `width` digits wide), shared by expressions and
    equations.

    A few points always go out to 10^±3. Wide constants say where else a term may matter
    (exp(-10^6 x^2) is invisible at x = 0.01, x + exp(-10^6/x^2) at x = 40), and piecewise
    functions are analytic only between breakpoints that constants place: then sample out to
    10^±(w+2) for constants of w digits, twice as many points, and each solvable breakpoint on
    both sides.
    """
    piecewise = any(is_piecewise(e) for e in exprs) or any(d.integer for d in domains)
    spread = min(width, 12) + 2 if piecewise or width >= 3 else 3
    if not piecewise:
        return SamplingPlan(spread, points, attempts)
    roots = breakpoint_roots(exprs, symbols, min(SOLVE_BUDGET, deadline.remaining() / 4))
    probes = probe_points(random.Random(seed ^ 0xB4EA), domains, roots, dps)
    return SamplingPlan(spread, 2 * points, 2 * attempts, probes)


def is_piecewise(expr: Any) -> bool:
    """Whether `expr` has a function that is not analytic everywhere (max, |x|, floor, ...)."""
    import sympy as sp

    return bool(
        expr.has(sp.Max, sp.Min, sp.floor, sp.ceiling, sp.Heaviside, sp.Piecewise, sp.Abs, sp.sign)
    )


def switch_expressions(exprs: Sequence[Any]) -> list[Any]:
    """The expressions whose sign change switches a branch of a piecewise function."""
    import sympy as sp

    found: list[Any] = []
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.Abs | sp.sign | sp.Heaviside):
                found.append(node.args[0])
            elif isinstance(node, sp.Max | sp.Min):
                args = node.args[:6]
                found += [a - b for i, a in enumerate(args) for b in args[i + 1 :]]
            elif isinstance(node, sp.floor | sp.ceiling):
                u = node.args[0]
                found += [u, u - 1, u + 1]
            elif isinstance(node, sp.Piecewise):
                for _, condition in node.args:
                    if isinstance(condition, sp.core.relational.Relational):
                        found.append(condition.lhs - condition.rhs)
    unique: list[Any] = []
    for switch in found:
        if switch.free_symbols and switch not in unique:
            unique.append(switch)
    return unique[:MAX_SWITCHES]


def breakpoint_roots(
    exprs: Sequence[Any], symbols: Sequence[Any], budget: float = SOLVE_BUDGET
) -> list[tuple[int, Compiled]]:
    """(index of a symbol, its breakpoint as a compiled formula of the others), for `exprs`.

    Best effort: a switch expression that cannot be solved quickly is skipped (the wide random
    scales of `points.sample` still cover it).
    """
    import sympy as sp

    index = {s: i for i, s in enumerate(symbols)}
    roots: list[tuple[int, Compiled]] = []
    seen: set[tuple[int, Any]] = set()
    try:
        with time_limit(budget):
            for switch in switch_expressions(exprs):
                for symbol in sorted(switch.free_symbols & set(index), key=str):
                    for root in _solve(switch, symbol):
                        key = (index[symbol], root)
                        if key in seen or (root.has(sp.I) and not root.free_symbols):
                            continue
                        seen.add(key)
                        try:
                            roots.append((index[symbol], compile_expr(root, symbols)))
                        except (Unsupported, Undefined):
                            continue
                        if len(roots) >= MAX_BREAKPOINTS:
                            return roots
    except TimeLimit:
        pass
    return roots


def _solve(switch: Any, symbol: Any) -> list[Any]:
    """Roots of `switch` = 0 in `symbol` (polynomial of degree <= 2, or one-symbol `solve`)."""
    import sympy as sp

    try:
        numerator, _ = sp.fraction(sp.together(switch))
        if numerator.is_polynomial(symbol):
            poly = sp.Poly(numerator, symbol)
            if 1 <= poly.degree() <= 2:
                return list(sp.roots(poly, multiple=True))
            return []
        if switch.free_symbols == {symbol}:
            return [r for r in sp.solve(switch, symbol) if not r.has(sp.I)][:4]
    except (
        TypeError,
        ValueError,
        NotImplementedError,
        RecursionError,
        AttributeError,
        sp.PolynomialError,
    ):
        pass
    return []


def probe_points(
    rng: random.Random,
    domains: Sequence[Domain],
    breakpoints: Sequence[tuple[int, Compiled]],
    dps: int,
) -> list[tuple[Value, ...]]:
    """Points around each breakpoint: a random point with that symbol just past and just
    before the root (for an integer symbol, the integers next to the root too); points
    outside the symbol's domain are left out."""
    import mpmath

    from quizzer.core.expr.points import sample

    points: list[tuple[Value, ...]] = []
    for position, root in breakpoints:
        base = [sample(rng, d) for d in domains]
        try:
            at = evaluate(root, base, dps)
        except Undefined:
            continue
        if isinstance(at, mpmath.mpc):
            if at.imag != 0:
                continue
            at = at.real
        scale = abs(at) if at != 0 else mpmath.mpf(1)
        values = []
        for side in (1, -1):
            fraction = mpmath.mpf(rng.getrandbits(62) | 1) / (1 << 62)
            offset = scale * mpmath.power(10, -3 * fraction)  # 0.1% .. 100% of the root's size
            value = at + side * offset
            values.append(mpmath.ceil(value) if side > 0 else mpmath.floor(value))
            values.append(value)
        if domains[position].integer:
            # floor(1/n) switches exactly at n = 1, max(0, n - 1000) just after 1000: the
            # integers around the root as well as the ones further out.
            low = mpmath.floor(at)
            values = [low - 1, low, low + 1, low + 2, *values[::2]]
        else:
            values = values[1::2]
        for value in dict.fromkeys(values):
            if _in_domain(value, domains[position]):
                point = list(base)
                point[position] = value
                points.append(tuple(point))
    return points


def _in_domain(value: Value, domain: Domain) -> bool:
    """Whether `value` can be drawn from `domain`."""
    if domain.kind == "complex":
        return False
    inside = {
        "positive": value > 0,
        "negative": value < 0,
        "nonnegative": value >= 0,
        "nonpositive": value <= 0,
        "nonzero": value != 0,
        "probability": 0 < value < 1,
        "interval": (domain.low or 0) < value < (domain.high or 0),
    }.get(domain.kind, True)
    return bool(inside)
