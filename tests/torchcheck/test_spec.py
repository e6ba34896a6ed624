"""Validation of a code question's `answer`: problems are reported with their place, code is
parsed but never run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quizzer.core.catalog import ValidationContext, load_catalog, validate_bank_data

from .helpers import SCALE_SPEC


def problems_for(answer: dict[str, Any]) -> list[str]:
    data = {
        "bank": {"id": "b", "title": "B", "topic": "t"},
        "questions": [
            {"id": "q", "type": "code", "prompt": "p", "explanation": "e", "answer": answer}
        ],
    }
    return [
        f"{'.'.join(map(str, path))}: {message}"
        for path, message in validate_bank_data(data, ValidationContext())
    ]


def test_a_valid_spec_has_no_problems() -> None:
    assert problems_for(SCALE_SPEC) == []


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"reference": "def scale(x, k)\n    return x\n"}, "answer.reference", "syntax error"),
        ({"reference": "def other(x, k):\n    return x\n"}, "answer.reference", "'scale'"),
        ({"inputs": "x = 1\n"}, "answer.inputs", "'make_inputs'"),
        ({"signature": "scale"}, "answer.signature", "not a function signature"),
        ({"cases": [{"shape": [2]}]}, "answer.cases.0", "'name'"),
        ({"dtypes": ["float8"]}, "answer.dtypes.0", "expected one of"),
        ({"tolerance": {"rtol": -1}}, "answer.tolerance.rtol", ">= 0"),
        ({"gradcheck": {"wrt": ["x"], "mode": "returns-grad"}}, "answer.gradcheck", "'loss'"),
        ({"gradcheck": {"wrt": ["x"], "case": 5}}, "answer.gradcheck.case", "no case"),
        ({"refrence": "x"}, "answer.refrence", "did you mean 'reference'"),
        ({"variants": [SCALE_SPEC["variants"][0]] * 2}, "answer.variants.1.name", "duplicate"),
    ],
)
def test_problems_name_their_place(change: dict[str, Any], where: str, message: str) -> None:
    found = problems_for({**SCALE_SPEC, **change})
    assert any(p.startswith(f"questions.0.{where}:") and message in p for p in found), found


def test_validation_never_runs_bank_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    spec = {
        **SCALE_SPEC,
        "reference": f"open({str(marker)!r}, 'w')\ndef scale(x, k):\n    return x * k\n",
    }
    assert problems_for(spec) == []
    assert not marker.exists()


def test_bank_file_errors_carry_line_numbers(tmp_path: Path) -> None:
    bank = tmp_path / "bad.yaml"
    bank.write_text(
        "bank: {id: bad, title: Bad, topic: t}\n"
        "questions:\n"
        "  - id: bad-code\n"
        "    type: code\n"
        "    prompt: p\n"
        "    explanation: e\n"
        "    answer:\n"
        "      signature: f(x)\n"
        "      reference: |\n"
        "        def f(x)\n"
        "      inputs: |\n"
        "        def make_inputs(case, dtype, g, device):\n"
        "            return {}\n"
        "      cases: [{name: one}]\n",
        encoding="utf-8",
    )
    catalog = load_catalog([bank], use_cache=False)
    assert len(catalog.diagnostics) == 1
    diagnostic = catalog.diagnostics[0]
    assert diagnostic.line == 9 and diagnostic.question_id == "bad-code"
    assert "syntax error" in diagnostic.message
