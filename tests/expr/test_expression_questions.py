"""`expression` questions graded end to end (issue 3, items 4 and 6): the interpreted answer,
authored mistakes, generic near-misses, what may be revealed, bad banks and bad answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from quizzer import paths
from quizzer.core.catalog import Catalog, load_catalog
from quizzer.core.expr import SympyWorker
from quizzer.core.grading import GradingEnv, grade
from quizzer.core.model import Outcome, Question
from quizzer.core.selftest import check_questions
from quizzer.errors import AnswerError

BANKS = ("gradients-expr.yaml", "init-optim-expr.yaml")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    root = paths.builtin_questions_dir()
    loaded = load_catalog([root / name for name in BANKS], use_cache=False)
    assert loaded.ok, loaded.diagnostics
    return loaded


@pytest.fixture
def env(worker: SympyWorker) -> Iterator[GradingEnv]:
    yield GradingEnv(services={"sympy": worker})


def question(catalog: Catalog, qid: str) -> Question:
    return catalog.question(qid)


def test_every_test_of_the_expression_banks_passes(catalog: Catalog, env: GradingEnv) -> None:
    problems = []
    for item in check_questions(catalog.questions.values(), env):
        if isinstance(item, tuple):
            problems.append(f"{item[0].id}: {item[1]}")
        elif not item.ok:
            problems.append(f"{item.case.question.id} {item.case.answer!r}: {item.message}")
    assert problems == []


def test_banks_cover_every_topic_the_issue_lists(catalog: Catalog) -> None:
    ids = set(catalog.questions)
    for needed in (
        "grad-sigmoid-derivative",
        "grad-tanh-derivative",
        "grad-softmax-ce-logits",
        "grad-bce-logit",
        "grad-mse-weight",
        "grad-l2-norm",
        "grad-l1-norm",
        "grad-focal-gamma-zero",
        "grad-logsumexp-upper-bound",
        "formula-attention-scale",
        "formula-qk-variance",
        "formula-xavier-variance",
        "formula-kaiming-variance",
        "formula-weight-decay-update",
        "formula-adam-bias-correction",
    ):
        assert needed in ids
    for q in catalog.questions.values():
        assert q.tests.reject, q.id


def test_correct_answer_shows_how_it_was_read(catalog: Catalog, env: GradingEnv) -> None:
    verdict = grade(question(catalog, "grad-sigmoid-derivative"), "e^x/(1+e^x)^2", env)
    assert verdict.outcome is Outcome.CORRECT
    assert verdict.interpreted == "e^x/(e^x + 1)²"


def test_wrong_answer_gets_authored_and_generic_feedback_but_not_the_answer(
    catalog: Catalog, env: GradingEnv
) -> None:
    q = question(catalog, "formula-xavier-variance")
    verdict = grade(q, "2*(n_in + n_out)", env)
    assert verdict.outcome is Outcome.INCORRECT
    assert "shrink" in verdict.feedback[0].en and verdict.feedback[0].zh
    assert verdict.expected is None
    assert verdict.details["counterexample"]["point"].keys() == {"n_in", "n_out"}
    generic = grade(q, "sqrt(2/(n_in + n_out))", env)
    assert any("square root" in f.en for f in generic.feedback)
    assert all(f.zh for f in generic.feedback)


def test_counterexample_is_the_feedback_when_nothing_else_applies(
    catalog: Catalog, env: GradingEnv
) -> None:
    verdict = grade(question(catalog, "grad-l1-norm"), "1", env)
    assert verdict.outcome is Outcome.INCORRECT
    assert verdict.feedback[0].en.startswith("At x_i = -")


def test_reveal_shows_the_expected_formula(catalog: Catalog, env: GradingEnv) -> None:
    q = question(catalog, "formula-weight-decay-update")
    revealing = replace(q, answer={**q.answer, "reveal": True})
    assert grade(q, "w - eta*g", env).expected is None
    shown = grade(revealing, "w - eta*g", env)
    assert shown.expected == "−η·(g + λ·w) + w"
    assert any("The term −η·λ·w is missing" in f.en for f in shown.feedback)


def test_forbidden_functions_are_refused_with_a_reason(catalog: Catalog, env: GradingEnv) -> None:
    q = question(catalog, "grad-tanh-from-sigmoid")
    verdict = grade(q, "(e^(2x) - 1)/(e^(2x) + 1)", env)
    assert verdict.outcome is Outcome.INCORRECT
    assert "without exp" in verdict.feedback[0].en


def test_an_unreadable_answer_raises_answer_error(catalog: Catalog, env: GradingEnv) -> None:
    with pytest.raises(AnswerError, match="unknown name 'd_model'"):
        grade(question(catalog, "formula-attention-scale"), "1/sqrt(d_model)", env)


def test_definitions_are_substituted(catalog: Catalog, env: GradingEnv) -> None:
    q = question(catalog, "grad-sigmoid-derivative-in-s")
    assert grade(q, "s - s^2", env).outcome is Outcome.CORRECT
    assert grade(q, "exp(-x)/(1 + exp(-x))^2", env).outcome is Outcome.CORRECT


def test_a_bank_with_an_unreadable_formula_is_reported_at_load(tmp_path: Path) -> None:
    bank = tmp_path / "bad.yaml"
    bank.write_text(
        "bank: {id: bad, title: Bad, topic: gradients}\n"
        "questions:\n"
        "  - id: bad-formula\n"
        "    type: expression\n"
        "    prompt: {en: p, zh: p}\n"
        "    explanation: {en: e, zh: e}\n"
        "    answer: {expected: 'x +* 2', forbid: [nosuch]}\n"
        "    tests: {reject: ['1']}\n",
        encoding="utf-8",
    )
    loaded = load_catalog([bank], use_cache=False)
    messages = " ".join(d.message for d in loaded.diagnostics)
    assert "cannot be read" in messages and "'nosuch'" in messages


def test_quizzer_answer_grades_an_expression_question(quizzer_cli: Callable[..., Any]) -> None:
    done = quizzer_cli("answer", "grad-softmax-ce-logits", "y_i - p_i")
    assert done.returncode == 1
    assert "interpreted as: −p_i + y_i" in done.stdout and "sign" in done.stdout
    done = quizzer_cli("answer", "grad-softmax-ce-logits", "p_i - y_i", "--json")
    assert done.returncode == 0 and '"verdict": "correct"' in done.stdout
    done = quizzer_cli("answer", "grad-softmax-ce-logits", "p_i - q")
    assert done.returncode == 2 and "unknown name 'q'" in done.stderr


class _FailingWorker(SympyWorker):
    """A worker whose SymPy fails on every request (no process is started)."""

    def request(self, payload: Any, timeout: float) -> dict[str, Any]:
        return {"error": {"type": "InternalError", "message": "the checker failed: ValueError"}}


def test_a_checker_failure_is_undecided_not_blamed_on_the_bank(catalog: Catalog) -> None:
    env = GradingEnv(services={"sympy": _FailingWorker()})
    verdict = grade(question(catalog, "formula-kaiming-variance"), "2/n_in", env)
    assert verdict.outcome is Outcome.UNDECIDED
    assert "the checker failed" in verdict.feedback[-1].en


def test_a_forbidden_function_cannot_come_back_through_sympy(
    catalog: Catalog, env: GradingEnv
) -> None:
    # 2^(-2x/log 2) is built as exp(-2x): it was accepted where exp is forbidden.
    tanh = question(catalog, "grad-tanh-from-sigmoid")
    verdict = grade(tanh, "(1 - 2^(-2x/log(2)))/(1 + 2^(-2x/log(2)))", env)
    assert verdict.outcome is Outcome.INCORRECT
    assert "without exp" in verdict.feedback[0].en
    assert grade(tanh, "sigmoid(2x) - sigmoid(-2x)", env).outcome is Outcome.CORRECT
