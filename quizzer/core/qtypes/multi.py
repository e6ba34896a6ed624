"""`multi`: several correct options; the learner must pick exactly the correct set.

Answers: ids or numbers separated by commas or spaces (`a, c`, `1 3`, `ac`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv, mistake_feedback, verdict
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.qtypes.choice import CHOICE, CHOICE_ID, choice_ids, resolve_choice
from quizzer.core.schema import Bool, Field, ListOf, Path, Record, Report
from quizzer.core.text import LocalizedText

SPEC = Record(
    fields={
        "choices": Field(ListOf(CHOICE, min_items=2), required=True),
        "correct": Field(ListOf(CHOICE_ID, min_items=1, unique=True), required=True),
        "shuffle": Field(Bool()),
    },
    description="A multiple choice with several correct options",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    ids = [c.get("id") for c in answer.get("choices", []) if isinstance(c, dict)]
    if len(set(ids)) != len(ids):
        report((*path, "choices"), "choice ids must be unique")
    for i, cid in enumerate(answer.get("correct") or []):
        if cid not in ids:
            report((*path, "correct", i), f"correct choice {cid!r} is not one of {ids}")


def parse_selection(question: Question, raw: Any) -> frozenset[str]:
    if isinstance(raw, list):
        parts = [str(p) for p in raw]
    else:
        text = str(raw).strip()
        ids = choice_ids(question)
        # "ac" is a common way to type two single-letter ids.
        if re.fullmatch(r"[a-z]{2,}", text.lower()) and all(ch in ids for ch in text.lower()):
            parts = list(text.lower())
        else:
            parts = [p for p in re.split(r"[\s,;，、]+", text) if p]
    return frozenset(resolve_choice(question, p) for p in parts)


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    chosen = parse_selection(question, answer)
    correct = frozenset(str(c) for c in question.answer["correct"])
    missing = sorted(correct - chosen)
    extra = sorted(chosen - correct)
    feedback: list[LocalizedText | str] = list(
        mistake_feedback(question, lambda m: str(m).lower() in chosen)
    )
    if chosen != correct:
        if extra:
            feedback.append(f"Not correct: {', '.join(extra)}.")
        if missing:
            feedback.append(f"You missed {len(missing)} correct option(s).")
    return verdict(
        Outcome.CORRECT if chosen == correct else Outcome.INCORRECT,
        *feedback,
        interpreted=", ".join(sorted(chosen)),
        expected=", ".join(sorted(correct)),
        details={"chosen": sorted(chosen), "missing": missing, "extra": extra},
    )


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    return ", ".join(str(c) for c in question.answer["correct"])
