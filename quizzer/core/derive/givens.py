"""An exercise made ready for checking: its context, its parsed givens, start and goal.

Lines are compared in two ways:

- *under the givens* (`normalize`): definitions and facts are substituted (`sigma(x)` by
  `1/(1 + exp(-x))`, `y_3` by `1 - y_1 - y_2`, `diff(l(w), w)` by `g`), derivatives are
  evaluated, and expectations are reduced by the rules of `expectation.py`; this decides whether
  a step is valid;
- *as written* (`as_written`): nothing is substituted, so declared functions and moments stay
  abstract; this decides whether a line is the start or the goal, so `exp(-x)/(1 + exp(-x))^2`
  is equal to `sigma(x)(1 - sigma(x))` under the definition, but has not yet reached it.

`sum(f)` in an exercise with an index family (`random.index: {i: d_k}`) is the sum of f over
i = 1..d_k; it becomes a SymPy `Sum` that only the expectation rules may evaluate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizzer.core.derive.expectation import (
    ExpressionTooLarge,
    RandomSpace,
    bounded_expand,
    reduce_moments,
)
from quizzer.core.derive.expressions import make_context, parse
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError, BankError

if TYPE_CHECKING:
    import sympy

    from quizzer.core.derive.exercise import Exercise
    from quizzer.core.expr import ExprContext

FAMILY_SUM = "sum"
MAX_ROUNDS = 8  # substitution rounds; a chain of definitions deeper than this is an error


@dataclass
class Prepared:
    """Everything the checker needs about one exercise, parsed once and reused."""

    context: ExprContext
    exercise: Exercise | None = None
    rules: list[tuple[Any, Any]] = field(default_factory=list)  # lhs -> rhs substitutions
    functions: dict[Any, Any] = field(default_factory=dict)  # function class -> Lambda
    space: RandomSpace | None = None
    family: tuple[Any, Any] | None = None  # (index symbol, count) for sum(...)
    start: Any = None
    goal: Any = None
    unknown: Any = None  # the symbol equation lines are solved for, when declared
    steps: list[Any] = field(default_factory=list)  # the reference lines, parsed
    equations: bool = False  # a free chain of equations (`quizzer derive --equations`)

    @property
    def equation_chain(self) -> bool:
        import sympy

        return self.equations or isinstance(self.start, sympy.Equality)

    def parse(self, text: str) -> Any:
        """One formula in the exercise's language, with sum(...) made a family Sum."""
        return self.with_family_sums(parse(text, self.context))

    def with_family_sums(self, expr: Any) -> Any:
        import sympy

        if self.family is None or not isinstance(expr, sympy.Basic):
            return expr
        index, count = self.family
        return expr.replace(
            lambda e: getattr(e.func, "__name__", "") == FAMILY_SUM and len(e.args) == 1,
            lambda e: sympy.Sum(e.args[0], (index, 1, count)),
        )

    def normalize(self, expr: Any) -> Any:
        """`expr` under the givens: substituted, differentiated, expectations reduced."""
        import sympy

        if isinstance(expr, sympy.Equality):
            return sympy.Eq(self.normalize(expr.lhs), self.normalize(expr.rhs), evaluate=False)
        current = expr
        for _ in range(MAX_ROUNDS):
            updated = self.substitute(current)
            updated = _evaluate_derivatives(updated)
            if self.space is not None:
                updated = reduce_moments(updated, self.space)
            if updated == current:
                return updated
            current = updated
        return current

    def substitute(self, expr: Any) -> Any:
        """One round of substitution: functions by their Lambda, symbols all at once.

        Symbols are replaced structurally (`xreplace`), so inside `diff(f(p_1), o_1)` the
        defined p_1 becomes its formula in o_1 and the derivative sees the dependence;
        `subs` would wrap it in `Subs` objects instead. Other left-hand sides (a derivative
        fact such as diff(l(w), w) = g) go through `subs`, which matches them as patterns.
        """
        for func, body in self.functions.items():
            expr = expr.replace(func, body)
        symbols = {lhs: rhs for lhs, rhs in self.rules if lhs.is_Symbol}
        if symbols:
            try:
                expr = expr.xreplace(symbols)
            except (ValueError, TypeError):  # a defined symbol is a derivative's variable
                expr = expr.subs(symbols)
        for lhs, rhs in self.rules:
            if not lhs.is_Symbol:
                expr = expr.subs(lhs, rhs)
        return expr

    def substituted(self, expr: Any) -> Any:
        """`expr` with the definitions written out, nothing evaluated (for "is this the start
        with sigma replaced by its formula?")."""
        current = expr
        for _ in range(MAX_ROUNDS):
            updated = self.substitute(current)
            if updated == current:
                break
            current = updated
        return current

    def next_hint(self, last_good: Any, position: int) -> LocalizedText | None:
        """The hint for the step after `last_good` (the learner's last valid formula): the
        hint following the last reference step it matches in form, else by position."""
        exercise = self.exercise
        if exercise is None:
            return None
        if last_good is not None:
            for index in reversed(range(len(self.steps))):
                if self.same_form(last_good, self.steps[index]):
                    return exercise.hint_after(index)
        return exercise.hint_for_line(position)

    def same_form(self, written: Any, target: Any) -> bool:
        """Whether a line *is* `target` (the start or the goal) as written.

        Deliberately not an equivalence check: every valid line is equivalent to the goal, so
        "reaching the goal" must mean writing it. Two formulas have the same form when they
        agree after multiplying out products and powers of sums (the polynomial `expand`),
        nothing else: no definition is substituted, no log, exp or trig identity applied. So
        `w - eta*lambda*w - eta*g` is `(1 - eta*lambda)*w - eta*g`, and `sigma - sigma^2` is
        `sigma*(1 - sigma)`, but `exp(-x)/(1 + exp(-x))^2` is not. Equations compare by
        `lhs - rhs`, up to sign.
        """
        import sympy

        written_eq = isinstance(written, sympy.Equality)
        if written_eq != isinstance(target, sympy.Equality):
            return False
        if written_eq:
            mine = _polynomial_form(written.lhs - written.rhs)
            theirs = _polynomial_form(target.lhs - target.rhs)
            return bool(mine == theirs or mine == -theirs)
        return bool(_polynomial_form(written) == _polynomial_form(target))


