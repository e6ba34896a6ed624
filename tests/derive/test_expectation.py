"""The expectation rules: what they reduce, and what they refuse to make up."""

from __future__ import annotations

from typing import Any

import pytest

sympy = pytest.importorskip("sympy")

from quizzer.core.derive.expectation import RandomSpace, reduce_moments  # noqa: E402

E, Var, Cov = sympy.Function("E"), sympy.Function("Var"), sympy.Function("Cov")
q, k, i, d, s = sympy.symbols("q_i k_i i d_k s")
m, x, p = sympy.symbols("m x p")


def space(independent: bool = True, **facts: Any) -> RandomSpace:
    result = RandomSpace(variables=frozenset({q, k}), independent=independent, families={"i": d})
    for lhs, rhs in [(E(q), 0), (E(k), 0), (Var(q), s**2), (Var(k), s**2)]:
        result.add_fact(lhs, sympy.sympify(rhs))
    return result


def family_sum(summand: Any) -> Any:
    return sympy.Sum(summand, (sympy.Symbol("i", integer=True, positive=True), 1, d))


def test_variance_of_the_dot_product() -> None:
    assert sympy.expand(reduce_moments(Var(family_sum(q * k)), space())) == d * s**4


def test_a_constant_factor_leaves_a_variance_squared() -> None:
    reduced = reduce_moments(Var(family_sum(q * k) / sympy.sqrt(d)), space())
    assert sympy.simplify(reduced - s**4) == 0


def test_second_moment_from_variance_and_mean() -> None:
    assert reduce_moments(E(q**2), space()) == s**2


def test_an_unknown_moment_stays_unevaluated() -> None:
    reduced = reduce_moments(E(q**3), space())
    assert reduced == E(q**3)


def test_without_independence_a_product_does_not_factor() -> None:
    reduced = reduce_moments(E(q * k), space(independent=False))
    assert reduced == E(q * k)
    assert reduce_moments(E(q * k), space()) == 0


def test_a_sum_with_a_shared_variable_is_not_treated_as_iid() -> None:
    shared = sympy.Symbol("z")
    sp = space()
    sp.variables = frozenset({q, k, shared})
    reduced = reduce_moments(Var(family_sum(q * shared)), sp)
    assert reduced.has(E) or reduced.has(Var), reduced  # no rule applies: left symbolic


def test_dropout_moments() -> None:
    sp = RandomSpace(variables=frozenset({m}))
    sp.add_fact(E(m), 1 - p)
    sp.add_fact(E(m**2), 1 - p)
    assert sympy.simplify(reduce_moments(E(m * x / (1 - p)), sp) - x) == 0
    variance = reduce_moments(Var(m * x / (1 - p)), sp)
    assert sympy.simplify(variance - p * x**2 / (1 - p)) == 0


def test_covariance_of_independent_variables_is_zero() -> None:
    assert reduce_moments(Cov(q, k), space()) == 0


def test_a_sum_with_a_varying_constant_is_not_treated_as_iid() -> None:
    weight = sympy.Symbol("w_i")  # not declared random, but it may vary with i
    reduced = reduce_moments(Var(family_sum(weight * q)), space())
    # The truth is sum(w_i^2) s^2; d_k w_i^2 s^2 would be wrong, so no value is made up.
    assert reduced != d * weight**2 * s**2 and (reduced.has(E) or reduced.has(Var))
