"""Near-miss feedback (issue 3, item 4): the generic mistakes are named, and the expected
formula is never revealed unless the question allows it."""

from __future__ import annotations

import pytest

from quizzer.core.expr import ExprContext, SympyWorker, near_miss_feedback

POSITIVE = ExprContext.from_assume(["positive"])


@pytest.mark.parametrize(
    ("answer", "expected", "says"),
    [
        ("2*x*y", "x*y", "2 times"),
        ("x/2", "x", "1/2 times"),
        ("sqrt(2)*x", "x", "√2 times"),
        ("-x*exp(x)", "x*exp(x)", "sign is flipped"),
        ("sqrt(d_k)", "1/sqrt(d_k)", "reciprocal"),
        ("-1/x", "x", "negative reciprocal"),
        ("d_k", "sqrt(d_k)", "square of the expected"),
        ("sqrt(d_k)", "d_k", "square root of the expected"),
        ("sqrt(x)", "x^2", "takes a root where the expected one squares"),
        ("x^2", "sqrt(x)", "squares where the expected one takes a root"),
        ("x^2 + 1", "x^2", "by the constant 1"),
        ("x^2 + 1", "x^2 + x + 1", "additive term of the expected answer is missing"),
        ("x^2 + x + 1", "x^2 + 1", "The term x should not be there"),
        ("x^2 - x", "x^2 + x", "One term has the wrong sign"),
        ("x^2 - 2*x*y + y^2", "x^2 + 2*x*y + y^2", "One term has the wrong sign"),
        ("s*(1 + s)", "s*(1 - s)", "One term has the wrong sign"),
    ],
)
def test_generic_near_misses_are_named(
    worker: SympyWorker, answer: str, expected: str, says: str
) -> None:
    messages = near_miss_feedback(answer, expected, POSITIVE, worker=worker)
    assert any(says in m for m in messages), messages


def test_missing_term_is_named_only_when_revealing_is_allowed(worker: SympyWorker) -> None:
    hidden = near_miss_feedback("w - eta*g", "w - eta*(g + lambda*w)", worker=worker)
    shown = near_miss_feedback("w - eta*g", "w - eta*(g + lambda*w)", reveal=True, worker=worker)
    assert hidden == ["One additive term of the expected answer is missing."]
    assert any("λ" in m for m in shown)


def test_unrelated_and_equal_formulas_get_no_near_miss(worker: SympyWorker) -> None:
    assert near_miss_feedback("sin(x)", "x^3 + 1", worker=worker) == []
    assert near_miss_feedback("2x", "x + x", worker=worker) == []
    # |sign(x)| is constant, so "1 is the square of sign(x)" would be true and useless.
    assert near_miss_feedback("1", "sign(x)", worker=worker) == []


@pytest.mark.parametrize(
    "answer",
    [
        "2x + max(0, x - 100)",
        "-x - relu(x - 100)",
        "x + 5 + max(0, x - 200)",
        "1/x + floor(x/1000)",
    ],
)
def test_a_relation_that_fails_past_a_breakpoint_is_not_claimed(
    worker: SympyWorker, answer: str
) -> None:
    # Said "2 times", "sign is flipped", "by the constant 5", "reciprocal": true below the
    # breakpoint only.
    assert near_miss_feedback(answer, "x", POSITIVE, worker=worker) == []
    assert near_miss_feedback("2*max(x, 3)", "max(x, 3)", POSITIVE, worker=worker) == [
        "Off by a constant factor: your answer is 2 times the expected one."
    ]
