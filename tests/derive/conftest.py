"""Shared fixtures: one warm SymPy worker and the built-in exercises, loaded once."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quizzer.core.derive.checker import DerivationChecker
from quizzer.core.derive.exercise import Exercise, load_exercises
from quizzer.core.derive.givens import prepare_exercise
from quizzer.core.expr import SympyWorker


@pytest.fixture(scope="session")
def worker() -> Iterator[SympyWorker]:
    started = SympyWorker()
    assert started.wait_ready(), "the SymPy worker did not start"
    yield started
    started.close()


@pytest.fixture(scope="session")
def exercises() -> dict[str, Exercise]:
    found, diagnostics = load_exercises()
    assert diagnostics == [], diagnostics
    return found


@pytest.fixture(scope="session")
def checker_for(
    exercises: dict[str, Exercise], worker: SympyWorker
) -> Callable[[str], DerivationChecker]:
    """A warm checker per built-in exercise id."""
    made: dict[str, DerivationChecker] = {}

    def get(exercise_id: str) -> DerivationChecker:
        if exercise_id not in made:
            made[exercise_id] = DerivationChecker(
                prepare_exercise(exercises[exercise_id]), worker=worker
            )
        return made[exercise_id]

    return get


MINIMAL = textwrap.dedent(
    """\
    id: {id}
    topic: test
    title: {{en: A product rule, zh: 乘积法则}}
    statement: {{en: Differentiate x^2 exp(x)., zh: 对 x^2 exp(x) 求导。}}
    symbols: {{x: real}}
    start: diff(x^2*exp(x), x)
    goal: (x^2 + 2*x)*exp(x)
    steps:
      - line: diff(x^2*exp(x), x)
        why: {{en: Start., zh: 起点。}}
      - line: 2*x*exp(x) + x^2*diff(exp(x), x)
        why: {{en: Product rule., zh: 乘积法则。}}
      - line: {last}
        why: {{en: Factor exp(x)., zh: 提出 exp(x)。}}
    """
)


def write_exercise(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def minimal_exercise(exercise_id: str = "product-rule", last: str = "(x^2 + 2*x)*exp(x)") -> str:
    return MINIMAL.format(id=exercise_id, last=last)
