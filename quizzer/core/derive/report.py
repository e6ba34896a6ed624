"""What the checker reports: a verdict per line, and the derivation's outcome.

`DerivationReport.to_json` is the `--json` shape and, in a Verdict's `details`, what the TUI
renders: `lines: [{line, text, verdict, feedback, counterexample}]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quizzer.core.model import Outcome
from quizzer.core.text import LocalizedText

VALID, INVALID, UNDECIDED = "valid", "invalid", "undecided"


def bilingual(en: str, zh: str) -> LocalizedText:
    return LocalizedText(en=en, zh=zh)


@dataclass(frozen=True, slots=True)
class LineReport:
    """The verdict on one line; `line` is its 1-based number in the learner's text."""

    line: int
    text: str
    verdict: str
    feedback: tuple[LocalizedText, ...] = ()
    counterexample: Mapping[str, Any] | None = None

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "line": self.line,
            "text": self.text,
            "verdict": self.verdict,
            "feedback": [f.get(lang) for f in self.feedback],
            "counterexample": dict(self.counterexample) if self.counterexample else None,
        }


@dataclass(frozen=True, slots=True)
class DerivationReport:
    outcome: Outcome
    lines: tuple[LineReport, ...]
    reached_goal: bool
    summary: tuple[LocalizedText, ...] = ()
    hint: LocalizedText | None = None

    @property
    def first_invalid(self) -> LineReport | None:
        return next((r for r in self.lines if r.verdict == INVALID), None)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        first = self.first_invalid
        return {
            "verdict": self.outcome.value,
            "reached_goal": self.reached_goal,
            "first_invalid_line": first.line if first else None,
            "lines": [r.to_json(lang) for r in self.lines],
            "summary": [s.get(lang) for s in self.summary],
            "hint": self.hint.get(lang) if self.hint else None,
        }


def counterexample_text(
    counterexample: Mapping[str, Any], unknown: str | None, substituted: bool
) -> LocalizedText:
    """ "At x = 1.3: this step is 0.21, but the previous one is 0.19." (For equations solved
    for an unknown, the values are the unknown's solutions.)"""
    point = counterexample.get("point") or {}
    shown = ", ".join(f"{k} = {v}" for k, v in point.items() if not k.startswith("_quantity"))
    at_en = f"At {shown}" if shown else "Here"
    at_zh = f"在 {shown} 处" if shown else "此处"
    answer, expected = counterexample.get("answer"), counterexample.get("expected")
    if unknown is not None:
        return bilingual(
            f"{at_en}: this equation gives {unknown} = {answer}, the previous one "
            f"gives {unknown} = {expected}.",
            f"{at_zh}：这个方程给出 {unknown} = {answer}，上一个方程给出 {unknown} = {expected}。",
        )
    note_en = " (with the definitions substituted)" if substituted else ""
    note_zh = "（已代入定义）" if substituted else ""
    return bilingual(
        f"{at_en}: this step is {answer}, but the previous one is {expected}{note_en}.",
        f"{at_zh}：这一步的值是 {answer}，上一步却是 {expected}{note_zh}。",
    )
