"""`expression`: a formula, checked for equivalence by the SymPy engine in quizzer.core.expr.

The answer mapping declares the reference formula and the names it uses:

    answer:
      expected: "sigma(x)*(1 - sigma(x))"
      symbols: {x: real}            # or [x, y]; assumptions: positive, integer, probability, ...
      functions: [sigma]            # sigma then means the logistic function
      define: {s: "sigmoid(x)"}     # names substituted before comparing (s(1-s) is accepted)
      forbid: [tanh]                # functions the answer may not use ("express tanh via σ")
      reveal: true                  # feedback may show the expected formula

`check_spec` reads every formula with the pure-Python parser (no SymPy at load time), so a typo
in a bank is reported with its file and line when the bank is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question, Verdict
from quizzer.core.schema import (
    AnyValue,
    Bool,
    Field,
    ListOf,
    Path,
    Record,
    Report,
    Str,
)

SPEC = Record(
    fields={
        "expected": Field(Str(description="The reference formula"), required=True),
        "symbols": Field(
            AnyValue(
                description="Symbol -> assumption(s): real (default), positive, negative, "
                "nonnegative, nonzero, integer, natural, probability, complex, or an interval "
                "like '(0, 1)'; or a list of names (real)"
            )
        ),
        "functions": Field(
            ListOf(
                Str(),
                description="Declared function names: sigma (the logistic function) or "
                "abstract functions such as f",
            )
        ),
        "define": Field(
            AnyValue(description="Name -> formula substituted before comparing (s: sigmoid(x))")
        ),
        "forbid": Field(ListOf(Str(), description="Functions the answer may not use (e.g. tanh)")),
        "reveal": Field(Bool(description="Whether feedback may show the full answer")),
    },
    description="A formula checked by SymPy",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    from quizzer.core.expr.context import ExprContext
    from quizzer.core.expr.lexicon import FUNCTIONS
    from quizzer.core.expr.syntax import parse_tree
    from quizzer.errors import AnswerError

    try:
        expr_context = ExprContext.from_answer(answer)
    except AnswerError as exc:
        report((*path, "symbols"), exc.message)
        return
    open_context = expr_context.opened()
    formulas = [("expected", answer.get("expected"))]
    define = answer.get("define")
    if define is not None and not isinstance(define, Mapping):
        report((*path, "define"), "expected a mapping from names to formulas")
    elif define:
        formulas += [(f"define.{k}", v) for k, v in define.items()]
    for key, text in formulas:
        if not isinstance(text, str):
            continue
        try:
            parse_tree(text, open_context)
        except AnswerError as exc:
            report((*path, *key.split(".")), f"the formula {text!r} cannot be read: {exc.message}")
    for name in answer.get("forbid") or ():
        if name not in FUNCTIONS:
            report((*path, "forbid"), f"{name!r} is not a function of the formula language")


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    from quizzer.core.expr.questions import grade_expression_question

    return grade_expression_question(question, answer, env)


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    return str(question.answer["expected"])
