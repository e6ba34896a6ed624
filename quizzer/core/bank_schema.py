"""The schema of a question-bank file (documented in docs/bank-format.md).

A bank file is one YAML document:

    bank: {id, title, topic, tags, description}
    questions: [{id, type, prompt, explanation, hints, difficulty, tags, source,
                 follow_ups, mistakes, tests, answer}, ...]

`answer` depends on `type`; its schema is each type module's `SPEC`.
"""

from __future__ import annotations

from typing import Any

from quizzer.core.model import QUESTION_TYPES
from quizzer.core.qtypes import type_module
from quizzer.core.schema import (
    LOCALIZED_TEXT,
    AnyValue,
    Enum,
    Field,
    Int,
    ListOf,
    OneOf,
    Record,
    Str,
    is_dict,
)

ID_PATTERN = r"[a-z0-9][a-z0-9._-]{0,79}"
ID = Str(pattern=ID_PATTERN, pattern_help="an id of lowercase letters, digits, '.', '_', '-'")
# A section of the source notes: file key and line range, e.g. 004:L364-414 or 003:L120.
SOURCE_PATTERN = r"\d{3}:L\d+(?:-\d+)?(?:,\s*\d{3}:L\d+(?:-\d+)?)*"
TAG = Str(pattern=r"[a-z0-9][a-z0-9_-]*", pattern_help="a tag in lowercase (kebab-case)")

DIFFICULTY_HELP = (
    "1 = definition recall, 2 = standard interview question, 3 = needs a derivation or a "
    "computation, 4 = deep follow-up, 5 = research-level"
)

TEST_REJECT_ITEM = OneOf(
    alternatives=[
        (
            is_dict,
            Record(
                fields={
                    "answer": Field(AnyValue(), required=True),
                    "feedback": Field(Str(description="Text the feedback must contain (English)")),
                },
                extra_allowed=(),
            ),
        ),
        (lambda v: True, AnyValue()),
    ],
    expected="an answer, or {answer, feedback}",
)

TESTS = Record(
    fields={
        "accept": Field(ListOf(AnyValue(), description="Answers the checker must accept")),
        "reject": Field(
            ListOf(
                TEST_REJECT_ITEM,
                description="Answers the checker must reject; {answer, feedback} also asserts "
                "that the feedback contains the given text",
            )
        ),
    },
    extra_allowed=(),
    description="Question tests, run by `quizzer banks check`",
)

MISTAKE = Record(
    fields={
        "match": Field(AnyValue(description="The wrong answer or pattern"), required=True),
        "feedback": Field(LOCALIZED_TEXT, required=True),
    },
    extra_allowed=(),
)

BANK_HEADER = Record(
    fields={
        "id": Field(ID, required=True),
        "title": Field(LOCALIZED_TEXT, required=True),
        "topic": Field(TAG, required=True),
        "tags": Field(ListOf(TAG)),
        "description": Field(LOCALIZED_TEXT),
    },
    extra_allowed=(),
)

QUESTION_COMMON: dict[str, Field] = {
    "id": Field(ID, required=True),
    "type": Field(Enum(values=QUESTION_TYPES), required=True),
    "prompt": Field(LOCALIZED_TEXT, required=True),
    "explanation": Field(LOCALIZED_TEXT, required=True),
    "hints": Field(ListOf(LOCALIZED_TEXT)),
    "difficulty": Field(Int(minimum=1, maximum=5, description=DIFFICULTY_HELP)),
    "tags": Field(ListOf(TAG)),
    "source": Field(
        Str(
            pattern=SOURCE_PATTERN,
            pattern_help="a notes section like '004:L364-414' (file key, line range)",
        )
    ),
    "follow_ups": Field(ListOf(ID, description="Ids of questions an interviewer asks next")),
    "mistakes": Field(ListOf(MISTAKE)),
    "tests": Field(TESTS),
    "answer": Field(AnyValue(description="Depends on type"), required=True),
}

QUESTION = Record(fields=QUESTION_COMMON, extra_allowed=())

BANK_FILE = Record(
    fields={
        "bank": Field(BANK_HEADER, required=True),
        "questions": Field(ListOf(AnyValue(), min_items=1), required=True),
    },
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file, for editors with a YAML language server."""
    question = QUESTION.json_schema()
    question["allOf"] = [
        {
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"answer": type_module(name).SPEC.json_schema()}},
        }
        for name in QUESTION_TYPES
    ]
    doc = BANK_FILE.json_schema()
    doc["properties"]["questions"] = {"type": "array", "minItems": 1, "items": question}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://quizzer.invalid/schema/bank.schema.json",
        "title": "quizzer question bank",
        **doc,
    }
