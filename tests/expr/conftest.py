"""One warm SymPy worker shared by the expression tests (starting one costs ~0.5 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from quizzer.core.expr import SympyWorker


@pytest.fixture(scope="session")
def worker() -> Iterator[SympyWorker]:
    started = SympyWorker()
    assert started.wait_ready(), "the SymPy worker did not start"
    yield started
    started.close()
