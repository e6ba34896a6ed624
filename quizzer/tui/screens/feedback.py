"""Feedback: the verdict, why, the explanation and the source; then the learner's rating."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Collapsible, Footer, Markdown, Static

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.scheduler import Rating
from quizzer.tui.screens.base import QuizScreen
from quizzer.tui.sources import source_excerpt
from quizzer.tui.widgets.answers import unwrap
from quizzer.tui.widgets.verdict_details import details_block

RATING_KEYS = {Rating.AGAIN: "again", Rating.HARD: "hard", Rating.GOOD: "good", Rating.EASY: "easy"}
RATE_GROUP = Binding.Group("Rate", compact=True)


def verdict_banner(verdict: Verdict, question: Question, lang_t: Any) -> Text:
    if question.type == "recall":
        return Text(f"  {lang_t('self_rated')}", style="bold")
    mark = {Outcome.CORRECT: "✓", Outcome.INCORRECT: "✗", Outcome.UNDECIDED: "?"}[verdict.outcome]
    return Text(f"{mark} {lang_t(verdict.outcome.value)}", style="bold")


class FeedbackScreen(QuizScreen):
    """The checked answer; keys 1-4 rate it (Enter takes the proposed rating)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "rate(1)", "Again", id="feedback.again", group=RATE_GROUP),
        Binding("2", "rate(2)", "Hard", id="feedback.hard", group=RATE_GROUP),
        Binding("3", "rate(3)", "Good", id="feedback.good", group=RATE_GROUP),
        Binding("4", "rate(4)", "Easy", id="feedback.easy", group=RATE_GROUP),
        Binding(
            "enter", "accept", "Accept", id="feedback.accept", tooltip="Take the proposed rating"
        ),
        Binding(
            "escape",
            "end_session",
            "End",
            id="feedback.end",
            tooltip="End the session (the answer is kept with the proposed rating)",
        ),
    ]

    def __init__(
        self,
        question: Question,
        answer_text: str,
        verdict: Verdict,
        *,
        elapsed_s: float,
        proposed: Rating | None,
        env: GradingEnv,
    ) -> None:
        classes = "feedback -recall" if question.type == "recall" else "feedback"
        super().__init__(classes=f"{classes} -{verdict.outcome.value}")
        self.question = question
        self.answer_text = answer_text
        self.verdict = verdict
        self.elapsed_s = elapsed_s
        self.proposed = proposed
        self.env = env
        self.rated = False

    def compose(self) -> ComposeResult:
        yield Static(verdict_banner(self.verdict, self.question, self.t), id="verdict")
        with VerticalScroll(id="feedback-body"):
            yield Static(self._answer_block(), id="answer-block")
            details = details_block(self.question, self.verdict, self.lang, self.t)
            if details is not None:
                yield Static(details, id="details")
            explanation = self.question.explanation.get(self.lang)
            yield Static(Text(self.t("explanation"), style="bold"), classes="section-title")
            yield Markdown(explanation, id="explanation")
            if self.question.source:
                excerpt = source_excerpt(self.question.source)
                title = f"{self.t('source')}: {self.question.source}"
                with Collapsible(title=title, collapsed=True, id="source"):
                    yield Static(Text(excerpt or self.question.source), id="source-text")
        yield Static(self._rating_bar(), id="rating-bar")
        yield Footer(compact=True, show_command_palette=False)

    def _answer_block(self) -> RenderableType:
        verdict = self.verdict
        parts: list[RenderableType] = []
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        choice = self.question.type in ("choice", "multi")
        if choice:
            grid.add_row(
                self.t("your_answer"), _choice_texts(self.question, self.answer_text, self.lang)
            )
        elif self.answer_text and self.question.type != "derivation":
            grid.add_row(self.t("your_answer"), _one_block(self.answer_text))
        # (a code answer's "interpretation" is just the function's name)
        shown_as_typed = choice or self.question.type == "code"
        if verdict.interpreted and verdict.interpreted != self.answer_text and not shown_as_typed:
            grid.add_row(self.t("interpreted_as"), verdict.interpreted)
        if verdict.expected is not None and not verdict.correct:
            title = "key_points" if self.question.type == "recall" else "expected"
            grid.add_row(self.t(title), self._expected_text())
        if grid.row_count:
            parts.append(grid)
        if verdict.feedback:
            # A grid, not one Text, so a long item wraps under its own first word.
            bullets = Table.grid(padding=(0, 1))
            bullets.add_column(no_wrap=True)
            bullets.add_column()
            for item in verdict.feedback:
                bullets.add_row("•", item.get(self.lang))
            if parts:
                parts.append(Text(""))
            parts.append(bullets)
        return Group(*parts)

    def _expected_text(self) -> str:
        expected = self.verdict.expected or ""
        if self.question.type in ("choice", "multi"):
            return _choice_texts(self.question, expected, self.lang)
        return expected

    def _rating_bar(self) -> Text:
        bar = Text()
        bar.append(f"{self.t('rate')}: ", style="bold")
        for rating, key in RATING_KEYS.items():
            style = "reverse bold" if rating == self.proposed else ""
            bar.append(f" {int(rating)} {self.t(key)} ", style=style)
            bar.append(" ")
        if self.proposed is None:
            bar.append(f" {self.t('no_proposal')}", style="italic")
        else:
            bar.append(
                f" {self.t('proposed', rating=self.t(RATING_KEYS[self.proposed]))}", style="italic"
            )
        return bar

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#feedback-body").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept":
            return self.proposed is not None
        return True

    def action_rate(self, value: int) -> None:
        self._rate(Rating(value))

    def action_accept(self) -> None:
        if self.proposed is not None:
            self._rate(self.proposed)

    def action_end_session(self) -> None:
        # A proposed rating was committed with the verdict already; an unrated self-rated
        # answer is not recorded, and continuing the session serves the question again.
        self.rated = True
        self.quiz.end_session()

    def _rate(self, rating: Rating) -> None:
        if self.rated:
            return  # a second key press while the next screen is coming
        self.rated = True
        self.quiz.rate_answer(
            self.question, self.answer_text, self.verdict, rating, self.elapsed_s, self.proposed
        )
        self.quiz.show_next_question()


def _one_block(text: str) -> str:
    return text if len(text) <= 400 else text[:400] + "…"


def _choice_texts(question: Question, expected: str, lang: str) -> str:
    """'b' -> 'b: It counts one LayerNorm instead of two per layer.' for each correct id."""
    from quizzer.core.text import LocalizedText

    texts = {
        str(c["id"]): LocalizedText.parse(c["text"]).get(lang)
        for c in question.answer.get("choices", [])
    }
    ids = [part.strip() for part in expected.split(",") if part.strip()]
    return "\n".join(f"{cid}: {unwrap(texts.get(cid, ''))}" for cid in ids)
