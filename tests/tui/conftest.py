"""Fixtures for the TUI tests: a small catalog, a fresh store, a frozen clock, an app factory.

Every app here runs headless through `App.run_test()` at 80x24 with the cursor blink off, the
clock frozen at NOW and the answer timer under the test's control.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import BANKS, Clock, Stopwatch

from quizzer.core.catalog import Catalog, load_catalog
from quizzer.core.session import SessionOptions
from quizzer.core.store import Store
from quizzer.tui.app import QuizApp, create_app


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (no asyncio plugin is installed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def catalog() -> Catalog:
    loaded = load_catalog([BANKS], derivation_dirs=[])
    assert not loaded.diagnostics, loaded.diagnostics
    return loaded


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "progress.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stopwatch() -> Stopwatch:
    return Stopwatch()


@pytest.fixture
def make_app(catalog: Catalog, store: Store, clock: Clock, stopwatch: Stopwatch) -> Iterator[Any]:
    built: list[QuizApp] = []

    def build(options: SessionOptions | None = None, **kwargs: Any) -> QuizApp:
        kwargs.setdefault("cursor_blink", False)
        app = create_app(
            options or SessionOptions(),
            catalog=kwargs.pop("catalog", catalog),
            store=store,
            clock=clock,
            monotonic=stopwatch,
            **kwargs,
        )
        built.append(app)
        return app

    yield build
    for app in built:
        app.checker.close()  # the grading process, when a test started one


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Screens show local times; pin the zone so snapshots match on every machine."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
