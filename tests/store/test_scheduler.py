"""FSRS scheduling: pure, UTC only, and proposing the rating a learner would expect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.scheduler import (
    CardState,
    Phase,
    Rating,
    expected_seconds,
    new_card,
    propose_rating,
    schedule,
)
from quizzer.core.text import LocalizedText

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def question(qtype: str = "numeric", difficulty: int = 2) -> Question:
    text = LocalizedText("q")
    return Question(
        id="q",
        type=qtype,
        prompt=text,
        explanation=text,
        bank_id="b",
        file="f",
        answer={},
        difficulty=difficulty,
    )


def test_schedule_is_pure_same_inputs_same_card() -> None:
    first = schedule(None, Rating.GOOD, NOW)
    again = schedule(None, Rating.GOOD, NOW)
    assert first == again
    later = NOW + timedelta(days=3)
    assert schedule(first, Rating.GOOD, later) == schedule(first, Rating.GOOD, later)


def test_new_question_rated_again_comes_back_in_a_minute_easy_in_days() -> None:
    again = schedule(None, Rating.AGAIN, NOW)
    assert again.due == NOW + timedelta(minutes=1)
    assert again.phase is Phase.LEARNING
    easy = schedule(None, Rating.EASY, NOW)
    assert easy.phase is Phase.REVIEW
    assert easy.due >= NOW + timedelta(days=1)
    assert easy.reps == 1 and easy.last_review == NOW


def test_forgetting_a_learned_card_counts_a_lapse_and_relearns() -> None:
    card = schedule(None, Rating.EASY, NOW)
    forgotten = schedule(card, Rating.AGAIN, card.due)
    assert forgotten.phase is Phase.RELEARNING
    assert forgotten.lapses == 1
    assert forgotten.due == card.due + timedelta(minutes=10)


def test_good_reviews_grow_the_interval_until_mastered() -> None:
    card, now = schedule(None, Rating.EASY, NOW), NOW
    intervals = []
    for _ in range(5):
        now = card.due
        card = schedule(card, Rating.GOOD, now)
        intervals.append(card.due - now)
    assert intervals == sorted(intervals) and intervals[-1] > intervals[0]
    assert card.mastered


@pytest.mark.parametrize(
    "bad",
    [datetime(2025, 3, 1, 9), datetime(2025, 3, 1, 9, tzinfo=timezone(timedelta(hours=8)))],
)
def test_naive_or_non_utc_times_are_refused(bad: datetime) -> None:
    with pytest.raises(ValueError, match="UTC"):
        schedule(None, Rating.GOOD, bad)


def test_card_state_json_round_trip() -> None:
    card = schedule(schedule(None, Rating.GOOD, NOW), Rating.HARD, NOW + timedelta(minutes=5))
    assert CardState.from_json(card.to_json()) == card
    fresh = new_card(NOW)
    assert CardState.from_json(fresh.to_json()) == fresh


def test_proposed_rating_follows_verdict_and_time() -> None:
    q = question("numeric", difficulty=2)
    budget = expected_seconds(q)
    right, wrong = Verdict(Outcome.CORRECT), Verdict(Outcome.INCORRECT)
    assert propose_rating(wrong, 1.0, q) is Rating.AGAIN
    assert propose_rating(right, budget * 0.2, q) is Rating.EASY
    assert propose_rating(right, budget, q) is Rating.GOOD
    assert propose_rating(right, budget * 3, q) is Rating.HARD
    assert propose_rating(Verdict(Outcome.UNDECIDED), 5.0, q) is None


def test_harder_questions_and_slower_types_get_more_time() -> None:
    assert expected_seconds(question("numeric", 5)) > expected_seconds(question("numeric", 1))
    assert expected_seconds(question("code")) > expected_seconds(question("choice"))
