"""Splitting a learner's text into lines, and lines into links (`a = b = c`)."""

from __future__ import annotations

from collections.abc import Sequence

from quizzer.errors import AnswerError

MAX_LINES = 60  # a derivation longer than this is a paste accident


def split_lines(answer: str | Sequence[str]) -> list[tuple[int, str]]:
    """(line number, text) of each non-blank, non-comment line."""
    raw = answer.splitlines() if isinstance(answer, str) else [str(a) for a in answer]
    lines = [(n, t.strip()) for n, t in enumerate(raw, 1)]
    lines = [(n, t) for n, t in lines if t and not t.startswith("#")]
    if not lines:
        raise AnswerError("the derivation is empty: write one step per line")
    if len(lines) > MAX_LINES:
        raise AnswerError(f"the derivation has {len(lines)} lines; at most {MAX_LINES}")
    return lines


def split_links(text: str) -> list[str]:
    """`a = b = c` -> [a, b, c]; `= c` -> ["", c]. Only a single '=' outside brackets splits
    (`==`, `<=`, `>=` and `!=` do not)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if (
            char in "=＝"
            and depth == 0
            and text[i - 1 : i] not in ("=", "<", ">", "!")
            and text[i + 1 : i + 2] != "="
        ):
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts


def split_arguments(text: str) -> list[str]:
    """`a, f(b, c)` -> ["a", "f(b, c)"]: commas outside brackets separate arguments."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]
