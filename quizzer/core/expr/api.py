"""The public functions of the expression engine (re-exported by `quizzer.core.expr`).

`check_equivalence`, `near_miss_feedback` and `interpret` run in the SymPy worker process, under
a hard time cap; `parse_expression` and `pretty` run in the caller (they are bounded by the
parser's limits and need SymPy objects in hand).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.expr.context import ExprContext
from quizzer.core.expr.worker import SympyWorker, default_worker, raise_for_error

VERDICTS = ("equivalent", "different", "undecided")


@dataclass(frozen=True)
class EquivalenceResult:
    """The engine's decision about two formulas.

    Attributes:
        verdict: "equivalent", "different" or "undecided".
        reason: one sentence saying why (or why not decided).
        method: how it was decided: structural, symbolic, numeric, timeout, none, worker.
        counterexample: for "different": {"point": {name: value}, "answer": value,
            "expected": value}, values as short decimal text; None otherwise.
        answer_pretty / expected_pretty: how each formula was understood (Unicode).
        ms: time spent in the worker, in milliseconds.
    """

    verdict: str
    reason: str
    method: str
    counterexample: Mapping[str, Any] | None = None
    answer_pretty: str | None = None
    expected_pretty: str | None = None
    ms: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def equivalent(self) -> bool:
        return self.verdict == "equivalent"

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "method": self.method,
            "counterexample": dict(self.counterexample) if self.counterexample else None,
            "answer": self.answer_pretty,
            "expected": self.expected_pretty,
        }

    @classmethod
    def from_reply(cls, reply: Mapping[str, Any]) -> EquivalenceResult:
        return cls(
            verdict=str(reply.get("verdict", "undecided")),
            reason=str(reply.get("reason", "")),
            method=str(reply.get("method", "none")),
            counterexample=reply.get("counterexample"),
            answer_pretty=reply.get("answer_pretty"),
            expected_pretty=reply.get("expected_pretty"),
            ms=reply.get("ms"),
            details=dict(reply.get("details") or {}),
        )


def _formula(value: Any) -> Any:
    """Text travels as is; a SymPy object as a serialized tree."""
    if isinstance(value, str):
        return value
    from quizzer.core.expr.serialize import to_json

    return {"tree": to_json(value)}


def _context_spec(context: ExprContext | Mapping[str, Any] | None) -> dict[str, Any]:
    if context is None:
        return ExprContext().to_spec()
    if isinstance(context, ExprContext):
        return context.to_spec()
    if "symbols" in context and "open_symbols" in context:
        return dict(context)
    return ExprContext.from_answer(context).to_spec()


def parse_expression(text: str, context: ExprContext | None = None) -> Any:
    """Parse `text` into a SymPy expression or `sympy.Eq` (derivatives stay `Derivative`).

    Raises:
        AnswerError: naming the character or name that was not understood.
    """
    from quizzer.core.expr.build import build_expression

    return build_expression(text, context or ExprContext())


def pretty(expr: Any) -> str:
    """Unicode one-line form of a SymPy object, for "interpreted as"."""
    from quizzer.core.expr.pretty import pretty as render

    return render(expr)


def check_equivalence(
    answer: Any,
    expected: Any,
    context: ExprContext | None = None,
    *,
    timeout: float = 2.0,
    worker: SympyWorker | None = None,
) -> EquivalenceResult:
    """Decide whether `answer` and `expected` (text or SymPy objects) are equivalent.

    Runs in the SymPy worker, within `timeout` seconds of wall-clock time.

    Raises:
        AnswerError: when either formula cannot be read (the message says which).
    """
    reply = (worker or default_worker()).request(
        {
            "op": "check",
            "answer": _formula(answer),
            "expected": _formula(expected),
            "context": _context_spec(context),
        },
        timeout,
    )
    raise_for_error(reply)
    return EquivalenceResult.from_reply(reply)


def near_miss_feedback(
    answer: Any,
    expected: Any,
    context: ExprContext | None = None,
    *,
    reveal: bool = False,
    timeout: float = 2.0,
    worker: SympyWorker | None = None,
) -> list[str]:
    """English sentences on how a wrong `answer` relates to `expected` (sign, factor, ...)."""
    messages = near_miss_messages(
        answer, expected, context, reveal=reveal, timeout=timeout, worker=worker
    )
    return [m["en"] for m in messages]


def near_miss_messages(
    answer: Any,
    expected: Any,
    context: ExprContext | None = None,
    *,
    reveal: bool = False,
    timeout: float = 2.0,
    worker: SympyWorker | None = None,
) -> list[dict[str, str]]:
    """The same near-misses in English and Chinese: [{"en": ..., "zh": ...}]."""
    reply = (worker or default_worker()).request(
        {
            "op": "near_miss",
            "answer": _formula(answer),
            "expected": _formula(expected),
            "context": _context_spec(context),
            "reveal": reveal,
        },
        timeout,
    )
    raise_for_error(reply)
    return [
        {"en": str(m["en"]), "zh": str(m.get("zh") or m["en"])} for m in reply.get("feedback", [])
    ]


def interpret(
    text: str,
    context_spec: ExprContext | Mapping[str, Any] | None = None,
    *,
    services: MutableMapping[str, Any] | None = None,
    timeout: float = 1.0,
) -> str:
    """How `text` is understood, pretty-printed by the worker (for live previews).

    `context_spec` is an ExprContext, a question's `answer` mapping, or `to_spec()` output.

    Raises:
        AnswerError: when the text cannot be read (the message says why).
    """
    from quizzer.core.expr.worker import worker_from

    reply = worker_from(services).request(
        {"op": "interpret", "text": text, "context": _context_spec(context_spec)}, timeout
    )
    raise_for_error(reply)
    if "pretty" not in reply:
        from quizzer.errors import AnswerError

        raise AnswerError(str(reply.get("reason") or "could not read the formula in time"))
    return str(reply["pretty"])
