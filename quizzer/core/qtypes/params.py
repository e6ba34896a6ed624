"""`params`: a parameter / FLOP / memory count, checked by the calculator in quizzer.core.params."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question, Verdict
from quizzer.core.schema import AnyValue, Field, Path, Record, Report

SPEC = Record(
    fields={
        "architecture": Field(AnyValue(description="A preset name or hyperparameters"),
                              required=True),
        "count": Field(AnyValue(description="What to count: total, a component, flops, ...")),
        "ranges": Field(AnyValue(description="Hyperparameters drawn at random per attempt")),
        "tolerance": Field(AnyValue()),
    },
    description="A count computed by the parameter calculator",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    return None


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    from quizzer.core.params.questions import grade_params_question

    return grade_params_question(question, answer, env)


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    from quizzer.core.params.questions import params_reference_answer

    return params_reference_answer(question, env)
