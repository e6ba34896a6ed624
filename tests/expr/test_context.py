"""Declaring symbols: from a question's answer mapping and from `--assume` specs; the worker a
front end keeps in `services`."""

from __future__ import annotations

import pytest

from quizzer.core.expr import ExprContext, warm_sympy_worker
from quizzer.core.expr.context import domain_of
from quizzer.errors import AnswerError


def test_assume_specs() -> None:
    everything = ExprContext.from_assume(["positive"])
    assert everything.assumptions_of("anything") == ("positive",)
    mapping = ExprContext.from_assume(
        [{"x": "positive", "n": ["integer", "positive"], "sigma": "logistic", "f": "function"}]
    )
    assert mapping.symbols["n"] == ("integer", "positive")
    assert mapping.sigma_logistic and mapping.functions == frozenset({"f"})
    assert mapping.assumptions_of("y") == ("real",)  # undeclared symbols are real
    pairs = ExprContext.from_assume(["n=integer,positive", "p=probability"])
    assert pairs.symbols == {"n": ("integer", "positive"), "p": ("probability",)}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("huge", "unknown assumption 'huge'"),
        ({"x": "pos itive"}, "unknown assumption"),
        ({"x": ["positive", "negative"]}, "contradict"),
        ({"x": "logistic"}, "only sigma"),
        ({"__x": "real"}, "not a symbol name"),
        ("function", "needs a name"),
    ],
)
def test_bad_assume_specs_are_answer_errors(spec: object, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        ExprContext.from_assume([spec])  # type: ignore[list-item]


def test_question_answer_mapping() -> None:
    context = ExprContext.from_answer(
        {
            "expected": "s*(1-s)",
            "symbols": {"s": "probability"},
            "functions": ["sigma", "f"],
            "define": {"s": "sigmoid(x)"},
        }
    )
    assert not context.open_symbols and context.sigma_logistic
    assert context.functions == frozenset({"f"}) and context.definitions == {"s": "sigmoid(x)"}
    listed = ExprContext.from_answer({"symbols": ["x", "y"]})
    assert listed.symbols == {"x": ("real",), "y": ("real",)}
    assert ExprContext.from_answer({}).open_symbols
    assert ExprContext.from_spec(context.to_spec()) == context


def test_domains_for_sampling() -> None:
    assert domain_of(("probability",)).kind == "probability"
    natural = domain_of(("integer", "positive"))
    assert natural.kind == "positive" and natural.integer
    interval = domain_of(("(2, 5)",))
    assert (interval.kind, interval.low, interval.high) == ("interval", 2.0, 5.0)
    with pytest.raises(AnswerError, match="empty interval"):
        domain_of(("(5, 2)",))


def test_warm_worker_is_idempotent() -> None:
    services: dict[str, object] = {}
    first = warm_sympy_worker(services)
    try:
        assert warm_sympy_worker(services) is first and services["sympy"] is first
        assert first.pid is not None
    finally:
        first.close()
