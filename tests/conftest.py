"""Shared fixtures. Every test runs with QUIZZER_HOME in a temporary directory, so no test reads
or writes a user's real progress, config or cache."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def quizzer_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("quizzer-home")
    monkeypatch.setenv("QUIZZER_HOME", str(home))
    monkeypatch.delenv("QUIZZER_BANKS", raising=False)
    monkeypatch.delenv("QUIZZER_DERIVATIONS", raising=False)
    monkeypatch.delenv("QUIZZER_LANG", raising=False)
    return home


def run_quizzer(
    *args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `quizzer` entry point in a subprocess (what a user's shell does)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "quizzer", *args],
        capture_output=True,
        text=True,
        input=input,
        env=full_env,
        timeout=timeout,
        cwd=REPO,
    )


@pytest.fixture
def quizzer_cli() -> Iterator[object]:
    yield run_quizzer
