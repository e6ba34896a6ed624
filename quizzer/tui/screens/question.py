"""Question: the prompt, an answer input for the question's type, and the check in a worker."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Markdown, Static

from quizzer.core.grading import GradingEnv, render_prompt
from quizzer.core.model import Question, Verdict
from quizzer.tui.previews import derivation_outline
from quizzer.tui.screens.base import QuizScreen
from quizzer.tui.widgets.answers import (
    AnswerInput,
    ChoiceAnswer,
    ExpressionAnswer,
    LineAnswer,
    RecallAnswer,
)
from quizzer.tui.widgets.editors import CodeAnswer, DerivationAnswer
from quizzer.tui.widgets.spinner import Spinner

TYPE_HINTS = {
    "choice": "choose_hint",
    "multi": "multi_hint",
    "numeric": "numeric_hint",
    "params": "numeric_hint",
    "expression": "expression_hint",
    "derivation": "derivation_hint",
    "code": "code_hint",
    "recall": "recall_hint",
}


# Types answered in a multi-line editor, which gets the screen's remaining height.
EDITOR_TYPES = frozenset({"code", "derivation", "recall"})


def stars(difficulty: int) -> str:
    return "★" * difficulty + "☆" * (5 - difficulty)


class QuestionScreen(QuizScreen):
    """One question of the session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "submit",
            "Submit",
            id="question.submit",
            tooltip="Check the answer (Enter also works in one-line answers)",
        ),
        Binding("ctrl+g", "hint", "Hint", id="question.hint", tooltip="Show the next hint"),
        Binding(
            "ctrl+n",
            "skip",
            "Skip",
            id="question.skip",
            tooltip="Leave this question for another day",
        ),
        Binding(
            "escape",
            "end_session",
            "End",
            id="question.end",
            tooltip="End the session here and see the summary",
        ),
    ]

    class Graded(Message):
        def __init__(self, verdict: Verdict, answer_text: str, elapsed_s: float) -> None:
            super().__init__()
            self.verdict = verdict
            self.answer_text = answer_text
            self.elapsed_s = elapsed_s

    class CheckFailed(Message):
        def __init__(self, message: str, not_understood: bool) -> None:
            super().__init__()
            self.message = message
            self.not_understood = not_understood

    def __init__(self, question: Question, *, position: int, total: int, env: GradingEnv):
        super().__init__(classes=f"question -{question.type}")
        self.question = question
        self.position = position
        self.total = total
        self.env = env
        self.hints_shown = 0
        self.started_at = 0.0
        self.checking = False

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._progress_text(), id="progress")
        type_hint = Static(
            Text(self.t(TYPE_HINTS[self.question.type]), style="dim"), id="type-hint"
        )
        if self.question.type in EDITOR_TYPES:
            # The prompt scrolls in the top part; the editor takes the rest of the screen, so
            # at 80x24 neither the prompt's first lines nor the editor are pushed out of view.
            with VerticalScroll(id="prompt-pane"):
                yield Markdown(render_prompt(self.question, self.env), id="prompt")
                yield Static("", id="hints")
            yield self._answer_input()
            yield type_hint
        else:
            with VerticalScroll(id="question-body"):
                yield Markdown(render_prompt(self.question, self.env), id="prompt")
                yield Static("", id="hints")
                yield self._answer_input()
                yield type_hint
        yield Spinner(self.t("checking"), id="spinner")
        yield Static("", id="status")
        yield Footer(compact=True, show_command_palette=False)

    def _answer_input(self) -> AnswerInput:
        q, lang, seed = self.question, self.lang, self.env.seed or 0
        if q.type in ("choice", "multi"):
            return ChoiceAnswer(q, lang, seed=seed, id="answer")
        if q.type == "expression":
            return ExpressionAnswer(q, lang, seed=seed, checker=self.quiz.checker, id="answer")
        if q.type == "derivation":
            return DerivationAnswer(
                q,
                lang,
                seed=seed,
                env=self.env,
                checker=self.quiz.checker,
                id="answer",
                outline=self._outline(),
            )
        if q.type == "code":
            return CodeAnswer(q, lang, seed=seed, id="answer")
        if q.type == "recall":
            return RecallAnswer(q, lang, seed=seed, id="answer")
        return LineAnswer(q, lang, seed=seed, id="answer")

    def _outline(self) -> tuple[str, str] | None:
        """The exercise's start and goal, unless the prompt already states them."""
        outline = derivation_outline(self.question, self.env.catalog)
        if outline is None or outline[0] in render_prompt(self.question, self.env):
            return None
        return outline

    def _progress_text(self) -> Text:
        q = self.question
        text = Text()
        text.append(self.t("question_of", i=self.position, n=self.total), style="bold")
        text.append(f"  {q.topic} › {q.bank_id}  ·  {q.type}  ·  ")
        text.append(stars(q.difficulty), style="yellow")
        return text

    @property
    def answer_input(self) -> AnswerInput:
        return self.query_one("#answer", AnswerInput)

    def on_mount(self) -> None:
        super().on_mount()
        self.started_at = self.quiz.monotonic()
        self.answer_input.set_cursor_blink(self.quiz.cursor_blink)
        self.answer_input.focus_answer()

    async def relabel(self) -> None:
        # Not a recompose: that would throw away what the learner typed.
        self.env.lang = self.lang
        self.query_one("#progress", Static).update(self._progress_text())
        await self.query_one("#prompt", Markdown).update(render_prompt(self.question, self.env))
        self._show_hints()
        self.answer_input.relabel(self.lang)
        self.query_one("#type-hint", Static).update(
            Text(self.t(TYPE_HINTS[self.question.type]), style="dim")
        )

    # -- actions ------------------------------------------------------------------------------

    def action_submit(self) -> None:
        self.answer_input.submit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hint":
            return bool(self.question.hints)  # no hints: the key is not offered
        return True

    def action_hint(self) -> None:
        if self.hints_shown < len(self.question.hints):
            self.hints_shown += 1
            self._show_hints()
        else:
            self.notify(self.t("no_more_hints"), timeout=3)

    def _show_hints(self) -> None:
        shown = self.question.hints[: self.hints_shown]
        text = Text()
        for index, hint in enumerate(shown):
            text.append(f"{self.t('hint')} {index + 1}: ", style="bold")
            text.append(hint.get(self.lang) + ("\n" if index + 1 < len(shown) else ""))
        hints = self.query_one("#hints", Static)
        hints.set_class(bool(shown), "-shown")
        hints.update(text)

    def action_skip(self) -> None:
        if not self.checking:
            self.quiz.skip_question(self.question)

    def action_end_session(self) -> None:
        self.quiz.end_session()

    # -- checking -----------------------------------------------------------------------------

    def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        event.stop()
        if self.checking:
            return
        answer = self.answer_input
        if answer.lacks_answer():
            self._status(self.t("empty_answer"), "warning")
            return
        self.checking = True
        self._status("", None)
        self.query_one("#spinner", Spinner).start(self.t("checking"))
        elapsed = max(0.0, self.quiz.monotonic() - self.started_at)
        self.check_answer(answer.answer_value(), answer.answer_text(), elapsed)

    @work(thread=True, exclusive=True, group="grading", exit_on_error=False)
    def check_answer(self, value: Any, text: str, elapsed_s: float) -> None:
        """Grade in a thread (the engines' checks in the grading process): they take from
        milliseconds to seconds."""
        from quizzer.errors import AnswerError

        try:
            verdict = self.quiz.checker.check(self.question, value, self.env)
        except AnswerError as exc:
            self.post_message(self.CheckFailed(exc.message, not_understood=True))
        except Exception as exc:  # a checker bug must not end the session: say so, allow skip
            self.post_message(self.CheckFailed(f"{type(exc).__name__}: {exc}", False))
        else:
            self.post_message(self.Graded(verdict, text, elapsed_s))

    def on_question_screen_graded(self, message: Graded) -> None:
        self._stop_checking()
        self.quiz.show_feedback(
            self.question, message.answer_text, message.verdict, message.elapsed_s, self.env
        )

    def on_question_screen_check_failed(self, message: CheckFailed) -> None:
        self._stop_checking()
        title = self.t("not_understood" if message.not_understood else "check_failed")
        self._status(f"{title}: {message.message}", "error")
        self.answer_input.focus_answer()

    def _stop_checking(self) -> None:
        self.checking = False
        self.query_one("#spinner", Spinner).stop()

    def _status(self, message: str, severity: str | None) -> None:
        status = self.query_one("#status", Static)
        status.set_classes(f"-{severity}" if severity else "")
        status.update(Text(message))
