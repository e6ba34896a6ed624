"""The derive package's one door into the expression engine (`quizzer.core.expr`).

Derivation lines are parsed and compared by the engine, never by a second parser or decision
procedure. What this module adds is plumbing: a context for an exercise's declarations, and the
conversion of lines rewritten under the givens (SymPy objects) into the engine's serialized form,
with nodes it does not take (a family `Sum`, an unevaluated `Subs`) replaced by opaque symbols
that stand for the same quantity on both sides of a comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizzer.core.text import LocalizedText

if TYPE_CHECKING:
    from quizzer.core.expr import ExprContext


@dataclass(frozen=True, slots=True)
class Comparison:
    """The engine's answer for one step: is `answer` (this line) equal to `expected` (the
    previous line)?"""

    verdict: str  # equivalent | different | undecided
    reason: str
    method: str
    counterexample: Mapping[str, Any] | None = None


def make_context(symbols: Mapping[str, Any], functions: Iterable[str]) -> ExprContext:
    """The engine context of an exercise: its symbols (with assumptions) and its functions.

    Declared functions stay abstract (`sigma` too: an exercise defines it in its givens, so
    that `sigma(x)(1 - sigma(x))` stays distinguishable from its expansion).
    """
    from quizzer.core.expr import ExprContext

    spec: dict[str, Any] = dict(symbols)
    for name in functions:
        spec[name] = "function"
    context = ExprContext.from_assume([spec]) if spec else ExprContext()
    return context


def parse(text: str, context: ExprContext) -> Any:
    """One formula (an expression, an equation, `diff(f, x)`); AnswerError when unreadable."""
    from quizzer.core.expr import parse_expression

    return parse_expression(text, context)


def compare(
    answer: Any, expected: Any, context: ExprContext, timeout: float, worker: Any = None
) -> Comparison:
    """Whether two SymPy objects are equal (expressions) or equivalent (equations).

    `worker` is the SymPy worker a front end keeps warm (None: the process-wide default).
    """
    from quizzer.core.expr import check_equivalence
    from quizzer.errors import AnswerError, QuizzerError

    opaque: dict[Any, Any] = {}
    try:
        result = check_equivalence(
            _sendable(answer, opaque),
            _sendable(expected, opaque),
            context,
            timeout=timeout,
            worker=worker,
        )
    except AnswerError:
        raise
    except QuizzerError as exc:  # SymPy failed on this pair: one undecided step, not a crash
        return Comparison("undecided", exc.message, "none")
    return Comparison(
        verdict=result.verdict,
        reason=result.reason,
        method=result.method,
        counterexample=result.counterexample,
    )


def undecided_if_unknowns(result: Comparison, answer: Any, expected: Any) -> Comparison:
    """`result`, except that a difference found while a moment the rules could not reduce
    (an `E(...)`, `Var(...)`, `Cov(...)` left in either formula) or an opaque sum remains is
    reported undecided.

    The engine compares what is left as an unknown function, which proves equalities (equal
    for every function, so for E too) but not differences: E is linear and its values are
    tied to the facts, a random function is not. `E(sum(q_i*k_i)^2) - E(sum(q_i*k_i))^2`
    was judged invalid against `d_k` with a "counterexample" where the variance was -8.6.
    """
    import sympy

    from quizzer.core.derive.expectation import has_operators

    if result.verdict != "different":
        return result
    unsupported = (sympy.Sum, sympy.Subs, sympy.Integral, sympy.Lambda)
    sides = [side for side in (answer, expected) if isinstance(side, sympy.Basic)]
    if any(has_operators(side) for side in sides):
        return Comparison(
            "undecided",
            "the rules for E, Var and Cov cannot reduce this line far enough to compare it, "
            "so the difference the numbers show is not a proof",
            "none",
        )
    if any(side.has(*unsupported) for side in sides):
        return Comparison(
            "undecided",
            "this line keeps a quantity the givens do not determine (such as a derivative "
            "at another point, or a sum), so the difference the numbers show is not a proof",
            "none",
        )
    return result


def near_misses(
    answer: Any, expected: Any, context: ExprContext, timeout: float, worker: Any = None
) -> tuple[LocalizedText, ...]:
    """The engine's generic near-miss feedback (sign flipped, factor of 2, reciprocal, ...)."""
    from quizzer.core.expr.api import near_miss_messages

    opaque: dict[Any, Any] = {}
    try:
        messages = near_miss_messages(
            _sendable(answer, opaque),
            _sendable(expected, opaque),
            context,
            timeout=timeout,
            worker=worker,
        )
    except Exception:
        return ()
    return tuple(_localized(_as_step(m)) for m in messages)


def pretty(expr: Any) -> str:
    """The engine's one-line Unicode form ("interpreted as")."""
    from quizzer.core.expr.api import pretty as engine_pretty

    return str(engine_pretty(expr))


# The engine words its feedback for an answer and an expected formula; in a derivation the
# "answer" is the line being checked and the "expected" formula is the previous line.
_STEP_WORDING = (
    ("Your answer", "This line"),
    ("your answer", "this line"),
    ("the expected one", "the previous line"),
    ("the expected formula", "the previous line"),
    ("the expected answer", "the previous line"),
    ("你的答案", "这一行"),
    ("正确答案", "上一行"),
    ("你用了", "这一行用了"),
    ("你开了", "这一行开了"),
)


def _as_step(message: Any) -> Any:
    if isinstance(message, Mapping):
        return {key: _as_step(text) for key, text in message.items()}
    if not isinstance(message, str):
        return message
    for old, new in _STEP_WORDING:
        message = message.replace(old, new)
    return message


def _localized(message: Any) -> LocalizedText:
    if isinstance(message, LocalizedText):
        return message
    if isinstance(message, Mapping):
        return LocalizedText(en=str(message.get("en", "")), zh=message.get("zh"))
    return LocalizedText.english(str(message))


def _sendable(expr: Any, opaque: dict[Any, Any]) -> Any:
    """`expr` with nodes the engine cannot take replaced by opaque symbols (shared by key)."""
    import sympy

    unsupported = (sympy.Sum, sympy.Subs, sympy.Integral, sympy.Lambda)

    def stand_in(node: Any) -> Any:
        if node not in opaque:
            opaque[node] = sympy.Symbol(f"_quantity{len(opaque) + 1}", real=True)
        return opaque[node]

    if not isinstance(expr, sympy.Basic) or not expr.has(*unsupported):
        return expr
    return expr.replace(lambda e: isinstance(e, unsupported), stand_in)


def free_names(exprs: Sequence[Any]) -> list[str]:
    names: set[str] = set()
    for expr in exprs:
        names |= {str(s) for s in getattr(expr, "free_symbols", ())}
    return sorted(names)
