"""Reading a learner's count, with an optional breakdown, and finding where it diverges.

Input convention (documented in docs/params.md):

    109482240                                   just the number
    23837184 + 85054464 + 590592                a breakdown: the answer is the sum
    23837184 + 12*7087872 + 590592              a term may be a product (`*`, `×` or `·`)
    23837184 + 85054464 + 590592 = 109482240    a breakdown and the total (the total counts)

Terms are compared with the calculator's lines, group by group (embeddings, the L layers,
the pooler) or component by component, whichever the learner's terms match better; the first
line that does not match is reported with its formula.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from quizzer.core.numbers import parse_number
from quizzer.core.params.breakdown import GROUP_TITLES, GROUP_TITLES_ZH
from quizzer.core.params.formula import group_digits
from quizzer.core.params.quantity import Line
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError

# '+' that separates terms, not the one inside an exponent such as 1e+9.
_PLUS = re.compile(r"(?<![eE])\+")
_TIMES = re.compile(r"\s*[*×·]\s*|\s+x\s+")
Closeness = Callable[[float, float], bool]


@dataclass(frozen=True)
class ParsedAnswer:
    """The number the learner commits to, and the breakdown terms they showed (if any)."""

    value: Fraction
    terms: tuple[Fraction, ...] = ()
    claimed_total: bool = False  # `... = total` was written

    @property
    def breakdown_sum(self) -> Fraction:
        return sum(self.terms, Fraction(0))


def parse_answer(
    text: str, *, allow_suffix: bool, units: Mapping[str, Fraction] | None = None
) -> ParsedAnswer:
    """Parse `a + b*c = total`; raise AnswerError saying what is expected."""
    raw = str(text).strip()
    if not raw:
        raise AnswerError(
            "empty answer: type a number such as 109482240, or a breakdown "
            "such as 23837184 + 85054464 + 590592"
        )
    segments = [s.strip() for s in raw.split("=")]
    totals: list[Fraction] = []
    terms: tuple[Fraction, ...] = ()
    for segment in segments:
        pieces = [p.strip() for p in _PLUS.split(segment)]
        values = tuple(_term(p, allow_suffix, units or {}) for p in pieces)
        if len(values) > 1:
            terms = values
        else:
            totals.append(values[0])
    if totals:
        return ParsedAnswer(totals[-1], terms, claimed_total=bool(terms))
    return ParsedAnswer(sum(terms, Fraction(0)), terms)


def _term(text: str, allow_suffix: bool, units: Mapping[str, Fraction]) -> Fraction:
    """One term in the question's unit: `2.147 GB` becomes 2 when GiB were asked for."""
    stripped, factor = _strip_unit(text, units)
    if not stripped:
        raise AnswerError(f"{text!r}: a term is empty (check the '+' and '=' signs)")
    try:
        return _number(stripped, allow_suffix) * factor
    except AnswerError:
        factors = _TIMES.split(stripped)
        if len(factors) < 2:
            raise
    product = Fraction(1)
    for part in factors:
        product *= _number(part, allow_suffix)
    return product * factor


def _number(text: str, allow_suffix: bool) -> Fraction:
    parsed = parse_number(text, allow_suffix=allow_suffix)
    return parsed.exact if parsed.exact is not None else Fraction(parsed.value)


def _strip_unit(text: str, units: Mapping[str, Fraction]) -> tuple[str, Fraction]:
    lowered = text.strip().lower()
    for word in sorted(units, key=len, reverse=True):
        if lowered.endswith(word.lower()) and len(lowered) > len(word):
            return text.strip()[: -len(word)].strip(), units[word]
    return text.strip(), Fraction(1)


@dataclass(frozen=True)
class Divergence:
    """Where a shown breakdown parts from the calculator's."""

    line: Line
    got: Fraction | None  # the learner's term for that line, or None if they left it out
    feedback: LocalizedText


