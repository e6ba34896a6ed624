"""Live helpers around a question: the expression preview, the derivation outline, warm-up.

The engines are optional at any moment of development and on a user's machine (a missing torch,
say): each helper looks its engine function up when called and degrades to "no preview" when it
is not there. Nothing here imports SymPy or torch into the calling process.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterable
from typing import Any

from quizzer.core.catalog import Catalog
from quizzer.core.model import Question


def lookup(module_name: str, attribute: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    function = getattr(module, attribute, None)
    return function if callable(function) else None


def interpret_expression(question: Question, text: str, services: dict[str, Any]) -> str | None:
    """The pretty-printed reading of `text` (from the SymPy worker), or None without an engine.

    Raises the engine's `AnswerError` when the text cannot be read (shown to the learner).
    """
    interpret = lookup("quizzer.core.expr", "interpret")
    if interpret is None:
        return None
    return str(interpret(text, dict(question.answer), services=services))


def derivation_outline(question: Question, catalog: Catalog | None) -> tuple[str, str] | None:
    """(start, goal) of a derivation question's exercise: plain YAML, read in a millisecond."""
    find_exercise = lookup("quizzer.core.derive.exercise", "find_exercise")
    if find_exercise is None or catalog is None:
        return None
    try:
        exercise = find_exercise(str(question.answer["exercise"]), catalog.exercise_files)
    except Exception:  # an outline is a convenience; the prompt states the task too
        return None
    return str(exercise.start), str(exercise.goal)


# Question types whose checks need each engine's worker process.
SYMPY_TYPES = frozenset({"expression", "derivation"})
TORCH_TYPES = frozenset({"code", "numeric-torch"})


def type_key(question: Question) -> str:
    """The question's type, with numeric questions whose reference is computed by torch apart."""
    if question.type == "numeric" and "torch" in question.answer:
        return "numeric-torch"
    return question.type


def warm_for_types(types: Iterable[str], services: dict[str, Any]) -> list[str]:
    """Start the SymPy and torch workers these question types need; returns what was started.

    The engines' warm-up hooks return at once (the worker process imports in the background).
    """
    wanted = set(types)
    started: list[str] = []
    hooks = (
        ("sympy", SYMPY_TYPES, "quizzer.core.expr", "warm_sympy_worker"),
        ("torch", TORCH_TYPES, "quizzer.core.torchcheck", "warm_torch_worker"),
    )
    for name, needs, module, attribute in hooks:
        if wanted & needs:
            warm = lookup(module, attribute)
            if warm is not None:
                warm(services)
                started.append(name)
    return started


def close_services(services: dict[str, Any]) -> None:
    """Stop the worker processes kept in `services` (each has a `close()`)."""
    for name in list(services):
        close = getattr(services.pop(name), "close", None)
        if callable(close):
            # Closing at exit must never hide the real outcome of the run.
            with contextlib.suppress(Exception):
                close()
