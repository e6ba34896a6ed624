"""Benchmark the torch worker: cold first check, warm checks, timed-out checks.

Run by hand from the repository root:

    .venv/bin/python benchmarks/bench_torch.py [--device auto|cpu|cuda] [--quick]

Prints one JSON document. Every figure is a median over several runs, next to a baseline
measured in the same run:

- cold: a fresh worker plus one check of the attention exercise (what the first check of a
  session costs), against a bare `python -c "import torch"` (the floor of any cold start);
- warm: one check of each code exercise of the torch banks (its first accepted answer) through
  the warm worker, against the same check run in this process without the worker (IPC, JSON and
  the worker's bookkeeping are the difference);
- numeric: a torch-computed reference through the warm worker, and the cached lookup;
- timeout: an infinite loop under a time limit: how long after the limit the verdict arrives,
  and how long the replacement worker takes to be ready;
- devices: with CUDA, every numeric reference and code check is repeated on the other device
  and the largest disagreement is reported (skipped without CUDA).

Issue 5's targets on the CPU: cold < 5 s, warm small exercises < 100 ms median, a timed-out
check back within timeout + 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from quizzer.core.catalog import load_catalog  # noqa: E402
from quizzer.core.grading import GradingEnv, grade  # noqa: E402
from quizzer.core.model import Question  # noqa: E402
from quizzer.core.torchcheck import reference  # noqa: E402
from quizzer.core.torchcheck.client import TorchWorker  # noqa: E402

INFINITE_LOOP = "def attention(q, k, v, mask=None):\n    while True:\n        pass\n"


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def torch_questions() -> list[Question]:
    catalog = load_catalog(sorted((REPO / "questions").glob("torch-*.yaml")), use_cache=False)
    if not catalog.ok:
        raise SystemExit("\n".join(map(str, catalog.diagnostics)))
    return list(catalog.questions.values())


def bench_cold(question: Question, device: str, runs: int) -> dict[str, Any]:
    answer = question.tests.accept[0]
    checks, imports = [], []
    for _ in range(runs):
        worker = TorchWorker(device)
        env = GradingEnv(services={"torch": worker}, device=device)
        seconds, verdict = timed(grade, question, answer, env)
        assert verdict.correct, verdict.feedback
        checks.append(seconds)
        worker.close()
        imports.append(_import_torch_seconds())
    return {
        "first_check_ms": median_ms(checks),
        "baseline_import_torch_ms": median_ms(imports),
        "ratio": round(statistics.median(checks) / statistics.median(imports), 2),
        "runs": runs,
    }


def _import_torch_seconds() -> float:
    """Start Python and import torch in a fresh process (the worker's environment), up to the
    moment it reports back; like the worker, it is not waited for at exit."""
    from quizzer.core.torchcheck.client import _child_environment

    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", "import torch; print('ready', flush=True)"],
        stdout=subprocess.PIPE,
        env=_child_environment(),
    )
    assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
    seconds = time.perf_counter() - start
    child.kill()
    child.wait()
    return seconds


def bench_warm(questions: list[Question], device: str, repeats: int) -> dict[str, Any]:
    import torch

    from quizzer.core.qtypes.code import entry_name
    from quizzer.core.torchcheck.exercise import Runner, compile_exercise

    torch.set_num_threads(1)  # as in the worker: a fair in-process baseline
    worker = TorchWorker(device)
    services: dict[str, Any] = {"torch": worker}
    env = GradingEnv(services=services, device=device)
    per_question: dict[str, dict[str, float]] = {}
    all_worker, all_inprocess = [], []
    try:
        for question in [q for q in questions if q.type == "code"]:
            answer = question.tests.accept[0]
            for _ in range(2):  # compile and cache the exercise in the worker
                assert grade(question, answer, env).correct
            through_worker = [timed(grade, question, answer, env)[0] for _ in range(repeats)]
            spec = dict(question.answer)
            exercise = compile_exercise(question.id, spec, entry_name(spec["signature"]))
            resolved = (worker.info or {}).get("device", "cpu")
            in_process = []
            Runner(exercise, resolved, seed=0).run(answer, lambda note: None)  # warm-up
            for _ in range(repeats):
                runner = Runner(exercise, resolved, seed=0)
                seconds, result = timed(runner.run, answer, lambda note: None)
                assert result["status"] == "pass", result
                in_process.append(seconds)
            per_question[question.id] = {
                "worker_ms": median_ms(through_worker),
                "in_process_ms": median_ms(in_process),
            }
            all_worker += through_worker
            all_inprocess += in_process
        numeric = [q for q in questions if q.type == "numeric"]
        uncached, cached = [], []
        for question in numeric:
            payload = {
                "question_id": question.id,
                "code": question.answer["torch"],
                "kind": question.answer.get("kind", "scalar"),
                "seed": 0,
            }
            uncached.append(timed(worker.request, "reference", payload, 30.0)[0])
            reference.compute_reference(question, env)
            cached.append(timed(reference.compute_reference, question, env)[0])
    finally:
        worker.close()
    return {
        "code_check_median_ms": median_ms(all_worker),
        "baseline_in_process_median_ms": median_ms(all_inprocess),
        "ratio": round(statistics.median(all_worker) / statistics.median(all_inprocess), 2),
        "slowest_exercise_median_ms": max(v["worker_ms"] for v in per_question.values()),
        "per_exercise": per_question,
        "numeric_reference_median_ms": median_ms(uncached),
        "numeric_reference_cached_median_ms": round(statistics.median(cached) * 1000, 4),
        "repeats": repeats,
    }


def bench_timeout(question: Question, device: str, limit: float, runs: int) -> dict[str, Any]:
    worker = TorchWorker(device)
    env = GradingEnv(services={"torch": worker}, device=device, code_timeout=limit)
    returns, restarts = [], []
    try:
        worker.wait_ready()
        for _ in range(runs):
            seconds, verdict = timed(grade, question, INFINITE_LOOP, env)
            assert verdict.details.get("failure") == "timeout", verdict.details
            returns.append(seconds)
            restarts.append(timed(worker.wait_ready)[0])
    finally:
        worker.close()
    return {
        "time_limit_s": limit,
        "verdict_after_ms": median_ms(returns),
        "overshoot_ms": round(statistics.median(returns) * 1000 - limit * 1000, 1),
        "replacement_worker_ready_ms": median_ms(restarts),
        "runs": runs,
    }


def compare_devices(questions: list[Question]) -> dict[str, Any]:
    import torch

    if not torch.cuda.is_available():
        return {"skipped": "no CUDA device here; only the CPU path was measured"}
    worst, failures = 0.0, []
    cpu_env = GradingEnv(services={}, device="cpu")
    cuda_env = GradingEnv(services={}, device="cuda")
    try:
        for question in questions:
            if question.type == "numeric":
                reference.clear_memory_cache()
                a = reference.compute_reference(question, cpu_env)
                b = reference.compute_reference(question, cuda_env)
                for x, y in zip(_flat(a), _flat(b), strict=True):
                    worst = max(worst, abs(x - y) / max(1e-12, abs(x)))
            else:
                for answer in question.tests.accept:
                    if not grade(question, answer, cuda_env).correct:
                        failures.append(question.id)
    finally:
        for env in (cpu_env, cuda_env):
            for service in env.services.values():
                service.close()
    return {"numeric_max_relative_difference": worst, "code_accepts_failing_on_cuda": failures}


def _flat(value: Any) -> list[float]:
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [float(value)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--quick", action="store_true", help="fewer runs, 2 s time limit")
    args = parser.parse_args()
    os.environ["QUIZZER_HOME"] = tempfile.mkdtemp(prefix="quizzer-bench-")  # cold caches
    questions = torch_questions()
    attention = next(q for q in questions if q.id == "torch-attention-code")
    import torch

    report = {
        "benchmark": "torch checks",
        "machine": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "cuda": torch.cuda.is_available(),
        },
        "device": args.device,
        "cold": bench_cold(attention, args.device, 2 if args.quick else 3),
        "warm": bench_warm(questions, args.device, 5 if args.quick else 15),
        "timeout": bench_timeout(
            attention, args.device, 2.0 if args.quick else 10.0, 1 if args.quick else 2
        ),
        "devices": compare_devices(questions),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
