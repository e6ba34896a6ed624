"""The headless CLI as a user's shell sees it: stdout, stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO, run_quizzer


def test_version() -> None:
    result = run_quizzer("--version")
    assert result.returncode == 0
    assert "quizzer, version" in result.stdout


def test_bare_quizzer_without_a_terminal_prints_help() -> None:
    result = run_quizzer(input="")
    assert result.returncode == 0
    assert "Usage: quizzer" in result.stdout
    assert "Exit codes" in result.stdout


def test_unknown_command_suggests_the_nearest() -> None:
    result = run_quizzer("bank", "list")
    assert result.returncode == 2
    assert "Did you mean 'banks'" in result.stderr


def test_answer_exit_codes_and_json() -> None:
    right = run_quizzer("answer", "bert-base-total", "109,482,240", "--json")
    assert right.returncode == 0, right.stderr
    doc = json.loads(right.stdout)
    assert doc["question"] == "bert-base-total"
    assert doc["verdict"] == "correct"
    assert doc["expected"] == "109,482,240"

    wrong = run_quizzer("answer", "bert-base-total", "109446912", "--json")
    assert wrong.returncode == 1
    doc = json.loads(wrong.stdout)
    assert doc["verdict"] == "incorrect"
    assert any("LayerNorm" in f for f in doc["feedback"])


def test_answer_human_output_shows_interpretation_and_feedback() -> None:
    result = run_quizzer("answer", "bert-base-total", "108891648")
    assert result.returncode == 1
    assert "interpreted as: 108,891,648" in result.stdout
    assert "pooler" in result.stdout
    assert "expected: 109,482,240" in result.stdout


def test_unparsable_answer_is_exit_2_without_traceback() -> None:
    result = run_quizzer("answer", "bert-base-total", "about a hundred million")
    assert result.returncode == 2
    assert "is not a number" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_question_suggests_ids() -> None:
    result = run_quizzer("answer", "bert-base-totl", "1")
    assert result.returncode == 2
    assert "bert-base-total" in result.stderr
    assert "Traceback" not in result.stderr


def test_abbreviation_only_where_allowed() -> None:
    exact = run_quizzer("answer", "bert-base-total", "110M")
    assert exact.returncode == 2
    assert "exact number" in exact.stderr
    approx = run_quizzer("answer", "bert-large-total", "335M")
    assert approx.returncode == 0
    too_rough = run_quizzer("answer", "bert-large-total", "340M")
    assert too_rough.returncode == 1


def test_choice_answers_by_id_number_or_text() -> None:
    assert run_quizzer("answer", "bert-heads-count", "same").returncode == 0
    assert run_quizzer("answer", "bert-heads-count", "1").returncode == 0
    assert run_quizzer("answer", "bert-heads-count", "The same").returncode == 0
    assert run_quizzer("answer", "bert-heads-count", "2").returncode == 1
    bad = run_quizzer("answer", "bert-heads-count", "7")
    assert bad.returncode == 2 and "same, times12, div12" in bad.stderr


def test_recall_is_undecided() -> None:
    result = run_quizzer("answer", "bert-count-what-to-include", "embeddings and layers", "--json")
    assert result.returncode == 3
    assert json.loads(result.stdout)["verdict"] == "undecided"


def test_show_in_chinese_falls_back_to_english(tmp_path: Path) -> None:
    zh = run_quizzer("show", "bert-heads-count", "--lang", "zh", "--json")
    assert zh.returncode == 0
    doc = json.loads(zh.stdout)
    assert "注意力" in doc["prompt"]
    assert doc["choices"][0]["text"] == "相同"
    bank = tmp_path / "en-only.yaml"
    bank.write_text(
        "bank: {id: en-only, title: E, topic: t}\nquestions:\n"
        "  - {id: en-only-q, type: recall, prompt: English only, explanation: e,"
        " answer: {key_points: [k]}}\n",
        encoding="utf-8",
    )
    result = run_quizzer(
        "show", "en-only-q", "--lang", "zh", "--json", env={"QUIZZER_BANKS": str(bank)}
    )
    assert json.loads(result.stdout)["prompt"] == "English only"


def test_banks_list_json_counts_types_and_languages() -> None:
    result = run_quizzer("banks", "list", "--json")
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    bert = next(b for b in doc["banks"] if b["id"] == "bert-params")
    assert bert["by_type"]["numeric"] == 3
    assert bert["languages"] == ["en", "zh"]
    assert doc["total_questions"] >= 6


def test_banks_check_fails_on_a_wrong_reference(tmp_path: Path) -> None:
    bank = tmp_path / "wrong.yaml"
    bank.write_text(
        "bank: {id: wrong, title: W, topic: t}\nquestions:\n"
        "  - id: wrong-sum\n    type: numeric\n    prompt: 2 + 2?\n    explanation: e\n"
        "    answer: {value: 5}\n    tests: {accept: ['4'], reject: ['5']}\n",
        encoding="utf-8",
    )
    result = run_quizzer("banks", "check", str(bank))
    assert result.returncode == 1
    assert "[wrong-sum] accept '4': expected correct, got incorrect" in result.stderr
    assert "[wrong-sum] reject '5': expected incorrect, got correct" in result.stderr
    # The reference 5 is (trivially) accepted; the two authored tests expose the wrong value.
    assert "1 passed, 2 failed" in result.stdout


def test_schema_export_matches_the_committed_schema() -> None:
    result = run_quizzer("schema")
    assert result.returncode == 0
    committed = (REPO / "docs" / "bank.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(committed), (
        "docs/bank.schema.json is stale: run `quizzer schema -o docs/bank.schema.json`"
    )
