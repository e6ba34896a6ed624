"""Evaluating derivation lines in torch: the second, independent check of every reference.

SymPy proves each step; torch re-evaluates the lines at random points in float64, computing
derivatives by autograd rather than by SymPy's differentiation rules, so a wrong rule in either
would show up as a disagreement. Probabilistic lines are estimated by Monte Carlo
(`montecarlo.py`), which uses the same evaluator on sampled tensors.

Shapes: every value is a tensor of shape (points, 1), or (points, n) for the members of an index
family inside a `Sum` over that index; a Sum reduces the last axis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizzer.errors import QuizzerError

if TYPE_CHECKING:
    import sympy


class NotEvaluable(QuizzerError):
    """A line contains something torch cannot evaluate (an undefined function, an unknown
    moment): the numeric check is skipped for it, and says why."""

    title = "cannot evaluate numerically"


@dataclass
class Values:
    """Symbol name -> tensor, and index families: index name -> {member name -> (points, n)}."""

    scalars: dict[str, Any]
    families: dict[str, dict[str, Any]]
    points: int


def load_torch() -> Any:
    """torch, imported without its warning that NumPy is missing (nothing here uses NumPy)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
        import torch
    return torch


def pick_device(requested: str = "auto") -> str:
    """CUDA when asked for, or when available under "auto"; else the CPU."""
    torch = load_torch()

    if requested == "cuda" or (requested == "auto" and torch.cuda.is_available()):
        return "cuda"
    return "cpu"


def evaluate(
    expr: sympy.Basic,
    values: Values,
    moment: Callable[[str, tuple[Any, ...]], Any] | None = None,
) -> Any:
    """Evaluate `expr` elementwise over the points in `values`; returns a torch.Tensor.

    Args:
        expr: a SymPy expression (no relational).
        values: the symbol values.
        moment: estimates E/Var/Cov applications (Monte Carlo); without it they are an error.
    """
    evaluator = _Evaluator(values, moment)
    return evaluator(expr)


