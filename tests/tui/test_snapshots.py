"""Snapshots of the main screens at 80x24, cursor blink off, clock frozen.

Regenerate with `pytest tests/tui/test_snapshots.py --snapshot-update`, then look at every
changed SVG (tests/tui/__snapshots__/) before committing it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tui_helpers import NOW, SIZE

from quizzer.core.catalog import Catalog
from quizzer.core.grading import grade
from quizzer.core.scheduler import Rating
from quizzer.core.session import Session, SessionOptions
from quizzer.core.store import Store
from quizzer.tui.screens.feedback import FeedbackScreen
from quizzer.tui.screens.question import QuestionScreen
from quizzer.tui.screens.summary import SummaryScreen


async def until(pilot: Any, kind: type) -> None:
    for _ in range(100):
        if isinstance(pilot.app.screen, kind):
            break
        await pilot.pause(0.02)
    await pilot.pause()


def keys(*presses: str, screen: type | None = None) -> Any:
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press(*presses)
        if screen is not None:
            await until(pilot, screen)

    return run_before


def test_home(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_home_light_theme(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(theme="textual-light"), terminal_size=SIZE)


def test_home_chinese(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(SessionOptions(lang="zh")), terminal_size=SIZE)


def test_home_filtered(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("slash", *"oth"))


def test_question_choice(snap_compare: Any, make_app: Any) -> None:
    run_before = keys("s", "2", screen=QuestionScreen)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_question_numeric(snap_compare: Any, make_app: Any) -> None:
    run_before = keys("s", "ctrl+n", "ctrl+n", "5", "0", screen=QuestionScreen)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_feedback_wrong_number(snap_compare: Any, make_app: Any) -> None:
    run_before = keys("s", "ctrl+n", "ctrl+n", "5", "0", "enter", screen=FeedbackScreen)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_feedback_recall_light_theme(snap_compare: Any, make_app: Any) -> None:
    run_before = keys("s", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+s", screen=FeedbackScreen)
    app = make_app(theme="textual-light")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_summary(snap_compare: Any, make_app: Any) -> None:
    run_before = keys("s", "2", "enter", "3", "1", "enter", "1", "escape", screen=SummaryScreen)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("f1"))


def test_stats_after_a_week(
    snap_compare: Any, make_app: Any, catalog: Catalog, store: Store, clock: Any
) -> None:
    """Reviews on three days of the last week, then the stats screen today."""
    for days_ago, answers in ((6, ["b", "a, c"]), (3, ["a"]), (0, ["b", "a", "55"])):
        clock.now = NOW - timedelta(days=days_ago)
        session = Session(catalog, store, SessionOptions(bank_ids=("tui-demo",)), clock=clock)
        for question, answer in zip(list(session.plan), answers, strict=False):
            verdict = grade(question, answer)
            session.record(
                question, answer, verdict, Rating.GOOD if verdict.correct else Rating.AGAIN, 10.0
            )
        session.finish()
    clock.now = NOW
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("t"))


def test_question_code_editor(snap_compare: Any, make_app: Any) -> None:
    """The code editor: signature pre-filled, Python highlighted, `...` selected."""
    from pathlib import Path

    from quizzer.core.catalog import load_catalog

    repo = Path(__file__).resolve().parents[2]
    catalog = load_catalog(
        [Path(__file__).parent / "banks-engines"], derivation_dirs=[repo / "derivations"]
    )
    app = make_app(SessionOptions(bank_ids=("tui-engines",)), catalog=catalog)
    run_before = keys("s", "ctrl+n", "ctrl+n", screen=QuestionScreen)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
