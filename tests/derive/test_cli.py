"""`quizzer derive` as a user runs it: exit codes, JSON, bad input without a traceback.

Most cases run the real entry point in-process (`quizzer.cli.main` with argv and stdin), which
is what the shell runs minus the interpreter start-up; two run in a subprocess to prove the
installed command behaves the same.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from quizzer.cli import main
from tests.conftest import run_quizzer
from tests.derive.conftest import minimal_exercise, write_exercise

SIGMOID = (
    "diff(sigma(x), x)\ndiff(1/(1+exp(-x)), x)\n-exp(-x)/(1+exp(-x))^2\nsigma(x)*(1-sigma(x))\n"
)


class Run:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


@pytest.fixture
def quizzer(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: str, input: str = "") -> Run:
        monkeypatch.setattr(sys, "stdin", io.StringIO(input))
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        return Run(int(exited.value.code or 0), out, err)

    return run


def test_grading_a_derivation_prints_json_per_line(quizzer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    steps = write_exercise(tmp_path, "steps.txt", SIGMOID)
    result = quizzer("derive", "sigmoid-derivative", "--steps", str(steps), "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["verdict"] == "incorrect"
    assert document["exercise"] == "sigmoid-derivative"
    assert [line["verdict"] for line in document["lines"]][:3] == ["valid", "valid", "invalid"]
    assert set(document["lines"][2]) >= {"line", "text", "verdict", "feedback"}
    assert document["first_invalid_line"] == 3


def test_a_correct_derivation_from_stdin_exits_0(quizzer) -> None:  # type: ignore[no-untyped-def]
    good = SIGMOID.replace("-exp(-x)", "exp(-x)")
    result = quizzer("derive", "sigmoid-derivative", "--steps", "-", input=good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✓ correct" in result.stdout
    assert "  3 ✓ exp(-x)/(1+exp(-x))^2" in result.stdout


def test_a_free_chain_with_assumptions(quizzer) -> None:  # type: ignore[no-untyped-def]
    chain = "sqrt(x^2)\nx\n"
    assert quizzer("derive", "--steps", "-", input=chain).returncode == 1
    result = quizzer("derive", "--steps", "-", "--assume", "x=positive", input=chain)
    assert result.returncode == 0, result.stdout + result.stderr
    # A JSON mapping, as `quizzer equiv --assume` takes (was "unknown assumption '{\"x\":'").
    as_json = quizzer("derive", "--steps", "-", "--assume", '{"x": "positive"}', input=chain)
    assert as_json.returncode == 0, as_json.stdout + as_json.stderr


def test_the_interactive_mode_reads_lines_from_a_pipe(quizzer) -> None:  # type: ignore[no-untyped-def]
    session = "diff(sigma(x), x)\nhint\nexp(x)\nexp(-x)/(1+exp(-x))^2\nsigma(x)*(1 - sigma(x))\n"
    result = quizzer("derive", "sigmoid-derivative", input=session)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Replace sigma by its definition" in out  # the hint
    assert "✗ invalid" in out and "not added" in out  # exp(x) was rejected
    assert "Derivation complete" in out
    assert "Start: diff(sigma(x), x)" in out  # what to type, not the Unicode d/dx(σ(x))


def test_quitting_the_interactive_mode_exits_1(quizzer) -> None:  # type: ignore[no-untyped-def]
    result = quizzer(
        "derive", "sigmoid-derivative", "--lang", "zh", input="diff(sigma(x), x)\nquit\n"
    )
    assert result.returncode == 1
    assert "起点" in result.stdout


def test_check_passes_on_a_good_directory_and_fails_on_a_bad_one(quizzer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good"
    good.mkdir()
    write_exercise(good, "ok.yaml", minimal_exercise())
    result = quizzer("derive", "--check", str(good))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 0 failed" in result.stdout

    bad = tmp_path / "bad"
    bad.mkdir()
    write_exercise(bad, "wrong.yaml", minimal_exercise(last="(x^2 + x)*exp(x)"))
    result = quizzer("derive", "--check", str(bad), "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["failed"] == 1
    assert document["exercises"][0]["numeric"] == "disagree"


def test_bad_input_exits_2(quizzer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (("derive", "no-such-exercise", "--steps", "-"), "no derivation exercise"),
        (
            ("derive", "sigmoid-derivative", "--steps", str(tmp_path / "missing.txt")),
            "no such file",
        ),
        (("derive",), "give an EXERCISE_ID"),
        (
            ("derive", "sigmoid-derivative", "--assume", "x=positive", "--steps", "-"),
            "are for a free chain",
        ),
        (("derive", "sigmoid-derivative", "--steps", "-"), "empty"),
    ]
    for args, message in cases:
        result = quizzer(*args, input="\n")
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr, (args, result.stderr)


def test_the_installed_command_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    write_exercise(tmp_path, "broken.yaml", minimal_exercise().replace("goal:", "gaol:"))
    result = run_quizzer("derive", "--check", str(tmp_path))
    assert result.returncode == 1
    assert "broken.yaml:7" in result.stderr and "goal" in result.stderr
    assert "Traceback" not in result.stderr
    unknown = run_quizzer("derive", "no-such-exercise", "--steps", "-", input="x\n")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_list_names_the_exercises(quizzer) -> None:  # type: ignore[no-untyped-def]
    result = quizzer("derive", "--list", "--json")
    assert result.returncode == 0
    ids = {e["id"] for e in json.loads(result.stdout)["exercises"]}
    assert {"attention-var-qk", "sigmoid-derivative", "map-laplace-prior-l1"} <= ids
