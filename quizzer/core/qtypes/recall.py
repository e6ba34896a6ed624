"""`recall`: an open answer; the learner compares with the key points and rates themselves.

There is nothing to check by machine: `grade` reports the key points and leaves the outcome
undecided, and the front end asks the learner for a self-rating.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv, verdict
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.schema import LOCALIZED_TEXT, Field, ListOf, Path, Record, Report
from quizzer.core.text import LocalizedText

SPEC = Record(
    fields={
        "key_points": Field(
            ListOf(LOCALIZED_TEXT, min_items=1, description="What an interviewer listens for"),
            required=True,
        ),
    },
    description="An open question rated by the learner against its key points",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    points = answer.get("key_points")
    if isinstance(points, list) and not 1 <= len(points) <= 8:
        report((*path, "key_points"), f"expected 1-8 key points, got {len(points)}")


def key_points(question: Question) -> list[LocalizedText]:
    return [LocalizedText.parse(p) for p in question.answer["key_points"]]


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    return verdict(
        Outcome.UNDECIDED,
        "Self-rated: compare your answer with the key points.",
        interpreted=str(answer) if answer else None,
        expected="\n".join("- " + p.get(env.lang) for p in key_points(question)),
        details={"self_rated": True},
    )


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    return "\n".join("- " + p.get(env.lang) for p in key_points(question))
