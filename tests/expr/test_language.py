"""The input language: what a person types in a terminal is read as they meant it, and what
cannot be read is refused with a message naming the character or name (issue 3, item 1)."""

from __future__ import annotations

import re

import pytest
import sympy

from quizzer.core.expr import ExprContext, parse_expression, pretty
from quizzer.errors import AnswerError

x, y = sympy.symbols("x y", real=True)
d_k = sympy.Symbol("d_k", real=True)


def same(text: str, expected: object, context: ExprContext | None = None) -> None:
    assert sympy.simplify(parse_expression(text, context) - expected) == 0, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x^2", x**2),
        ("x**2", x**2),
        ("2x", 2 * x),
        ("2(x+1)", 2 * x + 2),
        ("x y", x * y),
        ("(x+1)(x-1)", x**2 - 1),
        ("x²+3x−1", x**2 + 3 * x - 1),
        ("x·y×2", 2 * x * y),
        ("√x", sympy.sqrt(x)),
        ("1/√d_k", 1 / sympy.sqrt(d_k)),
        ("-x^2", -(x**2)),
        ("2^-1", sympy.Rational(1, 2)),
        ("x^2^3", x**8),
        ("1/2x", x / 2),
        ("|x| + |y|", abs(x) + abs(y)),
        ("2|x - 1|", 2 * abs(x - 1)),
        ("||x| - 1|", abs(abs(x) - 1)),
        ("sin^2(x) + cos²(x)", sympy.sin(x) ** 2 + sympy.cos(x) ** 2),
        ("e^x", sympy.exp(x)),
        ("ln(x) - log(x)", 0),
        ("log(8, 2)", 3),
        ("log2(x)", sympy.log(x) / sympy.log(2)),
        ("sec(x) csc(x) cot(x)", 1 / sympy.sin(x) ** 2),
        ("arctan(x) - atan(x)", 0),
        ("max(x, y)", sympy.Max(x, y)),
        ("sign(x)", sympy.sign(x)),
        ("0.5", sympy.Rational(1, 2)),
        ("1e-3", sympy.Rational(1, 1000)),
        ("2.5E+2", 250),
        ("pi", sympy.pi),
        ("\\frac{1}{\\sqrt{d_k}}", 1 / sympy.sqrt(d_k)),
        ("\\sqrt[3]{x}", x ** sympy.Rational(1, 3)),
        ("\\left(x\\right)^{2} \\cdot 3", 3 * x**2),
        ("softplus(x)", sympy.log(1 + sympy.exp(x))),
        ("relu(x)", sympy.Max(0, x)),
        ("𝑥^2 + ｙ", x**2 + y),  # styled letters pasted from a PDF or a web page
    ],
)
def test_typed_forms_mean_what_a_person_means(text: str, expected: object) -> None:
    same(text, expected)


def test_decimals_are_exact() -> None:
    assert parse_expression("0.1") == sympy.Rational(1, 10)
    assert parse_expression("0.33") != sympy.Rational(1, 3)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("λ", "lambda"),
        ("lambda", "lambda"),
        ("η", "eta"),
        ("alpha", "alpha"),
        ("β₁", "beta_1"),
        ("γ", "gamma"),
        ("μ", "mu"),
        ("θ", "theta"),
        ("ε", "epsilon"),
        ("σ", "sigma"),
        ("d_k", "d_k"),
        ("n_in", "n_in"),
        ("w_i", "w_i"),
        ("x_max", "x_max"),
        ("x_{max}", "x_max"),
        ("epsilon_0", "epsilon_0"),
    ],
)
def test_greek_and_subscripted_names_are_symbols(text: str, name: str) -> None:
    parsed = parse_expression(text)
    assert parsed.is_Symbol and parsed.name == name


def test_sigma_is_logistic_only_where_declared() -> None:
    logistic = ExprContext.from_assume([{"sigma": "logistic"}])
    value = parse_expression("σ(x)(1 − σ(x))", logistic)
    assert "sigmoid" in str(value)
    with pytest.raises(AnswerError, match="sigmoid"):
        parse_expression("sigma(x)")
    assert parse_expression("sigma^2").is_Pow  # the symbol σ otherwise


def test_sigmoid_is_always_the_ml_function() -> None:
    value = parse_expression("sigmoid(x)").rewrite(sympy.exp)
    assert sympy.simplify(value - 1 / (1 + sympy.exp(-x))) == 0


def test_diff_stays_a_derivative_for_the_derivation_checker() -> None:
    value = parse_expression("diff(sigmoid(x), x)")
    assert isinstance(value, sympy.Derivative)
    assert parse_expression("diff(x^3, x, 2)").doit() == 6 * x


def test_equations_parse_as_eq() -> None:
    value = parse_expression("y = 2x + 1")
    assert isinstance(value, sympy.Equality)
    assert isinstance(parse_expression("x = x"), sympy.Equality)  # not evaluated to True


