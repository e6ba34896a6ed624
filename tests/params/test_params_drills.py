"""The `params` question type: the calculator as checker, seeded draws, breakdown answers, and
the shipped drill bank."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from quizzer import paths
from quizzer.core.catalog import Catalog, load_catalog
from quizzer.core.grading import GradingEnv, grade, reference_answer, render_prompt
from quizzer.core.model import AnswerTests, Outcome, Question
from quizzer.core.params.answers import find_divergence, parse_answer
from quizzer.core.params.questions import make_drill
from quizzer.core.selftest import TestResult, check_questions
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError
from tests.conftest import run_quizzer

BANK = paths.builtin_questions_dir() / "params-drills.yaml"


def make_question(answer: dict[str, Any], prompt: str = "Count it.") -> Question:
    return Question(
        id="q",
        type="params",
        prompt=LocalizedText(prompt, prompt + " 中文"),
        explanation=LocalizedText("x", "x"),
        bank_id="b",
        file="f",
        answer=answer,
    )


def outcome(question: Question, answer: Any, seed: int | None = None) -> Outcome:
    return grade(question, answer, GradingEnv(seed=seed)).outcome


BERT = make_question({"architecture": "bert-base"})


def test_exact_count_and_breakdowns() -> None:
    assert outcome(BERT, "109482240") is Outcome.CORRECT
    assert outcome(BERT, "109,482,240") is Outcome.CORRECT
    assert outcome(BERT, "23837184 + 85054464 + 590592") is Outcome.CORRECT
    assert outcome(BERT, "23837184 + 12 * 7087872 + 590592") is Outcome.CORRECT
    assert outcome(BERT, "23837184 + 12×7087872 + 590592 = 109482240") is Outcome.CORRECT
    assert outcome(BERT, "109482241") is Outcome.INCORRECT
    with pytest.raises(AnswerError, match="exact number"):
        grade(BERT, "110M", GradingEnv())


def test_a_wrong_breakdown_names_the_line_where_it_diverges() -> None:
    verdict = grade(BERT, "23837184 + 85017600 + 590592", GradingEnv())
    assert verdict.outcome is Outcome.INCORRECT
    text = " ".join(f.en for f in verdict.feedback)
    assert "diverges at Encoder layers" in text and "L(4H² + 2H·F + 9H + F)" in text
    assert verdict.details["diverged"]["expected"] == 85_054_464
    zh = " ".join(f.get("zh") for f in verdict.feedback)
    assert "编码器层" in zh


def test_finer_breakdowns_are_matched_component_by_component() -> None:
    # Token, position, type, LN, then the layers and the pooler; the type table is wrong.
    answer = "23440896 + 393216 + 3072 + 1536 + 85054464 + 590592"
    verdict = grade(BERT, answer, GradingEnv())
    assert verdict.details["diverged"]["line"] == "token type (segment) embeddings"


def test_one_layer_instead_of_all_is_pointed_out() -> None:
    verdict = grade(BERT, "23837184 + 7087872 + 590592", GradingEnv())
    assert "one instance; there are 12" in " ".join(f.en for f in verdict.feedback)


def test_a_left_out_line_is_named() -> None:
    verdict = grade(BERT, "23837184 + 85054464", GradingEnv())
    text = " ".join(f.en for f in verdict.feedback)
    assert "leaves out Pooler" in text and "pooler" in text.lower()


def test_terms_that_do_not_add_up_to_the_claimed_total() -> None:
    verdict = grade(BERT, "23837184 + 85054464 + 590592 = 109482241", GradingEnv())
    assert verdict.outcome is Outcome.INCORRECT
    assert "add up to 109,482,240" in " ".join(f.en for f in verdict.feedback)


def test_classic_mistakes_are_recognised_by_recomputing_them() -> None:
    cases = {
        "109398528": "biases",
        "109463808": "one LayerNorm per layer",
        "108891648": "pooler",
    }
    for answer, word in cases.items():
        verdict = grade(BERT, answer, GradingEnv())
        assert word in " ".join(f.en for f in verdict.feedback), answer
    gpt2 = make_question({"architecture": "gpt2"})
    assert "tied" in " ".join(f.en for f in grade(gpt2, "163037184", GradingEnv()).feedback)


RANGED = make_question(
    {
        "architecture": {"layer": "lstm"},
        "ranges": {"input": {"min": 16, "max": 256, "step": 16}, "hidden": [32, 64, 128, 256]},
    },
    prompt="nn.LSTM({input}, {hidden})",
)


def _value(question: Question, seed: int | None) -> float:
    return make_drill(question.answer, question.id, seed).result().value


def test_ranges_draw_new_values_per_seed_and_repeat_for_the_same_seed() -> None:
    prompts = {render_prompt(RANGED, GradingEnv(seed=s)) for s in range(12)}
    assert len(prompts) > 3
    assert render_prompt(RANGED, GradingEnv(seed=5)) == render_prompt(RANGED, GradingEnv(seed=5))
    for seed in (3, 4):
        text = render_prompt(RANGED, GradingEnv(seed=seed))
        input_size, hidden = map(int, re.findall(r"\d+", text))
        expected = 4 * (hidden * input_size + hidden**2 + 2 * hidden)
        assert _value(RANGED, seed) == expected
        assert outcome(RANGED, str(expected), seed) is Outcome.CORRECT
        assert outcome(RANGED, str(expected + 1), seed) is Outcome.INCORRECT


def test_without_a_seed_every_range_takes_its_first_value() -> None:
    assert render_prompt(RANGED, GradingEnv()) == "nn.LSTM(16, 32)"
    assert reference_answer(RANGED, GradingEnv()) == f"{4 * (32 * 16 + 32 * 32 + 64):,}"


def test_a_test_answer_can_pin_its_seed() -> None:
    value = int(_value(RANGED, 9))
    assert outcome(RANGED, {"seed": 9, "answer": str(value)}) is Outcome.CORRECT
    assert outcome(RANGED, {"seed": 9, "answer": str(value + 4)}) is Outcome.INCORRECT


def test_memory_and_flops_are_checked_within_tolerance_and_units_are_read() -> None:
    kv = make_question(
        {
            "architecture": "llama-2-7b",
            "count": {"what": "memory.kv_cache", "context": 4096, "dtype": "fp16", "unit": "GiB"},
        }
    )
    assert outcome(kv, "2") is Outcome.CORRECT
    assert outcome(kv, "2.01 GiB") is Outcome.CORRECT
    assert outcome(kv, "2.1") is Outcome.INCORRECT
    assert outcome(kv, "2.147 GB") is Outcome.CORRECT  # the same amount in another unit
    assert outcome(kv, "2147483648 bytes") is Outcome.CORRECT
    unit_slip = grade(kv, "2.147", GradingEnv())
    assert "GiB" in " ".join(f.en for f in unit_slip.feedback)
    flops = make_question(
        {"architecture": "llama-2-7b", "count": {"what": "flops.training", "seq": 4096}}
    )
    assert outcome(flops, "46.08G") is Outcome.CORRECT
    assert outcome(flops, "4.6e10") is Outcome.CORRECT
    no_attention = grade(flops, "3.964e10", GradingEnv())
    assert "attention" in " ".join(f.en for f in no_attention.feedback)


def test_compare_minus_and_ratio() -> None:
    saving = make_question(
        {
            "architecture": {"preset": "llama-2-70b", "kv_heads": 64},
            "count": "all:decoder.kv",
            "compare": {"op": "minus", "architecture": "llama-2-70b"},
        }
    )
    assert outcome(saving, "9395240960") is Outcome.CORRECT
    ratio = make_question(
        {
            "architecture": "bert-large",
            "compare": {"op": "ratio", "architecture": "albert-large"},
            "tolerance": {"rel": 0.002},
        }
    )
    assert outcome(ratio, "18.95") is Outcome.CORRECT
    assert outcome(ratio, "18") is Outcome.INCORRECT


def test_bad_specs_are_reported_when_the_bank_loads(tmp_path: Any) -> None:
    bank = tmp_path / "bad.yaml"
    bank.write_text(
        "bank: {id: bad, title: Bad, topic: params}\nquestions:\n"
        "  - {id: a, type: params, prompt: P, explanation: E, answer: {architecture: bert-bsae}}\n"
        "  - {id: b, type: params, prompt: P, explanation: E,\n"
        "     answer: {architecture: bert-base, count: encoder.nothing}}\n"
        "  - {id: c, type: params, prompt: P, explanation: E,\n"
        "     answer: {architecture: {layer: lstm}, ranges: {hiden: [1, 2]}}}\n",
        encoding="utf-8",
    )
    catalog = load_catalog([bank], use_cache=False)
    messages = " | ".join(str(d) for d in catalog.diagnostics)
    assert "unknown model 'bert-bsae'" in messages
    assert "no component 'encoder.nothing'" in messages
    assert "lstm needs architecture.input" in messages or "hiden" in messages


def test_parse_answer_rejects_garbage_with_a_hint() -> None:
    with pytest.raises(AnswerError, match="not a number"):
        parse_answer("a lot", allow_suffix=False)
    with pytest.raises(AnswerError, match="empty"):
        parse_answer("  ", allow_suffix=False)


# The shipped bank.


def _catalog() -> Catalog:
    return load_catalog([BANK], use_cache=False)


def test_bank_has_twenty_bilingual_drills_that_pass_their_tests() -> None:
    catalog = _catalog()
    assert catalog.ok, [str(d) for d in catalog.diagnostics]
    questions = list(catalog.questions.values())
    assert len(questions) >= 20 and all(q.type == "params" for q in questions)
    assert all(q.prompt.zh and q.explanation.zh for q in questions)
    results = list(check_questions(questions, GradingEnv(catalog=catalog)))
    failures = [r for r in results if not (isinstance(r, TestResult) and r.ok)]
    assert failures == []


def test_bank_covers_the_topics_the_issue_lists() -> None:
    answers = [q.answer for q in _catalog().questions.values()]
    text = repr(answers)
    for needle in (
        "bert-base",
        "bert-large",
        "albert",
        "'lstm'",
        "'gru'",
        "'rnn'",
        "conv2d",
        "mha",
        "kv_heads",
        "memory.kv_cache",
    ):
        assert needle in text, needle
    assert sum("ranges" in a for a in answers) >= 5


@pytest.mark.parametrize("seed", [None, 0, 1, 2, 3])
def test_every_drill_renders_and_accepts_its_own_reference(seed: int | None) -> None:
    env = GradingEnv(seed=seed)
    for question in _catalog().questions.values():
        for lang in ("en", "zh"):
            env.lang = lang
            prompt = render_prompt(question, env)
            assert not re.search(r"\{\w+(:,)?\}", prompt), (question.id, prompt)
        expected = reference_answer(question, env)
        assert expected is not None
        assert grade(question, expected, env).outcome is Outcome.CORRECT, (question.id, expected)


def test_breakdown_answers_in_the_bank_match_the_calculator_line_by_line() -> None:
    """An accepted `a + b + c` must be right term by term, not merely in its sum."""
    for question in _catalog().questions.values():
        drill = make_drill(question.answer, question.id, None)
        result = drill.result()
        for item in question.tests.accept:
            if not isinstance(item, str) or "+" not in item:
                continue
            parsed = parse_answer(item, allow_suffix=False)
            closeness: Callable[[float, float], bool] = drill.close
            divergence = find_divergence(parsed.terms, result.fine, result.coarse, closeness)
            assert divergence is None, (question.id, item, divergence)


def test_answer_command_grades_a_drill_with_a_seed() -> None:
    value = reference_answer(_catalog().question("params-mha-drawn"), GradingEnv(seed=3))
    assert value == "1,050,624"
    right = run_quizzer("answer", "params-mha-drawn", "1050624", "--seed", "3")
    assert right.returncode == 0, right.stderr
    wrong = run_quizzer("answer", "params-mha-drawn", "1050624", "--seed", "1")
    assert wrong.returncode == 1
    shown = run_quizzer("show", "params-mha-drawn", "--seed", "3", "--json")
    assert "embed_dim=512" in shown.stdout


def test_tests_field_round_trip() -> None:
    question = make_question({"architecture": "bert-base"})
    assert question.tests == AnswerTests()
