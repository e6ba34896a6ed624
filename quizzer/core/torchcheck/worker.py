"""The torch worker process: `python -m quizzer.core.torchcheck.worker --device auto`.

It imports torch once, announces itself with a `ready` line, then answers JSON-line requests
from stdin on stdout until stdin closes. Requests:

- `{"id", "op": "ping"}`
- `{"id", "op": "reference", "payload": {question_id, code, kind, seed}}`: run a numeric
  question's torch snippet and return `result` as a float, a shape or nested lists;
- `{"id", "op": "code", "payload": {question_id, spec, entry, source, seed}}`: judge a code
  answer (see `exercise.py`); `{"id", "progress": {...}}` lines announce each case first, so
  the parent can name the case that was running if it has to kill the worker.

The protocol owns the original stdin/stdout file descriptors; file descriptors 0 and 1 are
pointed at /dev/null and stderr, so a learner's `print()` or `input()` cannot corrupt or stall
it. Memory is capped with RLIMIT_AS on the CPU (CUDA reserves huge address ranges, so there the
parent's resident-memory watchdog and `set_per_process_memory_fraction` do the job). Timeouts
are the parent's business: it kills the whole process group and starts a fresh worker.
"""

from __future__ import annotations

import argparse
import builtins
import json
import math
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from quizzer.core.torchcheck.exercise import (
    BankCodeError,
    Runner,
    base_namespace,
    compile_exercise,
    is_out_of_memory,
)

MAX_CACHED_EXERCISES = 128


class Channel:
    """JSON lines over private duplicates of the original stdin and stdout."""

    def __init__(self) -> None:
        self._in = os.fdopen(os.dup(0), "r", encoding="utf-8")
        self._out = os.fdopen(os.dup(1), "w", encoding="utf-8")
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(2, 1)
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as we do
        sys.stdout = sys.stderr

    def send(self, message: dict[str, Any]) -> None:
        self._out.write(json.dumps(message) + "\n")
        self._out.flush()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for line in self._in:
            if line.strip():
                yield json.loads(line)


def resident_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _address_space_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def resolve_device(requested: str) -> str:
    import torch

    if requested == "cpu":
        return "cpu"
    available = torch.cuda.is_available()
    if requested == "cuda" and not available:
        raise RuntimeError("CUDA was requested but torch.cuda.is_available() is False")
    return "cuda" if available else "cpu"


def start_runtime(requested: str, memory_mb: int) -> dict[str, Any]:
    """Import torch, warm the kernels the checks use, then cap memory."""
    import warnings

    warnings.filterwarnings("ignore")  # e.g. torch's "Failed to initialize NumPy" at import
    import torch
    import torch.nn.functional as F

    # Small tensors: one thread is faster than waking a pool, and kinder to shared machines.
    torch.set_num_threads(1)
    device = resolve_device(requested)
    x = torch.randn(8, 8, device=device, requires_grad=True)
    loss = F.layer_norm(torch.softmax(x @ x.T, dim=-1), (8,)).sum()
    loss.backward()  # type: ignore[no-untyped-call]
    cap = memory_mb * 2**20
    if device == "cuda":
        total = torch.cuda.get_device_properties(0).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, cap / total))
    else:
        _limit_address_space(cap)
    return {
        "device": device,
        "torch": torch.__version__,
        "rss": resident_bytes(),
        "memory_mb": memory_mb,
        "pid": os.getpid(),
    }


def _limit_address_space(cap: int) -> None:
    """Allow `cap` more bytes of address space than torch needs now (Linux; elsewhere skip)."""
    try:
        import resource

        limit = _address_space_bytes() + cap
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass  # no RLIMIT_AS here: the parent's resident-memory watchdog still applies


class StateGuard:
    """Undo what learner code may change in torch's global state between checks.

    A learner's `torch.set_default_dtype(torch.float64)` or a monkeypatched `F.softmax` must not
    leak into the next check (or into a reference), so both are put back before every request.
    """

    def __init__(self) -> None:
        import torch
        import torch.nn.functional as F

        self.modules = [(m, dict(vars(m))) for m in (torch, F, torch.nn, math, builtins)]
        self.classes = [(c, dict(vars(c))) for c in (torch.Tensor,)]

    def restore(self) -> None:
        import torch

        torch.set_default_dtype(torch.float32)
        torch.set_default_device(None)
        torch.set_grad_enabled(True)
        for module, saved in self.modules:
            current = vars(module)
            for key, value in saved.items():
                if current.get(key) is not value:
                    setattr(module, key, value)
        for cls, saved in self.classes:
            for key in [k for k in vars(cls) if k not in saved]:
                delattr(cls, key)
            for key, value in saved.items():
                if vars(cls).get(key) is not value:
                    setattr(cls, key, value)


