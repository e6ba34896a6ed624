"""`numeric`: a number, a shape, or a small vector/matrix, compared within a tolerance.

The expected value is either written in the bank (`value`) or computed by a torch snippet
(`torch`), run in the torch worker (see `quizzer.core.torchcheck`). Bank code runs only for
trusted banks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv, mistake_feedback, verdict
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.numbers import (
    ParsedNumber,
    close,
    flatten,
    parse_nested_list,
    parse_number,
    parse_shape,
)
from quizzer.core.schema import (
    AnyValue,
    Bool,
    Enum,
    Field,
    Num,
    Path,
    Record,
    Report,
    Str,
)
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError

KINDS = ("scalar", "shape", "tensor")

SPEC = Record(
    fields={
        "value": Field(AnyValue(description="The expected number, shape or nested list")),
        "torch": Field(
            Str(description="A torch snippet that assigns the expected value to `result`")
        ),
        "kind": Field(Enum(values=KINDS, description="scalar (default), shape or tensor")),
        "tolerance": Field(
            Record(
                fields={"rel": Field(Num(minimum=0)), "abs": Field(Num(minimum=0))},
                description="Accepted when |got - expected| <= max(abs, rel * |expected|)",
            )
        ),
        "approximate": Field(
            Bool(description="Accept abbreviations (110M); default tolerance then 0.5% relative")
        ),
        "unit": Field(Str(description="Shown after the input, e.g. 'parameters'")),
    },
    description="A numeric answer",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    has_value, has_torch = "value" in answer, "torch" in answer
    if has_value == has_torch:
        report(path, "give exactly one of 'value' (a literal) or 'torch' (a snippet)")
    kind = answer.get("kind", "scalar")
    value = answer.get("value")
    scalar_ok = _is_number(value) or (isinstance(value, str) and _parses(value))
    if has_value and kind == "scalar" and not scalar_ok:
        report((*path, "value"), f"expected a number for a scalar answer, got {value!r}")
    if has_value and kind in ("shape", "tensor") and not isinstance(value, list):
        report((*path, "value"), f"expected a list for a {kind} answer, got {value!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_number(value: Any) -> float | None:
    """A mistake's `match` as a number: YAML numbers, or strings such as "-1.139434" or "110M"."""
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_number(value).value
        except AnswerError:
            return None
    return None


def _parses(text: str) -> bool:
    try:
        parse_number(text)
    except Exception:
        return False
    return True


# Approximate questions accept abbreviations (110M) within this relative error unless the question
# sets its own tolerance: 0.5% admits 110M for 109,482,240 (0.47%) but not 340M for 335,141,888.
APPROXIMATE_REL = 0.005
# A float reference without a tolerance accepts answers typed to ~6 significant digits.
DEFAULT_REL = 1e-6


def tolerance(question: Question, expected: float | None = None) -> tuple[float, float]:
    """(rel, abs) for this question.

    A `tolerance` mapping means exactly what it says (a missing `rel` or `abs` is 0): with
    `{abs: 0}` an off-by-one parameter count must be rejected, not slip through a default
    relative tolerance. Without a mapping, an integer reference is exact, approximate questions
    allow 0.5%, and other floats 1e-6 relative.
    """
    tol = question.answer.get("tolerance")
    if tol is not None:
        return float(tol.get("rel", 0.0)), float(tol.get("abs", 0.0))
    if question.answer.get("approximate"):
        return APPROXIMATE_REL, 0.0
    if expected is not None and float(expected).is_integer() and "value" in question.answer:
        return 0.0, 0.0
    return DEFAULT_REL, 0.0


def expected_value(question: Question, env: GradingEnv) -> Any:
    """The literal value, or the value the question's torch snippet computes."""
    if "value" in question.answer:
        value = question.answer["value"]
        return parse_number(value).value if isinstance(value, str) else value
    from quizzer.core.torchcheck import compute_reference

    return compute_reference(question, env)


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    kind = question.answer.get("kind", "scalar")
    if "torch" in question.answer and not env.trusted_code:
        return verdict(
            Outcome.UNDECIDED,
            "This question's reference is computed by code from a bank you have not trusted; "
            "run `quizzer banks trust PATH` to allow it.",
            details={"needs_trust": True},
        )
    expected = expected_value(question, env)
    if kind == "shape":
        return _grade_shape(question, answer, expected)
    if kind == "tensor":
        return _grade_tensor(question, answer, expected)
    return _grade_scalar(question, answer, float(expected))


