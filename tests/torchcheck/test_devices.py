"""Results agree across devices. This machine has no GPU, so here only `auto` -> CPU is checked;
on a machine with CUDA every torch bank question is repeated there and compared."""

from __future__ import annotations

from typing import Any

import pytest

from quizzer.core.grading import GradingEnv, grade
from quizzer.core.torchcheck import reference
from quizzer.core.torchcheck.client import TorchWorker

from .test_content import QUESTIONS

torch = pytest.importorskip("torch")
HAS_CUDA = torch.cuda.is_available()


def test_auto_picks_cuda_only_when_available() -> None:
    from quizzer.core.torchcheck.worker import resolve_device

    assert resolve_device("auto") == ("cuda" if HAS_CUDA else "cpu")
    assert resolve_device("cpu") == "cpu"
    if not HAS_CUDA:
        with pytest.raises(RuntimeError, match="CUDA was requested"):
            resolve_device("cuda")


@pytest.mark.skipif(not HAS_CUDA, reason="no CUDA device on this machine")
def test_numeric_references_agree_between_cpu_and_cuda(torch_services: dict[str, Any]) -> None:
    cpu = GradingEnv(services=torch_services, device="cpu")
    cuda = GradingEnv(services={"torch": TorchWorker("cuda")}, device="cuda")
    try:
        for question in [q for q in QUESTIONS if q.type == "numeric"]:
            reference.clear_memory_cache()
            on_cpu = reference.compute_reference(question, cpu)
            on_cuda = reference.compute_reference(question, cuda)
            assert grade(question, str(on_cuda), cpu).correct, (question.id, on_cpu, on_cuda)
    finally:
        cuda.services["torch"].close()


@pytest.mark.skipif(not HAS_CUDA, reason="no CUDA device on this machine")
def test_code_answers_are_judged_the_same_on_cuda() -> None:
    cuda = GradingEnv(services={"torch": TorchWorker("cuda")}, device="cuda")
    try:
        for question in [q for q in QUESTIONS if q.type == "code"]:
            for answer in question.tests.accept:
                assert grade(question, answer, cuda).correct, question.id
            for item in question.tests.reject:
                answer = item["answer"] if isinstance(item, dict) else item
                assert not grade(question, answer, cuda).correct, question.id
    finally:
        cuda.services["torch"].close()
