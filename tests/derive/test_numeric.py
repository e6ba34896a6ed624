"""The torch double check: autograd derivatives, Monte Carlo moments, and `--check` failing
when the content is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.core.derive.exercise import Exercise, load_exercise
from quizzer.core.derive.givens import prepare_exercise
from quizzer.core.derive.montecarlo import run_monte_carlo
from quizzer.core.derive.verify import verify_exercise
from tests.derive.conftest import minimal_exercise, write_exercise

torch = pytest.importorskip("torch")
sympy = pytest.importorskip("sympy")


def test_autograd_evaluates_a_derivative() -> None:
    from quizzer.core.derive.numeric import Values, evaluate

    x = sympy.Symbol("x", real=True)
    points = torch.linspace(-4, 4, 17, dtype=torch.float64).reshape(-1, 1)
    values = Values({"x": points}, {}, 17)
    derivative = evaluate(sympy.Derivative(1 / (1 + sympy.exp(-x)), x), values)
    expected = torch.sigmoid(points) * (1 - torch.sigmoid(points))
    assert torch.allclose(derivative, expected, atol=1e-12)


def test_the_sample_variance_of_q_dot_k_is_d_k(exercises: dict[str, Exercise]) -> None:
    results = run_monte_carlo(
        prepare_exercise(exercises["attention-var-qk"]), device="cpu", samples=40_000
    )
    assert [r.case["d_k"] for r in results] == [16, 64, 256]
    for result in results:
        assert result.expected == result.case["d_k"]
        assert abs(result.estimate - result.expected) <= 0.03 * result.expected, result


def test_monte_carlo_catches_a_fact_that_contradicts_the_distribution(
    exercises: dict[str, Exercise], tmp_path: Path
) -> None:
    text = Path(exercises["dropout-expectation"].file).read_text(encoding="utf-8")
    wrong = (
        text.replace("rule: E(m) = 1 - p", "rule: E(m) = p")
        .replace("  - line: x/(1 - p)*(1 - p)", "  - line: x/(1 - p)*p")
        .replace("goal: x\n", "goal: x*p/(1 - p)\n")
        .replace("  - line: x\n", "  - line: x*p/(1 - p)\n")
    )
    exercise = load_exercise(write_exercise(tmp_path, "wrong-fact.yaml", wrong))
    result = verify_exercise(exercise, samples=20_000, device="cpu")
    assert result.symbolic == "valid"  # the algebra follows from the (wrong) fact...
    assert not result.ok  # ...but sampling Bernoulli(1 - p) refutes it
    assert any("Monte Carlo" in p for p in result.problems), result.problems


def test_a_good_exercise_passes_both_checks(tmp_path: Path) -> None:
    exercise = load_exercise(write_exercise(tmp_path, "ok.yaml", minimal_exercise()))
    result = verify_exercise(exercise, device="cpu")
    assert result.ok, result.problems
    assert result.symbolic == "valid" and result.numeric.startswith("agree")


def test_a_wrong_reference_step_fails_symbolically_and_numerically(tmp_path: Path) -> None:
    text = minimal_exercise().replace(
        "  - line: 2*x*exp(x) + x^2*diff(exp(x), x)", "  - line: 2*x*exp(x) - x^2*diff(exp(x), x)"
    )
    result = verify_exercise(
        load_exercise(write_exercise(tmp_path, "bad.yaml", text)), device="cpu"
    )
    assert not result.ok
    assert "step 2 invalid" in result.symbolic
    assert result.numeric == "disagree"
    assert any("numeric check: step 2 differs from the goal" in p for p in result.problems)


def test_an_exercise_whose_start_is_its_goal_is_refused(tmp_path: Path) -> None:
    text = minimal_exercise(last="diff(x^2*exp(x), x)").replace(
        "goal: (x^2 + 2*x)*exp(x)", "goal: diff(x^2*exp(x), x)"
    )
    result = verify_exercise(
        load_exercise(write_exercise(tmp_path, "same.yaml", text)), device="cpu"
    )
    assert any("nothing to derive" in p for p in result.problems)


def test_the_device_is_chosen_from_the_request() -> None:
    from quizzer.core.derive.numeric import pick_device

    assert pick_device("cpu") == "cpu"
    assert pick_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
