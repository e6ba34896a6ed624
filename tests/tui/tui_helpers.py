"""Shared by the TUI tests: the demo banks, a frozen clock, a stopwatch, the screen's text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BANKS = Path(__file__).parent / "banks"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SIZE = (80, 24)


class Clock:
    """A wall clock the test moves by hand (UTC)."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Stopwatch:
    """`time.monotonic` under the test's control: answer times are whatever the test sets."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def screen_text(app: Any) -> str:
    """The characters on the terminal right now, one line per row (what the learner reads).

    Textual has no public text dump; the compositor's strips are exactly what gets drawn.
    """
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def tree_row(app: Any, name: str) -> list[str]:
    """The count columns of the home tree's row for `name` (questions, due, new, mastered)."""
    for line in screen_text(app).splitlines():
        left_pane = line.split("│")[1] if line.count("│") >= 2 else ""
        if name in left_pane:
            return left_pane.split()[-4:]
    raise AssertionError(f"no tree row for {name!r}")


def plan_value(app: Any, label: str) -> str:
    """The value beside `label` in the home screen's plan pane."""
    for line in screen_text(app).splitlines():
        right_pane = line.split("│")[3] if line.count("│") >= 4 else ""
        if right_pane.strip().startswith(label):
            return right_pane.strip()[len(label) :].strip()
    raise AssertionError(f"no plan row {label!r}")
