"""Session summary: score, time, accuracy per topic, weakest topics, next due."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from quizzer.core.scheduler import interval_text
from quizzer.core.session import SessionSummary
from quizzer.tui.screens.base import QuizScreen
from quizzer.tui.widgets.charts import hbar


def format_duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class SummaryScreen(QuizScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "home", "Home", id="summary.home"),
        Binding("t", "stats", "Stats", id="summary.stats"),
    ]

    def __init__(self, summary: SessionSummary, notices: tuple[str, ...] = ()) -> None:
        super().__init__(classes="summary")
        self.summary = summary
        self.notices = notices

    def compose(self) -> ComposeResult:
        yield Static(self.t("summary"), classes="title-bar")
        with VerticalScroll(id="summary-body"):
            yield Static(self._totals(), id="totals")
            if self.summary.per_topic:
                yield Static(
                    Text(self.t("accuracy_by_topic"), style="bold"), classes="section-title"
                )
                yield Static(self._topics(), id="topics")
        yield Footer(compact=True, show_command_palette=False)

    def _totals(self) -> RenderableType:
        s = self.summary
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        decided = s.correct + s.incorrect
        score = f"{s.correct}/{decided} ({s.score:.0%})" if decided else "–"
        extra = []
        if s.undecided:
            extra.append(self.t("undecided_n", n=s.undecided))
        if s.skipped:
            extra.append(self.t("skipped_n", n=s.skipped))
        grid.add_row(self.t("score"), score + (f"  · {', '.join(extra)}" if extra else ""))
        grid.add_row(
            self.t("time"),
            self.t("time_detail", a=format_duration(s.duration_s), b=format_duration(s.elapsed_s)),
        )
        grid.add_row(self.t("weakest"), ", ".join(s.weakest_topics) or self.t("none"))
        if s.next_due is not None:
            delta = s.next_due - self.quiz.now()
            when = interval_text(delta) if delta.total_seconds() > 0 else "now"
            grid.add_row(self.t("next_due"), f"{when} ({local_time(s.next_due)})")
        else:
            grid.add_row(self.t("next_due"), self.t("none"))
        if self.notices:
            return Group(grid, Text(""), Text("\n".join(self.notices), style="yellow"))
        return grid

    def _topics(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for topic, score in self.summary.per_topic.items():
            table.add_row(
                topic,
                f"{score.correct}/{score.answered}",
                hbar(score.accuracy, 20),
                f"{score.accuracy:.0%}",
            )
        return table

    def action_home(self) -> None:
        self.quiz.pop_to_home()

    def action_stats(self) -> None:
        self.quiz.action_stats()
