"""Small code questions built in memory, for tests that need a question but not a bank."""

from __future__ import annotations

from typing import Any

from quizzer.core.model import Question
from quizzer.core.text import LocalizedText

SCALE_SPEC: dict[str, Any] = {
    "signature": "scale(x, k)",
    "reference": "def scale(x, k):\n    return x * k\n",
    "inputs": (
        "def make_inputs(case, dtype, g, device):\n"
        "    return {'x': torch.randn(*case['shape'], generator=g, dtype=dtype), 'k': case['k']}\n"
    ),
    "cases": [
        {"name": {"en": "a matrix", "zh": "矩阵"}, "shape": [2, 3], "k": 3.0},
        {"name": {"en": "k = 1", "zh": "k = 1"}, "shape": [4], "k": 1.0},
    ],
    "variants": [
        {
            "name": "plus",
            "code": "def scale(x, k):\n    return x + k\n",
            "feedback": {"en": "You added k instead of multiplying.", "zh": "你把 k 加上了。"},
        },
    ],
}
CORRECT_SCALE = "def scale(x, k):\n    return x * k\n"


def code_question(spec: dict[str, Any] | None = None, qid: str = "t-scale") -> Question:
    return Question(
        id=qid,
        type="code",
        prompt=LocalizedText("Write scale(x, k)."),
        explanation=LocalizedText("x * k"),
        bank_id="test",
        file="test.yaml",
        answer=spec or SCALE_SPEC,
    )
