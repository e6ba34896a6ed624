"""`--symbolic`: the whole total as a SymPy polynomial, checked against the numeric total.

The polynomial is built from the component formulas independently of the numeric path (SymPy
parses and expands them), then evaluated at the hyperparameters: it must give the same
integer. SymPy is imported here only (~0.3 s).
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzer.core.params.breakdown import Breakdown


@dataclass(frozen=True)
class SymbolicTotal:
    expression: str  # expanded, e.g. 4*H**2*L + 2*F*H*L + ...
    grouped: str  # collected by the layer counts, e.g. L*(4*H**2 + ...) + ...
    value: int  # the expression evaluated at the hyperparameters
    matches: bool  # value == the numeric total


def symbolic_total(breakdown: Breakdown) -> SymbolicTotal:
    import sympy

    # Our symbols include I, S, E and N, which SymPy would read as the imaginary unit,
    # its singleton registry, Euler's number and a function: declare every name explicitly.
    names = set(breakdown.symbols)
    for comp in breakdown.components:
        names |= _names(comp.formula) | _names(comp.repeat)
    table = {name: sympy.Symbol(name, positive=True, integer=True) for name in names}
    total = sympy.Integer(0)
    for comp in breakdown.components:
        total += sympy.sympify(comp.formula, locals=table) * sympy.sympify(
            comp.repeat, locals=table
        )
    expanded = sympy.expand(total)
    layer_symbols = [table[s] for s in ("L", "L_d") if s in table]
    grouped = sympy.collect(expanded, layer_symbols) if layer_symbols else expanded
    value = expanded.subs({table[k]: v for k, v in breakdown.symbols.items() if k in table})
    number = int(value) if value.is_Integer else None
    return SymbolicTotal(
        expression=sympy.sstr(expanded),
        grouped=sympy.sstr(grouped),
        value=number if number is not None else -1,
        matches=number == breakdown.total,
    )


def _names(formula: str) -> set[str]:
    import ast

    return {
        node.id for node in ast.walk(ast.parse(formula, mode="eval")) if isinstance(node, ast.Name)
    }
