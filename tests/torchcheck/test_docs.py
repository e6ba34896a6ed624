"""The examples in docs/code-questions.md are real: each validates and passes its own tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from quizzer.core.catalog import load_catalog
from quizzer.core.grading import GradingEnv
from quizzer.core.selftest import TestResult, check_questions

from .conftest import REPO

DOC = REPO / "docs" / "code-questions.md"
BLOCKS = [
    block
    for block in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    if block.lstrip().startswith("- id:")
]


def test_the_page_has_a_numeric_and_a_code_example() -> None:
    types = {m for block in BLOCKS for m in re.findall(r"^    type: (\w+)", block, re.M)}
    assert {"numeric", "code"} <= types


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: re.findall(r"id: (\S+)", b)[0])
def test_example_validates_and_passes_its_tests(
    tmp_path: Path, block: str, torch_services: dict[str, Any]
) -> None:
    bank = tmp_path / "example.yaml"
    bank.write_text(
        "bank: {id: example, title: Example, topic: docs}\nquestions:\n" + block, encoding="utf-8"
    )
    catalog = load_catalog([bank], use_cache=False)
    assert catalog.ok, [str(d) for d in catalog.diagnostics]
    env = GradingEnv(catalog=catalog, services=torch_services, device="cpu")
    results = list(check_questions(catalog.questions.values(), env))
    failures = [r for r in results if not (isinstance(r, TestResult) and r.ok)]
    assert results and not failures, failures
