"""The logistic function as a SymPy function class, so a formula prints `σ(x)` and derives.

`relu` and `softplus` need no class: the builder writes them as `Max(0, x)` and
`log(1 + exp(x))`, which SymPy already knows. SymPy is imported inside `ml_functions()` (the core
never imports it at module level), and the class is created once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def ml_functions() -> Any:
    """The `sigmoid` SymPy function class (created on first use)."""
    import sympy

    class sigmoid(sympy.Function):  # type: ignore[misc]  # lower case: SymPy prints the name
        """The logistic function 1 / (1 + exp(-x))."""

        @classmethod
        def eval(cls, arg: Any) -> Any:
            if arg.is_zero:
                return sympy.S.Half
            return None

        def fdiff(self, argindex: int = 1) -> Any:
            value = sigmoid(self.args[0])
            return value * (1 - value)

        def _eval_rewrite_as_exp(self, arg: Any, **kwargs: Any) -> Any:
            return 1 / (1 + sympy.exp(-arg))

        def _eval_is_real(self) -> bool | None:
            real: bool | None = self.args[0].is_real
            return real

        def _eval_is_positive(self) -> bool | None:
            real: bool | None = self.args[0].is_real
            return real

        def _eval_evalf(self, prec: int) -> Any:
            return (1 / (1 + sympy.exp(-self.args[0])))._eval_evalf(prec)

    return sigmoid


def expand_ml(expr: Any) -> Any:
    """`expr` with every sigmoid written with exp (for symbolic canonical forms)."""
    sigmoid = ml_functions()
    if not expr.has(sigmoid):
        return expr
    import sympy

    return expr.replace(sigmoid, lambda arg: 1 / (1 + sympy.exp(-arg)))
