"""Numeric answers computed by torch: a question's snippet run in the worker, then cached.

A `numeric` question may give `answer.torch`, a snippet that assigns `result`. It runs in the
worker under `torch.manual_seed(0)`, on the check device (`with torch.device(...)`), with
`torch`, `F`, `nn`, `math` and `device` in scope. Results are cached per question, snippet,
kind, device and torch version, in memory and on disk, so `banks check` and repeated answers
(and later runs of `quizzer answer`) do not start the worker again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question
from quizzer.core.torchcheck.client import torch_worker
from quizzer.core.torchcheck.errors import (
    CheckOutOfMemory,
    CheckTimeout,
    UntrustedCodeError,
    WorkerCrashed,
)
from quizzer.errors import BankError

CACHE_FORMAT = 1
# One fixed seed for every snippet: a Monte Carlo reference must not move between attempts.
REFERENCE_SEED = 0
_MEMORY: dict[str, Any] = {}
_TORCH_VERSION: list[str] = []


def require_trusted(question: Question, env: GradingEnv) -> None:
    """Refuse to run a bank's code unless the bank is built in or trusted by the user."""
    if not env.trusted_code:
        raise UntrustedCodeError(
            f"{question.file} [{question.id}]: this bank's code runs only after you trust it: "
            f"quizzer banks trust {question.file}"
        )


def torch_version() -> str:
    """The installed torch's version, read from torch/version.py without importing torch."""
    if not _TORCH_VERSION:
        import importlib.util

        version = "unknown"
        spec = importlib.util.find_spec("torch")
        if spec is not None and spec.origin:
            try:
                text = Path(spec.origin).with_name("version.py").read_text(encoding="utf-8")
            except OSError:
                text = ""
            found = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", text)
            version = found.group(1) if found else version
        _TORCH_VERSION.append(version)
    return _TORCH_VERSION[0]


def reference_key(question: Question, env: GradingEnv) -> str:
    h = hashlib.blake2b(digest_size=16)
    parts = (
        str(CACHE_FORMAT),
        question.id,
        str(question.answer["torch"]),
        str(question.answer.get("kind", "scalar")),
        env.device,
        torch_version(),
    )
    h.update("\x00".join(parts).encode("utf-8"))
    return h.hexdigest()


def _cache_file(key: str) -> Path:
    from quizzer import paths

    return paths.cache_dir() / "torch-references" / f"{key}.json"


def _read_cache(key: str) -> Any:
    try:
        return json.loads(_cache_file(key).read_text(encoding="utf-8"))["value"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(key: str, value: Any) -> None:
    target = _cache_file(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"value": value}), encoding="utf-8")
        tmp.replace(target)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass  # a read-only cache only costs speed


def compute_reference(question: Question, env: GradingEnv) -> Any:
    """The value `answer.torch` computes: a float, a list of ints, or nested lists.

    Raises UntrustedCodeError for an untrusted bank, BankError when the snippet fails or
    overruns, WorkerUnavailable when torch cannot start.
    """
    require_trusted(question, env)
    key = reference_key(question, env)
    if key in _MEMORY:
        return _MEMORY[key]
    value = _read_cache(key)
    if value is None:
        value = _run_snippet(question, env)
        _write_cache(key, value)
    _MEMORY[key] = value
    return value


def _run_snippet(question: Question, env: GradingEnv) -> Any:
    where = f"{question.file} [{question.id}]"
    payload = {
        "question_id": question.id,
        "code": str(question.answer["torch"]),
        "kind": str(question.answer.get("kind", "scalar")),
        "seed": REFERENCE_SEED,
    }
    try:
        result = torch_worker(env).request("reference", payload, timeout=env.code_timeout)
    except CheckTimeout:
        raise BankError(
            f"{where}: the torch snippet did not finish within {env.code_timeout:g} s"
        ) from None
    except (CheckOutOfMemory, WorkerCrashed) as exc:
        raise BankError(f"{where}: the torch snippet failed: {exc.message}") from None
    if result.get("status") != "ok":
        raise BankError(f"{where}: the torch snippet failed: {result.get('message')}")
    return result["value"]


def clear_memory_cache() -> None:
    """Forget the in-process cache (tests; the disk cache is keyed by content anyway)."""
    _MEMORY.clear()
