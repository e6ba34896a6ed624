"""Working an exercise in a plain terminal: a prompt per line, a verdict after each.

The session is a loop over injected `read_line` / `write` callables, so the command wires it to
the terminal and the tests to lists of strings. Each new line is checked together with the
lines before it (the checker is warm, so a 10-line derivation stays well under a second); an
invalid line is reported and not kept, so the derivation on screen is always a valid chain.

Commands at the prompt: `hint`, `undo` (drop the last line), `show` (the lines so far),
`solution` (the reference derivation, which ends the attempt), `quit`; an empty line does
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from quizzer.core.derive.checker import DerivationChecker
from quizzer.core.derive.exercise import Exercise
from quizzer.core.derive.expressions import pretty
from quizzer.core.derive.report import INVALID, UNDECIDED, VALID
from quizzer.core.model import Outcome
from quizzer.errors import AnswerError

MARKS = {VALID: "✓", INVALID: "✗", UNDECIDED: "?"}
COMMANDS = ("hint", "undo", "show", "solution", "quit")
WORDS = {
    "en": {
        "start": "Start: {start}\nGoal:  {goal}\nType one step per line (commands: {commands}).",
        "done": "✓ Derivation complete: every step is valid and it reaches the goal.",
        "undecided_done": "? The goal is reached, but a step could not be decided.",
        "no_hint": "No hint for this step.",
        "nothing": "Nothing to undo.",
        "solution": "Reference derivation:",
        "quit": "Stopped after {n} line(s).",
        "rejected": "   (not added: correct it, or type hint)",
    },
    "zh": {
        "start": "起点：{start}\n目标：{goal}\n每行输入一步（命令：{commands}）。",
        "done": "✓ 推导完成：每一步都成立，并到达了目标。",
        "undecided_done": "? 已到达目标，但有一步无法判定。",
        "no_hint": "这一步没有提示。",
        "nothing": "没有可以撤销的行。",
        "solution": "参考推导：",
        "quit": "在第 {n} 行后停止。",
        "rejected": "   （未加入：请改正，或输入 hint）",
    },
}


@dataclass
class SessionResult:
    outcome: Outcome | None  # None: stopped before the goal
    lines: list[str] = field(default_factory=list)
    gave_up: bool = False


def run_session(
    exercise: Exercise,
    checker: DerivationChecker,
    read_line: Callable[[str], str | None],
    write: Callable[[str], None],
    lang: str = "en",
) -> SessionResult:
    """Run one interactive attempt; `read_line(prompt)` returns None at end of input."""
    words = WORDS["zh" if lang == "zh" else "en"]
    prepared = checker.prepared
    write(f"{exercise.title.get(lang)}\n{exercise.statement.get(lang).rstrip()}")
    write(
        words["start"].format(
            # The start as the exercise writes it: the first line must be it, and the Unicode
            # form (d/dx(σ(x))) is not what a learner types.
            start=exercise.start,
            goal=pretty(prepared.goal),
            commands=", ".join(COMMANDS),
        )
    )
    lines: list[str] = []
    hint = exercise.hint_after(0)
    while True:
        raw = read_line(f"{len(lines) + 1:>2}> ")
        if raw is None:
            write(words["quit"].format(n=len(lines)))
            return SessionResult(None, lines)
        text = raw.strip()
        command = text.lower()
        if not text:
            continue
        if command == "quit":
            write(words["quit"].format(n=len(lines)))
            return SessionResult(None, lines)
        if command == "hint":
            write(hint.get(lang) if hint else words["no_hint"])
            continue
        if command == "undo":
            if lines:
                lines.pop()
            else:
                write(words["nothing"])
            continue
        if command == "show":
            for number, line in enumerate(lines, 1):
                write(f"{number:>2}  {line}")
            continue
        if command == "solution":
            write(words["solution"])
            for step in exercise.steps:
                write(f"    {step.line}    # {step.why.get(lang)}")
            return SessionResult(None, lines, gave_up=True)
        try:
            report = checker.check([*lines, text])
        except AnswerError as exc:
            write(f"✗ {exc.message}")
            continue
        latest = report.lines[-1]
        write(f"{MARKS[latest.verdict]} {latest.verdict}")
        for item in latest.feedback:
            write(f"   {item.get(lang)}")
        hint = report.hint or hint
        if latest.verdict == INVALID:
            # An invalid line is not kept: the next one is compared with the last good line.
            write(words["rejected"])
            continue
        lines.append(text)
        if report.reached_goal and report.outcome is Outcome.CORRECT:
            write(words["done"])
            return SessionResult(Outcome.CORRECT, lines)
        if report.reached_goal and report.outcome is Outcome.UNDECIDED:
            write(words["undecided_done"])
            return SessionResult(Outcome.UNDECIDED, lines)
