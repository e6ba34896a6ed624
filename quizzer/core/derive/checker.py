"""The line-by-line checker: a verdict for every line of a learner's derivation.

A derivation is lines of formulas. In a chain of expressions a line may hold several links
(`a = b = c`) or continue the previous one (`= c`); in a chain of equations (an exercise whose
start is an equation) each line is one equation. Every link must equal the previous one under
the exercise's givens (`Prepared.normalize`); the first line must be the start and the last the
goal, both as written (`Prepared.same_form`). Verdicts: valid, invalid (with a counterexample
or near-miss feedback, and the next hint at the first invalid line), undecided (the engine could
not decide within its time cap). A derivation reaching the goal through an undecided step is
reported undecided, never correct.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.derive.expressions import Comparison, compare, near_misses, pretty
from quizzer.core.derive.givens import Prepared
from quizzer.core.model import Outcome
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError

VALID, INVALID, UNDECIDED = "valid", "invalid", "undecided"
MAX_LINES = 60  # a derivation longer than this is a paste accident
_RANK = {VALID: 0, UNDECIDED: 1, INVALID: 2}


def _text(en: str, zh: str) -> LocalizedText:
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


@dataclass
class _Link:
    """One parsed formula of the chain and its form under the givens (computed once)."""

    written: Any
    normalized: Any
    line: int


@dataclass
class _LineState:
    verdict: str = VALID
    feedback: list[LocalizedText] = field(default_factory=list)
    counterexample: Mapping[str, Any] | None = None

    def add(
        self,
        verdict: str,
        *feedback: LocalizedText,
        counterexample: Mapping[str, Any] | None = None,
    ) -> None:
        if _RANK[verdict] > _RANK[self.verdict]:
            self.verdict = verdict
        self.feedback.extend(feedback)
        if counterexample is not None and self.counterexample is None:
            self.counterexample = counterexample


class DerivationChecker:
    """Checks derivations for one prepared exercise (or a free chain); reusable and warm."""

    def __init__(
        self,
        prepared: Prepared,
        timeout: float = 2.0,
        worker: Any = None,
        near_misses: bool = True,
    ) -> None:
        """`worker`: the SymPy worker to use (None: the process-wide default).
        `near_misses`: explain the first invalid step with the engine's near-miss feedback
        (one more engine call; verdicts do not depend on it)."""
        self.prepared = prepared
        self.timeout = timeout
        self.context = prepared.context
        self.worker = worker
        self.near_misses = near_misses
        # Memos: the interactive runner re-checks the whole derivation after every new line,
        # so without them a 10-line session would repeat 45 engine calls for 10 new ones.
        self._normal: dict[Any, Any] = {}
        self._decided: dict[tuple[Any, Any], Comparison] = {}

    # -- public -----------------------------------------------------------------------------

    def check(self, answer: str | Sequence[str]) -> DerivationReport:
        """Check text (one step a line) or a list of lines."""
        return self.check_lines(split_lines(answer))

    def check_lines(self, lines: Sequence[tuple[int, str]]) -> DerivationReport:
        parsed: list[tuple[int, str, list[Any] | AnswerError]] = []
        for number, text in lines:
            try:
                parsed.append((number, text, self._parse_line(text)))
            except AnswerError as exc:
                parsed.append((number, text, exc))
        return self.check_parsed(parsed)

    def check_parsed(
        self, lines: Sequence[tuple[int, str, list[Any] | AnswerError]]
    ) -> DerivationReport:
        """Check lines already parsed into formulas (one list of links per line)."""
        free = self.prepared.start is None
        if free and sum(len(f) for _, _, f in lines if isinstance(f, list)) < 2:
            raise AnswerError("a chain needs at least two formulas to compare")
        reports: list[LineReport] = []
        previous: _Link | None = None
        last_good: Any = None  # the last formula before the first invalid line (for hints)
        first_line_matched_start = False
        for index, (number, text, formulas) in enumerate(lines):
            state = _LineState()
            if isinstance(formulas, AnswerError):
                state.add(
                    INVALID,
                    _text(
                        f"This line cannot be read: {formulas.message}",
                        f"这一行无法识别：{formulas.message}",
                    ),
                )
                if not any(r.verdict == INVALID for r in reports):
                    last_good = _last_good(reports, lines, index)
                reports.append(self._report(number, text, state))
                continue
            for formula in formulas:
                link = _Link(formula, None, number)
                if previous is None and not free:
                    first_line_matched_start = self._check_first(link, state)
                elif previous is not None:
                    first_break = self.near_misses and not any(
                        r.verdict == INVALID for r in reports
                    )
                    self._check_step(previous, link, state, explain=first_break)
                previous = link
            # Literally the goal (as SymPy reads it), right after the start: a leap that is
            # allowed, but worth saying.
            if (
                index == 1
                and first_line_matched_start
                and len(formulas) == 1
                and not free
                and formulas[0] == self.prepared.goal
            ):
                state.feedback.append(
                    _text(
                        "This line merely restates the goal: the step is valid, but it shows "
                        "none of the working.",
                        "这一行只是重述了目标：这一步成立，但没有展示任何推导过程。",
                    )
                )
            if state.verdict == INVALID and not any(r.verdict == INVALID for r in reports):
                last_good = _last_good(reports, lines, index)
            reports.append(self._report(number, text, state))
        if not any(r.verdict == INVALID for r in reports):
            last_good = previous.written if previous is not None else None
        return self._conclude(reports, previous, free, last_good)

    # -- one line ---------------------------------------------------------------------------

    def _parse_line(self, text: str) -> list[Any]:
        import sympy

        if self.prepared.equation_chain:
            formula = self.prepared.parse(text)
            if not isinstance(formula, sympy.Equality):
                raise AnswerError(
                    "this derivation is a chain of equations: write each line as "
                    "an equation 'lhs = rhs'"
                )
            return [formula]
        parts = split_links(text)
        if parts and parts[0] == "" and len(parts) > 1:
            parts = parts[1:]  # "= c" continues the previous line
        if any(p == "" for p in parts):
            raise AnswerError("an '=' with nothing on one side")
        return [self.prepared.parse(p) for p in parts]

    def _check_first(self, link: _Link, state: _LineState) -> bool:
        """The first formula must be the start; True when it is, as written."""
        start, goal = self.prepared.start, self.prepared.goal
        if self._matches(link.written, start):
            return True
        if self._matches(link.written, goal):
            state.add(
                INVALID,
                _text(
                    f"The first line must be the start, {pretty(start)}; this line is the goal "
                    "itself.",
                    f"第一行必须是起点 {pretty(start)}；这一行就是目标本身。",
                ),
            )
            return False
        result = self._compare_normalized(link, _Link(start, None, 0))
        if result.verdict == "equivalent":
            state.add(
                VALID,
                _text(
                    "This is the start rewritten with the exercise's definitions.",
                    "这是用题目给出的定义改写后的起点。",
                ),
            )
        elif result.verdict == "different":
            state.add(
                INVALID,
                _text(
                    f"The first line must be the start: {pretty(start)}.",
                    f"第一行必须是起点：{pretty(start)}。",
                ),
            )
        else:
            state.add(
                UNDECIDED,
                _text(
                    f"Could not decide whether this line is the start ({result.reason}).",
                    f"无法判断这一行是否为起点（{result.reason}）。",
                ),
            )
        return False

    def _check_step(
        self, previous: _Link, link: _Link, state: _LineState, explain: bool = True
    ) -> None:
        """Check one link; `explain`: add the engine's near-miss feedback (done for the first
        invalid line only, where the learner will look; each call costs ~10 ms)."""
        result = self._compare_normalized(link, previous)
        where = "the previous line" if previous.line != link.line else "the previous formula"
        where_zh = "上一行" if previous.line != link.line else "前一个式子"
        if result.verdict == "equivalent":
            return
        if result.verdict == "undecided":
            state.add(
                UNDECIDED,
                _text(
                    f"Could not decide whether this step follows from {where}: {result.reason}.",
                    f"无法判断这一步是否由{where_zh}得出：{result.reason}。",
                ),
            )
            return
        feedback = [_text(f"This does not follow from {where}.", f"这一步不能由{where_zh}得出。")]
        if result.counterexample:
            unknown = str(self.prepared.unknown) if result.method == "solutions" else None
            feedback.append(
                _counterexample_text(
                    result.counterexample,
                    unknown,
                    bool(self.prepared.rules or self.prepared.functions),
                )
            )
        elif result.reason:
            feedback.append(_text(f"({result.reason})", f"（{result.reason}）"))
        if explain and state.verdict != INVALID:
            feedback.extend(self._near_misses(link, previous))
        state.add(INVALID, *feedback, counterexample=result.counterexample)

    # -- comparisons ------------------------------------------------------------------------

    def _normalized(self, link: _Link) -> Any:
        if link.normalized is None:
            cached = self._normal.get(link.written)
            if cached is None:
                cached = self.prepared.normalize(link.written)
                _remember(self._normal, link.written, cached)
            link.normalized = cached
        return link.normalized

    def _compare_normalized(self, link: _Link, previous: _Link) -> Comparison:
        answer, expected = self._normalized(link), self._normalized(previous)
        key = (answer, expected)
        cached = self._decided.get(key)
        if cached is None:
            cached = self._decide(answer, expected)
            if cached.verdict != "undecided":  # a timeout may go differently next time
                _remember(self._decided, key, cached)
        return cached

    def _decide(self, answer: Any, expected: Any) -> Comparison:
        """Expressions: equal. Equations: the same solutions for the exercise's unknown, or,
        in a free chain of equations in one unknown, the same solutions for it (x^2 = 9 ->
        x = 3 is a valid step when x is declared positive); otherwise the engine's reading of
        equation equivalence."""
        import sympy

        from quizzer.core.derive.equations import compare_by_solutions

        unknown = self.prepared.unknown
        if (
            unknown is None
            and self.prepared.start is None
            and isinstance(answer, sympy.Equality)
            and isinstance(expected, sympy.Equality)
        ):
            symbols = answer.free_symbols | expected.free_symbols
            unknown = next(iter(symbols)) if len(symbols) == 1 else None
        if unknown is not None and isinstance(answer, sympy.Equality):
            return compare_by_solutions(
                answer, expected, unknown, self.context, self.timeout, self.worker
            )
        return compare(answer, expected, self.context, self.timeout, self.worker)

    def _matches(self, written: Any, target: Any) -> bool:
        """Whether a formula is `target` as written (see `Prepared.same_form`)."""
        return self.prepared.same_form(written, target)

    def _near_misses(self, link: _Link, previous: _Link) -> list[LocalizedText]:
        import sympy

        answer, expected = self._normalized(link), self._normalized(previous)
        if isinstance(answer, sympy.Equality) or isinstance(expected, sympy.Equality):
            return []
        return list(near_misses(answer, expected, self.context, self.timeout, self.worker))

    # -- the whole --------------------------------------------------------------------------

    def _report(self, number: int, text: str, state: _LineState) -> LineReport:
        return LineReport(number, text, state.verdict, tuple(state.feedback), state.counterexample)

    def _conclude(
        self, reports: list[LineReport], last: _Link | None, free: bool, last_good: Any
    ) -> DerivationReport:
        exercise = self.prepared.exercise
        invalid = [i for i, r in enumerate(reports) if r.verdict == INVALID]
        undecided = [r for r in reports if r.verdict == UNDECIDED]
        if invalid:
            first = reports[invalid[0]]
            hint = self.prepared.next_hint(last_good, invalid[0]) if exercise else None
            reports[invalid[0]] = LineReport(
                first.line,
                first.text,
                first.verdict,
                first.feedback
                + ((_text(f"Hint: {hint.en}", f"提示：{hint.get('zh')}"),) if hint else ()),
                first.counterexample,
            )
            summary = _text(
                f"Line {first.line} is the first invalid step.",
                f"第 {first.line} 行是第一个不成立的步骤。",
            )
            reached = bool(
                last is not None and not free and self._matches(last.written, self.prepared.goal)
            )
            return DerivationReport(Outcome.INCORRECT, tuple(reports), reached, (summary,), hint)
        if free:
            if undecided:
                return DerivationReport(
                    Outcome.UNDECIDED,
                    tuple(reports),
                    False,
                    (
                        _text(
                            f"Line {undecided[0].line} could not be decided.",
                            f"第 {undecided[0].line} 行无法判定。",
                        ),
                    ),
                )
            return DerivationReport(
                Outcome.CORRECT,
                tuple(reports),
                False,
                (_text("Every line is equivalent to the previous one.", "每一行都与上一行等价。"),),
            )
        reached = last is not None and self._matches(last.written, self.prepared.goal)
        if not reached:
            hint = self.prepared.next_hint(last_good, len(reports)) if exercise else None
            goal = pretty(self.prepared.goal)
            return DerivationReport(
                Outcome.INCORRECT,
                tuple(reports),
                False,
                (
                    _text(
                        f"Every step is valid so far, but the derivation does not reach the "
                        f"goal {goal} yet.",
                        f"目前每一步都成立，但推导还没有到达目标 {goal}。",
                    ),
                ),
                hint,
            )
        if undecided:
            return DerivationReport(
                Outcome.UNDECIDED,
                tuple(reports),
                True,
                (
                    _text(
                        f"The derivation reaches the goal, but line {undecided[0].line} could not "
                        "be decided, so it is not accepted.",
                        f"推导到达了目标，但第 {undecided[0].line} 行无法判定，因此不予认可。",
                    ),
                ),
            )
        return DerivationReport(
            Outcome.CORRECT,
            tuple(reports),
            True,
            (
                _text(
                    "Every step is valid and the derivation reaches the goal.",
                    "每一步都成立，推导到达了目标。",
                ),
            ),
        )


MEMO_SIZE = 1024


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= MEMO_SIZE:
        memo.pop(next(iter(memo)))  # oldest first (dicts keep insertion order)
    memo[key] = value


def _last_good(
    reports: Sequence[LineReport],
    lines: Sequence[tuple[int, str, list[Any] | AnswerError]],
    index: int,
) -> Any:
    """The last formula of the line before `index`, when that line was readable."""
    if index == 0:
        return None
    formulas = lines[index - 1][2]
    return formulas[-1] if isinstance(formulas, list) and formulas else None


def _counterexample_text(
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
        return _text(
            f"{at_en}: this equation gives {unknown} = {answer}, the previous one "
            f"gives {unknown} = {expected}.",
            f"{at_zh}：这个方程给出 {unknown} = {answer}，上一个方程给出 {unknown} = {expected}。",
        )
    note_en = " (with the definitions substituted)" if substituted else ""
    note_zh = "（已代入定义）" if substituted else ""
    return _text(
        f"{at_en}: this step is {answer}, but the previous one is {expected}{note_en}.",
        f"{at_zh}：这一步的值是 {answer}，上一步却是 {expected}{note_zh}。",
    )
