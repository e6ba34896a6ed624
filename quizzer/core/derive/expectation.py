"""Expectation and variance algebra: a small, documented rule set over SymPy expressions.

`sympy.stats` needs a distribution for every variable and answers `Var(q.k)` for a symbolic d_k
only through slow symbolic summation; the exercises state moments as facts instead
(`E(q_i) = 0`, `Var(q_i) = 1`), which is how the derivations are argued on a whiteboard. The
rules, applied until no E/Var/Cov is left that they can reduce:

1. `E(c) = c` when c involves no random variable; linearity: `E(a + b) = E(a) + E(b)`,
   `E(c X) = c E(X)` (the expression is expanded into monomials first).
2. Independence (when the exercise declares it): the expectation of a product factors over
   groups of factors that share no random variable: `E(X Y) = E(X) E(Y)`.
3. Moments come from the facts: `E(X^n)` and `E(g(X))` as given; `E(X^2) = Var(X) + E(X)^2`
   when only the variance is given, or when X is a family sum (rule 5 gives its variance).
4. `Var(Y) = E(Y^2) - E(Y)^2` and `Cov(X, Y) = E(X Y) - E(X) E(Y)`.
5. Index families: with `index: {i: n}`, q_i and k_i (i = 1..n) are identically distributed, so
   `E(Sum(f_i, (i, 1, n))) = n E(f_i)`, and, when the members are independent,
   `Var(Sum(f_i, (i, 1, n))) = n Var(f_i)`.

A moment no fact determines stays as an unevaluated `E(...)`: the checker then treats it as an
unknown quantity, never as a value it made up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sympy

EXPECTATION_NAMES = frozenset({"E"})
VARIANCE_NAMES = frozenset({"Var"})
COVARIANCE_NAMES = frozenset({"Cov"})
OPERATOR_NAMES = EXPECTATION_NAMES | VARIANCE_NAMES | COVARIANCE_NAMES

# Each reduction pass removes one layer of operators; real exercises need 3 or 4.
MAX_PASSES = 12
# Expansion is where SymPy work explodes: (q + k)^100000 is a legal formula. A power of a sum
# above this exponent, or an expression with more operations than MAX_OPERATIONS, is not
# expanded, and the step is reported undecided rather than risking a runaway computation.
MAX_EXPANDED_POWER = 12
MAX_OPERATIONS = 600


class ExpressionTooLarge(Exception):
    """Expanding this expression could take unbounded time or memory."""


def bounded_expand(expr: Any, **hints: Any) -> Any:
    """`sympy.expand`, refusing expressions whose expansion could explode."""
    import sympy

    if not isinstance(expr, sympy.Basic):
        return expr
    if sympy.count_ops(expr) > MAX_OPERATIONS:
        raise ExpressionTooLarge("the formula is too large to expand")
    for node in sympy.preorder_traversal(expr):
        if (
            isinstance(node, sympy.Pow)
            and node.base.is_Add
            and node.exp.is_Integer
            and abs(int(node.exp)) > MAX_EXPANDED_POWER
        ):
            raise ExpressionTooLarge(f"expanding a power {node.exp} of a sum is too large")
    return sympy.expand(expr, **hints)


@dataclass
class RandomSpace:
    """What the algebra knows: the random symbols, independence, index families and moments.

    Attributes:
        variables: the random symbols.
        independent: distinct random variables are mutually independent.
        families: index name -> number of members (e.g. "i" -> d_k); a random symbol is a
            member of index i when its name ends in `_i`.
        moments: expanded expression X -> E(X), from facts `E(X) = value`.
        variances: X -> Var(X), from facts `Var(X) = value`.
    """

    variables: frozenset[Any] = frozenset()
    independent: bool = True
    families: Mapping[str, Any] = field(default_factory=dict)
    moments: dict[Any, Any] = field(default_factory=dict)
    variances: dict[Any, Any] = field(default_factory=dict)

    def add_fact(self, lhs: sympy.Expr, rhs: sympy.Expr) -> bool:
        """Record `E(X) = v` or `Var(X) = v`; False when lhs is not a moment."""

        name = operator_name(lhs)
        if name is None or len(lhs.args) != 1:
            return False
        inner = bounded_expand(lhs.args[0])
        if name in EXPECTATION_NAMES:
            self.moments[inner] = rhs
        elif name in VARIANCE_NAMES:
            self.variances[inner] = rhs
        else:
            return False
        return True

    def random_in(self, expr: sympy.Basic) -> frozenset[Any]:
        return frozenset(expr.free_symbols) & self.variables

    def is_family_sum(self, summand: sympy.Expr, index: Any) -> bool:
        """Whether the terms of Sum(summand, index) are identically distributed: every random
        variable in them is a member of the family `index`, and the summand does not involve
        the index itself (as in i * q_i)."""
        name = str(index)
        if name not in self.families or index in summand.free_symbols:
            return False
        members = self.random_in(summand)
        # A non-random symbol named like a member (w_i, declared nowhere as random) may vary
        # with i, so the terms need not be identically distributed: no rule applies.
        indexed = {s for s in summand.free_symbols if str(s).endswith(f"_{name}")}
        return (
            bool(members)
            and indexed <= members
            and all(str(s).endswith(f"_{name}") for s in members)
        )


def operator_name(expr: Any) -> str | None:
    """'E', 'Var' or 'Cov' when `expr` is an application of that operator."""
    func = getattr(expr, "func", None)
    name = getattr(func, "__name__", None)
    if name in OPERATOR_NAMES and getattr(expr, "is_Function", False):
        return str(name)
    return None


def has_operators(expr: sympy.Basic) -> bool:
    return any(operator_name(node) for node in _preorder(expr))


def _preorder(expr: sympy.Basic) -> Any:
    import sympy

    return sympy.preorder_traversal(expr)


def reduce_moments(expr: sympy.Expr, space: RandomSpace) -> sympy.Expr:
    """Rewrite every E/Var/Cov the rules can reduce, innermost first."""
    import sympy

    current = expr
    for _ in range(MAX_PASSES):
        replaced = current.replace(
            lambda node: operator_name(node) is not None,
            lambda node: _reduce_one(node, space),
        )
        replaced = sympy.sympify(replaced)
        if replaced == current:
            break
        current = replaced
    return current


def _reduce_one(node: sympy.Expr, space: RandomSpace) -> sympy.Expr:
    name = operator_name(node)
    args = node.args
    if name in EXPECTATION_NAMES and len(args) == 1:
        return expectation(args[0], space)
    if name in VARIANCE_NAMES and len(args) == 1:
        return variance(args[0], space)
    if name in COVARIANCE_NAMES and len(args) == 2:
        x, y = args
        return expectation(x * y, space) - expectation(x, space) * expectation(y, space)
    return node


def expectation(expr: sympy.Expr, space: RandomSpace) -> sympy.Expr:
    """E(expr) by linearity, independence and the known moments."""
    import sympy

    if has_operators(expr):
        # E(E(X) Y) = E(X) E(Y): reduce the inner operators first (they are constants).
        expr = reduce_moments(expr, space)
    if not space.random_in(expr):
        return expr
    summed = _family_sum(expr)
    if summed is not None:
        summand, index, count = summed
        if space.is_family_sum(summand, index):
            return count * expectation(summand, space)
        return _opaque("E", expr)
    expanded = bounded_expand(expr)
    if expanded.is_Add:
        return sympy.Add(*(expectation(term, space) for term in expanded.args))
    return _expect_monomial(expanded, space)


def variance(expr: sympy.Expr, space: RandomSpace) -> sympy.Expr:
    """Var(expr): a known variance, the family-sum rule, else E(Y^2) - E(Y)^2."""
    import sympy

    if not space.random_in(expr):
        return sympy.Integer(0)
    constant, rest = _split_constant(expr, space)
    if constant != 1 or rest is not expr:
        # Var(c Y + b) = c^2 Var(Y): keeps a family sum visible to rule 5.
        return constant**2 * variance(rest, space)
    key = bounded_expand(expr)
    if key in space.variances:
        return space.variances[key]
    summed = _family_sum(expr)
    if summed is not None:
        summand, index, count = summed
        if space.independent and space.is_family_sum(summand, index):
            return count * variance(summand, space)
        return _opaque("Var", expr)
    return bounded_expand(expectation(expr**2, space) - expectation(expr, space) ** 2)


def _expect_monomial(term: sympy.Expr, space: RandomSpace) -> sympy.Expr:
    """E of one product: constants out, then one factor per independent group."""
    import sympy

    constant: list[sympy.Expr] = []
    randomish: list[sympy.Expr] = []
    for factor in sympy.Mul.make_args(term):
        (randomish if space.random_in(factor) else constant).append(factor)
    groups = _independent_groups(randomish, space) if space.independent else [randomish]
    result = sympy.Mul(*constant)
    for group in groups:
        result *= _group_moment(sympy.Mul(*group), space)
    return result


def _independent_groups(factors: list[sympy.Expr], space: RandomSpace) -> list[list[sympy.Expr]]:
    """Factors merged into groups whenever they share a random variable (union by overlap)."""
    groups: list[tuple[set[Any], list[sympy.Expr]]] = []
    for factor in factors:
        symbols = set(space.random_in(factor))
        merged_symbols, merged = set(symbols), [factor]
        keep: list[tuple[set[Any], list[sympy.Expr]]] = []
        for group_symbols, group in groups:
            if group_symbols & symbols:
                merged_symbols |= group_symbols
                merged = group + merged
            else:
                keep.append((group_symbols, group))
        groups = [*keep, (merged_symbols, merged)]
    return [group for _, group in groups]


def _split_constant(expr: sympy.Expr, space: RandomSpace) -> tuple[sympy.Expr, sympy.Expr]:
    """(c, Y) with expr = c Y + b, c and b free of random variables (c = 1, Y = expr when
    there is nothing to split off)."""
    import sympy

    if expr.is_Add:
        random_terms = [t for t in expr.args if space.random_in(t)]
        if len(random_terms) < len(expr.args):
            inner = sympy.Add(*random_terms)
            constant, rest = _split_constant(inner, space)
            return constant, rest
        return sympy.Integer(1), expr
    if expr.is_Mul:
        constant_factors = [f for f in expr.args if not space.random_in(f)]
        if constant_factors:
            random_factors = [f for f in expr.args if space.random_in(f)]
            return sympy.Mul(*constant_factors), sympy.Mul(*random_factors)
    return sympy.Integer(1), expr


def _group_moment(product: sympy.Expr, space: RandomSpace) -> sympy.Expr:
    """E of a product of factors that depend on the same random variables."""
    import sympy

    if isinstance(product, sympy.Sum):
        return expectation(product, space)
    key = bounded_expand(product)
    if key in space.moments:
        return space.moments[key]
    base, exponent = product.as_base_exp()
    summed = _family_sum(base) if exponent == 2 else None
    if summed is not None and space.independent and space.is_family_sum(*summed[:2]):
        # E(S^2) = Var(S) + E(S)^2 for a family sum S (the definition of the variance, read
        # backwards): `E(sum(q_i*k_i)^2) - E(sum(q_i*k_i))^2` is a valid line.
        return variance(base, space) + expectation(base, space) ** 2
    if exponent == 2 and base in space.variances:
        mean = space.moments.get(bounded_expand(base))
        if mean is not None:
            return space.variances[base] + mean**2
    return _opaque("E", product)


def _family_sum(expr: sympy.Expr) -> tuple[sympy.Expr, Any, sympy.Expr] | None:
    """(summand, index, number of terms) when expr is one Sum over a single index."""
    import sympy

    if isinstance(expr, sympy.Sum) and len(expr.limits) == 1:
        index, low, high = expr.limits[0]
        return expr.function, index, sympy.expand(high - low + 1)
    return None


def _opaque(name: str, inner: sympy.Expr) -> sympy.Expr:
    import sympy

    return sympy.Function(name)(inner)
