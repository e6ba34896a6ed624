"""What the SymPy worker does with one request (also callable in-process, for tests).

Requests and replies are JSON-able dicts (see `worker.py` for the transport):

- `{"op": "interpret", "text", "context"}` -> `{"pretty"}`
- `{"op": "check", "answer", "expected", "context", "timeout"}` -> a result (verdict, reason,
  method, counterexample, answer/expected pretty-printed)
- `{"op": "near_miss", "answer", "expected", "context", "reveal"}` -> `{"feedback": [{en, zh}]}`
- `{"op": "grade", ... "mistakes": [formula, ...], "reveal"}` -> a check result plus
  `feedback` and `mistakes` (indices of the authored mistakes the answer matches)

A formula is text, or `{"tree": ...}` from `serialize.to_json`. A formula that cannot be read
gives `{"error": {"type": "AnswerError", "message", "side"}}`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from quizzer.core.expr.build import Builder, build_expression
from quizzer.core.expr.context import ExprContext
from quizzer.core.expr.deadline import Deadline, TimeLimit, time_limit
from quizzer.errors import AnswerError, QuizzerError

DEFAULT_TIMEOUT = 2.0
# Seconds kept back from the caller's cap for pretty-printing and the reply.
REPLY_MARGIN = 0.1


class SideError(AnswerError):
    """An unreadable formula, saying which side (answer or expected) it was."""

    def __init__(self, side: str, message: str) -> None:
        super().__init__(message)
        self.side = side


def context_from(spec: Any) -> ExprContext:
    if isinstance(spec, ExprContext):
        return spec
    return ExprContext.from_spec(spec or {})


def _adopt_symbols(expr: Any, builder: Builder) -> Any:
    """Give bare SymPy symbols (no assumptions) the context's domain, so `Symbol('x')` from
    another engine means the same as a typed `x`."""
    bare = {
        s: builder.symbol(s.name)
        for s in expr.free_symbols
        if s.is_Symbol and not (set(s._assumptions_orig) - {"commutative"})
    }
    return expr.xreplace(bare) if bare else expr


def read_formula(
    formula: Any,
    builder: Builder,
    side: str,
    extra: frozenset[str] = frozenset(),
    *,
    open_names: bool = False,
) -> Any:
    """A SymPy object from text or a serialized tree."""
    from quizzer.core.expr.serialize import from_json

    try:
        if isinstance(formula, Mapping) and "tree" in formula:
            return _adopt_symbols(from_json(formula["tree"]), builder)
        if not isinstance(formula, str):
            raise AnswerError(f"expected a formula as text, got {type(formula).__name__}")
        context = builder.context.opened() if open_names else builder.context
        return build_expression(formula, context, extra, builder)
    except AnswerError as exc:
        raise SideError(side, exc.message) from None
    except (RecursionError, MemoryError):
        raise SideError(side, "formula too complex to read") from None


def read_pair(answer: Any, expected: Any, context: ExprContext) -> tuple[Any, Any, Builder]:
    """Both formulas with shared symbols; the expected formula's names are allowed in the
    answer even where the question did not declare them."""
    from quizzer.core.expr.syntax import parse_tree

    builder = Builder(context)
    expected_expr = read_formula(expected, builder, "expected", open_names=True)
    extra: frozenset[str] = frozenset()
    if isinstance(expected, str) and not context.open_symbols:
        extra = frozenset(parse_tree(expected, context.opened()).names())
    answer_expr = read_formula(answer, builder, "answer", extra)
    return answer_expr, expected_expr, builder


def check(request: Mapping[str, Any]) -> dict[str, Any]:
    from quizzer.core.expr.engine import Decision, decide
    from quizzer.core.expr.pretty import pretty

    started = time.monotonic()
    timeout = float(request.get("timeout") or DEFAULT_TIMEOUT)
    deadline = Deadline(max(0.05, timeout - REPLY_MARGIN))
    context = context_from(request.get("context"))
    answer, expected, _ = read_pair(request["answer"], request["expected"], context)
    try:
        with time_limit(max(0.01, deadline.remaining())):
            decision = decide(answer, expected, context, deadline)
    except TimeLimit:
        decision = Decision("undecided", "time limit reached before a decision", "timeout")
    result: dict[str, Any] = {
        "verdict": decision.verdict,
        "reason": decision.reason,
        "method": decision.method,
        "counterexample": decision.counterexample,
        "answer_pretty": pretty(answer),
        "expected_pretty": pretty(expected),
        "details": decision.details,
    }
    result["ms"] = round((time.monotonic() - started) * 1000, 2)
    return result


def near_miss(request: Mapping[str, Any]) -> dict[str, Any]:
    from quizzer.core.expr.feedback import near_misses

    context = context_from(request.get("context"))
    answer, expected, _ = read_pair(request["answer"], request["expected"], context)
    timeout = float(request.get("timeout") or DEFAULT_TIMEOUT)
    try:
        with time_limit(max(0.05, timeout - REPLY_MARGIN)):
            messages = near_misses(answer, expected, context, reveal=bool(request.get("reveal")))
    except TimeLimit:
        messages = []
    return {"feedback": messages}


def grade(request: Mapping[str, Any]) -> dict[str, Any]:
    """Check, then (for a wrong answer) match authored mistakes and find near-misses."""
    from quizzer.core.expr.engine import decide
    from quizzer.core.expr.feedback import near_misses

    started = time.monotonic()
    timeout = float(request.get("timeout") or DEFAULT_TIMEOUT)
    used = forbidden_calls(request)
    result = check(request)
    result["feedback"], result["mistakes"] = [], []
    if used:
        names = ", ".join(used)
        result.update(
            verdict="different",
            method="structural",
            reason=f"the answer uses {names}, which this question asks you not to use",
        )
        result["feedback"] = [
            {"en": f"Write the answer without {names}.", "zh": f"请不要使用 {names} 来写答案。"}
        ]
        return result
    if result["verdict"] == "equivalent":
        return result
    context = context_from(request.get("context"))
    answer, expected, builder = read_pair(request["answer"], request["expected"], context)
    left = timeout - REPLY_MARGIN - (time.monotonic() - started)
    try:
        with time_limit(max(0.01, left)):
            for index, mistake in enumerate(request.get("mistakes") or ()):
                match = read_formula(mistake, builder, "mistake", open_names=True)
                decision = decide(answer, match, context, Deadline(max(0.01, left / 2)))
                if decision.verdict == "equivalent":
                    result["mistakes"].append(index)
            if result["verdict"] == "different":
                result["feedback"] = near_misses(
                    answer, expected, context, reveal=bool(request.get("reveal"))
                )
    except TimeLimit:
        pass
    result["ms"] = round((time.monotonic() - started) * 1000, 2)
    return result


def forbidden_calls(request: Mapping[str, Any]) -> list[str]:
    """The functions the answer calls that the question forbids (canonical names)."""
    from quizzer.core.expr.lexicon import FUNCTIONS
    from quizzer.core.expr.syntax import Node, parse_tree

    forbid = {FUNCTIONS[name][0] for name in request.get("forbid") or () if name in FUNCTIONS}
    answer = request.get("answer")
    if not forbid or not isinstance(answer, str):
        return []
    context = context_from(request.get("context"))
    tree = parse_tree(answer, context.opened())

    def calls(node: Node) -> set[str]:
        found = {node.value} if node.kind == "call" else set()
        if node.kind == "const" and node.value == "E":
            found.add("exp")  # e^x is exp(x)
        for arg in node.args:
            found |= calls(arg)
        return found

    found = calls(tree)
    # And what SymPy made of it: 2^(-2x/log(2)) is built as exp(-2x), so "without exp" must
    # refuse it too.
    import sympy

    try:
        built = build_expression(answer, context.opened())
    except QuizzerError:
        built = None
    if isinstance(built, sympy.Basic):
        found |= {type(f).__name__ for f in built.atoms(sympy.Function)}
        if built.has(sympy.E):
            found.add("exp")
    return sorted(found & forbid)


def interpret(request: Mapping[str, Any]) -> dict[str, Any]:
    from quizzer.core.expr.pretty import pretty

    context = context_from(request.get("context"))
    builder = Builder(context)
    return {"pretty": pretty(read_formula(request["text"], builder, "answer"))}


def ping(request: Mapping[str, Any]) -> dict[str, Any]:
    return {"pong": True}


OPS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "check": check,
    "near_miss": near_miss,
    "grade": grade,
    "interpret": interpret,
    "ping": ping,
}


def handle(request: Mapping[str, Any]) -> dict[str, Any]:
    """Answer one request; never raises (errors become {"error": ...})."""
    op = OPS.get(str(request.get("op")))
    if op is None:
        return {"error": {"type": "UsageError", "message": f"unknown op {request.get('op')!r}"}}
    try:
        return op(request)
    except SideError as exc:
        return {"error": {"type": "AnswerError", "message": exc.message, "side": exc.side}}
    except QuizzerError as exc:
        return {"error": {"type": type(exc).__name__, "message": exc.message}}
    except TimeLimit:
        return {
            "verdict": "undecided",
            "reason": "time limit reached before a decision",
            "method": "timeout",
            "counterexample": None,
        }
    except (RecursionError, MemoryError):
        return {
            "verdict": "undecided",
            "reason": "the formulas are too complex to compare",
            "method": "none",
            "counterexample": None,
        }
    except Exception as exc:  # a SymPy failure must not take the worker down
        return {
            "error": {
                "type": "InternalError",
                "message": f"the checker failed: {type(exc).__name__}: {exc}",
            }
        }
