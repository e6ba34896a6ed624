"""Comparing two compiled formulas at random points of their symbols' domains.

Points are drawn at several scales (`sample`); a mismatch at one point counts only when it
survives re-evaluation at higher precisions (`compare_at`): rounding noise shrinks as the
precision grows, a real difference does not. See `engine.py` for why agreement at enough points
is accepted.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.expr.context import Domain
from quizzer.core.expr.numeric import Compiled, TooLarge, Undefined, Value, evaluate


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


# Values a person can check by hand, for counterexamples (see `simple_points`).
_SIMPLE = {
    "real": ("1", "2", "-1", "0.5", "-2", "3"),
    "positive": ("1", "2", "0.5", "3", "4"),
    "negative": ("-1", "-2", "-0.5", "-3"),
    "probability": ("0.5", "0.25", "0.9", "0.1"),
}
_SIMPLE_INTEGERS = {
    "real": ("1", "2", "-1", "3", "-2"),
    "positive": ("1", "2", "3", "4", "5"),
    "negative": ("-1", "-2", "-3", "-4"),
}
_KIND = {"nonnegative": "positive", "nonpositive": "negative", "nonzero": "real"}


def simple_points(domains: Sequence[Domain], count: int = 8) -> list[tuple[Value, ...]]:
    """Up to `count` points with short coordinates (1, 2, 0.5, ...) inside the domains."""
    import mpmath

    choices = []
    for domain in domains:
        kind = _KIND.get(domain.kind, domain.kind)
        if kind == "interval":
            low, high = domain.low or 0.0, domain.high or 0.0
            values = [low + (high - low) * f for f in (0.5, 0.25, 0.75)]
            if domain.integer:
                values = [float(v) for v in range(math.ceil(low), math.floor(high) + 1)][:5]
            choices.append([mpmath.mpf(v) for v in values])
        elif kind in _SIMPLE:
            table = _SIMPLE_INTEGERS if domain.integer else _SIMPLE
            choices.append([mpmath.mpf(v) for v in table.get(kind, _SIMPLE_INTEGERS["real"])])
        else:  # complex: no simple point
            return []
        if not choices[-1]:
            return []
    return [
        tuple(values[(k + i) % len(values)] for i, values in enumerate(choices))
        for k in range(count)
    ]


def relative_difference(a: Value, b: Value) -> Any:
    """|a − b| relative to the larger of |a| and |b| (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else 0


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
    except TooLarge:
        return PointResult(tuple(point), "unclear")
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
    # the precision reaches its 348 leading zeros. When the difference is that small next to 1
    # (or to the values), recompute with enough digits to see it.
    import mpmath

    with mpmath.workdps(30):
        d3 = abs(va3 - vb3)
        size = max(abs(va3), abs(vb3), 1)
        needed = int(mpmath.log10(size / d3)) + 1 if d3 > 0 else dps3
    if needed < dps3 // 2:
        return PointResult(tuple(point), "differ", (va3, vb3))
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
    probes: Sequence[tuple[Value, ...]] = (),
) -> Comparison:
    """Compare at up to `attempts` random points until `points` agree or one differs
    (`spread`: see `sample`). The `probes` (points either side of a piecewise formula's
    breakpoints) are compared first, and each must agree too."""
    rng = random.Random(seed)
    result = Comparison(dps=dps, needed=points if domains else 1)
    tried: set[tuple[Any, ...]] = set()
    for point in probes:
        if stop():
            break
        if point in tried:
            continue
        tried.add(point)
        outcome = compare_at(fa, fb, point, dps)
        result.points.append(outcome)
        if outcome.status == "agree":
            result.agree += 1
            result.needed += 1  # on top of the random points, not instead of them
        elif outcome.status == "differ":
            result.counterexample = outcome
            return result
        elif outcome.status == "unclear":
            result.unclear += 1
    points = result.needed
    for _ in range(attempts if domains else 1):
        if result.agree >= points or stop():
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
