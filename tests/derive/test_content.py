"""Content correctness: every built-in reference derivation is valid and torch agrees, and the
derivation questions' own tests pass (what `quizzer derive --check` and `banks check` prove)."""

from __future__ import annotations

import pytest

from quizzer import paths
from quizzer.core.catalog import load_catalog
from quizzer.core.derive.exercise import Exercise
from quizzer.core.derive.verify import verify_exercise
from quizzer.core.expr import SympyWorker
from quizzer.core.grading import GradingEnv
from quizzer.core.selftest import TestResult, check_questions


def test_every_reference_derivation_is_proven_twice(
    exercises: dict[str, Exercise], worker: SympyWorker
) -> None:
    failures = []
    for exercise in exercises.values():
        # Vector exercises (q.k with d_k = 256) sample with 4x fewer draws than `--check` to
        # stay fast; verify_exercise itself fails a case whose tolerance would then be under
        # 3 standard errors, so the shortcut cannot make a pass meaningless.
        vector = exercise.random is not None and bool(exercise.random.index)
        result = verify_exercise(
            exercise, device="cpu", samples=25_000 if vector else None, worker=worker
        )
        if not result.ok:
            failures.append(f"{exercise.id}: {result.problems}")
    assert failures == []


def test_the_derivation_questions_pass_their_own_tests(worker: SympyWorker) -> None:
    catalog = load_catalog([paths.builtin_questions_dir()], use_cache=False)
    bank = catalog.bank("derivations")
    assert len(bank.questions) >= 12
    env = GradingEnv(catalog=catalog, services={"sympy": worker})
    outcomes = list(check_questions(bank.questions, env))
    problems = [
        o if isinstance(o, tuple) else o.message
        for o in outcomes
        if isinstance(o, tuple) or not o.ok
    ]
    assert problems == []
    assert sum(isinstance(o, TestResult) for o in outcomes) >= 40


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_derivation_question_grades_with_per_line_details(worker: SympyWorker, lang: str) -> None:
    from quizzer.core.grading import grade, render_prompt

    catalog = load_catalog([paths.builtin_questions_dir()], use_cache=False)
    question = catalog.question("deriv-xavier-variance")
    env = GradingEnv(lang=lang, catalog=catalog, services={"sympy": worker})
    assert "gamma*(n_in + n_out)/2 = 1" in render_prompt(question, env)
    verdict = grade(question, "gamma*(n_in + n_out)/2 = 1\ngamma = 2*(n_in + n_out)", env)
    assert not verdict.correct
    lines = verdict.details["lines"]
    assert [line["verdict"] for line in lines] == ["valid", "invalid"]
    assert all(set(line) >= {"line", "text", "verdict", "feedback"} for line in lines)
    assert verdict.expected is not None and "gamma = 2/(n_in + n_out)" in verdict.expected
    if lang == "zh":
        assert any("第 2 行" in f.get("zh") for f in verdict.feedback)
