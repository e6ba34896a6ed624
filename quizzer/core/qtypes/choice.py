"""`choice`: one correct option among several.

The learner answers with the option id (`b`), its 1-based number (`2`), or its exact text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv, mistake_feedback, verdict
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.schema import (
    LOCALIZED_TEXT,
    Bool,
    Field,
    ListOf,
    Path,
    Record,
    Report,
    Str,
)
from quizzer.errors import AnswerError

CHOICE_ID = Str(pattern=r"[a-z0-9_-]{1,20}", pattern_help="a short id (a, b, c, ...)")

CHOICE = Record(
    fields={
        "id": Field(CHOICE_ID, required=True),
        "text": Field(LOCALIZED_TEXT, required=True),
        "why": Field(LOCALIZED_TEXT),  # shown after grading: why this option is right or wrong
    },
    description="One option",
)

SPEC = Record(
    fields={
        "choices": Field(ListOf(CHOICE, min_items=2), required=True),
        "correct": Field(CHOICE_ID, required=True),
        "shuffle": Field(Bool(description="Shuffle the options when shown (default true)")),
    },
    description="A single-answer multiple choice",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    ids = [c.get("id") for c in answer.get("choices", []) if isinstance(c, dict)]
    if len(set(ids)) != len(ids):
        report((*path, "choices"), "choice ids must be unique")
    correct = answer.get("correct")
    if isinstance(correct, str) and correct not in ids:
        report((*path, "correct"), f"correct choice {correct!r} is not one of the choices {ids}")


def choice_ids(question: Question) -> list[str]:
    return [str(c["id"]) for c in question.answer["choices"]]


def resolve_choice(question: Question, raw: Any) -> str:
    """Map what the learner typed to a choice id, or raise AnswerError."""
    ids = choice_ids(question)
    text = str(raw).strip()
    lowered = text.lower().rstrip(".)")
    if lowered in ids:
        return lowered
    if lowered.isdigit() and 1 <= int(lowered) <= len(ids):
        return ids[int(lowered) - 1]
    for choice in question.answer["choices"]:
        options = choice["text"] if isinstance(choice["text"], dict) else {"en": choice["text"]}
        if any(text.casefold() == str(v).strip().casefold() for v in options.values()):
            return str(choice["id"])
    raise AnswerError(
        f"{text!r} is not an option of {question.id}: answer with one of "
        + ", ".join(ids)
        + f" or a number 1-{len(ids)}"
    )


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    chosen = resolve_choice(question, answer)
    correct = str(question.answer["correct"])
    feedback = [*mistake_feedback(question, lambda m: str(m).lower() == chosen)]
    why = _why(question, chosen)
    if why is not None and chosen != correct:
        feedback.append(why)
    return verdict(
        Outcome.CORRECT if chosen == correct else Outcome.INCORRECT,
        *feedback,
        interpreted=chosen,
        expected=correct,
        details={"chosen": chosen},
    )


def _why(question: Question, choice_id: str) -> Any:
    from quizzer.core.text import LocalizedText

    for choice in question.answer["choices"]:
        if choice["id"] == choice_id and "why" in choice:
            return LocalizedText.parse(choice["why"])
    return None


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    return str(question.answer["correct"])
