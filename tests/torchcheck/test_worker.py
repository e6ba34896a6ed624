"""The worker process: warm start, time limit, memory cap, crashes, isolation between checks."""

from __future__ import annotations

import os
from typing import Any

import pytest

from quizzer.core.grading import GradingEnv, grade
from quizzer.core.model import Outcome
from quizzer.core.torchcheck.client import TorchWorker, warm_torch_worker
from quizzer.core.torchcheck.errors import WorkerUnavailable

from .helpers import CORRECT_SCALE, code_question


def env_for(services: dict[str, Any], **kw: Any) -> GradingEnv:
    return GradingEnv(services=services, device="cpu", **kw)


def test_worker_answers_a_reference_request(worker: TorchWorker) -> None:
    payload = {
        "question_id": "q",
        "code": "result = torch.tensor([1.0, 2.0]).sum()",
        "kind": "scalar",
        "seed": 0,
    }
    assert worker.request("reference", payload, timeout=30) == {"status": "ok", "value": 3.0}
    assert worker.info is not None and worker.info["device"] == "cpu"


def test_correct_and_wrong_code_through_the_worker(torch_services: dict[str, Any]) -> None:
    question = code_question()
    env = env_for(torch_services)
    assert grade(question, CORRECT_SCALE, env).outcome is Outcome.CORRECT
    wrong = grade(question, "def scale(x, k):\n    return x + k\n", env)
    assert wrong.outcome is Outcome.INCORRECT
    assert wrong.details["variant"] == "plus"
    assert "You added k" in " ".join(f.en for f in wrong.feedback)
    assert "你把 k 加上了" in " ".join(f.get("zh") for f in wrong.feedback)


def test_infinite_loop_ends_in_a_timeout_verdict_and_a_fresh_worker(
    torch_services: dict[str, Any], worker: TorchWorker
) -> None:
    env = env_for(torch_services, code_timeout=1.0)
    old_pid, restarts = worker.pid, worker.restarts
    verdict = grade(code_question(), "def scale(x, k):\n    while True:\n        pass\n", env)
    assert verdict.outcome is Outcome.INCORRECT
    assert verdict.details["failure"] == "timeout"
    assert verdict.details["case"]["name"]["en"] == "a matrix"  # the case that was running
    assert "no result within 1 s" in verdict.feedback[0].en
    assert worker.restarts == restarts + 1 and worker.pid != old_pid
    assert old_pid is not None and not _alive(old_pid)
    assert grade(code_question(), CORRECT_SCALE, env_for(torch_services)).correct


@pytest.mark.parametrize(
    "bomb",
    [
        "import torch\n\ndef scale(x, k):\n    return torch.zeros(25 * 2**30)\n",  # 100 GB
        "def scale(x, k):\n    return bytearray(100 * 2**30)\n",
    ],
    ids=["torch-100GB", "python-100GB"],
)
def test_memory_bomb_ends_in_an_out_of_memory_verdict(
    torch_services: dict[str, Any], bomb: str
) -> None:
    verdict = grade(code_question(), bomb, env_for(torch_services))
    assert verdict.outcome is Outcome.INCORRECT
    assert verdict.details["failure"] == "out of memory"
    assert "out of memory" in verdict.feedback[0].en
    assert grade(code_question(), CORRECT_SCALE, env_for(torch_services)).correct


def test_a_worker_killed_by_learner_code_is_replaced(
    torch_services: dict[str, Any], worker: TorchWorker
) -> None:
    verdict = grade(
        code_question(), "import os\n\ndef scale(x, k):\n    os._exit(7)\n", env_for(torch_services)
    )
    assert verdict.outcome is Outcome.INCORRECT
    assert verdict.details["failure"] == "crash" and verdict.details["returncode"] == 7
    assert grade(code_question(), CORRECT_SCALE, env_for(torch_services)).correct


def test_print_and_input_in_learner_code_do_not_disturb_the_protocol(
    torch_services: dict[str, Any],
) -> None:
    chatty = "def scale(x, k):\n    print('{\"id\": 1}' * 1000)\n    return x * k\n"
    assert grade(code_question(), chatty, env_for(torch_services)).correct
    reader = "def scale(x, k):\n    input()\n    return x * k\n"
    verdict = grade(code_question(), reader, env_for(torch_services))
    assert verdict.details["exception"] == "EOFError"  # stdin is /dev/null, not the pipe


ZEROS_SPEC: dict[str, Any] = {
    "signature": "zeros(n)",
    "reference": "def zeros(n):\n    return torch.zeros(n, dtype=torch.float32)\n",
    "inputs": "def make_inputs(case, dtype, g, device):\n    return {'n': case['n']}\n",
    "dtypes": ["float32"],
    "cases": [{"name": "three", "n": 3}],
}
SOFTMAX_SPEC: dict[str, Any] = {
    "signature": "f(x)",
    "reference": "def f(x):\n    return torch.softmax(x, -1)\n",
    "inputs": (
        "def make_inputs(case, dtype, g, device):\n"
        "    return {'x': torch.randn(2, 5, generator=g, dtype=dtype)}\n"
    ),
    "cases": [{"name": "two rows"}],
}


def test_global_torch_state_does_not_leak_into_later_checks(
    torch_services: dict[str, Any],
) -> None:
    env = env_for(torch_services)
    question = code_question(ZEROS_SPEC, "t-zeros")
    plain = "import torch\n\ndef zeros(n):\n    return torch.zeros(n)\n"
    leaky = plain.replace("\n\n", "\ntorch.set_default_dtype(torch.float64)\n\n")
    assert grade(question, leaky, env).details["failure"] == "dtype"
    assert grade(question, plain, env).correct


def test_monkeypatching_torch_cannot_bend_the_reference(torch_services: dict[str, Any]) -> None:
    env = env_for(torch_services)
    question = code_question(SOFTMAX_SPEC, "t-softmax")
    cheat = (
        "import torch\ntorch.softmax = lambda x, dim=-1: x\n\n"
        "def f(x):\n    return torch.softmax(x, -1)\n"
    )
    assert grade(question, cheat, env).outcome is Outcome.INCORRECT
    honest = "import torch\n\ndef f(x):\n    return torch.softmax(x, dim=-1)\n"
    assert grade(question, honest, env).correct  # the patch was undone


def test_warm_torch_worker_is_idempotent_and_close_stops_the_process() -> None:
    services: dict[str, Any] = {}
    first = warm_torch_worker(services)
    second = warm_torch_worker(services)
    assert first is second and services["torch"] is first
    pid = first.pid
    assert pid is not None and _alive(pid)
    first.close()
    assert not _alive(pid)


def test_cuda_requested_without_cuda_is_undecided_not_a_crash() -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    services: dict[str, Any] = {}
    try:
        verdict = grade(
            code_question(), CORRECT_SCALE, GradingEnv(services=services, device="cuda")
        )
        assert verdict.outcome is Outcome.UNDECIDED
        assert "CUDA was requested" in verdict.feedback[0].en
        with pytest.raises(WorkerUnavailable):
            services["torch"].wait_ready()
    finally:
        services["torch"].close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
