"""Which questions a session serves: the selection (banks, topics, tags), the day's limits,
and the counts the home screen shows.

Due reviews come first, oldest due first, then new questions in bank order, within what is left
of the day's limits (counted per UTC day over every session of that day).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from quizzer.core.catalog import Catalog
from quizzer.core.model import Question
from quizzer.core.scheduler import require_utc
from quizzer.core.stats import (
    BankNode,
    DayPlan,
    TopicNode,
    count_questions,
    daily_usage,
    day_start,
)
from quizzer.core.store import Store
from quizzer.core.text import LocalizedText
from quizzer.errors import ConfigError, UnknownQuestionError

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