def test_declared_symbols_take_their_assumptions() -> None:
    context = ExprContext.from_assume([{"n": ["integer", "positive"], "p": "probability"}])
    n, p = parse_expression("n", context), parse_expression("p", context)
    assert n.is_integer and n.is_positive and p.is_positive
    assert parse_expression("sqrt(x^2)", ExprContext.from_assume(["positive"])).is_Symbol


def test_closed_context_splits_known_names_and_refuses_others() -> None:
    context = ExprContext.from_answer({"symbols": {"x": "real", "y": "real"}})
    assert parse_expression("xy", context) == parse_expression("x*y", context)
    with pytest.raises(AnswerError, match=r"unknown name 'z'.*x, y"):
        parse_expression("z", context)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wx^2", "w*x^2"),
        ("wx^2 - xy", "w*x^2 - x*y"),
        ("wxx^2", "w*x^3"),
        ("xy^2^2", "x*y^4"),
        ("wx^-1", "w/x"),
        ("(wx)^2", "w^2*x^2"),
        ("2wx^2", "2*w*x^2"),
    ],
)
def test_a_power_after_a_split_name_binds_to_its_last_letter(text: str, expected: str) -> None:
    # `wx^2` read as (w·x)² accepted w²x² for a learner who meant w·x² (and refused w·x²).
    context = ExprContext.from_answer({"symbols": ["w", "x", "y"]})
    assert parse_expression(text, context) == parse_expression(expected, context)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x +", "ends too early"),
        ("x $ 2", "'$'"),
        ("foo(x)", "unknown function 'foo'"),
        ("sin x", "sin needs parentheses"),
        ("2 3", "two numbers in a row"),
        ("x = 1 = 2", "more than one '='"),
        ("x < 2", "inequalities"),
        ("()", "empty parentheses"),
        ("(x", "expected ')'"),
        ("", "empty formula"),
        ("1/0", "divides by zero"),
        ("\\int x", "\\int"),
        ("log(x, 1)", "base"),
        ("diff(x^2, 2)", "must be a symbol"),
        ("max(x)", "max() takes 2 to 16"),
    ],
)
def test_unreadable_input_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=re.escape(message)):
        parse_expression(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("sigmoid(x)*(1-sigmoid(x))", "(1 − σ(x))·σ(x)"),
        ("exp(-x)/(1+exp(-x))^2", "e^(−x)/(1 + e^(−x))²"),
        ("1/sqrt(d_k)", "1/√d_k"),
        ("|x| - 2", "|x| − 2"),
        ("lambda*w", "λ·w"),
        ("x = 2y + 1", "x = 2·y + 1"),
        ("diff(x^3, x)", "d/dx(x³)"),
        ("x*exp(100)", "x·e¹⁰⁰"),  # was e^¹⁰⁰, which the parser refuses
    ],
)
def test_pretty_print_shows_how_the_answer_was_read(text: str, shown: str) -> None:
    assert pretty(parse_expression(text)) == shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("d/dx(x^3)", "diff(x^3, x)"),
        ("d²/dx²(x^3)", "diff(x^3, x, 2)"),
        ("d^(2)/dx^(2)(sin(x))", "diff(sin(x), x, 2)"),
        ("2 d/dx(x^2) + 1", "2*diff(x^2, x) + 1"),
        ("d/dd_k(sqrt(d_k))", "diff(sqrt(d_k), d_k)"),
        ("d/2", "d/2"),  # anything else is a quotient, as before
        ("d^2/dx^3", "d^2/(dx^3)"),
    ],
)
def test_leibniz_notation_is_a_derivative(text: str, expected: str) -> None:
    assert parse_expression(text) == parse_expression(expected)


def test_leibniz_notation_checks_the_variable_and_yields_to_a_declared_d() -> None:
    context = ExprContext.from_answer({"symbols": ["x"]})
    with pytest.raises(AnswerError, match="'y' is not a symbol"):
        parse_expression("d/dy(x^2)", context)
    declared = ExprContext.from_answer({"symbols": ["d", "dx", "x"]})
    assert parse_expression("d/dx(x)", declared) == parse_expression("d*x/dx", declared)


def test_pretty_output_reads_back_to_the_same_formula() -> None:
    for text in (
        "exp(-x)/(1+exp(-x))^2",
        "1/sqrt(d_k) + lambda*w^3",
        "|x - 1|/2",
        "sqrt(x)*exp(3)",
        "exp(2) + e^x",
        "diff(x^3, x) + diff(sin(x), x, 2)",  # d/dx(x³) + d²/dx²(sin(x))
    ):
        value = parse_expression(text)
        assert sympy.simplify(parse_expression(pretty(value)) - value) == 0
