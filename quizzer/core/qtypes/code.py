"""`code`: the learner writes a torch function, run against a reference on random inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question, Verdict
from quizzer.core.schema import AnyValue, Field, Path, Record, Report, Str

SPEC = Record(
    fields={
        "signature": Field(Str(description="The function the learner writes"), required=True),
        "reference": Field(Str(description="The reference implementation"), required=True),
        "cases": Field(AnyValue(description="Input generators / shapes")),
        "variants": Field(AnyValue(description="Known wrong implementations and feedback")),
        "tolerance": Field(AnyValue()),
    },
    description="A code exercise checked by torch",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    return None


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    from quizzer.core.torchcheck.questions import grade_code_question

    return grade_code_question(question, answer, env)


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    return str(question.answer["reference"])
