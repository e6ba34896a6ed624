"""Answer inputs, one per question type, behind one small interface.

The question screen only knows `AnswerInput`: it asks for `answer_value()` (what `grade` takes),
`answer_text()` (what the review log stores) and listens for `AnswerInput.Submitted`. Live checks
(the expression preview, the derivation marks) live in their widgets, which run them in thread
workers so the UI never waits on SymPy.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from quizzer.core.model import Question
from quizzer.core.text import LocalizedText
from quizzer.tui.strings import tr

if TYPE_CHECKING:
    from quizzer.tui.grader import Checker

MAX_NUMBER_KEYS = 9
PLACEHOLDERS = {
    "numeric": "numeric_placeholder",
    "params": "numeric_placeholder",
    "expression": "expression_placeholder",
    "recall": "recall_hint",
    "derivation": "derivation_hint",
}


class AnswerInput(Widget):
    """Base of the per-type answer widgets."""

    DEFAULT_CSS = "AnswerInput { height: auto; }"

    class Submitted(Message):
        """The learner asked for their answer to be checked."""

    def __init__(self, question: Question, lang: str, *, seed: int, id: str | None = None):
        super().__init__(id=id)
        self.question = question
        self.lang = lang
        self.seed = seed

    def answer_value(self) -> Any:
        """The answer in the form `quizzer.core.grading.grade` takes."""
        return self.answer_text()

    def answer_text(self) -> str:
        """The answer as the review log stores it."""
        raise NotImplementedError

    def lacks_answer(self) -> bool:
        return not self.answer_text().strip()

    def focus_answer(self) -> None:
        self.focus()

    def submit(self) -> None:
        self.post_message(self.Submitted())

    def relabel(self, lang: str) -> None:
        """Show the widget's own words in `lang` (what the learner typed stays)."""
        self.lang = lang
        key = PLACEHOLDERS.get(self.question.type)
        if key:
            for line in self.query(Input):
                line.placeholder = tr(key, lang)
            for area in self.query(TextArea):
                area.placeholder = tr(key, lang)
        self.refresh()

    def set_cursor_blink(self, blink: bool) -> None:
        for editor in self.query(Input):
            editor.cursor_blink = blink
        for area in self.query(TextArea):
            area.cursor_blink = blink


PICK_GROUP = Binding.Group("Select", compact=True)


class ChoiceAnswer(AnswerInput, can_focus=True):
    """Options numbered 1-9 in display order (shuffled unless the bank says not to).

    In `multi` mode a number toggles an option; otherwise it selects one.
    """

    DEFAULT_CSS = """
    ChoiceAnswer { height: auto; padding: 0 1; }
    ChoiceAnswer:focus { background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"pick({n})", "Select", id=f"choice.pick_{n}", group=PICK_GROUP)
            for n in range(1, MAX_NUMBER_KEYS + 1)
        ),
        Binding("up", "move(-1)", "Up", show=False, id="choice.up"),
        Binding("down", "move(1)", "Down", show=False, id="choice.down"),
        Binding("space", "toggle_cursor", "Toggle", show=False, id="choice.toggle"),
        Binding("enter", "submit", "Submit", id="choice.submit"),
    ]

    cursor = reactive(0)
    selected: reactive[frozenset[int]] = reactive(frozenset())

    def __init__(self, question: Question, lang: str, *, seed: int, id: str | None = None):
        super().__init__(question, lang, seed=seed, id=id)
        self.multi = question.type == "multi"
        choices = list(question.answer["choices"])
        if question.answer.get("shuffle", True):
            random.Random(seed).shuffle(choices)
        self.choices = choices

    def render(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column()
        for index, choice in enumerate(self.choices):
            chosen = index in self.selected
            mark = ("☑" if chosen else "☐") if self.multi else ("●" if chosen else "○")
            key = Text(f"{'›' if index == self.cursor else ' '}{index + 1}", style="bold")
            text = unwrap(LocalizedText.parse(choice["text"]).get(self.lang))
            style = "bold" if chosen else ""
            grid.add_row(key, Text(mark, style=style), Text(text, style=style))
        return grid

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick" and parameters:
            number = parameters[0]
            return isinstance(number, int) and number <= len(self.choices)
        return True

    def action_pick(self, number: int) -> None:
        index = number - 1
        if not 0 <= index < len(self.choices):
            return
        self.cursor = index
        self._toggle(index)

    def action_move(self, step: int) -> None:
        self.cursor = (self.cursor + step) % len(self.choices)

    def action_toggle_cursor(self) -> None:
        self._toggle(self.cursor)

    def action_submit(self) -> None:
        self.submit()

    def _toggle(self, index: int) -> None:
        if self.multi:
            self.selected = self.selected ^ {index}
        else:
            self.selected = frozenset({index})

    def chosen_ids(self) -> list[str]:
        return [str(self.choices[i]["id"]) for i in sorted(self.selected)]

    def answer_value(self) -> Any:
        ids = self.chosen_ids()
        return ids if self.multi else (ids[0] if ids else "")

    def answer_text(self) -> str:
        return ", ".join(sorted(self.chosen_ids()))


def unwrap(text: str) -> str:
    """Join the hard line breaks of a YAML block into one paragraph (blank lines stay)."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(paragraphs)


