"""Stats: reviews per day, retention, the due forecast and mastery per topic."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from quizzer.core.stats import progress_stats
from quizzer.tui.screens.base import QuizScreen
from quizzer.tui.widgets.charts import column_chart, hbar

# Two weeks of columns, 3 cells each, fit an 80-column terminal with the axis.
DAYS = 14
# Four rows per chart keep both charts and the first topics on one 24-row screen.
CHART_HEIGHT = 4


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


class StatsScreen(QuizScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "back", "Back", id="stats.back")]

    def __init__(self) -> None:
        super().__init__(classes="stats")

    def compose(self) -> ComposeResult:
        data = progress_stats(self.quiz.catalog, self.quiz.store, self.quiz.now(), days=DAYS)
        yield Static(self.t("stats"), classes="title-bar")
        with VerticalScroll(id="stats-body"):
            yield Static(self._totals(data), id="stats-totals")
            yield Static(Text(self.t("reviews_per_day"), style="bold"), classes="section-title")
            per_day = data["reviews_per_day"]
            yield Static(
                column_chart(
                    [d["reviews"] for d in per_day],
                    [d["date"][-2:] for d in per_day],
                    highlight=[d["correct"] for d in per_day],
                    height=CHART_HEIGHT,
                ),
                id="reviews-chart",
            )
            yield Static(Text(self.t("due_forecast"), style="bold"), classes="section-title")
            forecast = data["due_forecast"]
            yield Static(
                column_chart(
                    [d["due"] for d in forecast],
                    [d["date"][-2:] for d in forecast],
                    style="yellow",
                    height=CHART_HEIGHT,
                ),
                id="forecast-chart",
            )
            yield Static(Text(self.t("topic_mastery"), style="bold"), classes="section-title")
            yield Static(self._topics(data["topics"]), id="topic-mastery")
        yield Footer(compact=True, show_command_palette=False)

    def _totals(self, data: dict[str, Any]) -> Table:
        grid = Table.grid(padding=(0, 2))
        for _ in range(4):
            grid.add_column()
        grid.add_row(
            Text.assemble(
                (f"{self.t('retention')} ", "bold"),
                percent(data["retention"]),
                f" (30d {percent(data['retention_30d'])})",
            ),
            Text.assemble((f"{self.t('reviews')} ", "bold"), str(data["reviews"])),
            Text.assemble(
                (f"{self.t('mastered')} ", "bold"), f"{data['mastered']}/{data['questions']}"
            ),
            Text.assemble((f"{self.t('due_now')} ", "bold"), str(data["due_now"])),
        )
        return grid

    def _topics(self, topics: dict[str, dict[str, Any]]) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for topic, counts in topics.items():
            pct = counts["mastered_pct"]
            table.add_row(
                topic,
                f"{counts['mastered']}/{counts['questions']}",
                hbar(pct / 100, 24),
                f"{pct:.0f}%",
            )
        return table

    def action_back(self) -> None:
        self.dismiss()
