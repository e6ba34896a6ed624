"""Keys, help, command palette, themes, stats, bad databases, and surviving a SIGKILL."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import BANKS, SIZE, screen_text

from quizzer.core.session import SessionOptions
from quizzer.core.store import Store
from quizzer.errors import StoreError
from quizzer.tui.app import DARK_THEME, LIGHT_THEME, run_app
from quizzer.tui.screens.help import HelpScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.question import QuestionScreen
from quizzer.tui.screens.stats import StatsScreen

REPO = Path(__file__).resolve().parents[2]
# Escape sequences between the characters Textual writes (colours, cursor moves).
ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)")


async def test_keys_are_remapped_by_binding_id(make_app: Any) -> None:
    app = make_app(keymap={"home.start": "n"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "n Start" in screen_text(app)  # the footer shows the new key
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)


async def test_help_lists_the_screens_keys_with_their_ids(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding_id in ("question.submit", "question.hint", "question.skip", "app.language"):
            assert binding_id in text
        assert "Leave this question for another day" in text  # the binding's tooltip
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)


async def test_command_palette_offers_the_main_actions(make_app: Any, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Start session", "Statistics", "Help"} <= set(titles)
        assert "Continue session" not in titles
        start = next(c for c in app.get_system_commands(app.screen) if c.title == "Start session")
        start.callback()
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "End session" in titles


async def test_theme_toggle_switches_light_and_dark(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == DARK_THEME
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT_THEME
        await pilot.press("ctrl+t")
        assert app.theme == DARK_THEME


async def test_stats_screen_opens_and_closes(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "Reviews per day" in text and "Mastery by topic" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_a_corrupt_database_is_refused_before_any_screen(tmp_path: Path) -> None:
    corrupt = tmp_path / "progress.sqlite3"
    corrupt.write_bytes(b"this is not a database" * 100)
    before = hashlib.sha256(corrupt.read_bytes()).hexdigest()
    with pytest.raises(StoreError):
        run_app(SessionOptions(), corrupt)
    assert hashlib.sha256(corrupt.read_bytes()).hexdigest() == before


def _read_until(master: int, needle: str, timeout: float = 30.0, *, resend: bytes = b"") -> str:
    """Read the terminal until `needle` shows; `resend` is typed again every half second (a
    key typed while the app is still starting up may be read before it listens)."""
    seen = ""
    deadline = time.monotonic() + timeout
    next_send = time.monotonic()
    while time.monotonic() < deadline:
        if resend and time.monotonic() >= next_send:
            os.write(master, resend)
            next_send = time.monotonic() + 0.5
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                seen += os.read(master, 65536).decode("utf-8", "replace")
            except OSError:
                break
            if needle in ANSI.sub("", seen):
                return seen
    raise AssertionError(f"{needle!r} never appeared; the screen: {ANSI.sub('', seen)[-3000:]}")


def test_sigkill_mid_session_loses_no_graded_answer(tmp_path: Path, quizzer_home: Path) -> None:
    """The real `quizzer quiz` in a terminal: answer, kill -9 on the feedback screen, reopen."""
    db = tmp_path / "progress.sqlite3"
    env = {**os.environ, "QUIZZER_BANKS": str(BANKS), "TERM": "xterm-256color"}
    master, slave = pty.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "quizzer", "quiz", "--bank", "tui-demo", "--db", str(db)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(slave)
    try:
        _read_until(master, "Start session")
        _read_until(master, "bounded", resend=b"s")
        _read_until(master, "Select")  # the options have the focus (their keys in the footer)
        os.write(master, b"2\r")  # Sigmoid: correct, committed with the proposed rating
        _read_until(master, "Correct")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    store = Store.open(db)
    try:
        assert [(r.question_id, r.answer, r.verdict) for r in store.reviews()] == [
            ("demo-choice", "b", "correct")
        ]
        unfinished = store.unfinished_session()
        assert unfinished is not None and unfinished.answered == 1
    finally:
        store.close()
