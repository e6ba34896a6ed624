"""Expression and derivation questions in the TUI, checked by the real engines in the grading
process (skipped where an engine is not installed)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import SIZE, screen_text

from quizzer.core.catalog import Catalog, load_catalog
from quizzer.core.scheduler import Rating
from quizzer.core.session import SessionOptions
from quizzer.core.store import Store
from quizzer.core.trust import trust
from quizzer.tui.screens.feedback import FeedbackScreen
from quizzer.tui.screens.question import QuestionScreen
from quizzer.tui.widgets.editors import DerivationAnswer

pytest.importorskip("quizzer.core.expr.api")
pytest.importorskip("quizzer.core.derive.grading")

REPO = Path(__file__).resolve().parents[2]
ENGINE_BANKS = Path(__file__).parent / "banks-engines"
SIGMOID_STEPS = ["diff(sigma(x), x)", "exp(-x)/(1 + exp(-x))^2", "sigma(x)*(1 - sigma(x))"]


@pytest.fixture
def engine_catalog() -> Catalog:
    # The code question's reference and inputs are bank code: this bank must be trusted (in
    # the test's own QUIZZER_HOME).
    trust(ENGINE_BANKS / "tui-engines.yaml")
    loaded = load_catalog([ENGINE_BANKS], derivation_dirs=[REPO / "derivations"])
    assert not loaded.diagnostics, loaded.diagnostics
    return loaded


async def until(pilot: Any, condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Wait for the grading process (first start: Python, SymPy) without a fixed sleep."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out; the screen shows:\n{screen_text(pilot.app)}")


async def test_expression_preview_then_check(
    make_app: Any, engine_catalog: Catalog, store: Store
) -> None:
    app = make_app(SessionOptions(bank_ids=("tui-engines",)), catalog=engine_catalog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        await pilot.press(*"sigma(x) - sigma(x)^2")
        await until(pilot, lambda: "Interpreted as:" in screen_text(app))
        assert "σ(x)²" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        assert "✓ Correct" in screen_text(app)
    [review] = store.reviews()
    assert (review.question_id, review.verdict, review.rating) == (
        "engines-expression",
        "correct",
        Rating.EASY,
    )


async def test_unreadable_expression_is_explained_not_graded(
    make_app: Any, engine_catalog: Catalog, store: Store
) -> None:
    app = make_app(SessionOptions(bank_ids=("tui-engines",)), catalog=engine_catalog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        await pilot.press(*"sigma(x", "enter")
        await until(pilot, lambda: "Answer not understood" in screen_text(app))
        assert isinstance(app.screen, QuestionScreen)
    assert store.reviews() == []


async def test_derivation_marks_each_line_and_grades_the_steps(
    make_app: Any, engine_catalog: Catalog, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DerivationAnswer, "CHECK_DELAY_S", 0.05)
    app = make_app(SessionOptions(bank_ids=("tui-engines",)), catalog=engine_catalog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        await pilot.press("ctrl+n")  # skip the expression question
        await until(pilot, lambda: "one step per line" in screen_text(app))
        text = screen_text(app)
        # The derivation type's prompt states the exercise's start and goal.
        assert "Start: diff(sigma(x), x)" in text
        assert "Goal: sigma(x)*(1 - sigma(x))" in text
        assert "Start from:" not in text  # so the outline above the editor is not repeated
        wrong = [*SIGMOID_STEPS[:2], "sigma(x)*(1 + sigma(x))"]
        for index, line in enumerate(wrong):
            await pilot.press(*line, *(["enter"] if index < len(wrong) - 1 else []))
        editor = app.screen.query_one(DerivationAnswer).editor
        await until(pilot, lambda: len(editor.marks) == 3)
        assert [m.verdict for _, m in sorted(editor.marks.items())] == ["valid", "valid", "invalid"]
        rows = screen_text(app).splitlines()
        assert any("✗ sigma(x)*(1 + sigma(x))" in row for row in rows)
        assert "This does not follow from the previous line." in screen_text(app)
        # Fix the last line: select it, retype it, submit.
        await pilot.press("shift+home", *"sigma(x)*(1 - sigma(x))", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        assert "✓ Correct" in screen_text(app)
    [review] = store.reviews()
    assert review.question_id == "engines-derivation"
    assert review.answer.splitlines() == SIGMOID_STEPS
    assert review.verdict == "correct"


async def test_code_question_runs_the_checks_and_names_the_failing_case(
    make_app: Any, engine_catalog: Catalog, store: Store
) -> None:
    pytest.importorskip("quizzer.core.torchcheck.questions")
    app = make_app(SessionOptions(bank_ids=("tui-engines",)), catalog=engine_catalog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        await pilot.press("ctrl+n", "ctrl+n")  # to the code question
        await until(pilot, lambda: "def double(x):" in screen_text(app))
        await pilot.press(*"return x * x", "ctrl+r")  # replaces the selected `...`
        await until(pilot, lambda: isinstance(app.screen, FeedbackScreen), seconds=60)
        text = screen_text(app)
        assert "✗ Incorrect" in text
        assert "fails: wrong values" in text
        assert "Cases passed: 0 of 4" in text
    [review] = store.reviews()
    assert review.question_id == "engines-code"
    assert "    return x * x" in review.answer.splitlines()


async def test_params_question_shows_the_breakdown_when_wrong(
    make_app: Any, engine_catalog: Catalog, store: Store
) -> None:
    app = make_app(SessionOptions(bank_ids=("tui-engines",)), catalog=engine_catalog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # to the params question
        await until(pilot, lambda: "embeddings have" in screen_text(app))
        await pilot.press(*"23835648", "enter")
        await until(pilot, lambda: isinstance(app.screen, FeedbackScreen), seconds=60)
        text = screen_text(app)
        assert "✗ Incorrect" in text and "Expected" in text and "23,837,184" in text
        assert "The count, part by part" in text and "Embeddings" in text
    assert [r.verdict for r in store.reviews()] == ["incorrect"]


def test_the_ui_process_never_imports_sympy_or_torch(
    tmp_path: Path, engine_catalog: Catalog
) -> None:
    """Answer an expression, a derivation and a code question through the TUI in a fresh
    interpreter (the fixture trusted the bank in this test's QUIZZER_HOME, which it inherits)."""
    script = textwrap.dedent(f"""
        import asyncio, sys
        from pathlib import Path
        from quizzer.core.catalog import load_catalog
        from quizzer.core.session import SessionOptions
        from quizzer.core.store import Store
        from quizzer.tui.app import create_app
        from quizzer.tui.screens.feedback import FeedbackScreen

        async def main():
            catalog = load_catalog([Path({str(ENGINE_BANKS)!r})],
                                   derivation_dirs=[Path({str(REPO / "derivations")!r})])
            store = Store.open(Path({str(tmp_path / "p.sqlite3")!r}))
            app = create_app(SessionOptions(bank_ids=("tui-engines",)), catalog=catalog,
                             store=store, cursor_blink=False)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.press("s")
                await pilot.pause(0.2)
                await pilot.press(*"sigma(x)*(1 - sigma(x))", "enter")
                for _ in range(400):
                    if isinstance(app.screen, FeedbackScreen):
                        break
                    await pilot.pause(0.05)
                assert isinstance(app.screen, FeedbackScreen), "expression not graded"
                await pilot.press("3")
                await pilot.pause(0.2)
                await pilot.press(*"diff(sigma(x), x)", "ctrl+s")
                for _ in range(400):
                    if isinstance(app.screen, FeedbackScreen):
                        break
                    await pilot.pause(0.05)
                assert isinstance(app.screen, FeedbackScreen), "derivation not graded"
                await pilot.press("3")
                await pilot.pause(0.2)
                await pilot.press(*"return 2 * x", "ctrl+r")
                for _ in range(1200):
                    if isinstance(app.screen, FeedbackScreen):
                        break
                    await pilot.pause(0.05)
                assert isinstance(app.screen, FeedbackScreen), "code not graded"
                assert "Correct" in str(app.screen.query_one("#verdict").render())
            app.checker.close()
            print(sorted(m for m in ("sympy", "torch") if m in sys.modules))

        asyncio.run(main())
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
