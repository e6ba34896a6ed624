"""The numeric question type: tolerances mean what they say, mistakes fire, references pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.core.catalog import load_catalog
from quizzer.core.grading import GradingEnv, grade, reference_answer
from quizzer.core.model import Question


def numeric(tmp_path: Path, answer: str, mistakes: str = "") -> Question:
    bank = tmp_path / "n.yaml"
    bank.write_text(
        "bank: {id: n, title: N, topic: t}\nquestions:\n"
        f"  - id: n-q\n    type: numeric\n    prompt: p\n    explanation: e\n"
        f"    answer: {answer}\n{mistakes}",
        encoding="utf-8",
    )
    catalog = load_catalog([bank], derivation_dirs=[])
    assert catalog.ok, catalog.diagnostics
    return catalog.question("n-q")


def outcome(q: Question, answer: str) -> str:
    return grade(q, answer, GradingEnv()).outcome.value


def test_an_integer_reference_without_tolerance_is_exact(tmp_path: Path) -> None:
    q = numeric(tmp_path, "{value: 109482240}")
    assert outcome(q, "109482240") == "correct"
    assert outcome(q, "109482241") == "incorrect"


def test_a_tolerance_mapping_means_exactly_what_it_says(tmp_path: Path) -> None:
    q = numeric(tmp_path, "{value: 1000001, tolerance: {abs: 0}}")
    assert outcome(q, "1000001") == "correct"
    assert outcome(q, "1000000") == "incorrect"  # a default 1e-6 rel would have let this pass
    q = numeric(tmp_path, "{value: 0.5, tolerance: {abs: 0.01}}")
    assert outcome(q, "0.505") == "correct"
    assert outcome(q, "0.52") == "incorrect"


def test_float_reference_defaults_to_six_significant_digits(tmp_path: Path) -> None:
    q = numeric(tmp_path, "{value: 0.333333333}")
    assert outcome(q, "1/3") == "correct"
    assert outcome(q, "0.3333") == "incorrect"


@pytest.mark.parametrize("value", ["1001.3133", "-0.49986", "6.02214076e23"])
def test_the_reference_shown_is_itself_accepted(tmp_path: Path, value: str) -> None:
    q = numeric(tmp_path, f"{{value: {value}, tolerance: {{abs: 1e-9}}}}")
    shown = reference_answer(q, GradingEnv())
    assert shown is not None
    assert outcome(q, shown) == "correct"


def test_mistake_rules_match_numbers_written_as_strings(tmp_path: Path) -> None:
    mistakes = (
        "    mistakes:\n"
        "      - {match: '-1.139434', feedback: unnormalized score}\n"
        "      - {match: 108891648, feedback: forgot the pooler}\n"
    )
    q = numeric(tmp_path, "{value: -0.49986, tolerance: {abs: 0.001}}", mistakes)
    verdict = grade(q, "-1.1394", GradingEnv())
    assert [f.en for f in verdict.feedback][:1] == ["unnormalized score"]


def test_powers_are_read_exactly(tmp_path: Path) -> None:
    q = numeric(tmp_path, "{value: 1e40, tolerance: {rel: 0.001}}")
    assert outcome(q, "10^40") == "correct"
    assert outcome(q, "10**40") == "correct"
    assert outcome(q, "10^39") == "incorrect"


def test_follow_up_into_another_default_bank_is_fine_when_validating_one_file(
    tmp_path: Path,
) -> None:
    bank = tmp_path / "f.yaml"
    bank.write_text(
        "bank: {id: f, title: F, topic: t}\nquestions:\n"
        "  - {id: f-q, type: recall, prompt: p, explanation: e, follow_ups: [bert-base-total],"
        " answer: {key_points: [k]}}\n",
        encoding="utf-8",
    )
    assert load_catalog([bank]).ok
