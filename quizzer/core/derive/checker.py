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

from quizzer.core.derive.expressions import (
    Comparison,
    compare,
    near_misses,
    pretty,
    undecided_if_unknowns,
)
from quizzer.core.derive.givens import Prepared
from quizzer.core.derive.lines import split_lines, split_links
from quizzer.core.derive.report import (
    INVALID,
    UNDECIDED,
    VALID,
    DerivationReport,
    LineReport,
    bilingual,
    counterexample_text,
)
from quizzer.core.model import Outcome
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError

__all__ = ["INVALID", "UNDECIDED", "VALID", "DerivationChecker", "DerivationReport", "LineReport"]

_RANK = {VALID: 0, UNDECIDED: 1, INVALID: 2}


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
            unreadable = next(((n, f) for n, _, f in lines if isinstance(f, AnswerError)), None)
            why = f" (line {unreadable[0]}: {unreadable[1].message})" if unreadable else ""
            raise AnswerError(f"a chain needs at least two formulas to compare{why}")
        reports: list[LineReport] = []
        previous: _Link | None = None
        last_good: Any = None  # the last formula before the first invalid line (for hints)
        first_line_matched_start = False
        for index, (number, text, formulas) in enumerate(lines):
            state = _LineState()
            if isinstance(formulas, AnswerError):
                state.add(
                    INVALID,
                    bilingual(
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
                    bilingual(
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
                bilingual(
                    f"The first line must be the start, {pretty(start)}; this line is the goal "
                    "itself.",
                    f"第一行必须是起点 {pretty(start)}；这一行就是目标本身。",
                ),
            )
            return False
        if self._matches(self.prepared.substituted(link.written), self.prepared.substituted(start)):
            state.add(
                VALID,
                bilingual(
                    "This is the start with the exercise's definitions written out.",
                    "这是把题目定义代入后的起点。",
                ),
            )
        else:
            state.add(
                INVALID,
                bilingual(
                    f"The first line must be the start: {pretty(start)}.",
                    f"第一行必须是起点：{pretty(start)}。",
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
                bilingual(
                    f"Could not decide whether this step follows from {where}: {result.reason}.",
                    f"无法判断这一步是否由{where_zh}得出：{result.reason}。",
                ),
            )
            return
        feedback = [
            bilingual(f"This does not follow from {where}.", f"这一步不能由{where_zh}得出。")
        ]
        if result.counterexample:
            unknown = str(self.prepared.unknown) if result.method == "solutions" else None
            feedback.append(
                counterexample_text(
                    result.counterexample,
                    unknown,
                    bool(self.prepared.rules or self.prepared.functions),
                )
            )
        elif result.reason:
            feedback.append(bilingual(f"({result.reason})", f"（{result.reason}）"))
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
        from quizzer.core.derive.expectation import ExpressionTooLarge
        from quizzer.core.expr.deadline import TimeLimit, time_limit

        try:
            # Applying the givens runs SymPy in this process: capped like an engine call
            # (SIGALRM in the main thread; elsewhere the size limits of bounded_expand hold).
            with time_limit(self.timeout):
                answer, expected = self._normalized(link), self._normalized(previous)
        except TimeLimit:
            return Comparison(
                "undecided", "time limit reached while applying the givens", "timeout"
            )
        except ExpressionTooLarge as exc:
            return Comparison("undecided", str(exc), "none")
        key = (answer, expected)
        cached = self._decided.get(key)
        if cached is None:
            cached = undecided_if_unknowns(self._decide(answer, expected), answer, expected)
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
                + ((bilingual(f"Hint: {hint.en}", f"提示：{hint.get('zh')}"),) if hint else ()),
                first.counterexample,
            )
            summary = bilingual(
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
                        bilingual(
                            f"Line {undecided[0].line} could not be decided.",
                            f"第 {undecided[0].line} 行无法判定。",
                        ),
                    ),
                )
            return DerivationReport(
                Outcome.CORRECT,
                tuple(reports),
                False,
                (
                    bilingual(
                        "Every line is equivalent to the previous one.", "每一行都与上一行等价。"
                    ),
                ),
            )
        reached = last is not None and self._matches(last.written, self.prepared.goal)
        if not reached:
            hint = self.prepared.next_hint(last_good, len(reports)) if exercise else None
            # As the exercise writes it: SymPy's order (−η·g + w·(−η·λ + 1)) hides the shape.
            goal = exercise.goal if exercise else pretty(self.prepared.goal)
            so_far = (
                bilingual(
                    f"No step is invalid, but line {undecided[0].line} could not be decided, "
                    f"and the derivation does not reach the goal {goal} yet.",
                    f"没有不成立的步骤，但第 {undecided[0].line} 行无法判定，"
                    f"且推导还没有到达目标 {goal}。",
                )
                if undecided
                else bilingual(
                    f"Every step is valid so far, but the derivation does not reach the "
                    f"goal {goal} yet.",
                    f"目前每一步都成立，但推导还没有到达目标 {goal}。",
                )
            )
            return DerivationReport(Outcome.INCORRECT, tuple(reports), False, (so_far,), hint)
        if undecided:
            return DerivationReport(
                Outcome.UNDECIDED,
                tuple(reports),
                True,
                (
                    bilingual(
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
                bilingual(
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
