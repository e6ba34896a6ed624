"""The torch banks: every reference proven by its own tests, bilingual, covering issue 5's list."""

from __future__ import annotations

import re
from typing import Any

import pytest

from quizzer.core.catalog import load_catalog
from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question
from quizzer.core.selftest import TestResult, check_questions

from .conftest import TORCH_BANKS

CATALOG = load_catalog(TORCH_BANKS, use_cache=False)
QUESTIONS = list(CATALOG.questions.values())
REQUIRED_SIGNATURES = (
    "attention",
    "multi_head_split",
    "multi_head_merge",
    "layer_norm",
    "batch_norm",
    "softmax_cross_entropy_grad",
    "inverted_dropout",
    "clip_grad_norm",
    "focal_loss",
    "sinusoidal_positions",
    "mse_grad_w",
    "sigmoid_mse_grad",
)


def torch_checked(question: Question) -> bool:
    return question.type == "code" or (question.type == "numeric" and "torch" in question.answer)


def test_banks_load_cleanly_and_are_big_enough() -> None:
    assert CATALOG.ok, [str(d) for d in CATALOG.diagnostics]
    checked = [q for q in QUESTIONS if torch_checked(q)]
    assert len(checked) >= 25
    assert len([q for q in QUESTIONS if q.type == "code"]) >= 10


def test_code_exercises_cover_the_issue_list() -> None:
    names = {str(q.answer["signature"]).split("(")[0] for q in QUESTIONS if q.type == "code"}
    assert set(REQUIRED_SIGNATURES) <= names
    batch_norm = next(q for q in QUESTIONS if q.id == "torch-batch-norm-code")
    modes = {case["training"] for case in batch_norm.answer["cases"]}
    assert modes == {True, False}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_question_is_bilingual(question: Question) -> None:
    texts = [
        question.prompt,
        question.explanation,
        *question.hints,
        *(m.feedback for m in question.mistakes),
    ]
    if question.type == "code":
        texts += [v["feedback"] for v in question.answer.get("variants") or ()]
        texts += [c["name"] for c in question.answer["cases"]]
    for text in texts:
        zh = text.get("zh") if isinstance(text, dict) else text.zh
        assert zh, f"{question.id}: missing Chinese text for {text!r}"


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.type == "code"], ids=lambda q: q.id)
def test_code_question_tests_hold_a_solution_and_two_wrong_ones_with_feedback(
    question: Question,
) -> None:
    assert question.tests.accept
    rejects = [r for r in question.tests.reject if isinstance(r, dict) and r.get("feedback")]
    assert len(rejects) >= 2


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_question_tests_pass(question: Question, torch_services: dict[str, Any]) -> None:
    env = GradingEnv(catalog=CATALOG, services=torch_services, device="cpu")
    problems = []
    for item in check_questions([question], env):
        if isinstance(item, TestResult):
            if not item.ok:
                problems.append(f"{item.case.origin} {item.case.answer!r}: {item.message}")
        else:
            problems.append(item[1])
    assert not problems, "\n".join(problems)


def test_the_notes_torch_full_snippet_fails_as_the_explanation_says() -> None:
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    question = CATALOG.question("torch-mse-grad-full-code")
    quoted = re.findall(r'"([^"]*(?:grad|gradients)[^"]*)"', question.explanation.en)
    w = torch.full([1], 2)
    assert w.dtype == torch.int64 and not w.requires_grad
    mse = F.mse_loss(torch.ones(1) * w, torch.ones(1))
    with pytest.raises(RuntimeError) as no_grad:
        torch.autograd.grad(mse, [w])
    with pytest.raises(RuntimeError) as int_grad:
        torch.full([1], 2, requires_grad=True)
    observed = f"{no_grad.value} | {int_grad.value}"
    assert len(quoted) == 2
    for message in quoted:
        assert " ".join(message.split()) in observed