def plain_result(value: Any, kind: str) -> Any:
    """A snippet's `result` as JSON: float (scalar), list of ints (shape), nested lists (tensor)."""
    import torch

    if kind == "shape":
        if isinstance(value, torch.Size | tuple | list) and all(
            isinstance(d, int) and not isinstance(d, bool) for d in value
        ):
            return [int(d) for d in value]
        raise BankCodeError(f"a shape question's `result` must be a torch.Size, got {value!r}")
    if kind == "tensor":
        if isinstance(value, torch.Tensor) and value.dim() >= 1:
            return value.detach().cpu().tolist()
        if isinstance(value, list | tuple):
            return list(value)
        raise BankCodeError(
            f"a tensor question's `result` must be a tensor of 1+ dims, got {type(value).__name__}"
        )
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BankCodeError(f"a scalar question's `result` must be a number, got {value!r}")
    if not math.isfinite(value):
        raise BankCodeError(f"the snippet's `result` is {value}")
    return float(value)


def evaluate_snippet(payload: dict[str, Any], device: str) -> dict[str, Any]:
    import torch

    namespace = {**base_namespace(), "device": device}
    torch.manual_seed(int(payload.get("seed", 0)))
    try:
        with torch.device(device):
            exec(compile(payload["code"], f"<{payload['question_id']} torch>", "exec"), namespace)
    except Exception as exc:
        raise BankCodeError(f"{type(exc).__name__}: {exc}") from exc
    if "result" not in namespace:
        raise BankCodeError("the snippet must assign the expected value to `result`")
    return {"status": "ok", "value": plain_result(namespace["result"], payload["kind"])}


class Worker:
    def __init__(self, channel: Channel, device: str) -> None:
        self.channel = channel
        self.device = device
        self.guard = StateGuard()
        self.exercises: dict[str, Any] = {}

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        payload = request.get("payload") or {}
        self.guard.restore()
        try:
            if op == "ping":
                return {"status": "ok"}
            if op == "reference":
                return evaluate_snippet(payload, self.device)
            if op == "code":
                return self.check_code(request.get("id"), payload)
            return {"status": "internal-error", "message": f"unknown op {op!r}"}
        except BankCodeError as exc:
            return {"status": "bank-error", "message": str(exc)}
        except (Exception, SystemExit) as exc:
            if is_out_of_memory(exc):
                return {"status": "fail", "reason": "out of memory", "message": str(exc)[:300]}
            return {"status": "internal-error", "message": f"{type(exc).__name__}: {exc}"}

    def check_code(self, request_id: Any, payload: dict[str, Any]) -> dict[str, Any]:
        key = f"{payload['question_id']}:{payload['spec_key']}"
        exercise = self.exercises.get(key)
        if exercise is None:
            exercise = compile_exercise(payload["question_id"], payload["spec"], payload["entry"])
            if len(self.exercises) >= MAX_CACHED_EXERCISES:
                self.exercises.clear()
            self.exercises[key] = exercise
        runner = Runner(exercise, self.device, int(payload.get("seed", 0)))

        def progress(note: dict[str, Any]) -> None:
            self.channel.send({"id": request_id, "progress": note})

        result: dict[str, Any] = runner.run(payload["source"], progress)
        return result


def exit_with_parent() -> None:
    """Exit when the parent dies without closing us (reparented), even mid-loop in learner code.

    PR_SET_PDEATHSIG would fire when the *thread* that started us ends, and front ends start
    the worker from worker threads, so poll the parent id instead.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="quizzer-torch-worker")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--memory-mb", type=int, default=2048)
    args = parser.parse_args(argv)
    channel = Channel()
    exit_with_parent()
    try:
        ready = start_runtime(args.device, args.memory_mb)
    except Exception as exc:
        channel.send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    worker = Worker(channel, ready["device"])
    channel.send({"ready": True, **ready})
    for request in channel:
        channel.send({"id": request.get("id"), "result": worker.handle(request)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