def _grade_scalar(question: Question, answer: Any, expected: float) -> Verdict:
    approximate = bool(question.answer.get("approximate", False))
    if _is_number(answer):
        parsed = ParsedNumber(float(answer), str(answer))
    else:
        parsed = parse_number(str(answer), allow_suffix=approximate)
    rel, abs_ = tolerance(question, expected)
    ok = close(parsed.value, expected, rel, abs_)
    feedback: list[LocalizedText | str] = []
    if not ok:
        feedback.extend(
            mistake_feedback(
                question,
                lambda m: (v := _as_number(m)) is not None and close(parsed.value, v, rel, abs_),
            )
        )
        feedback.extend(_near_miss(parsed.value, expected))
    return verdict(
        Outcome.CORRECT if ok else Outcome.INCORRECT,
        *feedback,
        interpreted=_fmt(parsed.value),
        expected=_fmt(expected),
        details={"got": parsed.value, "expected": expected},
    )


def _near_miss(got: float, expected: float) -> list[str]:
    """Generic hints for a wrong number: sign, factor of 2, power of ten, reciprocal."""
    if expected == 0 or got == 0:
        return []
    ratio = got / expected
    hints = {
        -1.0: "Right magnitude, wrong sign.",
        2.0: "Your answer is twice the expected value.",
        0.5: "Your answer is half the expected value.",
    }
    for r, hint in hints.items():
        if abs(ratio - r) < 1e-9 * max(1.0, abs(r)):
            return [hint]
    import math

    if ratio > 0:
        exponent = math.log10(ratio)
        if abs(exponent - round(exponent)) < 1e-9 and round(exponent) != 0:
            return [f"Off by a factor of 10^{round(exponent)}: check your units or zeros."]
    if abs(got * expected - 1) < 1e-9:
        return ["Your answer is the reciprocal of the expected value."]
    return []


def _grade_shape(question: Question, answer: Any, expected: Any) -> Verdict:
    got = tuple(answer) if isinstance(answer, list | tuple) else parse_shape(str(answer))
    want = tuple(int(d) for d in expected)
    feedback: list[LocalizedText | str] = []
    if got != want:
        feedback.extend(mistake_feedback(question, lambda m: tuple(m or ()) == got))
        if len(got) != len(want):
            feedback.append(f"Expected {len(want)} dimensions, got {len(got)}.")
        elif sorted(got) == sorted(want):
            feedback.append("Right sizes in the wrong order.")
    return verdict(
        Outcome.CORRECT if got == want else Outcome.INCORRECT,
        *feedback,
        interpreted=str(got),
        expected=str(want),
    )


def _grade_tensor(question: Question, answer: Any, expected: Any) -> Verdict:
    value = answer if isinstance(answer, list) else parse_nested_list(str(answer))
    got_flat, got_shape = flatten(value)
    want_flat, want_shape = flatten(expected)
    rel, abs_ = tolerance(question)
    if got_shape != want_shape:
        return verdict(
            Outcome.INCORRECT,
            f"Expected shape {want_shape}, got {got_shape}.",
            interpreted=str(value),
            expected=str(expected),
        )
    bad = [
        i
        for i, (g, w) in enumerate(zip(got_flat, want_flat, strict=True))
        if not close(g, w, rel, max(abs_, 1e-9))
    ]
    feedback: list[LocalizedText | str] = []
    if bad:
        feedback.append(
            f"{len(bad)} of {len(want_flat)} entries differ (first at flat index {bad[0]})."
        )
    return verdict(
        Outcome.INCORRECT if bad else Outcome.CORRECT,
        *feedback,
        interpreted=str(value),
        expected=str(expected),
    )


def _fmt(value: float) -> str:
    """Integers grouped (109,482,240); other floats in full (shortest exact form), so the shown
    reference is itself accepted however tight the tolerance."""
    if float(value).is_integer() and abs(value) < 1e18:
        return f"{int(value):,}"
    return repr(float(value))


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    kind = question.answer.get("kind", "scalar")
    expected = expected_value(question, env)
    return _fmt(float(expected)) if kind == "scalar" else str(expected)
