"""Equation steps in an exercise that declares an `unknown`: same solutions, same equation.

Only for equations rational in the unknown (where `solve` finds every root); anything else
goes to the engine's own comparison of equations.

The engine compares equations as STACK does (one residual a constant multiple of the other), so
`n_in gamma s^2/2 = s^2` -> `n_in gamma/2 = 1` (dividing by s^2 > 0) would not pass. In a
derivation that solves for one unknown, the step is valid exactly when both equations have the
same solutions for it on the declared domains; SymPy's `solve` finds them (respecting the
unknown's assumptions, so a positive gamma drops negative roots) and the engine compares each
pair of solutions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quizzer.core.derive.expressions import Comparison, compare

if TYPE_CHECKING:
    from quizzer.core.expr import ExprContext

SOLVE_SHARE = 0.5  # of the step's time cap spent solving; the rest compares the solutions


EVERY_VALUE = "every value"  # what `solutions` returns for an identity (x = x)


def solutions(equation: Any, unknown: Any, timeout: float) -> list[Any] | str | None:
    """The solutions for `unknown`, EVERY_VALUE for an identity, or None when SymPy cannot
    find them in time."""
    import sympy

    from quizzer.core.expr.deadline import TimeLimit, time_limit

    residual = equation.lhs - equation.rhs
    try:
        with time_limit(timeout):
            if sympy.expand(residual) == 0:
                return EVERY_VALUE
            numerator, _ = sympy.fraction(sympy.together(residual))
            if not numerator.is_polynomial(unknown):
                # sin(x) = 0 or 2^x = 4: `solve` may return some roots but not all, and
                # matching incomplete lists could accept a wrong step; the engine decides.
                return None
            # simplify=False: 10x faster (7 ms vs 80 ms on Xavier's equation); the engine
            # compares the roots anyway. check=False skips verifying each root (up to 0.3 s):
            # for an equation rational in the unknown the roots of the numerator are exact,
            # and the poles among them are dropped below.
            found = sympy.solve(residual, unknown, simplify=False, check=False)
    except TimeLimit:
        return None
    except (NotImplementedError, TypeError, ValueError):
        return None
    if not isinstance(found, list) or any(isinstance(s, dict | tuple) for s in found):
        return None
    _, denominator = sympy.fraction(sympy.together(residual))
    return [
        root for root in found if _in_domain(root, unknown) and denominator.subs(unknown, root) != 0
    ]


def _in_domain(root: Any, unknown: Any) -> bool:
    """False when SymPy knows the root violates the unknown's assumptions (gamma > 0)."""
    for name in ("positive", "nonnegative", "negative", "nonpositive", "real", "integer"):
        if getattr(unknown, f"is_{name}") and getattr(root, f"is_{name}") is False:
            return False
    return True


def compare_by_solutions(
    answer: Any,
    expected: Any,
    unknown: Any,
    context: ExprContext,
    timeout: float,
    worker: Any = None,
) -> Comparison:
    """Whether two equations have the same solutions for `unknown`."""
    name = str(unknown)
    if answer == expected:
        return Comparison("equivalent", "the same equation", "structural")
    mine = solutions(answer, unknown, timeout * SOLVE_SHARE / 2)
    theirs = solutions(expected, unknown, timeout * SOLVE_SHARE / 2)
    if mine is None or theirs is None:
        # No closed form: fall back on the engine's comparison of the equations themselves.
        return compare(answer, expected, context, timeout * (1 - SOLVE_SHARE), worker)
    if isinstance(mine, str) or isinstance(theirs, str):
        if mine == theirs:
            return Comparison("equivalent", f"both equations hold for every {name}", "symbolic")
        which = "this equation" if isinstance(mine, str) else "the previous equation"
        return Comparison(
            "different", f"{which} holds for every {name}, the other does not", "symbolic"
        )
    if len(mine) != len(theirs):
        return Comparison(
            "different",
            f"this equation has {len(mine)} solution(s) for {name}, the previous one has "
            f"{len(theirs)}",
            "symbolic",
        )
    remaining = list(theirs)
    per_pair = timeout * (1 - SOLVE_SHARE) / max(1, len(mine))
    for solution in mine:
        undecided: Comparison | None = None
        match = None
        last: Comparison | None = None
        for candidate in remaining:
            result = compare(solution, candidate, context, per_pair, worker)
            if result.verdict == "equivalent":
                match = candidate
                break
            if result.verdict == "undecided":
                undecided = result
            last = result
        if match is not None:
            remaining.remove(match)
            continue
        if undecided is not None:
            return Comparison("undecided", undecided.reason, undecided.method)
        counterexample = last.counterexample if last is not None else None
        return Comparison(
            "different",
            f"this equation gives {name} = {solution}, which the previous one does not",
            "solutions",
            counterexample,
        )
    return Comparison("equivalent", f"the same solutions for {name}", "symbolic")
