"""The question example in docs/expressions.md is real: it loads and passes its own tests."""

from __future__ import annotations

import re
from pathlib import Path

from quizzer.core.catalog import load_catalog
from quizzer.core.expr import SympyWorker
from quizzer.core.grading import GradingEnv
from quizzer.core.selftest import TestResult, check_questions
from tests.conftest import REPO

DOC = REPO / "docs" / "expressions.md"


def test_the_documented_question_passes_its_tests(tmp_path: Path, worker: SympyWorker) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    bank = tmp_path / "example.yaml"
    bank.write_text(
        "bank: {id: example, title: Example, topic: docs}\nquestions:\n" + blocks[0],
        encoding="utf-8",
    )
    catalog = load_catalog([bank], use_cache=False)
    assert catalog.ok, [str(d) for d in catalog.diagnostics]
    results = list(
        check_questions(
            catalog.questions.values(), GradingEnv(catalog=catalog, services={"sympy": worker})
        )
    )
    assert results and all(isinstance(r, TestResult) and r.ok for r in results), results
