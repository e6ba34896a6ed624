"""Numeric answers computed by torch: values, kinds, caching, trust, bank errors."""

from __future__ import annotations

from typing import Any

import pytest

from quizzer.core.grading import GradingEnv, grade
from quizzer.core.model import Outcome, Question
from quizzer.core.text import LocalizedText
from quizzer.core.torchcheck import reference
from quizzer.core.torchcheck.client import TorchWorker
from quizzer.core.torchcheck.errors import CheckTimeout, UntrustedCodeError
from quizzer.core.torchcheck.reference import compute_reference
from quizzer.errors import BankError


def numeric_question(code: str, kind: str = "scalar", qid: str = "t-num", **extra: Any) -> Question:
    return Question(
        id=qid,
        type="numeric",
        prompt=LocalizedText("?"),
        explanation=LocalizedText("."),
        bank_id="test",
        file="test.yaml",
        answer={"torch": code, "kind": kind, **extra},
    )


@pytest.fixture(autouse=True)
def fresh_memory_cache() -> None:
    reference.clear_memory_cache()


def test_scalar_shape_and_tensor_references(torch_services: dict[str, Any]) -> None:
    env = GradingEnv(services=torch_services, device="cpu")
    grad = (
        "w = torch.full([1], 2.0, requires_grad=True)\n"
        "result = torch.autograd.grad(F.mse_loss(torch.ones(1) * w, torch.ones(1)), [w])[0]\n"
    )
    assert compute_reference(numeric_question(grad), env) == 2.0
    shape = "result = (torch.randn(3, 8) @ torch.randn(8, 5)).shape"
    assert compute_reference(numeric_question(shape, "shape", "t-shape"), env) == [3, 5]
    tensor = "result = torch.softmax(torch.tensor([0.0, 0.0]), 0)"
    assert compute_reference(numeric_question(tensor, "tensor", "t-ten"), env) == [0.5, 0.5]


def test_a_torch_numeric_answer_is_graded_against_the_computed_value(
    torch_services: dict[str, Any],
) -> None:
    question = numeric_question(
        "result = torch.sigmoid(torch.tensor(0.0)) * (1 - 0.5)", tolerance={"abs": 1e-4}
    )
    env = GradingEnv(services=torch_services, device="cpu")
    assert grade(question, "0.25", env).correct
    assert grade(question, "0.5", env).outcome is Outcome.INCORRECT


def test_monte_carlo_references_are_reproducible(torch_services: dict[str, Any]) -> None:
    code = "result = torch.randn(100_000).var()"
    env = GradingEnv(services=torch_services, device="cpu")
    first = compute_reference(numeric_question(code, qid="t-mc"), env)
    reference.clear_memory_cache()
    assert compute_reference(numeric_question(code, qid="t-mc2"), env) == first  # same seed
    assert first == pytest.approx(1.0, rel=0.02)


class CountingWorker(TorchWorker):
    """A worker that never starts a process: it answers from a script and counts requests."""

    def __init__(self, device: str = "auto", answer: Any = 2.0, error: Exception | None = None):
        super().__init__(device)
        self.requests = 0
        self.answer = answer
        self.error = error

    def start(self) -> None:
        return None

    def request(self, op: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        self.requests += 1
        if self.error is not None:
            raise self.error
        return {"status": "ok", "value": self.answer}


def test_references_are_cached_in_memory_and_on_disk() -> None:
    worker = CountingWorker()
    env = GradingEnv(services={"torch": worker})
    question = numeric_question("result = 2.0")
    assert compute_reference(question, env) == 2.0
    assert compute_reference(question, env) == 2.0
    assert worker.requests == 1
    reference.clear_memory_cache()  # a new process: the disk cache answers
    assert compute_reference(question, env) == 2.0
    assert worker.requests == 1
    changed = numeric_question("result = 2.0 + 0.0")  # different code: computed again
    compute_reference(changed, env)
    assert worker.requests == 2


def test_cache_is_per_device() -> None:
    cpu, auto = CountingWorker("cpu"), CountingWorker("auto")
    question = numeric_question("result = 2.0")
    compute_reference(question, GradingEnv(services={"torch": cpu}, device="cpu"))
    compute_reference(question, GradingEnv(services={"torch": auto}, device="auto"))
    assert (cpu.requests, auto.requests) == (1, 1)


def test_untrusted_bank_code_is_never_sent_to_the_worker() -> None:
    worker = CountingWorker()
    env = GradingEnv(services={"torch": worker}, trusted_code=False)
    question = numeric_question("result = 2.0")
    with pytest.raises(UntrustedCodeError, match="banks trust"):
        compute_reference(question, env)
    verdict = grade(question, "2", env)
    assert verdict.outcome is Outcome.UNDECIDED and verdict.details.get("needs_trust")
    assert worker.requests == 0


@pytest.mark.parametrize(
    ("code", "kind", "message"),
    [
        ("x = 1", "scalar", "must assign the expected value to `result`"),
        ("result = undefined_name", "scalar", "NameError"),
        ("result = torch.ones(2, 3)", "shape", "must be a torch.Size"),
        ("result = torch.ones(3)", "scalar", "must be a number"),
        ("result = float('nan')", "scalar", "nan"),
    ],
)
def test_broken_snippets_are_bank_errors_naming_the_question(
    torch_services: dict[str, Any], code: str, kind: str, message: str
) -> None:
    env = GradingEnv(services=torch_services, device="cpu")
    with pytest.raises(BankError) as info:
        compute_reference(numeric_question(code, kind, qid="t-broken"), env)
    assert "t-broken" in info.value.message and message in info.value.message


def test_a_snippet_that_overruns_is_a_bank_error() -> None:
    worker = CountingWorker(error=CheckTimeout("no answer"))
    env = GradingEnv(services={"torch": worker}, code_timeout=3.0)
    with pytest.raises(BankError, match="did not finish within 3 s"):
        compute_reference(numeric_question("while True: pass"), env)