class _Evaluator:
    def __init__(
        self, values: Values, moment: Callable[[str, tuple[Any, ...]], Any] | None
    ) -> None:
        import torch

        self.torch = torch
        self.values = values
        self.moment = moment
        self.active: dict[str, Any] = {}  # members of the families being summed over
        self.device = next(iter(values.scalars.values())).device if values.scalars else "cpu"

    def const(self, value: float) -> Any:
        return self.torch.tensor(value, dtype=self.torch.float64, device=self.device)

    def __call__(self, expr: Any) -> Any:
        import sympy

        from quizzer.core.derive.expectation import operator_name

        torch = self.torch
        if expr.is_Number or expr in (sympy.pi, sympy.E):
            return self.const(float(expr))
        if expr.is_Symbol:
            return self.symbol(str(expr))
        if expr.is_Add:
            return sum((self(a) for a in expr.args[1:]), self(expr.args[0]))
        if expr.is_Mul:
            result = self(expr.args[0])
            for arg in expr.args[1:]:
                result = result * self(arg)
            return result
        if expr.is_Pow:
            base, exponent = expr.args
            if exponent == sympy.Rational(1, 2):
                return torch.sqrt(self(base))
            return torch.pow(self(base), self(exponent))
        if isinstance(expr, sympy.Derivative):
            return self.derivative(expr)
        if isinstance(expr, sympy.Sum):
            return self.sum(expr)
        name = operator_name(expr)
        if name is not None:
            if self.moment is None:
                raise NotEvaluable(f"{expr} is a moment with no value from the facts")
            return self.const(float(self.moment(name, expr.args)))
        if isinstance(expr, sympy.Piecewise):
            return self.piecewise(expr)
        if isinstance(expr, sympy.Max | sympy.Min):
            reduce = torch.maximum if isinstance(expr, sympy.Max) else torch.minimum
            result = self(expr.args[0])
            for arg in expr.args[1:]:
                result = reduce(result, self(arg))
            return result
        func = _FUNCTIONS.get(type(expr).__name__)
        if func is not None and len(expr.args) == 1:
            return func(torch, self(expr.args[0]))
        raise NotEvaluable(f"torch cannot evaluate {type(expr).__name__}: {expr}")

    def symbol(self, name: str) -> Any:
        if name in self.active:
            return self.active[name]
        if name in self.values.scalars:
            return self.values.scalars[name]
        for members in self.values.families.values():
            if name in members:
                return members[name][:, :1]  # a single member outside any sum
        raise NotEvaluable(f"no value for the symbol {name}")

    def derivative(self, expr: sympy.Derivative) -> Any:
        torch = self.torch
        result = None
        inner = expr.expr
        variables = [(str(v), int(n)) for v, n in expr.variable_count]
        leaves: dict[str, Any] = {}
        saved = dict(self.values.scalars)
        try:
            for name, _ in variables:
                if name not in leaves:
                    leaf = self.symbol(name).detach().clone().requires_grad_(True)
                    leaves[name] = leaf
                    self.values.scalars[name] = leaf
            with torch.enable_grad():
                result = self(inner)
                for name, count in variables:
                    for _ in range(count):
                        (result,) = torch.autograd.grad(
                            result.sum(), leaves[name], create_graph=True, allow_unused=True
                        )
                        if result is None:  # the expression does not depend on it
                            result = torch.zeros_like(leaves[name])
        finally:
            self.values.scalars.clear()
            self.values.scalars.update(saved)
        return result

    def sum(self, expr: sympy.Sum) -> Any:
        import sympy

        if len(expr.limits) != 1:
            raise NotEvaluable("only sums over one index can be evaluated")
        index, low, high = expr.limits[0]
        members = self.values.families.get(str(index))
        if members is None:
            count = self(sympy.sympify(high - low + 1))
            raise NotEvaluable(f"a sum over {index} with {count} terms has no sampled family")
        saved = self.active
        self.active = {**saved, **members}
        try:
            return self(expr.function).sum(dim=-1, keepdim=True)
        finally:
            self.active = saved

    def piecewise(self, expr: sympy.Piecewise) -> Any:
        torch = self.torch
        result: Any = None
        for value, condition in reversed(expr.args):
            branch = self(value)
            if condition is True or condition == True:  # noqa: E712 - SymPy's true
                result = branch
                continue
            mask = self.condition(condition)
            result = torch.where(mask, branch, result if result is not None else branch * 0)
        assert result is not None
        return result

    def condition(self, condition: Any) -> Any:
        import operator

        ops: Mapping[str, Callable[[Any, Any], Any]] = {
            "StrictGreaterThan": operator.gt,
            "GreaterThan": operator.ge,
            "StrictLessThan": operator.lt,
            "LessThan": operator.le,
        }
        op = ops.get(type(condition).__name__)
        if op is None:
            raise NotEvaluable(f"torch cannot evaluate the condition {condition}")
        return op(self(condition.lhs), self(condition.rhs))


def _sigmoid(torch: Any, x: Any) -> Any:
    return torch.sigmoid(x)


_FUNCTIONS: dict[str, Callable[[Any, Any], Any]] = {
    "exp": lambda t, x: t.exp(x),
    "log": lambda t, x: t.log(x),
    "sin": lambda t, x: t.sin(x),
    "cos": lambda t, x: t.cos(x),
    "tan": lambda t, x: t.tan(x),
    "tanh": lambda t, x: t.tanh(x),
    "sinh": lambda t, x: t.sinh(x),
    "cosh": lambda t, x: t.cosh(x),
    "Abs": lambda t, x: t.abs(x),
    "sign": lambda t, x: t.sign(x),
    "floor": lambda t, x: t.floor(x),
    "ceiling": lambda t, x: t.ceil(x),
    "sqrt": lambda t, x: t.sqrt(x),
    "atan": lambda t, x: t.atan(x),
    "sigmoid": _sigmoid,
    "sigma": _sigmoid,
    "relu": lambda t, x: t.relu(x),
    "softplus": lambda t, x: t.nn.functional.softplus(x),
    "Heaviside": lambda t, x: (x > 0).to(x.dtype),
}
