"""Multi-line answers: the derivation step editor and the code editor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question
from quizzer.tui.strings import tr

if TYPE_CHECKING:
    from quizzer.tui.grader import Checker
from quizzer.tui.widgets.answers import AnswerInput
from quizzer.tui.widgets.python_highlight import PythonEditor
from quizzer.tui.widgets.verdict_details import MARKS, feedback_text


@dataclass(frozen=True)
class LineMark:
    verdict: str
    feedback: str = ""


class MarkedEditor(TextArea):
    """A step editor whose gutter reads `12 ✓ `: the line number, then the line's verdict."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        # One document row per screen row (no soft wrap), so a mark's row is scroll_y + y.
        super().__init__(text, soft_wrap=False, show_line_numbers=True, **kwargs)
        self.marks: dict[int, LineMark] = {}

    def set_marks(self, marks: dict[int, LineMark]) -> None:
        self.marks = marks
        self.refresh()

    @property
    def gutter_width(self) -> int:
        # TextArea's gutter is the number and 2 cells; ours adds one for the mark.
        return super().gutter_width + 1

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        row = self.scroll_offset.y + y
        gutter = self.gutter_width
        if row >= self.document.line_count or gutter < 4 or not self.text:
            return strip  # (an empty editor shows its placeholder, without a gutter)
        # Redraw the whole gutter (TextArea drew it one cell wider, number right-aligned),
        # keeping its style so the cursor line's gutter stays highlighted.
        first = next(iter(strip.crop(0, 1)), None)
        base = first.style if first is not None and first.style else Style()
        number = f"{row + self.line_number_start:>{gutter - 3}} "
        mark = self.marks.get(row)
        symbol, colour = MARKS.get(mark.verdict, MARKS["undecided"]) if mark else (" ", "")
        drawn = Strip(
            [
                Segment(number, base),
                Segment(symbol, base + Style(color=colour or None, bold=True)),
                Segment(" ", base),
            ],
            gutter,
        )
        return Strip.join([drawn, strip.crop(gutter)])


class DerivationAnswer(AnswerInput):
    """One step per line; lines are checked in the background after each pause in typing."""

    DEFAULT_CSS = """
    DerivationAnswer #outline { color: $text-muted; height: auto; }
    DerivationAnswer { height: 1fr; padding: 0 1; }
    DerivationAnswer MarkedEditor { height: 1fr; min-height: 4; }
    DerivationAnswer #line-feedback { height: auto; color: $warning; }
    """
    # Checking a derivation costs SymPy time per line; wait for a real pause in typing.
    CHECK_DELAY_S = 1.0

    class LinesChecked(Message):
        def __init__(self, text: str, lines: list[dict[str, Any]], error: str | None):
            super().__init__()
            self.text = text
            self.lines = lines
            self.error = error

    def __init__(
        self,
        question: Question,
        lang: str,
        *,
        seed: int,
        env: GradingEnv,
        checker: Checker,
        outline: tuple[str, str] | None = None,
        id: str | None = None,
    ):
        super().__init__(question, lang, seed=seed, id=id)
        self.env = env
        self.checker = checker
        self.outline = outline
        self._check_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        if self.outline is not None:
            start, goal = self.outline
            text = Text()
            text.append(f"{tr('derivation_start', self.lang)}: ", style="bold")
            text.append(start + "\n")
            text.append(f"{tr('derivation_goal', self.lang)}: ", style="bold")
            text.append(goal)
            yield Static(text, id="outline")
        yield MarkedEditor(id="steps", placeholder=tr("derivation_hint", self.lang))
        yield Static("", id="line-feedback")

    @property
    def editor(self) -> MarkedEditor:
        return self.query_one(MarkedEditor)

    def steps(self) -> list[str]:
        return [line.strip() for line in self.editor.text.splitlines() if line.strip()]

    def answer_value(self) -> Any:
        return self.steps()

    def answer_text(self) -> str:
        return "\n".join(self.steps())

    def focus_answer(self) -> None:
        self.editor.focus()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(self.CHECK_DELAY_S, self.check_lines)

    def check_lines(self) -> None:
        """Check the steps typed so far (in a thread worker) and mark each line."""
        text = self.editor.text
        steps = self.steps()
        if not steps:
            self.editor.set_marks({})
            return
        self.run_worker(
            lambda: self._grade_steps(text, steps),
            thread=True,
            exclusive=True,
            group="derivation-lines",
            exit_on_error=False,
        )

    def _grade_steps(self, text: str, steps: list[str]) -> None:
        try:
            verdict = self.checker.check(self.question, steps, self.env)
        except Exception as exc:  # marks are advisory; the submitted answer reports errors
            self.post_message(self.LinesChecked(text, [], getattr(exc, "message", str(exc))))
            return
        lines = list(verdict.details.get("lines") or [])
        self.post_message(self.LinesChecked(text, lines, None))

    def on_derivation_answer_lines_checked(self, message: LinesChecked) -> None:
        if message.text != self.editor.text:
            return  # stale: the learner edited since
        feedback = self.query_one("#line-feedback", Static)
        if message.error is not None:
            feedback.update(Text(message.error))
            return
        self.editor.set_marks(line_marks(message.text, message.lines, self.lang))
        first_bad = next((m for m in self.editor.marks.values() if m.verdict == "invalid"), None)
        feedback.update(Text(first_bad.feedback) if first_bad and first_bad.feedback else "")