class LineAnswer(AnswerInput):
    """One line of text, Enter to submit: numeric and params answers."""

    DEFAULT_CSS = """
    LineAnswer { height: auto; layout: horizontal; }
    LineAnswer Input { width: 1fr; }
    LineAnswer .unit { padding: 0 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder=tr("numeric_placeholder", self.lang), id="answer-line", compact=True
        )
        unit = self.question.answer.get("unit")
        if unit:
            yield Label(str(unit), classes="unit")

    @property
    def line(self) -> Input:
        return self.query_one("#answer-line", Input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def answer_text(self) -> str:
        return self.line.value.strip()

    def focus_answer(self) -> None:
        self.line.focus()


class RecallAnswer(AnswerInput):
    """A free text the learner may write before revealing the key points."""

    DEFAULT_CSS = """
    RecallAnswer { height: 1fr; padding: 0 1; }
    RecallAnswer TextArea { height: 1fr; min-height: 3; }
    """

    def compose(self) -> ComposeResult:
        yield TextArea(id="answer-notes", soft_wrap=True, placeholder=tr("recall_hint", self.lang))

    def answer_text(self) -> str:
        return self.query_one(TextArea).text.strip()

    def lacks_answer(self) -> bool:
        return False  # thinking the answer without typing it is allowed

    def focus_answer(self) -> None:
        self.query_one(TextArea).focus()


class ExpressionAnswer(LineAnswer):
    """A formula input with a debounced "interpreted as" preview from the SymPy worker."""

    DEFAULT_CSS = """
    ExpressionAnswer { layout: vertical; }
    ExpressionAnswer #preview { color: $text-muted; padding: 0 1; height: auto; }
    ExpressionAnswer #preview.-error { color: $warning; }
    """
    # Long enough that a fast typist sends one request per pause, short enough to feel live.
    PREVIEW_DELAY_S = 0.3

    class PreviewReady(Message):
        def __init__(self, text: str, preview: str | None, error: str | None) -> None:
            super().__init__()
            self.text = text
            self.preview = preview
            self.error = error

    def __init__(
        self,
        question: Question,
        lang: str,
        *,
        seed: int,
        checker: Checker,
        id: str | None = None,
    ):
        super().__init__(question, lang, seed=seed, id=id)
        self.checker = checker
        self._preview_timer: Any = None

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder=tr("expression_placeholder", self.lang), id="answer-line", compact=True
        )
        yield Static("", id="preview")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(self.PREVIEW_DELAY_S, self._request_preview)

    def _request_preview(self) -> None:
        text = self.line.value.strip()
        if not text:
            self.query_one("#preview", Static).update("")
            return
        self.run_worker(
            lambda: self._compute_preview(text),
            thread=True,
            exclusive=True,
            group="preview",
            exit_on_error=False,
        )

    def _compute_preview(self, text: str) -> None:
        try:
            preview = self.checker.interpret(self.question, text)
        except Exception as exc:  # the preview is advisory: any failure is shown, not raised
            self.post_message(self.PreviewReady(text, None, getattr(exc, "message", str(exc))))
            return
        self.post_message(self.PreviewReady(text, preview, None))

    def on_expression_answer_preview_ready(self, message: PreviewReady) -> None:
        if message.text != self.line.value.strip():
            return  # the learner typed on; a newer preview is on its way
        preview = self.query_one("#preview", Static)
        label = tr("interpreted_as", self.lang)
        if message.error is not None:
            preview.add_class("-error")
            preview.update(Text(f"{label}: {message.error}"))
        else:
            preview.remove_class("-error")
            shown = message.preview if message.preview is not None else message.text
            suffix = "" if message.preview is not None else "  " + tr("preview_pending", self.lang)
            # SymPy's pretty print of a fraction spans several lines: give it its own block.
            separator = "\n" if "\n" in shown else " "
            preview.update(Text(f"{label}:{separator}{shown}{suffix}"))
