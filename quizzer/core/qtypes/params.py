"""`params`: a parameter / FLOP / memory count, checked by the calculator in quizzer.core.params.

The answer mapping (see docs/params.md for examples):

    architecture: bert-base                     # or {preset|family|layer: name, hidden: 768, ...}
    ranges: {hidden: [256, 512], layers: {min: 2, max: 8}}   # drawn per attempt (seeded)
    count: total                                # or layer:encoder, encoder.qkv, group:embeddings,
                                                # {what: memory.kv_cache, context: 4096, unit: GiB}
    compare: {op: minus, architecture: ..., count: ...}      # optional: a difference or ratio
    tolerance: {rel: 0.01}                      # default: exact counts, 1% for FLOPs and bytes
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question, Verdict
from quizzer.core.schema import (
    AnyValue,
    Enum,
    Field,
    Num,
    OneOf,
    Path,
    Record,
    Report,
    Str,
    is_dict,
    is_str,
)

ARCHITECTURE = OneOf(
    alternatives=[
        (is_str, Str(description="A preset (bert-base), a family (bert) or a layer (lstm)")),
        (is_dict, AnyValue(description="{preset|family|layer: name, <hyperparameter>: value}")),
    ],
    expected="a model name or a mapping with preset, family or layer",
    description="What to count: `quizzer params --list` shows the names",
)
COUNT = AnyValue(
    description="total (default), trainable, group:NAME, layer:GROUP, a component key such as "
    "encoder.qkv (one instance) or all:KEY, flops.forward/training/matmul/attention, "
    "memory.weights/adam/adam_mixed/kv_cache; as a mapping {what, seq, batch, context, dtype, "
    "unit} or {sum: [keys]}"
)

SPEC = Record(
    fields={
        "architecture": Field(ARCHITECTURE, required=True),
        "count": Field(COUNT),
        "ranges": Field(
            AnyValue(
                description="Hyperparameters drawn per attempt: a list of choices or "
                "{min, max, step}"
            )
        ),
        "compare": Field(
            Record(
                fields={
                    "op": Field(Enum(values=("minus", "ratio")), required=True),
                    "architecture": Field(ARCHITECTURE),
                    "count": Field(COUNT),
                },
                extra_allowed=(),
                description="The answer is this quantity minus (or divided by) another",
            )
        ),
        "tolerance": Field(
            Record(
                fields={"rel": Field(Num(minimum=0)), "abs": Field(Num(minimum=0))},
                extra_allowed=(),
                description="Default: exact for counts, rel 0.01 for FLOPs and bytes",
            )
        ),
    },
    description="A count computed by the parameter calculator",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    from quizzer.core.params.questions import check_params_spec

    check_params_spec(answer, report, path)


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    from quizzer.core.params.questions import grade_params_question

    return grade_params_question(question, answer, env)


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    from quizzer.core.params.questions import params_reference_answer

    return params_reference_answer(question, env)


def render_prompt(question: Question, env: GradingEnv) -> str:
    from quizzer.core.params.questions import render_params_prompt

    return render_params_prompt(question, env)