def _polynomial_form(expr: Any) -> Any:
    try:
        return bounded_expand(expr, power_exp=False, power_base=False, log=False)
    except (TypeError, ValueError, RecursionError, ExpressionTooLarge):
        return expr  # compared as written: a huge line is the goal only if it is literally


def _evaluate_derivatives(expr: Any) -> Any:
    """Evaluate Derivative nodes only: `doit()` would also sum family Sums, wrongly."""
    import sympy

    if not expr.has(sympy.Derivative):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Derivative), lambda e: e.doit())


def prepare_exercise(exercise: Exercise) -> Prepared:
    """Parse an exercise's givens, start and goal; BankError naming the exercise on failure."""
    import sympy

    from quizzer.core.derive.expectation import operator_name

    random = exercise.random
    functions = set(exercise.functions)
    if random is not None and random.index:
        functions.add(FAMILY_SUM)
    context = make_context(exercise.symbols, sorted(functions))
    prepared = Prepared(context=context, exercise=exercise)
    where = f"{exercise.file} [{exercise.id}]"
    try:
        if random is not None:
            prepared.space = RandomSpace(
                variables=frozenset(parse(v, context) for v in random.variables),
                independent=random.independent,
            )
            if len(random.index) > 1:
                raise BankError(f"{where}: only one index family is supported")
            for name, count in random.index.items():
                index = sympy.Symbol(name, integer=True, positive=True)
                count_expr = parse(count, context)
                prepared.family = (index, count_expr)
                prepared.space.families = {name: count_expr}
        for given in exercise.given:
            equation = prepared.parse(given.rule)
            if not isinstance(equation, sympy.Equality):
                raise BankError(f"{where}: given {given.rule!r} is not an equation 'lhs = rhs'")
            lhs, rhs = equation.lhs, equation.rhs
            if operator_name(lhs) is not None:
                if prepared.space is None:
                    raise BankError(f"{where}: the fact {given.rule!r} needs a `random` section")
                prepared.space.add_fact(lhs, rhs)
            elif _is_function_definition(lhs):
                prepared.functions[lhs.func] = sympy.Lambda(lhs.args, rhs)
            else:
                prepared.rules.append((lhs, rhs))
        prepared.start = prepared.parse(exercise.start)
        prepared.goal = prepared.parse(exercise.goal)
        prepared.steps = [prepared.parse(step.line) for step in exercise.steps]
        if exercise.unknown is not None:
            prepared.unknown = parse(exercise.unknown, context)
    except AnswerError as exc:
        raise BankError(f"{where}: {exc.message}") from None
    return prepared


def prepare_free_chain(assume: Sequence[Any], equations: bool = False) -> Prepared:
    """A free chain (`quizzer derive --steps FILE`): no givens, symbols as `--assume` says.

    With `equations`, each line is one equation and a step must keep the solutions (in one
    unknown) or, with several symbols, be a constant multiple (the engine's reading)."""
    from quizzer.core.expr import ExprContext

    return Prepared(context=ExprContext.from_assume(list(assume)), equations=equations)


def _is_function_definition(lhs: sympy.Basic) -> bool:
    """f(x, y) with distinct symbols as arguments: a definition of the function f."""
    from sympy.core.function import AppliedUndef

    return (
        isinstance(lhs, AppliedUndef)
        and all(arg.is_Symbol for arg in lhs.args)
        and len(set(lhs.args)) == len(lhs.args)
    )
