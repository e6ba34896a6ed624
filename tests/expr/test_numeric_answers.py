"""`numeric` questions as issue 3 asks: every usual way of typing the number is accepted within
the question's tolerance, abbreviations only where the question allows approximate answers."""

from __future__ import annotations

import pytest

from quizzer.core.grading import GradingEnv, grade
from quizzer.core.model import Outcome, Question
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError


def numeric(value: float, **answer: object) -> Question:
    return Question(
        id="n",
        type="numeric",
        prompt=LocalizedText("p"),
        explanation=LocalizedText("e"),
        bank_id="b",
        file="f.yaml",
        answer={"value": value, **answer},
    )


@pytest.mark.parametrize("typed", ["1e-3", "0.001", "1/1000", "1.0E-3", "10^-3 x 1"])
def test_one_thousandth_in_every_spelling(typed: str) -> None:
    q = numeric(0.001, tolerance={"rel": 1e-9})
    if typed == "10^-3 x 1":
        with pytest.raises(AnswerError):
            grade(q, typed, GradingEnv())
        return
    assert grade(q, typed, GradingEnv()).outcome is Outcome.CORRECT


@pytest.mark.parametrize("typed", ["109,482,240", "109482240", "109_482_240"])
def test_exact_counts_with_or_without_separators(typed: str) -> None:
    q = numeric(109482240, tolerance={"rel": 0, "abs": 0})
    assert grade(q, typed, GradingEnv()).outcome is Outcome.CORRECT


def test_abbreviations_only_where_approximate_answers_are_allowed() -> None:
    exact = numeric(109482240, tolerance={"rel": 0, "abs": 0})
    with pytest.raises(AnswerError, match="exact number"):
        grade(exact, "110M", GradingEnv())
    approximate = numeric(109482240, approximate=True)
    assert grade(approximate, "110M", GradingEnv()).outcome is Outcome.CORRECT
    assert grade(approximate, "109.48M", GradingEnv()).outcome is Outcome.CORRECT
    assert grade(approximate, "120M", GradingEnv()).outcome is Outcome.INCORRECT


def test_tolerance_is_the_questions() -> None:
    q = numeric(0.03125, tolerance={"rel": 0.002})
    assert grade(q, "0.0313", GradingEnv()).outcome is Outcome.CORRECT
    assert grade(q, "0.032", GradingEnv()).outcome is Outcome.INCORRECT
