"""The domain model: banks, questions, verdicts.

Questions are built from validated bank data (see `schema.py` and `loader.py`). The common fields
are typed attributes; the per-type answer specification stays the validated mapping under
`answer`, interpreted by that type's module in `quizzer.core.qtypes` so a new type never needs
a change here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from quizzer.core.text import LocalizedText

QUESTION_TYPES = (
    "choice",
    "multi",
    "numeric",
    "expression",
    "derivation",
    "code",
    "params",
    "recall",
)

# Types whose answer a machine decides; `recall` is self-rated.
MACHINE_CHECKED_TYPES = frozenset(QUESTION_TYPES) - {"recall"}


@dataclass(frozen=True, slots=True)
class Mistake:
    """A common-mistake rule: when the answer matches `match`, show `feedback`.

    `match` is interpreted by the question type: a choice id, a number, an expression, or the
    name of a code variant.
    """

    match: Any
    feedback: LocalizedText


@dataclass(frozen=True, slots=True)
class AnswerTests:
    """Answers the question's checker must accept and answers it must reject."""

    accept: tuple[Any, ...] = ()
    reject: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: str
    prompt: LocalizedText
    explanation: LocalizedText
    bank_id: str
    file: str
    answer: Mapping[str, Any]
    hints: tuple[LocalizedText, ...] = ()
    difficulty: int = 2
    tags: tuple[str, ...] = ()
    source: str | None = None
    mistakes: tuple[Mistake, ...] = ()
    tests: AnswerTests = field(default_factory=AnswerTests)
    follow_ups: tuple[str, ...] = ()
    topic: str = ""
    line: int | None = None  # filled lazily when a diagnostic needs it

    @property
    def machine_checked(self) -> bool:
        return self.type in MACHINE_CHECKED_TYPES

    @property
    def languages(self) -> tuple[str, ...]:
        return self.prompt.languages


@dataclass(frozen=True, slots=True)
class Bank:
    id: str
    title: LocalizedText
    topic: str
    file: str
    questions: tuple[Question, ...]
    tags: tuple[str, ...] = ()
    description: LocalizedText | None = None
    builtin: bool = False
    # Whether the bank may run its own code (torch references, code variants): built-in banks,
    # and banks the user trusted (`quizzer banks trust`), decided once when the bank is loaded.
    trusted: bool = False

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for q in self.questions:
            counts[q.type] = counts.get(q.type, 0) + 1
        return counts

    @property
    def languages(self) -> tuple[str, ...]:
        if self.questions and all("zh" in q.languages for q in self.questions):
            return ("en", "zh")
        return ("en",)


class Outcome(StrEnum):
    CORRECT = "correct"
    INCORRECT = "incorrect"
    UNDECIDED = "undecided"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a checker decided about one answer; a pure value, rendered by each front end.

    `details` carries type-specific structured data for `--json` and the TUI: a counterexample
    point, the failing code case, per-line derivation verdicts, the breakdown line that diverged.
    """

    outcome: Outcome
    feedback: tuple[LocalizedText, ...] = ()
    interpreted: str | None = None  # how the answer was understood (pretty-printed)
    expected: str | None = None  # the reference answer, when revealing it is allowed
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.outcome is Outcome.CORRECT

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "verdict": self.outcome.value,
            "feedback": [f.get(lang) for f in self.feedback],
            "interpreted": self.interpreted,
            "expected": self.expected,
            "details": dict(self.details),
        }
