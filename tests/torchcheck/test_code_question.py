"""Code questions end to end: answers that cannot be read, trust, and the `quizzer answer` CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from quizzer.core.grading import GradingEnv, grade
from quizzer.core.model import Outcome
from quizzer.errors import AnswerError
from tests.conftest import run_quizzer

from .helpers import CORRECT_SCALE, code_question


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def scale(x, k)\n    return x * k\n", "line 1"),
        ("def other(x, k):\n    return x * k\n", "scale(x, k)"),
        ("   \n", "empty answer"),
        ("x = '\0'\n", "null bytes"),
    ],
)
def test_unreadable_answers_are_answer_errors_without_starting_torch(
    source: str, message: str
) -> None:
    services: dict[str, Any] = {}
    with pytest.raises(AnswerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        grade(code_question(), source, GradingEnv(services=services))
    assert "torch" not in services


def test_untrusted_code_question_is_undecided_and_runs_nothing() -> None:
    services: dict[str, Any] = {}
    verdict = grade(
        code_question(), CORRECT_SCALE, GradingEnv(services=services, trusted_code=False)
    )
    assert verdict.outcome is Outcome.UNDECIDED
    assert verdict.details["needs_trust"] is True
    assert "quizzer banks trust" in verdict.feedback[0].en and verdict.feedback[0].zh
    assert "torch" not in services


UNTRUSTED_BANK = """\
bank:
  id: untrusted-torch
  title: {{en: Untrusted, zh: 不受信任}}
  topic: testing
questions:
  - id: untrusted-code
    type: code
    prompt: {{en: "Write scale(x, k).", zh: "编写 scale(x, k)。"}}
    explanation: {{en: x times k., zh: x 乘以 k。}}
    answer:
      signature: scale(x, k)
      reference: |
        open({marker!r}, "w").write("reference ran")
        def scale(x, k):
            return x * k
      inputs: |
        def make_inputs(case, dtype, g, device):
            return {{"x": torch.ones(2, dtype=dtype), "k": 2.0}}
      cases: [{{name: {{en: two ones, zh: 两个 1}}}}]
    tests:
      accept: ["def scale(x, k):\\n    return x * k\\n"]
      reject: ["def scale(x, k):\\n    return x + k\\n", "def scale(x, k):\\n    return x\\n"]
  - id: untrusted-numeric
    type: numeric
    prompt: {{en: What is 2?, zh: 2 是多少？}}
    explanation: {{en: Two., zh: 二。}}
    answer:
      torch: |
        open({marker!r}, "w").write("snippet ran")
        result = 2.0
    tests:
      reject: ["3"]
"""


def test_untrusted_bank_code_does_not_run_until_trusted(tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "untrusted.yaml").write_text(
        UNTRUSTED_BANK.format(marker=str(marker)), encoding="utf-8"
    )
    answer = tmp_path / "answer.py"
    answer.write_text(CORRECT_SCALE, encoding="utf-8")
    env = {"QUIZZER_BANKS": str(banks)}

    code = run_quizzer("answer", "untrusted-code", "--file", str(answer), "--json", env=env)
    assert code.returncode == 3, code.stderr
    assert json.loads(code.stdout)["details"]["needs_trust"] is True
    numeric = run_quizzer("answer", "untrusted-numeric", "2", env=env)
    assert numeric.returncode == 3, numeric.stderr
    check = run_quizzer("banks", "check", str(banks), "--json", env=env)
    assert check.returncode == 1
    assert any("trust" in f["message"] for f in json.loads(check.stdout)["failures"])
    assert not marker.exists()

    assert run_quizzer("banks", "trust", str(banks), env=env).returncode == 0
    trusted = run_quizzer("answer", "untrusted-code", "--file", str(answer), env=env)
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert marker.read_text(encoding="utf-8") == "reference ran"


def test_cli_reports_the_failing_case_as_json(tmp_path: Path) -> None:
    answer = tmp_path / "attention.py"
    answer.write_text(
        textwrap.dedent("""\
        import torch

        def attention(q, k, v, mask=None):
            scores = q @ k.transpose(-2, -1)
            if mask is not None:
                scores = scores.masked_fill(~mask, float("-inf"))
            return torch.softmax(scores, dim=-1).nan_to_num(0.0) @ v
        """),
        encoding="utf-8",
    )
    out = run_quizzer(
        "answer", "torch-attention-code", "--file", str(answer), "--json", "--device", "cpu"
    )
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    assert doc["verdict"] == "incorrect"
    details = doc["details"]
    assert details["variant"] == "no-scale"
    assert details["case"]["index"] == 1
    assert details["case"]["inputs"]["q"] == {"shape": [2, 3, 8], "dtype": "float32"}
    assert details["expected"] == details["got"] == {"shape": [2, 3, 5], "dtype": "float32"}
    assert details["max_abs_error"] > 0.01
    assert any("1/sqrt(d_k)" in line for line in doc["feedback"])


def test_cli_grades_a_torch_numeric_answer_and_caches_the_reference(
    quizzer_home: Path,
) -> None:
    out = run_quizzer("answer", "torch-chain-rule-dw1", "1.5")
    assert out.returncode == 0, out.stdout + out.stderr
    assert list((quizzer_home / "cache" / "torch-references").glob("*.json"))
    wrong = run_quizzer("answer", "torch-chain-rule-dw1", "3.5")
    assert wrong.returncode == 1 and "value of y2" in wrong.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("def attention(q, k, v, mask=None)\n", "line 1")],
)
def test_cli_bad_answer_file_exits_2_without_traceback(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "answer.py"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out = run_quizzer("answer", "torch-attention-code", "--file", str(path))
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
