"""The session logic that `quiz --plain` and the TUI both drive.

A session plans its questions once (due reviews first, oldest due first, then new questions in
bank order, within the day's limits), stores that plan, and records each graded answer the
moment it is rated. A session left unfinished (quit, crash, SIGKILL) is continued from its
stored plan, skipping what was already answered or skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from quizzer.core.catalog import Catalog
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.planning import (
    DEFAULT_NEW_PER_DAY,
    DEFAULT_REVIEWS_PER_DAY,
    SessionOptions,
    day_plan,
    load_daily_limits,
    plan_questions,
    select_questions,
    topic_tree,
    type_changed_notice,
)
from quizzer.core.scheduler import CardState, Rating, require_utc, schedule, utc_now
from quizzer.core.stats import BankNode, Counts, DayPlan, TopicNode
from quizzer.core.store import Store
from quizzer.core.text import LocalizedText
from quizzer.errors import StoreError

__all__ = [
    "DEFAULT_NEW_PER_DAY",
    "DEFAULT_REVIEWS_PER_DAY",
    "BankNode",
    "Counts",
    "DayPlan",
    "Session",
    "SessionOptions",
    "SessionSummary",
    "TopicNode",
    "TopicScore",
    "day_plan",
    "load_daily_limits",
    "topic_tree",
    "utc_now",
]


@dataclass(frozen=True, slots=True)
class TopicScore:
    correct: int
    answered: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class SessionSummary:
    """The end-of-session report: score, time, accuracy per topic, weakest topics, next due."""

    answered: int
    correct: int
    incorrect: int
    undecided: int
    skipped: int
    duration_s: float  # time spent answering (sum of the answer times)
    elapsed_s: float  # wall time since the session started
    per_topic: dict[str, TopicScore] = field(default_factory=dict)
    weakest_topics: tuple[str, ...] = ()
    ratings: dict[Rating, int] = field(default_factory=dict)
    next_due: datetime | None = None

    @property
    def score(self) -> float:
        """Share of machine-decided answers that were correct (0 when there were none)."""
        decided = self.correct + self.incorrect
        return self.correct / decided if decided else 0.0


class Session:
    """One quiz session over the selected questions, recording every rated answer at once."""

    def __init__(
        self,
        catalog: Catalog,
        store: Store,
        options: SessionOptions,
        clock: Callable[[], datetime] = utc_now,
        session_id: int | None = None,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.options = options
        self.clock = clock
        self.notices: list[LocalizedText] = []
        # question id -> (review id, card before, time) of its review in this run, for `rerate`
        self._last_review: dict[str, tuple[int, CardState | None, datetime]] = {}
        now = self._now()
        if session_id is None:
            self.plan, self.notices = plan_questions(catalog, store, options, now)
            self.session_id = store.start_session(options.to_json(), now)
            store.set_session_plan(self.session_id, [q.id for q in self.plan])
            self._done: set[str] = set()
            self.started_at = now
        else:
            record = store.session(session_id)
            if record is None:
                raise StoreError(f"no session {session_id} in {store.path}")
            self.session_id = session_id
            self.started_at = record.started_at
            self.plan = self._restore_plan(record.plan)
            self._done = set(store.session_question_ids(session_id))

    def _now(self) -> datetime:
        return require_utc(self.clock(), "the session clock")

    def _restore_plan(self, question_ids: Iterable[str]) -> list[Question]:
        types = self.store.card_types()
        plan = []
        for qid in question_ids:
            question = self.catalog.questions.get(qid)
            if question is None:
                self.notices.append(
                    LocalizedText(
                        en=f"Skipped {qid}: it is no longer in the banks (its history is kept).",
                        zh=f"已跳过 {qid}：题库中已没有这道题（其复习记录仍保留）。",
                    )
                )
            elif types.get(qid, question.type) not in ("", question.type):
                self.notices.append(type_changed_notice(question, types[qid]))
            else:
                plan.append(question)
        return plan

    @property
    def answered_count(self) -> int:
        """Planned questions already answered or skipped (the position for "3 / 10")."""
        return sum(1 for q in self.plan if q.id in self._done)

    def next_question(self) -> Question | None:
        for question in self.plan:
            if question.id not in self._done:
                return question
        return None

    def remaining(self) -> int:
        return sum(1 for q in self.plan if q.id not in self._done)

    def record(
        self,
        question: Question,
        answer: str,
        verdict: Verdict,
        rating: Rating,
        duration_s: float,
    ) -> CardState:
        """Schedule the question after `rating` and commit the review before returning.

        A front end may record at once with the proposed rating (so a crash while the learner
        picks a rating loses nothing) and call `rerate` if the learner overrides it.
        """
        now = self._now()
        before = self.store.card(question.id)
        card = schedule(before, Rating(rating), now)
        review_id = self.store.record_review(
            session_id=self.session_id,
            question_id=question.id,
            question_type=question.type,
            answer=answer,
            verdict=verdict.outcome.value,
            rating=Rating(rating),
            duration_s=duration_s,
            now=now,
            card=card,
        )
        self._done.add(question.id)
        self._last_review[question.id] = (review_id, before, now)
        return card

    def rerate(self, question: Question, rating: Rating) -> CardState:
        """Replace the rating of `question`'s review just recorded in this session.

        The card is rescheduled from its state before that review, at that review's time.
        """
        try:
            review_id, before, reviewed_at = self._last_review[question.id]
        except KeyError:
            raise StoreError(f"{question.id} has no review in this session to re-rate") from None
        card = schedule(before, Rating(rating), reviewed_at)
        self.store.amend_rating(review_id, Rating(rating), card, question.type)
        return card

    def skip(self, question: Question) -> None:
        """Leave a question for another day; the skip is stored so continuing honours it."""
        self.store.record_skip(self.session_id, question.id, self._now())
        self._done.add(question.id)

    def summary(self) -> SessionSummary:
        now = self._now()
        reviews = self.store.reviews(session_id=self.session_id)
        per_topic: dict[str, list[int]] = {}
        counts = {outcome: 0 for outcome in Outcome}
        ratings: dict[Rating, int] = {}
        for review in reviews:
            outcome = Outcome(review.verdict)
            counts[outcome] += 1
            ratings[review.rating] = ratings.get(review.rating, 0) + 1
            question = self.catalog.questions.get(review.question_id)
            topic = question.topic if question else "?"
            score = per_topic.setdefault(topic, [0, 0])
            # A self-rated answer counts as correct when the learner rated it Good or Easy.
            good = outcome is Outcome.CORRECT or (
                outcome is Outcome.UNDECIDED and review.rating >= Rating.GOOD
            )
            score[0] += good
            score[1] += 1
        topics = {t: TopicScore(c, n) for t, (c, n) in sorted(per_topic.items())}
        weakest = sorted((s.accuracy, t) for t, s in topics.items() if s.accuracy < 1)
        return SessionSummary(
            answered=len(reviews),
            correct=counts[Outcome.CORRECT],
            incorrect=counts[Outcome.INCORRECT],
            undecided=counts[Outcome.UNDECIDED],
            skipped=len(self.store.skipped(self.session_id)),
            duration_s=sum(r.duration_s for r in reviews),
            elapsed_s=max(0.0, (now - self.started_at).total_seconds()),
            per_topic=topics,
            weakest_topics=tuple(t for _, t in weakest[:3]),
            ratings=ratings,
            next_due=self.next_due(),
        )

    def next_due(self) -> datetime | None:
        """When the earliest question of this session's selection falls due next."""
        cards = self.store.cards()
        selected = select_questions(self.catalog, self.options)
        dues = [cards[q.id].due for q in selected if q.id in cards]
        return min(dues) if dues else None

    def finish(self) -> None:
        self.store.finish_session(self.session_id, self._now())


def as_utc(moment: datetime) -> datetime:
    """Interpret a naive datetime as UTC (for values typed by a person, e.g. QUIZZER_NOW)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def summary_json(summary: SessionSummary) -> dict[str, Any]:
    return {
        "answered": summary.answered,
        "correct": summary.correct,
        "incorrect": summary.incorrect,
        "undecided": summary.undecided,
        "skipped": summary.skipped,
        "score": round(summary.score, 4),
        "duration_s": round(summary.duration_s, 3),
        "elapsed_s": round(summary.elapsed_s, 3),
        "per_topic": {
            t: {"correct": s.correct, "answered": s.answered} for t, s in summary.per_topic.items()
        },
        "weakest_topics": list(summary.weakest_topics),
        "ratings": {r.name.lower(): n for r, n in sorted(summary.ratings.items())},
        "next_due": summary.next_due.isoformat() if summary.next_due else None,
    }
