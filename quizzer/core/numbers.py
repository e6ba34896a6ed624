"""Reading numbers as people type them: `1e-3`, `0.001`, `1/1000`, `109,482,240`, `109.48M`.

Pure Python (no SymPy): numeric questions are graded without paying for SymPy's import.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from quizzer.errors import AnswerError

# Powers of ten behind the suffixes interviewers use for parameter counts and FLOPs.
SUFFIXES = {
    "k": 3,
    "K": 3,
    "M": 6,
    "m": 6,
    "B": 9,
    "G": 9,
    "b": 9,
    "T": 12,
    "万": 4,
    "亿": 8,
}
MAX_ANSWER_CHARS = 10_000

_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[,_ ]\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SUFFIXED = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*([kKmMbBGT万亿])")
_FRACTION = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")
_POWER = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(?:\^|\*\*)\s*([+-]?\d+)")
_TIMES_POW = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*[x×*·]\s*10\s*(?:\^|\*\*)\s*([+-]?\d+)")


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A typed number; `exact` keeps fractions and long integers exact."""

    value: float
    text: str
    suffixed: bool = False
    exact: Fraction | None = None


def parse_number(text: str, *, allow_suffix: bool = True) -> ParsedNumber:
    """Parse one scalar; raise AnswerError with what was expected when it is not a number."""
    raw = str(text)
    if len(raw) > MAX_ANSWER_CHARS:
        raise AnswerError(f"answer too long ({len(raw)} characters)")
    s = raw.strip().replace("−", "-").replace("，", ",")
    if not s:
        raise AnswerError("empty answer: type a number such as 0.5, 1e-3, 1/1000 or 109,482,240")
    if _GROUPED.fullmatch(s):
        s_clean = re.sub(r"[,_ ]", "", s)
        return _exact(s_clean, raw)
    if _PLAIN.fullmatch(s):
        return _exact(s, raw)
    m = _FRACTION.fullmatch(s)
    if m:
        num, den = Fraction(m.group(1)), Fraction(m.group(2))
        if den == 0:
            raise AnswerError(f"{raw!r} divides by zero")
        frac = num / den
        return ParsedNumber(float(frac), raw, exact=frac)
    m = _TIMES_POW.fullmatch(s)
    if m:
        exp = int(m.group(2))
        if abs(exp) > 400:
            raise AnswerError(f"exponent {exp} is out of range")
        frac = Fraction(m.group(1)) * Fraction(10) ** exp
        return ParsedNumber(float(frac), raw, exact=frac)
    m = _POWER.fullmatch(s)
    if m:
        # 10^40, 2**-3: exact; the exponent is bounded so 9^999999999 cannot eat memory.
        base, exp = Fraction(m.group(1)), int(m.group(2))
        if abs(exp) > 400 or (base == 0 and exp < 0):
            raise AnswerError(f"{raw!r} is out of range")
        frac = base**exp
        try:
            return ParsedNumber(float(frac), raw, exact=frac)
        except OverflowError as exc:
            raise AnswerError(f"{raw!r} is too large") from exc
    m = _SUFFIXED.fullmatch(s)
    if m:
        if not allow_suffix:
            raise AnswerError(
                f"{raw!r}: this question wants the exact number, not an abbreviation like 110M"
            )
        frac = Fraction(m.group(1)) * Fraction(10) ** SUFFIXES[m.group(2)]
        return ParsedNumber(float(frac), raw, suffixed=True, exact=frac)
    raise AnswerError(
        f"{raw!r} is not a number: type e.g. 0.5, 1e-3, 1/1000, 109,482,240"
        + (" or 110M" if allow_suffix else "")
    )


def _exact(s: str, raw: str) -> ParsedNumber:
    try:
        frac = Fraction(s)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise AnswerError(f"{raw!r} is not a number") from exc
    try:
        value = float(frac)
    except OverflowError as exc:
        raise AnswerError(f"{raw!r} is too large") from exc
    return ParsedNumber(value, raw, exact=frac)


def parse_shape(text: str) -> tuple[int, ...]:
    """`(2, 8, 16)`, `[2, 8, 16]`, `2x8x16`, `torch.Size([2, 8, 16])` -> (2, 8, 16)."""
    s = str(text).strip()
    s = re.sub(r"^torch\.Size\((.*)\)$", r"\1", s)
    if re.fullmatch(r"\d+(\s*[x×]\s*\d+)+", s):
        return tuple(int(p) for p in re.split(r"\s*[x×]\s*", s))
    s = s.strip("()[] ")
    if not s:
        return ()
    parts = [p.strip() for p in s.split(",") if p.strip()]
    if not all(re.fullmatch(r"\d+", p) for p in parts):
        raise AnswerError(f"{text!r} is not a shape: type e.g. (2, 8, 16)")
    return tuple(int(p) for p in parts)


def parse_nested_list(text: str) -> list[object]:
    """A vector or matrix typed as nested lists: `[[0.5, 0.5], [1, 0]]` (no code is run)."""
    s = str(text).strip()
    if len(s) > MAX_ANSWER_CHARS:
        raise AnswerError(f"answer too long ({len(s)} characters)")
    try:
        value = ast.literal_eval(s)
    except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
        raise AnswerError(
            f"{text!r} is not a list of numbers: type e.g. [[0.5, 0.5], [1, 0]]"
        ) from exc
    if isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, list) or not _all_numbers(value):
        raise AnswerError(f"{text!r} is not a list of numbers")
    return value


def _all_numbers(value: object) -> bool:
    if isinstance(value, list | tuple):
        return all(_all_numbers(v) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool)


def flatten(value: object) -> tuple[list[float], tuple[int, ...]]:
    """Values in row-major order and the nested shape; raise AnswerError if ragged."""
    if not isinstance(value, list | tuple):
        return [float(value)], ()  # type: ignore[arg-type]
    if not value:
        return [], (0,)
    parts = [flatten(v) for v in value]
    shapes = {p[1] for p in parts}
    if len(shapes) != 1:
        raise AnswerError("ragged list: every row must have the same length")
    flat = [x for p in parts for x in p[0]]
    return flat, (len(value), *parts[0][1])


def close(got: float, expected: float, rel: float, abs_: float) -> bool:
    if math.isnan(got) or math.isnan(expected):
        return False
    return abs(got - expected) <= max(abs_, rel * abs(expected))
