"""The type-specific part of a verdict, drawn for the feedback screen.

Each checker puts structured data in `Verdict.details` (see the engines' docs): a counterexample
point for formulas, per-line verdicts for derivations, a breakdown for parameter counts, the
cases passed for code. The checkers' feedback sentences already name the failing code case, so
only what the sentences do not say is drawn here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizzer.core.model import Question, Verdict

# Derivation line verdict -> (mark, colour). Marks are one cell wide in every terminal.
MARKS: dict[str, tuple[str, str]] = {
    "valid": ("✓", "green"),
    "invalid": ("✗", "red"),
    "undecided": ("?", "yellow"),
}

Translate = Callable[..., str]  # a screen's `t(key, **values)`


def feedback_text(feedback: Any, lang: str) -> str:
    """Feedback as a checker returns it (text, LocalizedText, {en, zh} or a list) as one string."""
    if feedback is None:
        return ""
    if isinstance(feedback, list | tuple):
        return " ".join(feedback_text(item, lang) for item in feedback if item)
    if isinstance(feedback, dict):
        return str(feedback.get(lang) or feedback.get("en") or "")
    getter = getattr(feedback, "get", None)
    return str(getter(lang)) if callable(getter) else str(feedback)


def counterexample_text(counterexample: Mapping[str, Any], t: Translate) -> Text:
    """`At x = -2: your answer 0.1334, expected 0.1050.`"""
    point = counterexample.get("point") or {}
    where = ", ".join(f"{name} = {value}" for name, value in point.items())
    text = Text()
    text.append(f"{t('counterexample')}: ", style="bold")
    text.append(f"{where}  →  {t('your_answer').lower()} {counterexample.get('answer')}, ")
    text.append(f"{t('expected').lower()} {counterexample.get('expected')}")
    return text


def steps_table(lines: list[Mapping[str, Any]], lang: str) -> Table:
    """A derivation's steps with the checker's mark and feedback for each."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, justify="right")
    table.add_column(no_wrap=True)
    table.add_column()
    for position, entry in enumerate(lines):
        symbol, colour = MARKS.get(str(entry.get("verdict")), MARKS["undecided"])
        text = Text(str(entry.get("text", "")))
        note = feedback_text(entry.get("feedback"), lang)
        if note:
            text.append(f"\n{note}", style="dim")
        table.add_row(str(entry.get("line", position + 1)), Text(symbol, style=colour), text)
    return table


def breakdown_table(lines: list[Mapping[str, Any]]) -> Table:
    """A parameter count part by part: name, formula, value."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(style="dim")
    table.add_column(justify="right", no_wrap=True)
    for entry in lines:
        value = entry.get("value")
        shown = f"{value:,.0f}" if isinstance(value, int | float) else str(value)
        table.add_row(str(entry.get("name", "")), str(entry.get("formula", "")), shown)
    return table


def details_block(
    question: Question, verdict: Verdict, lang: str, t: Translate
) -> RenderableType | None:
    """What the feedback screen draws from `verdict.details` for this question type."""
    details = verdict.details
    parts: list[RenderableType] = []
    if question.type == "derivation" and details.get("lines"):
        parts += [Text(t("steps"), style="bold"), steps_table(list(details["lines"]), lang)]
    elif question.type == "params" and details.get("lines") and not verdict.correct:
        parts += [Text(t("breakdown"), style="bold"), breakdown_table(list(details["lines"]))]
    counterexample = details.get("counterexample")
    if isinstance(counterexample, Mapping) and question.type == "expression":
        parts.append(counterexample_text(counterexample, t))
    if (
        question.type == "code"
        and not verdict.correct
        and isinstance(details.get("cases_total"), int)
    ):
        parts.append(
            Text(
                t("cases_passed", n=details.get("cases_passed", 0), total=details["cases_total"]),
                style="bold",
            )
        )
    return Group(*parts) if parts else None
