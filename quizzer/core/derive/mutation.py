"""Broken copies of a reference derivation, for proving the checker catches each break.

Each mutant changes one reference step by one operator, at the SymPy level (so every mutant is a
formula the checker can read):

- `flip_sign`: negate one term (of the non-zero side, for an equation);
- `drop_two`: drop a factor of 2 from a numeric coefficient (2x -> x, x/2 -> x);
- `sqrt_to_plain`: sqrt(X) -> X (the "sqrt(d_k) -> d_k" slip);
- `swap_fraction`: a/b -> b/a (the outermost fraction, else the first one inside).

A mutant may happen to be equivalent to the original step (negating a zero term); the robustness
test tells those apart with torch, independently of the checker (`equivalent_in_torch`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from quizzer.core.derive.givens import Prepared

OPERATORS = ("flip_sign", "drop_two", "sqrt_to_plain", "swap_fraction")


@dataclass(frozen=True, slots=True)
class Mutant:
    exercise_id: str
    step: int  # 0-based index of the broken reference step
    operator: str
    original: Any
    mutated: Any


def mutants(prepared: Prepared) -> Iterator[Mutant]:
    """Every applicable (step, operator) mutant of the exercise's reference steps."""
    exercise = prepared.exercise
    assert exercise is not None
    for index, step in enumerate(prepared.steps):
        for name in OPERATORS:
            mutated = _OPERATORS[name](step)
            if mutated is not None and mutated != step:
                yield Mutant(exercise.id, index, name, step, mutated)


def mutated_lines(prepared: Prepared, mutant: Mutant) -> list[tuple[int, str, list[Any]]]:
    """The reference derivation with the mutant in place, as parsed lines for the checker."""
    exercise = prepared.exercise
    assert exercise is not None
    lines = []
    for index, (step, parsed) in enumerate(zip(exercise.steps, prepared.steps, strict=True)):
        formula = mutant.mutated if index == mutant.step else parsed
        text = str(mutant.mutated) if index == mutant.step else step.line
        lines.append((index + 1, text, [formula]))
    return lines


def how_caught(report: Any, mutant: Mutant) -> str | None:
    """ "invalid" when `report` flags the broken line (or the next) invalid; "undecided" when
    it cannot decide a step there (a moment its rules cannot reduce, such as E(1/m)) and does
    not accept the derivation; None when the mutant survives."""
    from quizzer.core.model import Outcome

    broken = (mutant.step + 1, mutant.step + 2)
    first = report.first_invalid
    if first is not None and first.line in broken:
        return "invalid"
    undecided = any(r.line in broken and r.verdict == "undecided" for r in report.lines)
    if undecided and first is None and report.outcome is not Outcome.CORRECT:
        return "undecided"
    return None


def equivalent_in_torch(prepared: Prepared, mutant: Mutant, device: str = "cpu") -> bool:
    """Whether the mutant is the same function as the original step (so not a break), judged
    by torch at random points after the givens are applied; False when torch cannot tell."""
    import sympy

    from quizzer.core.derive.numeric import NotEvaluable, evaluate
    from quizzer.core.derive.verify import compare_values, random_values

    def residual(formula: Any) -> Any:
        normalized = prepared.normalize(formula)
        if isinstance(normalized, sympy.Equality):
            return None
        return normalized

    original, mutated = residual(mutant.original), residual(mutant.mutated)
    if original is None or mutated is None:
        return _equivalent_equations(prepared, mutant)
    try:
        values = random_values(prepared, [original, mutated], device)
        return compare_values(evaluate(mutated, values), evaluate(original, values), values) is None
    except (NotEvaluable, TypeError, ValueError, RuntimeError):
        return False


def _equivalent_equations(prepared: Prepared, mutant: Mutant) -> bool:
    """Equations: equivalent when they have the same solutions for the unknown (compared in
    torch at random points)."""
    from quizzer.core.derive.equations import solutions
    from quizzer.core.derive.numeric import NotEvaluable, evaluate
    from quizzer.core.derive.verify import compare_values, random_values

    if prepared.unknown is None:
        return False
    a = solutions(prepared.normalize(mutant.original), prepared.unknown, 5.0)
    b = solutions(prepared.normalize(mutant.mutated), prepared.unknown, 5.0)
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if a is None or b is None or len(a) != len(b):
        return False
    try:
        values = random_values(prepared, [*a, *b], "cpu")
        return all(
            any(compare_values(evaluate(x, values), evaluate(y, values), values) is None for y in b)
            for x in a
        )
    except (NotEvaluable, TypeError, ValueError, RuntimeError):
        return False


# -- operators ----------------------------------------------------------------------------------


def _flip_sign(expr: Any) -> Any:
    import sympy

    if isinstance(expr, sympy.Equality):
        lhs, rhs = expr.lhs, expr.rhs
        if rhs != 0:
            return sympy.Eq(lhs, _negate_one_term(rhs), evaluate=False)
        return sympy.Eq(_negate_one_term(lhs), rhs, evaluate=False)
    return _negate_one_term(expr)


def _negate_one_term(expr: Any) -> Any:
    import sympy

    if isinstance(expr, sympy.Add):
        first, *rest = expr.args
        return sympy.Add(-first, *rest)
    return -expr


def _drop_two(expr: Any) -> Any:
    import sympy

    for node in sympy.preorder_traversal(expr):
        if node.is_Rational and node not in (1, -1, 0) and (node.p % 2 == 0 or node.q % 2 == 0):
            target = node
            replacement = node / 2 if node.p % 2 == 0 else node * 2
            return expr.xreplace({target: replacement})
    return None


def _sqrt_to_plain(expr: Any) -> Any:
    import sympy

    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow) and node.exp in (sympy.S.Half, -sympy.S.Half):
            replacement = node.base if node.exp > 0 else 1 / node.base
            return expr.xreplace({node: replacement})
    return None


def _swap_fraction(expr: Any) -> Any:
    import sympy

    if isinstance(expr, sympy.Equality):
        for side in ("rhs", "lhs"):
            swapped = _swap_fraction(getattr(expr, side))
            if swapped is not None:
                other = expr.lhs if side == "rhs" else expr.rhs
                pair = (other, swapped) if side == "rhs" else (swapped, other)
                return sympy.Eq(*pair, evaluate=False)
        return None
    numerator, denominator = sympy.fraction(expr)
    if denominator != 1 and numerator != 0:
        return denominator / numerator
    for node in sympy.preorder_traversal(expr):
        if node is expr or not isinstance(node, sympy.Mul | sympy.Pow):
            continue
        numerator, denominator = sympy.fraction(node)
        if denominator != 1 and numerator != 0:
            return expr.xreplace({node: denominator / numerator})
    return None


_OPERATORS: dict[str, Callable[[Any], Any]] = {
    "flip_sign": _flip_sign,
    "drop_two": _drop_two,
    "sqrt_to_plain": _sqrt_to_plain,
    "swap_fraction": _swap_fraction,
}
