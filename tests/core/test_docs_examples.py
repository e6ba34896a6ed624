"""The examples in docs/bank-format.md are real: each validates and passes its own tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizzer.core.catalog import load_catalog
from quizzer.core.grading import GradingEnv
from quizzer.core.selftest import TestResult, check_questions
from tests.conftest import REPO

DOC = REPO / "docs" / "bank-format.md"
BLOCKS = [
    block
    for block in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    if block.lstrip().startswith("- id:")
]


def test_every_question_type_has_an_example() -> None:
    types = {m for block in BLOCKS for m in re.findall(r"^    type: (\w+)", block, re.M)}
    assert types == {
        "choice",
        "multi",
        "numeric",
        "expression",
        "derivation",
        "code",
        "params",
        "recall",
    }


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: re.search(r"id: (\S+)", b).group(1))  # type: ignore[union-attr]
def test_example_validates_and_passes_its_tests(tmp_path: Path, block: str) -> None:
    bank = tmp_path / "example.yaml"
    bank.write_text(
        "bank: {id: example, title: Example, topic: docs}\nquestions:\n" + block, encoding="utf-8"
    )
    catalog = load_catalog([bank])
    assert catalog.ok, [str(d) for d in catalog.diagnostics]
    results = list(check_questions(catalog.questions.values(), GradingEnv(catalog=catalog)))
    failures = [r for r in results if not (isinstance(r, TestResult) and r.ok)]
    assert not failures, failures
