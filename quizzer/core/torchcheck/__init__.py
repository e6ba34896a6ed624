"""Torch-checked questions: numeric references computed by torch, and code exercises.

Everything that imports torch runs in a separate worker process (`worker.py`), started early
with `warm_torch_worker(services)` and kept in `GradingEnv.services["torch"]`. This package's
modules never import torch at load time; the names below are loaded on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizzer.core.torchcheck.client import TorchWorker, torch_worker, warm_torch_worker
    from quizzer.core.torchcheck.questions import grade_code_question
    from quizzer.core.torchcheck.reference import compute_reference

__all__ = [
    "TorchWorker",
    "compute_reference",
    "grade_code_question",
    "torch_worker",
    "warm_torch_worker",
]

_EXPORTS = {
    "TorchWorker": "quizzer.core.torchcheck.client",
    "torch_worker": "quizzer.core.torchcheck.client",
    "warm_torch_worker": "quizzer.core.torchcheck.client",
    "grade_code_question": "quizzer.core.torchcheck.questions",
    "compute_reference": "quizzer.core.torchcheck.reference",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
