"""The expression engine: read typed formulas safely and decide whether two are equivalent.

Public API (lazy: importing this package loads neither SymPy nor the worker):

- `ExprContext`: declared symbols, assumptions and functions (`from_answer`, `from_assume`).
- `parse_expression(text, context)`: a SymPy expression or `Eq`; raises `AnswerError`.
- `check_equivalence(answer, expected, context, timeout=2.0) -> EquivalenceResult`.
- `near_miss_feedback(answer, expected, context) -> list[str]`.
- `pretty(expr) -> str`: the Unicode "interpreted as" form.
- `SympyWorker`, `warm_sympy_worker(services)`, `interpret(text, context_spec)`: the worker
  process that front ends keep in `GradingEnv.services["sympy"]`.

See docs/expressions.md for the input language and the decision procedure.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizzer.core.expr.api import (
        EquivalenceResult,
        check_equivalence,
        interpret,
        near_miss_feedback,
        parse_expression,
        pretty,
    )
    from quizzer.core.expr.context import ExprContext
    from quizzer.core.expr.worker import SympyWorker, warm_sympy_worker

_EXPORTS = {
    "ExprContext": "quizzer.core.expr.context",
    "EquivalenceResult": "quizzer.core.expr.api",
    "check_equivalence": "quizzer.core.expr.api",
    "interpret": "quizzer.core.expr.api",
    "near_miss_feedback": "quizzer.core.expr.api",
    "parse_expression": "quizzer.core.expr.api",
    "pretty": "quizzer.core.expr.api",
    "SympyWorker": "quizzer.core.expr.worker",
    "warm_sympy_worker": "quizzer.core.expr.worker",
}

__all__ = [
    "EquivalenceResult",
    "ExprContext",
    "SympyWorker",
    "check_equivalence",
    "interpret",
    "near_miss_feedback",
    "parse_expression",
    "pretty",
    "warm_sympy_worker",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'quizzer.core.expr' has no attribute {name!r}")