def line_marks(text: str, lines: list[dict[str, Any]], lang: str) -> dict[int, LineMark]:
    """Map the checker's per-step verdicts (1-based over non-blank lines) to document rows."""
    rows = [row for row, line in enumerate(text.splitlines()) if line.strip()]
    marks: dict[int, LineMark] = {}
    for position, entry in enumerate(lines):
        number = entry.get("line", position + 1)
        index = (number - 1) if isinstance(number, int) else position
        if 0 <= index < len(rows):
            marks[rows[index]] = LineMark(
                str(entry.get("verdict", "undecided")), feedback_text(entry.get("feedback"), lang)
            )
    return marks


def code_template(question: Question) -> str:
    """The editor's starting text: the bank's `starter`, else the signature with an empty body."""
    starter = question.answer.get("starter")
    if isinstance(starter, str) and starter.strip():
        return starter
    signature = str(question.answer.get("signature", "")).strip()
    if not signature:
        return ""
    if not signature.startswith("def "):
        signature = "def " + signature  # banks write `attention(q, k, v, mask=None)`
    if not signature.endswith(":"):
        signature += ":"
    return f"import torch\n\n\n{signature}\n    ...\n"


class CodeAnswer(AnswerInput):
    """A Python editor with the signature pre-filled; Ctrl+R runs the checks."""

    DEFAULT_CSS = """
    CodeAnswer { height: 1fr; padding: 0 1; }
    CodeAnswer PythonEditor { height: 1fr; min-height: 5; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run_checks", "Run checks", id="code.run_checks"),
    ]

    def compose(self) -> ComposeResult:
        yield PythonEditor(code_template(self.question), id="code")

    @property
    def editor(self) -> PythonEditor:
        return self.query_one(PythonEditor)

    def answer_text(self) -> str:
        return self.editor.text

    def lacks_answer(self) -> bool:
        return self.editor.text.strip() in ("", code_template(self.question).strip())

    def focus_answer(self) -> None:
        editor = self.editor
        editor.focus()
        # Select the body's `...`, so the first keystroke replaces it.
        for row, line in enumerate(editor.text.splitlines()):
            if line.strip() == "...":
                start = len(line) - len(line.lstrip())
                editor.selection = Selection((row, start), (row, start + 3))
                return

    def action_run_checks(self) -> None:
        self.submit()
