"""Checking learners' derivations: per-line verdicts, the first invalid line with a reason and
the next hint, the start and the goal, undecided steps, free chains."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from quizzer.core.derive import checker as checker_module
from quizzer.core.derive.checker import DerivationChecker
from quizzer.core.derive.expressions import Comparison
from quizzer.core.derive.givens import prepare_free_chain
from quizzer.core.derive.lines import split_links
from quizzer.core.expr import SympyWorker
from quizzer.core.model import Outcome
from quizzer.errors import AnswerError

Checker = Callable[[str], DerivationChecker]
SIGMOID = [
    "diff(sigma(x), x)",
    "diff(1/(1+exp(-x)), x)",
    "exp(-x)/(1+exp(-x))^2",
    "sigma(x)*(1 - sigma(x))",
]


def verdicts(report: object) -> list[str]:
    return [line.verdict for line in report.lines]  # type: ignore[attr-defined]


def english(line: object) -> str:
    return " ".join(f.en for f in line.feedback)  # type: ignore[attr-defined]


def test_a_correct_derivation_is_accepted(checker_for: Checker) -> None:
    report = checker_for("sigmoid-derivative").check(SIGMOID)
    assert report.outcome is Outcome.CORRECT
    assert verdicts(report) == ["valid"] * 4
    assert report.reached_goal


def test_a_sign_slip_is_flagged_at_that_line_with_a_counterexample_and_hint(
    checker_for: Checker,
) -> None:
    lines = [*SIGMOID[:2], "-exp(-x)/(1+exp(-x))^2", SIGMOID[3]]
    report = checker_for("sigmoid-derivative").check(lines)
    assert report.outcome is Outcome.INCORRECT
    first = report.first_invalid
    assert first is not None and first.line == 3
    text = english(first)
    assert "does not follow from the previous line" in text
    assert "At x = " in text and first.counterexample is not None
    assert "sign is flipped" in text
    assert "Hint: Differentiate u^(-1)" in text
    assert report.hint is not None and "two minus signs" in report.hint.en


def test_a_wrong_variance_step_is_flagged_with_its_factor(checker_for: Checker) -> None:
    report = checker_for("attention-var-qk").check(
        ["Var(sum(q_i*k_i))", "d_k^2*Var(q_i*k_i)", "d_k^2"]
    )
    assert verdicts(report)[:2] == ["valid", "invalid"]
    assert "square of the previous line" in english(report.lines[1])


def test_stopping_early_says_the_goal_is_not_reached_and_gives_the_next_hint(
    checker_for: Checker,
) -> None:
    report = checker_for("sigmoid-derivative").check(SIGMOID[:3])
    assert report.outcome is Outcome.INCORRECT
    assert verdicts(report) == ["valid"] * 3
    assert not report.reached_goal
    assert "does not reach the goal" in report.summary[0].en
    assert report.hint is not None


def test_the_goal_in_an_equivalent_form_counts_as_reached(checker_for: Checker) -> None:
    report = checker_for("sigmoid-derivative").check([*SIGMOID[:3], "sigma(x) - sigma(x)^2"])
    assert report.outcome is Outcome.CORRECT


def test_the_first_line_must_be_the_start(checker_for: Checker) -> None:
    report = checker_for("sigmoid-derivative").check(["diff(exp(x), x)", "exp(x)"])
    assert report.lines[0].verdict == "invalid"
    assert "must be the start" in english(report.lines[0])


def test_writing_only_the_goal_is_not_a_derivation(checker_for: Checker) -> None:
    report = checker_for("sigmoid-derivative").check(["sigma(x)*(1 - sigma(x))"])
    assert report.outcome is Outcome.INCORRECT
    assert "goal itself" in english(report.lines[0])


def test_a_leap_straight_to_the_goal_is_valid_but_noted(checker_for: Checker) -> None:
    report = checker_for("sigmoid-derivative").check([SIGMOID[0], SIGMOID[3]])
    assert report.outcome is Outcome.CORRECT
    assert "merely restates the goal" in english(report.lines[1])


def test_links_on_one_line_and_continuations(checker_for: Checker) -> None:
    text = (
        "diff(sigma(x), x) = diff(1/(1+exp(-x)), x)\n"
        "= exp(-x)/(1+exp(-x))^2\n"
        "# a comment line is ignored\n"
        "= sigma(x)*(1 - sigma(x))\n"
    )
    report = checker_for("sigmoid-derivative").check(text)
    assert report.outcome is Outcome.CORRECT
    assert [line.line for line in report.lines] == [1, 2, 4]
    assert split_links("a = b == c <= d") == ["a", "b == c <= d"]


def test_an_unreadable_line_is_invalid_with_the_parser_message(checker_for: Checker) -> None:
    report = checker_for("sigmoid-derivative").check([SIGMOID[0], "exp(-x)/(1+", SIGMOID[2]])
    assert report.lines[1].verdict == "invalid"
    assert "cannot be read" in english(report.lines[1])
    assert report.lines[2].verdict == "valid"  # compared with the last readable line


def test_an_empty_derivation_is_an_input_error(checker_for: Checker) -> None:
    with pytest.raises(AnswerError, match="empty"):
        checker_for("sigmoid-derivative").check("\n  \n# only a comment\n")


def test_a_chain_of_equations_may_divide_by_a_positive_symbol(checker_for: Checker) -> None:
    report = checker_for("kaiming-gain").check(
        ["n_in*gamma*s^2/2 = s^2", "n_in*gamma = 2", "gamma = 2/n_in"]
    )
    assert report.outcome is Outcome.CORRECT


def test_a_wrong_solution_in_a_chain_of_equations_names_the_values(checker_for: Checker) -> None:
    report = checker_for("xavier-variance").check(
        ["gamma*(n_in + n_out)/2 = 1", "gamma = 2*(n_in + n_out)"]
    )
    first = report.first_invalid
    assert first is not None and first.line == 2
    assert "this equation gives gamma =" in english(first)


def test_an_expression_line_in_a_chain_of_equations_is_explained(checker_for: Checker) -> None:
    report = checker_for("xavier-variance").check(
        ["gamma*(n_in + n_out)/2 = 1", "2/(n_in + n_out)"]
    )
    assert "write each line as an equation" in english(report.lines[1])


def test_reaching_the_goal_through_an_undecided_step_is_not_accepted(
    checker_for: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    checker = DerivationChecker(
        checker_for("sigmoid-derivative").prepared, worker=checker_for("sigmoid-derivative").worker
    )
    real = checker_module.compare
    calls = {"n": 0}

    def second_step_undecided(*args: object, **kwargs: object) -> Comparison:
        calls["n"] += 1
        if calls["n"] == 2:
            return Comparison("undecided", "time limit reached before a decision", "timeout")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker_module, "compare", second_step_undecided)
    report = checker.check(SIGMOID)
    assert verdicts(report).count("undecided") == 1 and "invalid" not in verdicts(report)
    assert report.reached_goal
    assert report.outcome is Outcome.UNDECIDED
    assert "could not be decided" in report.summary[0].en


def test_expectation_steps_use_the_facts(checker_for: Checker) -> None:
    good = checker_for("dropout-expectation").check(["E(m*x/(1 - p))", "x*E(m)/(1 - p)", "x"])
    assert good.outcome is Outcome.CORRECT
    bad = checker_for("dropout-expectation").check(["E(m*x/(1 - p))", "x*E(m)", "x"])
    assert bad.first_invalid is not None and bad.first_invalid.line == 2


def test_free_chain(worker: object) -> None:
    chain = DerivationChecker(prepare_free_chain(["x=positive"]), worker=worker)
    ok = chain.check(["sqrt(x^2)", "x", "exp(log(x))"])
    assert ok.outcome is Outcome.CORRECT
    bad = chain.check(["(x + 1)^2", "x^2 + 1"])
    assert bad.outcome is Outcome.INCORRECT and bad.first_invalid.line == 2  # type: ignore[union-attr]
    real = DerivationChecker(prepare_free_chain([]), worker=worker)
    assert real.check(["sqrt(x^2)", "x"]).outcome is Outcome.INCORRECT  # x may be negative
    with pytest.raises(AnswerError, match="at least two"):
        real.check(["x + 1"])
    with pytest.raises(AnswerError, match=r"at least two .*\(line 1: .*sigmoid"):
        real.check(["sigma(x)", "x"])  # the reason the first line does not count


def test_a_free_chain_of_equations_keeps_the_solutions(worker: object) -> None:
    real = DerivationChecker(prepare_free_chain([], equations=True), worker=worker)
    assert real.check(["x^2 = 4", "x = 2"]).outcome is Outcome.INCORRECT  # x = -2 is lost
    assert real.check(["2x - 6 = x - 6", "x = 0"]).outcome is Outcome.CORRECT
    positive = DerivationChecker(prepare_free_chain(["x=positive"], equations=True), worker=worker)
    assert positive.check(["x^2 = 4", "x = 2"]).outcome is Outcome.CORRECT
    identity = real.check(["x + 1 = 3", "x = x"])
    assert "holds for every x" in english(identity.lines[1])


def test_the_start_may_have_its_definitions_written_out_but_not_be_skipped(
    checker_for: Checker,
) -> None:
    written_out = checker_for("sigmoid-derivative").check(SIGMOID[1:])
    assert written_out.outcome is Outcome.CORRECT
    assert "definitions written out" in english(written_out.lines[0])
    skipped = checker_for("sigmoid-derivative").check(SIGMOID[2:])
    assert skipped.lines[0].verdict == "invalid"
    assert "must be the start" in english(skipped.lines[0])


def test_a_line_too_large_to_expand_is_undecided_not_a_hang(checker_for: Checker) -> None:
    report = checker_for("attention-var-qk").check(
        ["Var(sum(q_i*k_i))", "Var(sum(q_i*k_i) + (q_i + k_i)^100000)", "d_k"]
    )
    assert report.lines[1].verdict == "undecided"
    assert "too large" in english(report.lines[1])
    assert report.outcome is Outcome.UNDECIDED


def test_the_variance_of_a_sum_may_be_written_by_its_definition(checker_for: Checker) -> None:
    # E(S^2) of the family sum was left unreduced and compared as an unknown function: the
    # correct line was judged invalid, "the previous one is 6000, this step is -8.56".
    report = checker_for("attention-var-qk").check(
        ["Var(sum(q_i*k_i))", "E(sum(q_i*k_i)^2) - E(sum(q_i*k_i))^2", "d_k"]
    )
    assert report.outcome is Outcome.CORRECT, [english(line) for line in report.lines]


def test_a_difference_between_moments_the_rules_cannot_reduce_is_undecided(
    checker_for: Checker,
) -> None:
    # E(1/m) is not determined by the facts (it is not even finite): no counterexample may be
    # made up for it, and the derivation is not accepted either.
    report = checker_for("dropout-variance").check(
        ["Var(m*x/(1 - p))", "E(m^2*x^2/(1 - p)^2) - E((1 - p)/(m*x))^2"]
    )
    assert verdicts(report) == ["valid", "undecided"]
    assert report.outcome is not Outcome.CORRECT
    assert "cannot reduce" in english(report.lines[1])


def test_an_undecided_step_short_of_the_goal_is_not_called_valid(checker_for: Checker) -> None:
    # l'(2w) is not given: undecided. The summary said "Every step is valid so far".
    report = checker_for("weight-decay-update").check(
        ["w - eta*diff(l(w) + lambda/2*w^2, w)", "w - eta*(diff(l(2*w), w) + lambda*w)"]
    )
    assert verdicts(report) == ["valid", "undecided"]
    assert "givens do not determine" in english(report.lines[1])
    summary = report.summary[0].en
    assert "line 2 could not be decided" in summary
    assert "(1 - eta*lambda)*w - eta*g" in summary  # the goal as the exercise writes it


def test_near_miss_feedback_is_bilingual(checker_for: Checker) -> None:
    # The engine's near-misses reached derivations in English only.
    report = checker_for("attention-var-qk").check(
        ["Var(sum(q_i*k_i))", "d_k^2*Var(q_i*k_i)", "d_k^2"]
    )
    chinese = [item.get("zh") for item in report.lines[1].feedback]
    assert "这一行是上一行的平方。" in chinese


class _FailingWorker(SympyWorker):
    """A worker whose SymPy fails on every request (no process is started)."""

    def request(self, payload: Any, timeout: float) -> dict[str, Any]:
        return {"error": {"type": "InternalError", "message": "the checker failed: TypeError"}}


def test_a_checker_failure_is_an_undecided_step_not_a_crash() -> None:
    chain = DerivationChecker(prepare_free_chain([]), worker=_FailingWorker())
    report = chain.check(["(x + 1)^2", "x^2 + 2*x + 1"])
    assert verdicts(report) == ["valid", "undecided"]
    assert report.outcome is Outcome.UNDECIDED
