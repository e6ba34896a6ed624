"""A learner's session driven by key presses: what they see, and what lands in the database."""

from __future__ import annotations

from typing import Any

from tui_helpers import SIZE, Clock, Stopwatch, plan_value, screen_text, tree_row

from quizzer.core.scheduler import Rating
from quizzer.core.store import Store
from quizzer.tui.screens.feedback import FeedbackScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.question import QuestionScreen
from quizzer.tui.screens.summary import SummaryScreen
from quizzer.tui.widgets.answers import ChoiceAnswer


async def wait_for_screen(pilot: Any, kind: type, tries: int = 50) -> None:
    """Let the grading worker finish and the next screen mount."""
    for _ in range(tries):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"expected {kind.__name__}, got {type(pilot.app.screen).__name__}")


def reviews(store: Store) -> list[tuple[str, str, str, Rating]]:
    return [(r.question_id, r.answer, r.verdict, r.rating) for r in store.reviews()]


async def test_home_lists_topics_banks_and_the_days_plan(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "All banks" in text
        assert "demo" in text and "other" in text
        # 5 questions, none due, 5 new, 0% mastered on the root row.
        assert tree_row(app, "All banks") == ["5", "0", "5", "0%"]
        assert "New questions" in text and "Start session" in text


async def test_filter_narrows_the_tree(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"other")
        await pilot.pause()
        text = screen_text(app)
        assert "other" in text.split("Start session")[0]
        assert " demo " not in text


async def test_choice_by_number_key_is_graded_and_recorded(make_app: Any, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        assert "bounded between 0 and 1" in screen_text(app)
        await pilot.press("2", "enter")  # 2 = Sigmoid (the bank turns shuffling off)
        await wait_for_screen(pilot, FeedbackScreen)
        text = screen_text(app)
        assert "✓ Correct" in text
        assert "Your answer b: Sigmoid" in text
        assert "proposed: Easy" in text  # correct, answered at once
        # Committed the moment it was graded, with the proposed rating...
        assert reviews(store) == [("demo-choice", "b", "correct", Rating.EASY)]
        await pilot.press("3")  # ...and amended when the learner overrides Easy with Good
        await wait_for_screen(pilot, QuestionScreen)
        assert reviews(store) == [("demo-choice", "b", "correct", Rating.GOOD)]
        assert "Question 2 of 5" in screen_text(app)


async def test_shuffled_choices_map_the_pressed_number_to_the_shown_option(
    make_app: Any, catalog: Any, store: Store
) -> None:
    question = catalog.questions["demo-choice"]
    shuffled = dict(question.answer, shuffle=True)
    object.__setattr__(question, "answer", shuffled)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        widget = app.screen.query_one(ChoiceAnswer)
        shown = [c["id"] for c in widget.choices]
        await pilot.press(str(shown.index("b") + 1), "enter")
        await wait_for_screen(pilot, FeedbackScreen)
        assert "✓ Correct" in screen_text(app)


async def test_multi_wrong_selection_proposes_again(make_app: Any, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("1", "enter", "enter")  # choice: ReLU (wrong); accept Again
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("1", "2", "enter")  # LayerNorm + Dropout: one wrong, one missing
        await wait_for_screen(pilot, FeedbackScreen)
        text = screen_text(app)
        assert "✗ Incorrect" in text
        assert "Not correct: b." in text
        assert "You missed 1 correct option(s)." in text
        assert "proposed: Again" in text
        await pilot.press("enter")
        await wait_for_screen(pilot, QuestionScreen)
    assert reviews(store) == [
        ("demo-choice", "a", "incorrect", Rating.AGAIN),
        ("demo-multi", "a, b", "incorrect", Rating.AGAIN),
    ]


async def test_unreadable_number_costs_nothing_then_mistake_feedback(
    make_app: Any, store: Store, stopwatch: Stopwatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("ctrl+n", "ctrl+n")  # skip the choice and the multi
        await wait_for_screen(pilot, QuestionScreen)
        assert "Linear(10, 5)" in screen_text(app)
        await pilot.press(*"five", "enter")
        for _ in range(50):
            if "Answer not understood" in screen_text(app):
                break
            await pilot.pause(0.02)
        assert "Answer not understood" in screen_text(app)
        assert isinstance(app.screen, QuestionScreen)
        assert store.reviews() == []
        stopwatch.seconds = 1000.0  # a slow answer
        await pilot.press("ctrl+a", "ctrl+k", *"50", "enter")
        await wait_for_screen(pilot, FeedbackScreen)
        text = screen_text(app)
        assert "✗ Incorrect" in text
        assert "You forgot the bias (5)." in text
        assert "Expected" in text and "55" in text
        await pilot.press("1")
        await wait_for_screen(pilot, QuestionScreen)
    assert reviews(store) == [("demo-numeric", "50", "incorrect", Rating.AGAIN)]
    assert [r.duration_s for r in store.reviews()] == [1000.0]
    assert store.skipped(store.sessions()[0].id) == ["demo-choice", "demo-multi"]


async def test_correct_but_slow_answer_proposes_hard(make_app: Any, stopwatch: Stopwatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        stopwatch.seconds = 600.0
        await pilot.press("2", "enter")
        await wait_for_screen(pilot, FeedbackScreen)
        assert "proposed: Hard" in screen_text(app)


async def test_recall_reveals_key_points_and_needs_a_self_rating(
    make_app: Any, store: Store
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        await pilot.pause()
        assert "positional information" in screen_text(app)
        await pilot.press(*"order matters", "ctrl+s")
        await wait_for_screen(pilot, FeedbackScreen)
        text = screen_text(app)
        assert "Compare with the key points" in text
        assert "permutation-equivariant" in text
        assert "choose 1-4" in text
        await pilot.press("enter")  # no proposal: Enter does nothing
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert store.reviews() == []  # a self-rated answer is committed with its rating
        await pilot.press("2")
        await wait_for_screen(pilot, QuestionScreen)
    assert reviews(store) == [("demo-recall", "order matters", "undecided", Rating.HARD)]


async def test_whole_session_ends_in_the_summary(make_app: Any, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("2", "enter")  # choice: correct
        await wait_for_screen(pilot, FeedbackScreen)
        await pilot.press("3")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("1", "3", "enter")  # multi: correct
        await wait_for_screen(pilot, FeedbackScreen)
        await pilot.press("3")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press(*"55", "enter")  # numeric: correct
        await wait_for_screen(pilot, FeedbackScreen)
        await pilot.press("3")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("ctrl+s")  # recall: reveal without writing
        await wait_for_screen(pilot, FeedbackScreen)
        await pilot.press("4")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press(*"41", "enter")  # other topic: wrong
        await wait_for_screen(pilot, FeedbackScreen)
        await pilot.press("1")
        await wait_for_screen(pilot, SummaryScreen)
        text = screen_text(app)
        assert "Score" in text and "3/4 (75%)" in text and "1 undecided" in text
        assert "Weakest topics   other" in text
        assert "demo" in text and "4/4" in text
        assert store.unfinished_session() is None
        await pilot.press("enter")
        await wait_for_screen(pilot, HomeScreen)
        assert tree_row(app, "All banks")[1:3] == ["0", "0"]  # nothing due now, nothing new
    assert len(store.reviews()) == 5


async def test_ending_early_offers_to_continue(make_app: Any, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("2", "enter")
        await wait_for_screen(pilot, FeedbackScreen)
        await pilot.press("3")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, SummaryScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, HomeScreen)
        assert "An unfinished session" in screen_text(app)
        assert "Continue session" in screen_text(app)
        await pilot.press("c")
        await wait_for_screen(pilot, QuestionScreen)
        text = screen_text(app)
        assert "Question 2 of 5" in text and "normalization layers" in text


async def test_escape_on_feedback_keeps_the_answer(make_app: Any, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("2", "enter")
        await wait_for_screen(pilot, FeedbackScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, SummaryScreen)
    assert reviews(store) == [("demo-choice", "b", "correct", Rating.EASY)]


async def test_next_day_serves_exactly_the_due_reviews(
    make_app: Any, store: Store, clock: Clock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("1", "enter", "1")  # wrong, Again: due again within minutes
        await wait_for_screen(pilot, QuestionScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, SummaryScreen)
    clock.advance(days=1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert plan_value(app, "Due reviews") == "1"
        assert plan_value(app, "New questions") == "4"
        assert tree_row(app, "demo")[:3] == ["4", "1", "3"]
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        assert "bounded between 0 and 1" in screen_text(app)  # the due review comes first


async def test_hint_key_shows_the_hint(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        assert "Think of a probability." not in screen_text(app)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "Hint 1: Think of a probability." in screen_text(app)


async def test_language_toggle_shows_chinese(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "主题与题库" in screen_text(app)
        await pilot.press("s")
        await wait_for_screen(pilot, QuestionScreen)
        assert "哪个激活函数" in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "Which activation is bounded" in screen_text(app)
