"""Session planning and recording with an injected clock: due reviews first, daily limits,
the next day's due reviews, continuing an interrupted session, removed and retyped questions."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from store_helpers import Clock

from quizzer.core.catalog import Catalog
from quizzer.core.grading import grade
from quizzer.core.model import Outcome, Verdict
from quizzer.core.scheduler import Rating
from quizzer.core.session import Session, SessionOptions, day_plan, topic_tree
from quizzer.core.store import Store

RIGHT = {"tiny-choice": "b", "tiny-numeric": "16", "tiny-multi": "a, c", "tiny-recall": "..."}


def answer_all(
    session: Session, rating: Rating = Rating.GOOD, clock: Clock | None = None
) -> list[str]:
    served = []
    while (question := session.next_question()) is not None:
        verdict = grade(question, RIGHT[question.id])
        session.record(question, RIGHT[question.id], verdict, rating, 5.0)
        served.append(question.id)
        if clock:
            clock.advance(seconds=30)
    return served


def test_first_session_serves_new_questions_in_bank_order(
    catalog: Catalog, store: Store, clock: Clock
) -> None:
    session = Session(catalog, store, SessionOptions(new_limit=3), clock)
    assert [q.id for q in session.plan] == ["tiny-choice", "tiny-numeric", "tiny-multi"]
    assert session.remaining() == 3
    served = answer_all(session)
    assert served == ["tiny-choice", "tiny-numeric", "tiny-multi"]
    assert session.remaining() == 0 and session.next_question() is None
    assert {r.question_id for r in store.reviews()} == set(served)


def test_next_day_serves_exactly_the_due_reviews_then_new(
    catalog: Catalog, store: Store, clock: Clock
) -> None:
    first = Session(catalog, store, SessionOptions(new_limit=2), clock)
    q_choice, q_numeric = first.plan
    first.record(q_choice, "b", grade(q_choice, "b"), Rating.GOOD, 4.0)  # learning: due in 10m
    first.record(q_numeric, "16", grade(q_numeric, "16"), Rating.EASY, 4.0)  # due in days
    first.finish()
    clock.advance(days=1)
    due_now = {qid for qid, card in store.cards().items() if card.is_due(clock.now)}
    assert due_now == {"tiny-choice"}
    second = Session(catalog, store, SessionOptions(new_limit=1), clock)
    assert [q.id for q in second.plan] == ["tiny-choice", "tiny-multi"]
    assert not store.card("tiny-numeric").is_due(clock.now)  # type: ignore[union-attr]


def test_due_reviews_come_oldest_first(catalog: Catalog, store: Store, clock: Clock) -> None:
    session = Session(catalog, store, SessionOptions(new_limit=2), clock)
    a, b = session.plan
    session.record(b, "16", grade(b, "16"), Rating.AGAIN, 3.0)
    clock.advance(minutes=5)
    session.record(a, "b", grade(a, "b"), Rating.AGAIN, 3.0)
    session.finish()
    clock.advance(hours=2)
    later = Session(catalog, store, SessionOptions(review_only=True), clock)
    assert [q.id for q in later.plan] == ["tiny-numeric", "tiny-choice"]


def test_daily_new_limit_counts_earlier_sessions_of_the_same_utc_day(
    catalog: Catalog, store: Store, clock: Clock
) -> None:
    options = SessionOptions(new_limit=2)
    answer_all(Session(catalog, store, options, clock))
    clock.advance(hours=1)
    same_day = Session(catalog, store, SessionOptions(new_limit=2, review_limit=0), clock)
    assert same_day.plan == []
    clock.now = clock.now.replace(hour=0) + timedelta(days=1)
    next_day = Session(catalog, store, SessionOptions(new_limit=2, review_limit=0), clock)
    assert [q.id for q in next_day.plan] == ["tiny-multi", "tiny-recall"]


def test_review_only_serves_no_new_questions(catalog: Catalog, store: Store, clock: Clock) -> None:
    assert Session(catalog, store, SessionOptions(review_only=True), clock).plan == []


def test_filters_by_bank_topic_and_tag(catalog: Catalog, store: Store, clock: Clock) -> None:
    by_tag = Session(catalog, store, SessionOptions(tags=("warmup",)), clock)
    assert [q.id for q in by_tag.plan] == ["tiny-choice"]
    by_topic = Session(catalog, store, SessionOptions(topics=("testing",), new_limit=9), clock)
    assert len(by_topic.plan) == 4


def test_interrupted_session_continues_where_it_stopped(
    catalog: Catalog, store: Store, clock: Clock
) -> None:
    session = Session(catalog, store, SessionOptions(new_limit=4), clock)
    first = session.next_question()
    assert first is not None
    session.record(first, "b", grade(first, "b"), Rating.GOOD, 2.0)
    skipped = session.next_question()
    assert skipped is not None
    session.skip(skipped)
    # the process dies here; a new one finds the session and continues it
    offered = store.unfinished_session()
    assert offered is not None and offered.id == session.session_id
    resumed = Session(catalog, store, SessionOptions(), clock, session_id=offered.id)
    assert [q.id for q in resumed.plan] == [q.id for q in session.plan]
    assert resumed.answered_count == 2 and resumed.remaining() == 2
    assert answer_all(resumed) == ["tiny-multi", "tiny-recall"]
    summary = resumed.summary()
    assert (summary.answered, summary.skipped) == (3, 1)


def test_removed_question_keeps_history_but_is_not_served(
    catalog: Catalog, store: Store, clock: Clock
) -> None:
    answer_all(Session(catalog, store, SessionOptions(new_limit=4), clock), Rating.AGAIN)
    clock.advance(days=1)
    del catalog.questions["tiny-numeric"]
    bank = catalog.banks[0]
    catalog.banks[0] = dataclasses.replace(
        bank, questions=tuple(q for q in bank.questions if q.id != "tiny-numeric")
    )
    session = Session(catalog, store, SessionOptions(), clock)
    assert "tiny-numeric" not in [q.id for q in session.plan]
    assert store.card("tiny-numeric") is not None
    assert any(r.question_id == "tiny-numeric" for r in store.reviews())


def test_question_whose_type_changed_is_skipped_with_a_notice(
    catalog: Catalog, store: Store, clock: Clock
) -> None:
    answer_all(Session(catalog, store, SessionOptions(new_limit=4), clock), Rating.AGAIN)
    clock.advance(days=1)
    retyped = dataclasses.replace(catalog.questions["tiny-numeric"], type="params")
    catalog.questions["tiny-numeric"] = retyped
    bank = catalog.banks[0]
    catalog.banks[0] = dataclasses.replace(
        bank, questions=tuple(retyped if q.id == retyped.id else q for q in bank.questions)
    )
    session = Session(catalog, store, SessionOptions(), clock)
    assert "tiny-numeric" not in [q.id for q in session.plan]
    assert any("tiny-numeric" in n.en and "params" in n.en for n in session.notices)
    assert all(n.zh for n in session.notices)


def test_summary_scores_topics_and_next_due(catalog: Catalog, store: Store, clock: Clock) -> None:
    session = Session(catalog, store, SessionOptions(new_limit=4), clock)
    choice, numeric, multi, recall = session.plan
    session.record(choice, "b", grade(choice, "b"), Rating.GOOD, 4.0)
    session.record(numeric, "12", grade(numeric, "12"), Rating.AGAIN, 6.0)
    session.skip(multi)
    session.record(recall, "...", Verdict(Outcome.UNDECIDED), Rating.HARD, 10.0)
    clock.advance(minutes=2)
    summary = session.summary()
    assert (summary.answered, summary.correct, summary.incorrect, summary.undecided) == (3, 1, 1, 1)
    assert summary.skipped == 1 and summary.score == 0.5
    assert summary.duration_s == 20.0 and summary.elapsed_s == 120.0
    assert summary.per_topic["testing"].answered == 3
    assert summary.weakest_topics == ("testing",)
    assert summary.next_due == clock.now - timedelta(minutes=2) + timedelta(minutes=1)
    assert summary.ratings == {Rating.GOOD: 1, Rating.AGAIN: 1, Rating.HARD: 1}


def test_day_plan_and_topic_tree_counts(catalog: Catalog, store: Store, clock: Clock) -> None:
    session = Session(catalog, store, SessionOptions(new_limit=2), clock)
    answer_all(session, Rating.AGAIN)
    clock.advance(hours=1)
    plan = day_plan(catalog, store, SessionOptions(new_limit=3), clock.now)
    assert (plan.due, plan.new) == (2, 1)  # two due again; one new left of today's three
    assert plan.total.questions == 4 and plan.total.new == 2 and plan.new_today == 2
    [node] = topic_tree(catalog, store, clock.now)
    assert node.topic == "testing" and node.banks[0].bank_id == "tiny"
    assert (node.counts.questions, node.counts.due, node.counts.new) == (4, 2, 2)
    assert node.counts.mastered_pct == 0.0


def test_rerating_replaces_the_rating_and_reschedules_from_before(
    catalog: Catalog, store: Store, clock: Clock
) -> None:
    session = Session(catalog, store, SessionOptions(new_limit=1), clock)
    question = session.plan[0]
    verdict = grade(question, "b")
    proposed = session.record(question, "b", verdict, Rating.EASY, 3.0)
    clock.advance(seconds=20)  # the learner thinks before overriding
    amended = session.rerate(question, Rating.AGAIN)
    assert amended.due == clock.now - timedelta(seconds=20) + timedelta(minutes=1)
    assert amended.reps == 1 and amended != proposed
    assert store.card(question.id) == amended
    assert [(r.rating, r.answer) for r in store.reviews()] == [(Rating.AGAIN, "b")]


def test_stats_retention_counts_reviews_of_learned_questions(
    catalog: Catalog, store: Store, clock: Clock
) -> None:
    from quizzer.core.stats import progress_stats

    answer_all(Session(catalog, store, SessionOptions(new_limit=2), clock), Rating.EASY)
    assert progress_stats(catalog, store, clock.now)["retention"] is None
    clock.advance(days=30)
    session = Session(catalog, store, SessionOptions(review_only=True), clock)
    choice, numeric = session.plan
    session.record(choice, "b", grade(choice, "b"), Rating.GOOD, 3.0)
    session.record(numeric, "12", grade(numeric, "12"), Rating.AGAIN, 3.0)
    stats = progress_stats(catalog, store, clock.now, days=31)
    assert stats["retention"] == 0.5 and stats["retention_30d"] == 0.5
    assert stats["reviews_per_day"][0]["reviews"] == 2  # 30 days ago
    assert stats["reviews_per_day"][-1] == {"date": "2025-03-31", "reviews": 2, "correct": 1}
