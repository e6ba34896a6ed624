"""Running each question's own `tests` (what `quizzer banks check` does).

A question's tests prove its checker and its reference answer: every `accept` answer must be
graded correct, every `reject` answer incorrect (and, where given, with feedback containing the
expected text). The reference answer itself is also graded, for the types where it is an
answer a learner could type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from quizzer.core.grading import GradingEnv, grade
from quizzer.core.model import Outcome, Question
from quizzer.errors import QuizzerError

# Types whose `tests.accept` may be empty: the reference itself is graded (numeric,
# expression), the correct options are the spec (choice, multi), or the calculator is the
# reference (params).
ACCEPT_TESTS_OPTIONAL = ("numeric", "expression", "choice", "multi", "params")
# Types whose reference answer must be computable (a snippet, a formula, the calculator) ...
REFERENCE_COMPUTED = ("numeric", "expression", "params")
# ... and, typed back as an answer, accepted (a params reference is a breakdown, not an answer).
REFERENCE_GRADED = ("numeric", "expression")


@dataclass(frozen=True, slots=True)
class TestCase:
    __test__ = False  # not a pytest test class

    question: Question
    answer: Any
    want: Outcome
    feedback_contains: str | None = None
    origin: str = "accept"  # accept | reject | reference


@dataclass(frozen=True, slots=True)
class TestResult:
    __test__ = False

    case: TestCase
    ok: bool
    got: str  # the outcome, or "error"
    message: str  # what went wrong, for the report

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.case.question.id,
            "file": self.case.question.file,
            "origin": self.case.origin,
            "answer": self.case.answer,
            "want": self.case.want.value,
            "got": self.got,
            "ok": self.ok,
            "message": self.message,
        }


def cases_for(question: Question) -> Iterator[TestCase]:
    for answer in question.tests.accept:
        yield TestCase(question, answer, Outcome.CORRECT, origin="accept")
    for item in question.tests.reject:
        if isinstance(item, dict) and "answer" in item:
            yield TestCase(
                question, item["answer"], Outcome.INCORRECT, item.get("feedback"), origin="reject"
            )
        else:
            yield TestCase(question, item, Outcome.INCORRECT, origin="reject")


def missing_tests(question: Question) -> str | None:
    """Why a machine-checked question's tests are insufficient, or None."""
    if not question.machine_checked:
        return None
    if not question.tests.reject:
        return "no `tests.reject`: add at least one wrong answer the checker must reject"
    if not question.tests.accept and question.type not in ACCEPT_TESTS_OPTIONAL:
        return "no `tests.accept`: add at least one answer the checker must accept"
    return None


def run_case(case: TestCase, env: GradingEnv) -> TestResult:
    try:
        verdict = grade(case.question, case.answer, env)
    except QuizzerError as exc:
        return TestResult(case, False, "error", f"the checker could not read it: {exc.message}")
    got = verdict.outcome
    if got is not case.want:
        detail = "; ".join(f.en for f in verdict.feedback)
        return TestResult(
            case,
            False,
            got.value,
            f"expected {case.want.value}, got {got.value}" + (f" ({detail})" if detail else ""),
        )
    if case.feedback_contains:
        text = " ".join(f.en for f in verdict.feedback)
        if case.feedback_contains.lower() not in text.lower():
            return TestResult(
                case,
                False,
                got.value,
                f"feedback should mention {case.feedback_contains!r}, got: {text or '(none)'}",
            )
    return TestResult(case, True, got.value, "")


def check_questions(
    questions: Iterable[Question], env: GradingEnv
) -> Iterator[TestResult | tuple[Question, str]]:
    """Yield a result per test case, and (question, problem) for questions lacking tests."""
    from quizzer.core.grading import reference_answer

    for question in questions:
        problem = missing_tests(question)
        if problem:
            yield (question, problem)
        for case in cases_for(question):
            yield run_case(case, env)
        if question.type in REFERENCE_COMPUTED:
            try:
                ref = reference_answer(question, env)
            except QuizzerError as exc:
                yield (question, f"the reference answer cannot be computed: {exc.message}")
                continue
            if ref is not None and question.type in REFERENCE_GRADED:
                yield run_case(TestCase(question, ref, Outcome.CORRECT, origin="reference"), env)
