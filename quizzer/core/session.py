"""The session logic that `quiz --plain` and the TUI both drive.

A session plans its questions once (due reviews first, oldest due first, then new questions in
bank order, within the day's limits), stores that plan, and records each graded answer the
moment it is rated. A session left unfinished (quit, crash, SIGKILL) is continued from its
stored plan, skipping what was already answered or skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from quizzer.core.catalog import Catalog
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.scheduler import CardState, Rating, require_utc, schedule, utc_now
from quizzer.core.stats import (
    BankNode,
    Counts,
    DayPlan,
    TopicNode,
    count_questions,
    daily_usage,
    day_start,
)
from quizzer.core.store import Store
from quizzer.core.text import LocalizedText
from quizzer.errors import ConfigError, StoreError, UnknownQuestionError

__all__ = [
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

DEFAULT_NEW_PER_DAY = 10
DEFAULT_REVIEWS_PER_DAY = 100


@dataclass
class SessionOptions:
    """What a session draws from and how much (limits are per UTC day)."""

    bank_ids: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    new_limit: int = DEFAULT_NEW_PER_DAY
    review_limit: int = DEFAULT_REVIEWS_PER_DAY
    review_only: bool = False
    lang: str = "en"

    def matches(self, question: Question, bank_tags: Iterable[str] = ()) -> bool:
        if self.bank_ids and question.bank_id not in self.bank_ids:
            return False
        if self.topics and question.topic not in self.topics:
            return False
        return not self.tags or bool(set(self.tags) & (set(question.tags) | set(bank_tags)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SessionOptions:
        """Options stored with a session; unknown or malformed fields fall back to defaults."""
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        options = cls()
        for name in ("bank_ids", "topics", "tags"):
            if isinstance(data.get(name), list):
                setattr(options, name, tuple(str(v) for v in data[name]))
        for name in ("new_limit", "review_limit"):
            if isinstance(data.get(name), int):
                setattr(options, name, data[name])
        options.review_only = bool(data.get("review_only", False))
        options.lang = str(data["lang"]) if data.get("lang") in ("en", "zh") else "en"
        return options


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


def load_daily_limits() -> tuple[int, int]:
    """(new questions per day, reviews per day) from config.json, else the defaults.

    The config file is JSON: `{"new_per_day": 10, "reviews_per_day": 100}`; both keys optional.
    """
    from quizzer import paths

    file = paths.config_file()
    if not file.exists():
        return DEFAULT_NEW_PER_DAY, DEFAULT_REVIEWS_PER_DAY
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{file}: not valid JSON ({exc})") from exc
    limits = []
    for key, default in (
        ("new_per_day", DEFAULT_NEW_PER_DAY),
        ("reviews_per_day", DEFAULT_REVIEWS_PER_DAY),
    ):
        value = data.get(key, default) if isinstance(data, dict) else default
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{file}: {key} must be a whole number >= 0, got {value!r}")
        limits.append(value)
    return limits[0], limits[1]


def select_questions(catalog: Catalog, options: SessionOptions) -> list[Question]:
    """The questions the options select, in bank order; unknown names are a usage error."""
    for bank_id in options.bank_ids:
        catalog.bank(bank_id)  # raises UnknownQuestionError with a "did you mean"
    known_topics = {q.topic for q in catalog.questions.values()}
    for topic in options.topics:
        if topic not in known_topics:
            raise UnknownQuestionError(
                f"no topic {topic!r}; topics: {', '.join(sorted(known_topics)) or '(none)'}"
            )
    selected = [
        q for bank in catalog.banks for q in bank.questions if options.matches(q, bank.tags)
    ]
    if options.tags and not selected:
        raise UnknownQuestionError(
            f"no question has the tag(s) {', '.join(options.tags)} in the banks selected"
        )
    return selected


def type_changed_notice(question: Question, old_type: str) -> LocalizedText:
    return LocalizedText(
        en=f"Skipped {question.id}: it was a {old_type} question when you last reviewed it and "
        f"is now a {question.type} question. Reset its progress with "
        f"`quizzer progress reset {question.id}` to study it again.",
        zh=f"已跳过 {question.id}：上次复习时它是 {old_type} 题，现在是 {question.type} 题。"
        f"用 `quizzer progress reset {question.id}` 重置进度后可重新学习。",
    )


def plan_questions(
    catalog: Catalog, store: Store, options: SessionOptions, now: datetime
) -> tuple[list[Question], list[LocalizedText]]:
    """Due reviews (oldest due first) then new questions, within what is left of today's limits.

    Returns the plan and the notices for questions skipped because their type changed.
    """
    cards, types = store.cards(), store.card_types()
    usage = daily_usage(store, now)
    due: list[tuple[datetime, int, Question]] = []
    new: list[Question] = []
    notices: list[LocalizedText] = []
    for index, question in enumerate(select_questions(catalog, options)):
        card = cards.get(question.id)
        if card is None:
            new.append(question)
        elif types.get(question.id, question.type) not in ("", question.type):
            notices.append(type_changed_notice(question, types[question.id]))
        elif card.is_due(now):
            due.append((card.due, index, question))
    due.sort(key=lambda item: (item[0], item[1]))
    review_room = max(0, options.review_limit - usage.reviews)
    new_room = 0 if options.review_only else max(0, options.new_limit - usage.new)
    plan = [q for _, _, q in due[:review_room]] + new[:new_room]
    return plan, notices


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


def day_plan(catalog: Catalog, store: Store, options: SessionOptions, now: datetime) -> DayPlan:
    """What a session started now would serve, and counts per bank and topic for the home screen."""
    now = require_utc(now, "now")
    selected = select_questions(catalog, options)
    cards, types = store.cards(), store.card_types()
    usage = daily_usage(store, now)
    plan, _ = plan_questions(catalog, store, options, now)
    new_in_plan = sum(1 for q in plan if q.id not in cards)
    return DayPlan(
        due=len(plan) - new_in_plan,
        new=new_in_plan,
        total=count_questions(selected, cards, types, now),
        reviewed_today=usage.reviews,
        new_today=usage.new,
        by_bank={
            b.id: count_questions([q for q in selected if q.bank_id == b.id], cards, types, now)
            for b in catalog.banks
        },
        by_topic={
            t: count_questions([q for q in selected if q.topic == t], cards, types, now)
            for t in sorted({q.topic for q in selected})
        },
        day_ends=day_start(now) + timedelta(days=1),
    )


def topic_tree(catalog: Catalog, store: Store, now: datetime) -> list[TopicNode]:
    """Topic -> banks, each with counts (questions, due now, new, mastered), topics sorted."""
    now = require_utc(now, "now")
    cards, types = store.cards(), store.card_types()
    nodes: dict[str, list[BankNode]] = {}
    for bank in catalog.banks:
        counts = count_questions(bank.questions, cards, types, now)
        nodes.setdefault(bank.topic, []).append(BankNode(bank.id, bank.title, counts))
    tree = []
    for topic in sorted(nodes):
        banks = nodes[topic]
        questions = [q for b in catalog.banks if b.topic == topic for q in b.questions]
        tree.append(TopicNode(topic, count_questions(questions, cards, types, now), banks))
    return tree


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
