"""Fixtures for torch checks: one warm CPU worker shared by the whole session.

Starting a worker costs a Python start and `import torch` (about 2 s here), so tests share one;
the tests that kill it (timeouts, crashes) leave a fresh one behind, as the worker is designed to.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quizzer.core.torchcheck.client import TorchWorker

REPO = Path(__file__).resolve().parents[2]
TORCH_BANKS = sorted((REPO / "questions").glob("torch-*.yaml"))


@pytest.fixture(scope="session")
def torch_services() -> Iterator[dict[str, Any]]:
    worker = TorchWorker("cpu")
    worker.start()
    services: dict[str, Any] = {"torch": worker}
    yield services
    for service in services.values():
        service.close()


@pytest.fixture
def worker(torch_services: dict[str, Any]) -> TorchWorker:
    found: TorchWorker = torch_services["torch"]
    return found
