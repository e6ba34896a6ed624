"""Grading: dispatch an answer to its question type's checker.

Every front end (TUI, `quiz --plain`, `quizzer answer`, `banks check`) calls `grade` so a verdict
never depends on where the answer was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.qtypes import type_module
from quizzer.core.text import LocalizedText

if TYPE_CHECKING:
    from quizzer.core.catalog import Catalog


@dataclass
class GradingEnv:
    """What a checker may need besides the question and the answer.

    Attributes:
        lang: the learner's language, for generated feedback.
        catalog: the loaded banks and derivation exercises (derivation questions look up theirs).
        device: where torch checks run: "auto", "cpu" or "cuda".
        trusted_code: whether this question's bank may run its own code (references, variants).
        seed: seeds random draws (params drills with ranges, random test inputs).
        services: long-lived helpers a front end keeps warm (the torch worker, the SymPy worker),
            keyed by name; checkers create their own when absent.
    """

    lang: str = "en"
    catalog: Catalog | None = None
    device: str = "auto"
    trusted_code: bool = True
    seed: int | None = None
    services: dict[str, Any] = field(default_factory=dict)
    # How long one check may take, in seconds, before it is reported undecided / timeout.
    expression_timeout: float = 2.0
    code_timeout: float = 10.0


def grade(question: Question, answer: Any, env: GradingEnv | None = None) -> Verdict:
    """Grade one answer. Raises `AnswerError` when the answer cannot be understood at all."""
    env = env or GradingEnv()
    verdict: Verdict = type_module(question.type).grade(question, answer, env)
    return verdict


def reference_answer(question: Question, env: GradingEnv | None = None) -> str | None:
    text: str | None = type_module(question.type).reference_answer(question, env or GradingEnv())
    return text


def mistake_feedback(
    question: Question, matches: Callable[[Any], bool]
) -> tuple[LocalizedText, ...]:
    """The authored feedback of every `mistakes` rule whose `match` the answer hits."""
    return tuple(m.feedback for m in question.mistakes if matches(m.match))


def verdict(
    outcome: Outcome,
    *feedback: LocalizedText | str,
    interpreted: str | None = None,
    expected: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> Verdict:
    """Build a Verdict; plain strings become English-only feedback."""
    return Verdict(
        outcome=outcome,
        feedback=tuple(LocalizedText.english(f) if isinstance(f, str) else f for f in feedback),
        interpreted=interpreted,
        expected=expected,
        details=dict(details or {}),
    )


def render_prompt(question: Question, env: GradingEnv | None = None) -> str:
    """The prompt as the learner sees it; a type may fill in per-attempt values (params drills
    draw hyperparameters from ranges, seeded by `env.seed`)."""
    env = env or GradingEnv()
    custom = getattr(type_module(question.type), "render_prompt", None)
    if custom is not None:
        text: str = custom(question, env)
        return text
    return question.prompt.get(env.lang)
