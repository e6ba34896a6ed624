"""Near-miss feedback: how a wrong formula relates to the expected one.

Detected numerically at random points (a relation must hold at every point, to 20 digits):
off by a constant factor (which one), sign flipped, reciprocal, square vs square root, off by an
additive constant, a missing or an extra additive term. Messages never show the expected
formula unless the question allows it (`reveal`): a missing term is named only then, while an
extra term is the learner's own and is always named.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any

from quizzer.core.expr.breakpoints import is_piecewise, sampling_plan
from quizzer.core.expr.context import ExprContext
from quizzer.core.expr.deadline import Deadline
from quizzer.core.expr.engine import domains_for, random_functions, seed_for
from quizzer.core.expr.numeric import (
    Undefined,
    Unsupported,
    compile_expr,
    constant_digits,
    evaluate,
)
from quizzer.core.expr.points import sample
from quizzer.core.expr.pretty import pretty

POINTS = 8
# Relations are tested at 50 digits to 15: slack for cancellation (1 - tanh(x)^2 at x = 30 keeps
# only a few of its digits), while a coincidence at 8 random points to 15 digits is not credible.
DIGITS = 50
TOLERANCE = "1e-15"
# Powers k with answer = expected^k, and what to say about them.
POWERS = {
    2: ("Your answer is the square of the expected one.", "你的答案是正确答案的平方。"),
    0.5: ("Your answer is the square root of the expected one.", "你的答案是正确答案的平方根。"),
    4: (
        "Square vs square root: your answer squares where the expected one takes a root.",
        "平方与平方根混淆：正确答案开平方的地方你用了平方。",
    ),
    0.25: (
        "Square vs square root: your answer takes a root where the expected one squares.",
        "平方与平方根混淆：正确答案平方的地方你开了平方根。",
    ),
    -2: (
        "Your answer is the reciprocal of the square of the expected one.",
        "你的答案是正确答案平方的倒数。",
    ),
    -0.5: (
        "Your answer is the reciprocal of the square root of the expected one.",
        "你的答案是正确答案平方根的倒数。",
    ),
}

Message = dict[str, str]


def _message(en: str, zh: str) -> Message:
    return {"en": en, "zh": zh}


def _points(exprs: list[Any], symbols: list[Any], context: ExprContext, seed: int) -> list[Any]:
    """Values of each expression at up to POINTS random points where all are finite, plus,
    for piecewise formulas, points either side of their breakpoints: `2x + max(0, x - 100)`
    is not "2 times" `x`, though it is below 100."""
    compiled = [compile_expr(e, symbols) for e in exprs]
    domains = domains_for(symbols, context)
    width = max(constant_digits(e) for e in exprs[:2])
    plan = sampling_plan(exprs[:2], symbols, domains, width, seed, DIGITS, Deadline(0.3), 1, 1)
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    for point in plan.probes:
        with contextlib.suppress(Undefined):
            rows.append([evaluate(fn, point, DIGITS) for fn in compiled])
    wanted = len(rows) + (POINTS if symbols else 1)
    # Far points only where breakpoints may lie: 1 - tanh(x)^2 cancels to 0 at x = 1000.
    spread = plan.spread if any(is_piecewise(e) for e in exprs[:2]) else 0
    for _ in range(POINTS * 4):
        if len(rows) >= wanted:
            break
        point = tuple(sample(rng, d, spread) for d in domains)
        try:
            rows.append([evaluate(fn, point, DIGITS) for fn in compiled])
        except Undefined:
            continue
    return rows


def _same(values: list[Any]) -> bool:
    import mpmath

    first = values[0]
    return all(
        abs(v - first) <= mpmath.mpf("1e-20") * max(abs(first), abs(v), 1e-30) for v in values
    )


def _equal(a: Any, b: Any) -> bool:
    import mpmath

    return bool(abs(a - b) <= mpmath.mpf(TOLERANCE) * max(abs(a), abs(b), mpmath.mpf("1e-40")))


def near_misses(
    answer: Any, expected: Any, context: ExprContext, *, reveal: bool = False
) -> list[Message]:
    """Messages (en/zh) describing how `answer` relates to `expected`; [] when unrelated."""
    import mpmath

    with mpmath.workdps(DIGITS):  # the arithmetic on values below needs their precision
        return _near_misses(answer, expected, context, reveal)


def _near_misses(answer: Any, expected: Any, context: ExprContext, reveal: bool) -> list[Message]:
    import sympy as sp

    if isinstance(answer, sp.Equality) or isinstance(expected, sp.Equality):
        return []
    seed = seed_for(answer, expected) ^ 0xFEED
    a, b = random_functions([answer, expected], seed)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    # Terms of the expected formula as written and multiplied out (w - η(g + λw) has the
    # terms w, -η(g + λw), -ηg, -ηλw), and the answer's own terms.
    written = list(sp.Add.make_args(b)) if b.is_Add else []
    expected_terms = written + [t for t in _expanded_terms(b) if t not in written]
    answer_terms = list(sp.Add.make_args(a)) if a.is_Add else []
    try:
        rows = _points([a, b, *expected_terms, *answer_terms], symbols, context, seed)
    except Unsupported:
        return []
    if not rows:
        return []
    va = [r[0] for r in rows]
    vb = [r[1] for r in rows]
    if all(_equal(x, y) for x, y in zip(va, vb, strict=True)):
        return []
    found = _multiplicative(a, b, va, vb)
    if found:
        return found
    differences = [x - y for x, y in zip(va, vb, strict=True)]
    if _same(differences):
        constant = _identify(a - b, differences[0])
        return [
            _message(
                f"Your answer differs from the expected one by the constant {constant}.",
                f"你的答案与正确答案相差常数 {constant}。",
            )
        ]
    return _additive(rows, expected_terms, answer_terms, reveal)


def _additive(
    rows: list[Any], expected_terms: list[Any], answer_terms: list[Any], reveal: bool
) -> list[Message]:
    """A term with the wrong sign, a missing term, an extra term (columns: a, b, terms...)."""
    offset = 2
    for i in range(len(expected_terms)):
        if all(_equal(r[0], r[1] - 2 * r[offset + i]) for r in rows):
            return [_message("One term has the wrong sign.", "有一项的符号错了。")]
    for i, term in enumerate(expected_terms):
        if all(_equal(r[0], r[1] - r[offset + i]) for r in rows):
            if reveal:
                return [
                    _message(
                        f"The term {pretty(term)} is missing.", f"缺少了 {pretty(term)} 这一项。"
                    )
                ]
            return [
                _message(
                    "One additive term of the expected answer is missing.",
                    "少了正确答案中的一个加项。",
                )
            ]
    offset += len(expected_terms)
    for i, term in enumerate(answer_terms):
        if all(_equal(r[0] - r[offset + i], r[1]) for r in rows):
            return [
                _message(
                    f"The term {pretty(term)} should not be there.",
                    f"{pretty(term)} 这一项是多余的。",
                )
            ]
    return []


def _expanded_terms(expr: Any) -> list[Any]:
    """The additive terms of `expr` multiplied out (at most 12; none for a large formula)."""
    import sympy as sp

    if sp.count_ops(expr) > 60:
        return []
    expanded = sp.expand(expr)
    terms = list(sp.Add.make_args(expanded)) if expanded.is_Add else [expanded]
    return terms if len(terms) <= 12 else []


def _multiplicative(a: Any, b: Any, va: list[Any], vb: list[Any]) -> list[Message]:
    import mpmath

    if any(v == 0 for v in vb) or any(v == 0 for v in va):
        return []
    ratios = [x / y for x, y in zip(va, vb, strict=True)]
    if _same(ratios):
        ratio = ratios[0]
        if _equal(ratio, -1):
            return [_message("The sign is flipped.", "符号反了。")]
        factor = _identify(a / b, ratio)
        return [
            _message(
                f"Off by a constant factor: your answer is {factor} times the expected one.",
                f"差一个常数因子：你的答案是正确答案的 {factor} 倍。",
            )
        ]
    products = [x * y for x, y in zip(va, vb, strict=True)]
    if all(_equal(p, 1) for p in products):
        return [
            _message(
                "Your answer is the reciprocal of the expected one.", "你的答案是正确答案的倒数。"
            )
        ]
    if all(_equal(p, -1) for p in products):
        return [
            _message(
                "Your answer is the negative reciprocal of the expected one.",
                "你的答案是正确答案的负倒数。",
            )
        ]
    if _same([abs(v) for v in vb]):
        return []  # |expected| is constant (sign(x), ±1): every power of it looks related
    for power, (en, zh) in POWERS.items():
        exponent = mpmath.mpf(power)
        if all(
            not (isinstance(y, mpmath.mpf) and y < 0 and power != int(power))
            and _equal(x, mpmath.power(y, exponent))
            for x, y in zip(va, vb, strict=True)
        ):
            return [_message(en, zh)]
    return []


def _identify(expr: Any, value: Any) -> str:
    """The exact constant when SymPy finds it (2, 1/2, √2), else a short decimal."""
    import sympy as sp

    from quizzer.core.expr.numeric import format_value

    try:
        exact = sp.cancel(expr)
        if not exact.free_symbols and exact.is_number and len(str(exact)) < 30:
            return pretty(exact)
    except (TypeError, ValueError, NotImplementedError, sp.PolynomialError):
        pass
    return format_value(value, 6)
