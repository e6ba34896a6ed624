"""`code`: the learner writes a torch function, run against a reference on random inputs.

The answer mapping (documented in docs/code-questions.md):

    signature: attention(q, k, v, mask=None)      # what the learner writes
    reference: |                                  # the correct function (bank code)
      def attention(q, k, v, mask=None): ...
    inputs: |                                     # arguments for one case, in signature order
      def make_inputs(case, dtype, g, device): return {"q": ..., "k": ..., ...}
    cases: [{name: {en, zh}, <sizes and flags for make_inputs>, dtypes?: [...]}, ...]
    dtypes: [float32, float64]                    # default for every case
    tolerance: {rtol, atol} | {float32: {rtol, atol}, float64: {...}}
    variants: [{name, code, feedback: {en, zh}}]  # known wrong versions, recognized by output
    observe: |                                    # optional: compare derived quantities
      def observe(output, inputs): ...
    observed: {en, zh}                            # what observe returns, for the feedback
    deterministic: true                           # two identical calls must agree
    gradcheck: {wrt: [x], mode: autograd | returns-grad, loss: "def loss(...)", case: 0}
    setup: |                                      # optional helpers shared by the bank code
    starter: |                                    # optional template shown to the learner

Validation only parses the code (it never runs it): bank code runs in the torch worker, and only
for trusted banks.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question, Verdict
from quizzer.core.schema import (
    LOCALIZED_TEXT,
    AnyValue,
    Bool,
    Enum,
    Field,
    Int,
    ListOf,
    Path,
    Record,
    Report,
    Str,
)

DTYPES = ("float16", "bfloat16", "float32", "float64")
SIGNATURE = re.compile(r"\s*([A-Za-z_]\w*)\s*\((.*)\)\s*(?:->.*)?$", re.DOTALL)
CODE = Str(description="Python source (bank code: runs only for trusted banks)")

VARIANT = Record(
    fields={
        "name": Field(
            Str(pattern=r"[a-z0-9][a-z0-9_-]*", pattern_help="a kebab-case name"), required=True
        ),
        "code": Field(
            Str(description="A wrong implementation with the same signature"), required=True
        ),
        "feedback": Field(LOCALIZED_TEXT, required=True),
    },
    extra_allowed=(),
    description="A common mistake: when the learner's output matches this code's, say why",
)

GRADCHECK = Record(
    fields={
        "wrt": Field(
            ListOf(Str(), min_items=1, description="Argument names to perturb"), required=True
        ),
        "mode": Field(
            Enum(
                values=("autograd", "returns-grad"),
                description="autograd (default): check the learner's autograd; "
                "returns-grad: the function returns d loss / d wrt[0]",
            )
        ),
        "loss": Field(Str(description="For returns-grad: code defining loss(...)")),
        "case": Field(Int(minimum=0, description="Index of the case to check (default 0)")),
    },
    extra_allowed=(),
    description="Autograd against central finite differences, in float64",
)

SPEC = Record(
    fields={
        "signature": Field(
            Str(description="The function the learner writes, e.g. f(x, y=None)"), required=True
        ),
        "reference": Field(CODE, required=True),
        "inputs": Field(CODE, required=True),
        "cases": Field(
            ListOf(
                AnyValue(), min_items=1, description="Each: {name: {en, zh}, sizes/flags, dtypes?}"
            ),
            required=True,
        ),
        "dtypes": Field(ListOf(Enum(values=DTYPES), min_items=1)),
        "tolerance": Field(AnyValue(description="{rtol, atol}, or one such mapping per dtype")),
        "variants": Field(ListOf(VARIANT)),
        "observe": Field(CODE),
        "observed": Field(LOCALIZED_TEXT),
        "deterministic": Field(Bool(description="Two calls with the same inputs must agree")),
        "gradcheck": Field(GRADCHECK),
        "setup": Field(CODE),
        "starter": Field(Str(description="A template shown to the learner")),
    },
    description="A code exercise checked by torch",
)


def entry_name(signature: str) -> str:
    """`attention(q, k, v, mask=None)` -> `attention`."""
    found = SIGNATURE.match(signature)
    if found is None:
        raise ValueError(f"{signature!r} is not a function signature like f(x, y)")
    return found.group(1)


def _defines(code: str) -> set[str] | None:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def _check_code(code: Any, name: str | None, report: Report, path: Path) -> None:
    if not isinstance(code, str):
        return
    try:
        ast.parse(code)
    except SyntaxError as exc:
        report(path, f"Python syntax error on line {exc.lineno} of this code: {exc.msg}")
        return
    if name is not None and name not in (_defines(code) or set()):
        report(path, f"this code must define a function named {name!r}")


def _check_tolerance(tolerance: Any, report: Report, path: Path) -> None:
    if tolerance is None:
        return
    if not isinstance(tolerance, dict):
        report(path, "expected {rtol, atol} or a mapping from dtype to {rtol, atol}")
        return
    mappings = tolerance.items() if set(tolerance) <= set(DTYPES) else [(None, tolerance)]
    for dtype, item in mappings:
        where = (*path, dtype) if dtype else path
        if not isinstance(item, dict) or not set(item) <= {"rtol", "atol"}:
            report(where, "expected a mapping with 'rtol' and/or 'atol'")
            continue
        for key, value in item.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                report((*where, key), f"expected a number >= 0, got {value!r}")


def _check_cases(cases: Any, report: Report, path: Path) -> None:
    for i, case in enumerate(cases if isinstance(cases, list) else ()):
        if not isinstance(case, dict):
            report((*path, i), "expected a mapping with 'name' and the case's sizes")
            continue
        if "name" not in case:
            report((*path, i), "missing required key 'name' (shown when the case fails)")
        else:
            LOCALIZED_TEXT.validate(case["name"], (*path, i, "name"), report)
        if "dtypes" in case:
            ListOf(Enum(values=DTYPES), min_items=1).validate(
                case["dtypes"], (*path, i, "dtypes"), report
            )


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    try:
        entry: str | None = entry_name(str(answer["signature"]))
    except ValueError as exc:
        report((*path, "signature"), str(exc))
        entry = None
    _check_code(answer.get("reference"), entry, report, (*path, "reference"))
    _check_code(answer.get("inputs"), "make_inputs", report, (*path, "inputs"))
    _check_code(answer.get("observe"), "observe", report, (*path, "observe"))
    _check_code(answer.get("setup"), None, report, (*path, "setup"))
    _check_cases(answer.get("cases"), report, (*path, "cases"))
    _check_tolerance(answer.get("tolerance"), report, (*path, "tolerance"))
    names: set[str] = set()
    for i, variant in enumerate(answer.get("variants") or ()):
        _check_code(variant.get("code"), entry, report, (*path, "variants", i, "code"))
        if variant.get("name") in names:
            report((*path, "variants", i, "name"), f"duplicate variant name {variant['name']!r}")
        names.add(variant.get("name"))
    check = answer.get("gradcheck")
    if isinstance(check, dict):
        if check.get("mode") == "returns-grad" and "loss" not in check:
            report((*path, "gradcheck"), "mode returns-grad needs 'loss' (code defining loss)")
        _check_code(check.get("loss"), "loss", report, (*path, "gradcheck", "loss"))
        if int(check.get("case", 0)) >= len(answer.get("cases") or ()):
            report((*path, "gradcheck", "case"), "no case with this index")


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    from quizzer.core.torchcheck.questions import grade_code_question

    return grade_code_question(question, answer, env)


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    from quizzer.core.torchcheck.questions import code_reference_answer

    return code_reference_answer(question)
