"""The plain front end in-process (fast): multi-line answers, commands, failing checkers."""

from __future__ import annotations

import io

import pytest
from store_helpers import Clock

from quizzer.commands import quiz_plain
from quizzer.commands.quiz_plain import PlainIO, PlainQuiz
from quizzer.core.catalog import Catalog
from quizzer.core.session import SessionOptions
from quizzer.core.store import Store


def run_plain(catalog: Catalog, store: Store, clock: Clock, script: str, **options: object) -> str:
    out = io.StringIO()
    plain = PlainQuiz(
        catalog,
        store,
        SessionOptions(**options),
        clock,  # type: ignore[arg-type]
        io=PlainIO(io.StringIO(script), out),
        timer=lambda: 0.0,
    )
    plain.run()
    return out.getvalue()


def test_multiline_answer_ends_with_a_dot_line(
    catalog: Catalog, store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No built-in type needs a checker-free multi-line answer, so treat recall as one here.
    monkeypatch.setattr(quiz_plain, "MULTILINE_TYPES", frozenset({"recall"}))
    script = "b\n\n16\n\na c\n\n" + "first line\n  second line\n.\ng\n"
    out = run_plain(catalog, store, clock, script, new_limit=4)
    assert "finish with a line containing only '.'" in out
    [review] = [r for r in store.reviews() if r.question_id == "tiny-recall"]
    assert review.answer == "first line\n  second line"


def test_a_crashing_checker_is_reported_and_the_question_can_be_skipped(
    catalog: Catalog, store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("worker died")

    monkeypatch.setattr(quiz_plain, "grade", broken)
    out = run_plain(catalog, store, clock, "b\n:skip\n:quit\n", new_limit=2)
    assert "The check failed: RuntimeError: worker died" in out
    assert "Skipped." in out and store.reviews() == []
    assert store.unfinished_session() is not None


def test_help_and_unknown_rating_keys(catalog: Catalog, store: Store, clock: Clock) -> None:
    out = run_plain(catalog, store, clock, ":help\nb\nx\n4\n", new_limit=1)
    assert ":skip leaves the question for another day" in out
    assert "Type a, h, g or e (or 1-4)." in out
    [review] = store.reviews()
    assert int(review.rating) == 4
