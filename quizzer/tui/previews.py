"""Adapters to the engines' live helpers (expression preview, derivation outline, warm-up).

The engines are built in parallel with the TUI; each helper looks its function up when called
and degrades to "no preview" when it is not there, so the TUI never breaks on a missing hook.
None of these import SymPy or torch in this process: the engines answer from worker processes.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterable
from typing import Any

from quizzer.core.model import Question


def _lookup(module_name: str, attribute: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    function = getattr(module, attribute, None)
    return function if callable(function) else None


def expression_context_spec(question: Question) -> dict[str, Any]:
    """What the expression engine needs to parse an answer: the question's symbols/functions."""
    return {key: question.answer[key] for key in ("symbols", "functions") if key in question.answer}


def interpret_expression(question: Question, text: str, services: dict[str, Any]) -> str | None:
    """The pretty-printed reading of `text`, or None when no preview engine is available.

    Raises the engine's `AnswerError` when the text cannot be read (shown to the learner).
    """
    interpret = _lookup("quizzer.core.expr", "interpret")
    if interpret is None:
        return None
    result = interpret(text, expression_context_spec(question), services=services)
    return None if result is None else str(result)


def derivation_outline(question: Question, env: Any) -> tuple[str, str] | None:
    """(start, goal) of a derivation question's exercise, when the derivation engine says."""
    outline = _lookup("quizzer.core.derive", "exercise_outline")
    if outline is None:
        return None
    try:
        start, goal = outline(question, env)
    except Exception:  # an outline is a convenience; the prompt states the task too
        return None
    return str(start), str(goal)


# Question types whose checks need each engine's worker process.
SYMPY_TYPES = frozenset({"expression", "derivation"})
TORCH_TYPES = frozenset({"code"})


def needs_torch(question: Question) -> bool:
    return question.type in TORCH_TYPES or (
        question.type == "numeric" and "torch" in question.answer
    )


def warm_workers(questions: Iterable[Question], services: dict[str, Any]) -> list[str]:
    """Start the SymPy and torch workers the coming questions need; returns what was started.

    The engines' warm-up hooks return at once (the worker process imports in the background).
    """
    started: list[str] = []
    planned = list(questions)
    if any(q.type in SYMPY_TYPES for q in planned):
        warm = _lookup("quizzer.core.expr", "warm_sympy_worker")
        if warm is not None:
            warm(services)
            started.append("sympy")
    if any(needs_torch(q) for q in planned):
        warm = _lookup("quizzer.core.torchcheck", "warm_torch_worker")
        if warm is not None:
            warm(services)
            started.append("torch")
    return started


def close_services(services: dict[str, Any]) -> None:
    """Stop the worker processes kept in `services` (each has a `close()`)."""
    for name in list(services):
        close = getattr(services.pop(name), "close", None)
        if callable(close):
            # Closing at exit must never hide the real outcome of the run.
            with contextlib.suppress(Exception):
                close()