def find_divergence(
    terms: tuple[Fraction, ...],
    fine: tuple[Line, ...],
    coarse: tuple[Line, ...],
    close: Closeness,
) -> Divergence | None:
    """The first calculator line the learner's terms do not account for.

    Each group (embeddings, the layers, the pooler) may be written as one subtotal or part by
    part, so every mix of the two levels is tried; the one matching most terms wins. When the
    learner wrote as many terms as that level has lines, they are compared in order.
    """
    best: tuple[tuple[int, int, int], tuple[Line, ...], bool] | None = None
    for lines in candidate_levels(fine, coarse):
        positional = len(lines) == len(terms) and _positional(terms, lines, close)
        matched = _multiset(terms, lines, close)[0]
        score = (max(positional or 0, matched), int(len(lines) == len(terms)), -len(lines))
        if best is None or score > best[0]:
            best = (score, lines, bool(positional) and positional >= matched)
    if best is None:
        return None
    _, lines, in_order = best
    if in_order:
        for term, line in zip(terms, lines, strict=True):
            if not close(float(term), line.value):
                return Divergence(line, term, _differs(line, term, close))
        return None
    _, stray_terms, missing = _multiset(terms, lines, close)
    if not missing:
        if not stray_terms:
            return None
        extra = group_digits(_plain(stray_terms[0]))
        return Divergence(
            lines[-1],
            stray_terms[0],
            LocalizedText(
                f"Your term {extra} matches no part of the breakdown.",
                f"你的 {extra} 这一项不对应分解中的任何部分。",
            ),
        )
    line = missing[0]
    if stray_terms:
        got = _closest(stray_terms, line.value)
        return Divergence(line, got, _differs(line, got, close))
    return Divergence(
        line,
        None,
        LocalizedText(
            f"Your breakdown leaves out {line.name}: {_show(line)}.",
            f"你的分解漏掉了 {line.title('zh')}：{_show(line)}。",
        ),
    )


MAX_LEVELS = 256


def candidate_levels(fine: tuple[Line, ...], coarse: tuple[Line, ...]) -> list[tuple[Line, ...]]:
    """Every way of writing each group either as its subtotal(s) or part by part."""
    # A tied head's line is 0: writing it or not are both fine, so it is not matched.
    fine = tuple(x for x in fine if x.value)
    coarse = tuple(x for x in coarse if x.value)
    if not coarse:
        return [fine] if fine else []
    groups = list(dict.fromkeys(line.group for line in (*fine, *coarse)))
    options: list[list[tuple[Line, ...]]] = []
    for group in groups:
        parts = tuple(x for x in fine if x.group == group)
        totals = tuple(x for x in coarse if x.group == group)
        choices: list[tuple[Line, ...]] = []
        if len(totals) > 1:  # the whole group as one number (T5's encoder: layers + the rest)
            title = GROUP_TITLES.get(group, group)
            whole = sum(x.value for x in totals)
            choices.append(
                (
                    Line(
                        f"{title} group",
                        "",
                        whole,
                        1,
                        whole,
                        f"{GROUP_TITLES_ZH.get(group, title)}（合计）",
                        group,
                    ),
                )
            )
        # Subtotals before parts, so that a tie names the group ("Pooler"), not its only part.
        for option in (totals, parts):
            if option and option not in choices:
                choices.append(option)
        options.append(choices)
    levels = [line_set for line_set in itertools.islice(itertools.product(*options), MAX_LEVELS)]
    return [tuple(x for part in level for x in part) for level in levels]


def _positional(terms: tuple[Fraction, ...], lines: tuple[Line, ...], close: Closeness) -> int:
    return sum(close(float(t), x.value) for t, x in zip(terms, lines, strict=True))


def _multiset(
    terms: tuple[Fraction, ...], lines: tuple[Line, ...], close: Closeness
) -> tuple[int, list[Fraction], list[Line]]:
    """Matched count, terms matching no line, lines no term matches (in order)."""
    unmatched_terms = list(terms)
    unmatched_lines: list[Line] = []
    for line in lines:
        hit = next((t for t in unmatched_terms if close(float(t), line.value)), None)
        if hit is None:
            unmatched_lines.append(line)
        else:
            unmatched_terms.remove(hit)
    return len(terms) - len(unmatched_terms), unmatched_terms, unmatched_lines


def _closest(terms: list[Fraction], target: float) -> Fraction:
    return min(terms, key=lambda t: abs(float(t) - target))


def _differs(line: Line, got: Fraction, close: Closeness) -> LocalizedText:
    got_text = group_digits(_plain(got))
    en = f"Your breakdown diverges at {line.name}: you have {got_text}, it is {_show(line)}."
    zh = f"你的分解在 {line.title('zh')} 处出错：你写的是 {got_text}，应为 {_show(line)}。"
    each = line.each or line.value
    if line.times > 1 and close(float(got), each):
        en += f" {got_text} is one instance; there are {line.times}."
        zh += f" {got_text} 只是其中一份，共有 {line.times} 份。"
    return LocalizedText(en, zh)


def _show(line: Line) -> str:
    value = group_digits(_plain(line.value))
    return f"{value} = {line.formula}" if line.formula else value


def _plain(value: float | Fraction) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number
