"""`expression`: a formula, checked for equivalence by the SymPy engine in quizzer.core.expr."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question, Verdict
from quizzer.core.schema import (
    AnyValue,
    Bool,
    Field,
    ListOf,
    Path,
    Record,
    Report,
    Str,
)

SPEC = Record(
    fields={
        "expected": Field(Str(description="The reference formula"), required=True),
        "symbols": Field(
            AnyValue(
                description="Symbol -> assumption(s): positive, real, integer, probability, ..."
            )
        ),
        "functions": Field(ListOf(Str(), description="Declared function names, e.g. sigma")),
        "reveal": Field(Bool(description="Whether feedback may show the full answer")),
    },
    description="A formula checked by SymPy",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    return None


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    from quizzer.core.expr.questions import grade_expression_question

    return grade_expression_question(question, answer, env)


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    return str(question.answer["expected"])
