"""Helpers for the calculator's tests: the real CLI run in-process (fast), and configs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def params_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `quizzer params ...` through the real entry point, in this process."""
    from quizzer.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(["params", *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        else:
            code = 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[dict[str, object]], Path]:
    def write(data: dict[str, object]) -> Path:
        path = tmp_path / "config.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write
