"""Counts and statistics over the progress store: what is due, new and mastered; reviews per
day, retention, the due forecast and per-topic mastery.

Days are UTC days (00:00-24:00 UTC), like every time in the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from quizzer.core.model import Question
from quizzer.core.scheduler import CardState, Rating, require_utc
from quizzer.core.text import LocalizedText

if TYPE_CHECKING:
    from quizzer.core.catalog import Catalog
    from quizzer.core.store import ReviewRecord, Store


@dataclass(frozen=True, slots=True)
class Counts:
    """Questions in a group, and how many are due now, never seen, and mastered."""

    questions: int = 0
    due: int = 0
    new: int = 0
    mastered: int = 0

    @property
    def mastered_pct(self) -> float:
        return 100.0 * self.mastered / self.questions if self.questions else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "due": self.due,
            "new": self.new,
            "mastered": self.mastered,
            "mastered_pct": round(self.mastered_pct, 1),
        }


@dataclass(frozen=True, slots=True)
class BankNode:
    bank_id: str
    title: LocalizedText
    counts: Counts


@dataclass(frozen=True, slots=True)
class TopicNode:
    topic: str
    counts: Counts
    banks: list[BankNode] = field(default_factory=list)


@dataclass(frozen=True)
class DayPlan:
    """The home screen's numbers: what a session started now would serve, and totals."""

    due: int  # due reviews a session would serve now (within today's review limit)
    new: int  # new questions it would serve (within today's new limit)
    total: Counts  # over every selected question, without limits
    reviewed_today: int
    new_today: int
    by_bank: dict[str, Counts] = field(default_factory=dict)
    by_topic: dict[str, Counts] = field(default_factory=dict)
    day_ends: datetime | None = None  # when today's limits reset (UTC midnight)


@dataclass(frozen=True, slots=True)
class DailyUsage:
    reviews: int  # reviews today of questions first seen before today
    new: int  # questions seen for the first time today


def day_start(now: datetime) -> datetime:
    """UTC midnight at the start of `now`'s day."""
    return datetime.combine(require_utc(now).date(), time(0), tzinfo=UTC)


def count_questions(
    questions: Iterable[Question],
    cards: Mapping[str, CardState],
    types: Mapping[str, str],
    now: datetime,
) -> Counts:
    """Counts for a group; a question whose type changed counts as neither due nor new."""
    total = due = new = mastered = 0
    for question in questions:
        total += 1
        card = cards.get(question.id)
        if card is None:
            new += 1
            continue
        if types.get(question.id, question.type) not in ("", question.type):
            continue
        due += card.is_due(now)
        mastered += card.mastered
    return Counts(total, due, new, mastered)


def daily_usage(store: Store, now: datetime) -> DailyUsage:
    """How much of today's new and review limits is used already."""
    start = day_start(now)
    first_seen = store.first_review_times()
    today = store.reviews(since=start)
    new = sum(1 for at in first_seen.values() if at >= start)
    reviews = sum(1 for r in today if first_seen.get(r.question_id, start) < start)
    return DailyUsage(reviews=reviews, new=new)


def reviews_per_day(
    reviews: Iterable[ReviewRecord], days: int, now: datetime
) -> list[dict[str, Any]]:
    """Reviews (and how many were correct) on each of the last `days` UTC days, oldest first."""
    first = day_start(now).date() - timedelta(days=days - 1)
    buckets: dict[date, list[int]] = {first + timedelta(days=i): [0, 0] for i in range(days)}
    for review in reviews:
        bucket = buckets.get(review.reviewed_at.date())
        if bucket is not None:
            bucket[0] += 1
            bucket[1] += review.verdict == "correct"
    return [
        {"date": d.isoformat(), "reviews": n, "correct": c} for d, (n, c) in sorted(buckets.items())
    ]


def retention(reviews: Iterable[ReviewRecord]) -> float | None:
    """True retention: the share of reviews of learned questions (review phase) not rated Again.

    None when no learned question has been reviewed yet.
    """
    from quizzer.core.scheduler import Phase

    graded = [r for r in reviews if r.phase_before is Phase.REVIEW]
    if not graded:
        return None
    return sum(r.rating is not Rating.AGAIN for r in graded) / len(graded)


def due_forecast(cards: Iterable[CardState], days: int, now: datetime) -> list[dict[str, Any]]:
    """How many questions fall due on each of the next `days` UTC days (overdue count today)."""
    today = day_start(now).date()
    counts = {today + timedelta(days=i): 0 for i in range(days)}
    for card in cards:
        day = max(card.due.date(), today)
        if day in counts:
            counts[day] += 1
    return [{"date": d.isoformat(), "due": n} for d, n in sorted(counts.items())]


def progress_stats(catalog: Catalog, store: Store, now: datetime, days: int = 14) -> dict[str, Any]:
    """Everything `quizzer stats` shows, as one JSON-ready document."""
    now = require_utc(now, "now")
    reviews = store.reviews()
    cards = store.cards()
    types = store.card_types()
    served = {qid: card for qid, card in cards.items() if qid in catalog.questions}
    topics: dict[str, list[Question]] = {}
    for question in catalog.questions.values():
        topics.setdefault(question.topic, []).append(question)
    per_topic = {
        t: count_questions(qs, cards, types, now).to_json() for t, qs in sorted(topics.items())
    }
    last_month = [r for r in reviews if r.reviewed_at >= now - timedelta(days=30)]
    overall_retention = retention(reviews)
    recent_retention = retention(last_month)
    return {
        "now": now.isoformat(),
        "questions": len(catalog.questions),
        "reviewed_questions": len(served),
        "reviews": len(reviews),
        "mastered": sum(card.mastered for card in served.values()),
        "due_now": sum(card.is_due(now) for card in served.values()),
        "retention": None if overall_retention is None else round(overall_retention, 4),
        "retention_30d": None if recent_retention is None else round(recent_retention, 4),
        "reviews_per_day": reviews_per_day(reviews, days, now),
        "due_forecast": due_forecast(served.values(), days, now),
        "topics": per_topic,
    }
