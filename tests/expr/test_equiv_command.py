"""`quizzer equiv` (issue 3, item 5): verdict, exit codes, --assume, --json, --batch, and bad
input reported without a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from quizzer.cli import main


def equiv(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `quizzer equiv ARGS` in-process; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(["equiv", *args])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_equivalent_exits_0_and_shows_both_readings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = equiv(capsys, "sigmoid(x)*(1-sigmoid(x))", "exp(-x)/(1+exp(-x))^2")
    assert code == 0
    assert "answer:   (1 − σ(x))·σ(x)" in out and "✓ equivalent" in out


def test_different_exits_1_with_the_counterexample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = equiv(capsys, "sqrt(d)", "1/sqrt(d)", "--assume", "positive")
    assert code == 1
    assert "✗ different" in out and "at d = 2: answer = 1.41421, expected = 0.707107" in out


def test_assume_per_symbol_and_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = equiv(capsys, "sqrt(x^2)", "x", "--assume", "x=positive", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "equivalent"
    code, out, _ = equiv(capsys, "sqrt(x^2)", "x", "--assume", '{"x": "negative"}', "--json")
    assert code == 1 and json.loads(out)["counterexample"]["point"]["x"].startswith("-")
    code, _, _ = equiv(capsys, "sigma(x)", "sigmoid(x)", "--assume", "sigma=logistic")
    assert code == 0


def test_undecided_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = equiv(capsys, "cos(exp(10^300))", "x", "--json")
    assert code == 3 and json.loads(out)["verdict"] == "undecided"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x +", "x"], "ends too early"),
        (["x", "__import__('os')"], "expected: the name '__import__' is not allowed"),
        (["x"], "give two formulas"),
        (["x", "x", "--assume", "bogus"], "unknown assumption 'bogus'"),
        (["x", "x", "--assume", "{not json"], "not valid JSON"),
        (["x", "x", "--assume", "x=positive,negative"], "contradict"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = equiv(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err + out


def test_batch_answers_one_json_line_per_case(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "answer": "2x", "expected": "x + x"}),
                json.dumps(
                    {"id": "b", "answer": "log(x^2)", "expected": "2 log(x)", "assume": "positive"}
                ),
                json.dumps({"id": "c", "answer": "log(x^2)", "expected": "2 log(x)"}),
                json.dumps({"id": "d", "answer": "x^", "expected": "x"}),
                "not json",
                json.dumps(
                    {
                        "id": "f",
                        "answer": "n!",
                        "expected": "gamma_1",
                        "assume": {"n": ["integer", "positive"]},
                    }
                ),
                "",
            ]
        ),
        encoding="utf-8",
    )
    code, out, _ = equiv(capsys, "--batch", str(cases), "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 6
    assert [line["verdict"] for line in lines] == [
        "equivalent",
        "equivalent",
        "different",
        None,
        None,
        "different",
    ]
    assert all(isinstance(line["ms"], float | int) for line in lines)
    assert "ends too early" in lines[3]["error"] and "not JSON" in lines[4]["error"]


def test_a_real_equiv_process_starts_and_exits_with_the_verdict(
    quizzer_cli: Callable[..., object],
) -> None:
    done = quizzer_cli("equiv", "1/sqrt(d_k)", "d_k^(-1/2)", "--assume", "d_k=positive")
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    done = quizzer_cli("equiv", "x +", "x")
    assert done.returncode == 2 and "Traceback" not in done.stderr  # type: ignore[attr-defined]


def test_a_formula_starting_with_a_minus_is_an_argument_not_an_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Click read `-x` / `-log(p)` as short options: "No such option '-l'".
    code, out, _ = equiv(capsys, "-log(p)", "log(1/p)", "--assume", "positive")
    assert code == 0 and "✓ equivalent" in out
    code, out, _ = equiv(capsys, "--json", "-x^2", "-(x^2)")
    assert code == 0 and json.loads(out)["verdict"] == "equivalent"
    code, _, err = equiv(capsys, "x", "x", "--jsn")
    assert code == 2 and "No such option '--jsn'" in err


def test_answer_takes_a_formula_starting_with_a_minus(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["answer", "grad-focal-gamma-zero", "-log(p_t)", "--json"])
    out, _ = capsys.readouterr()
    assert exited.value.code == 0 and json.loads(out)["verdict"] == "correct"


def test_batch_survives_hostile_lines_and_names_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases.jsonl"
    lines_in = [
        "[" * 100_000 + "]" * 100_000,  # RecursionError in json.loads: crashed the whole batch
        "[1, 2]",
        json.dumps({"id": "n", "answer": 0.25, "expected": "1/4"}),
        json.dumps({"id": "b", "answer": True, "expected": "1"}),
        json.dumps({"id": "last", "answer": "x", "expected": "x"}),
    ]
    cases.write_text("\n".join(lines_in), encoding="utf-8")
    code, out, err = equiv(capsys, "--batch", str(cases))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and "Traceback" not in err and len(lines) == 5
    assert lines[0]["error"] == "line 1: not JSON (nested too deeply)"
    assert lines[1]["error"] == "line 2: expected a JSON object"
    assert lines[2]["verdict"] == "equivalent"
    assert "must be a formula as text, got bool" in lines[3]["error"]
    assert lines[4]["verdict"] == "equivalent"
