"""SymPy objects to JSON and back, for sending parsed formulas to the SymPy worker.

Only whitelisted node types travel (the ones the language and SymPy's derivatives produce), and
they are rebuilt from a table of classes: no `eval`, no `sympify` of strings, so a formula built
by another engine cannot smuggle code into the worker.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from quizzer.core.expr.lexicon import CIRCULAR_AND_HYPERBOLIC
from quizzer.errors import AnswerError

FUNCTION_NAMES = (
    "exp",
    "log",
    "sqrt",
    "Abs",
    "sign",
    "Max",
    "Min",
    "erf",
    "erfc",
    "gamma",
    "factorial",
    "binomial",
    "floor",
    "ceiling",
    "atan2",
    "Heaviside",
    "DiracDelta",
    "re",
    "im",
    "conjugate",
    *CIRCULAR_AND_HYPERBOLIC,
    *("a" + name for name in CIRCULAR_AND_HYPERBOLIC),
)
STRUCTURE_NAMES = (
    "Add",
    "Mul",
    "Pow",
    "Equality",
    "Derivative",
    "Tuple",
    "Sum",
    "Product",
    "Piecewise",
    "ExprCondPair",
    "StrictLessThan",
    "LessThan",
    "StrictGreaterThan",
    "GreaterThan",
    "Unequality",
)
CONSTANT_NAMES = ("pi", "E", "I", "EulerGamma", "GoldenRatio", "oo", "zoo", "nan")
NEGATIVE_INFINITY = "-oo"
SYMBOL_KEYS = (
    "real",
    "positive",
    "negative",
    "nonnegative",
    "nonpositive",
    "nonzero",
    "integer",
    "commutative",
    "complex",
    "finite",
    "zero",
    "rational",
    "extended_real",
)


@lru_cache(maxsize=1)
def _classes() -> dict[str, Any]:
    import sympy as sp
    from sympy.functions.elementary.piecewise import ExprCondPair

    from quizzer.core.expr.mlfunctions import ml_functions

    table = {
        name: getattr(sp, name)
        for name in FUNCTION_NAMES + STRUCTURE_NAMES
        if name not in ("Equality", "Unequality", "ExprCondPair")
    }
    table["ExprCondPair"] = ExprCondPair
    table["Equality"], table["Unequality"] = sp.Eq, sp.Ne
    table["Pow"] = sp.Pow
    table["sigmoid"] = ml_functions()
    return table


def to_json(expr: Any) -> Any:
    """A JSON-able tree for a SymPy expression; raises AnswerError for foreign nodes."""
    import sympy as sp
    from sympy.core.function import AppliedUndef

    if expr is sp.true or expr is sp.false:
        return {"bool": bool(expr)}
    if expr.is_Symbol:
        assumptions = {k: v for k, v in expr._assumptions_orig.items() if k in SYMBOL_KEYS}
        return {"sym": expr.name, "assume": assumptions}
    if expr.is_Integer:
        return {"int": str(expr.p)}
    if expr.is_Rational:
        return {"rat": [str(expr.p), str(expr.q)]}
    if expr.is_Float:
        # A Float is the binary number it holds: sent exactly (str() would round it to decimal).
        exact = sp.Rational(expr)
        return {"rat": [str(exact.p), str(exact.q)]}
    for name in CONSTANT_NAMES:
        if expr == getattr(sp, name):
            return {"const": name}
    if expr == -sp.oo:
        return {"const": NEGATIVE_INFINITY}
    if isinstance(expr, AppliedUndef):
        return {"undef": expr.func.__name__, "args": [to_json(a) for a in expr.args]}
    name = type(expr).__name__
    if name not in _classes():
        raise AnswerError(f"the formula contains {name}, which the checker does not handle")
    return {"op": name, "args": [to_json(a) for a in expr.args]}


def from_json(tree: Any) -> Any:
    """Rebuild a SymPy object from `to_json` output."""
    import sympy as sp

    if not isinstance(tree, dict):
        raise AnswerError("malformed formula tree")
    if "sym" in tree:
        assumptions = {
            k: bool(v) for k, v in (tree.get("assume") or {}).items() if k in SYMBOL_KEYS
        }
        return sp.Symbol(str(tree["sym"]), **assumptions)
    if "int" in tree:
        return sp.Integer(int(tree["int"]))
    if "rat" in tree:
        return sp.Rational(int(tree["rat"][0]), int(tree["rat"][1]))
    if "float" in tree:
        return sp.Float(str(tree["float"]))
    if "const" in tree and tree["const"] in CONSTANT_NAMES:
        return getattr(sp, tree["const"])
    if tree.get("const") == NEGATIVE_INFINITY:
        return -sp.oo
    if "bool" in tree:
        return sp.true if tree["bool"] else sp.false
    args = [from_json(a) for a in tree.get("args", [])]
    if "undef" in tree:
        return sp.Function(str(tree["undef"]))(*args)
    cls = _classes().get(str(tree.get("op")))
    if cls is None:
        raise AnswerError(f"malformed formula tree (unknown node {tree.get('op')!r})")
    if tree["op"] in ("Add", "Mul", "Pow"):
        return cls(*args, evaluate=False)
    if tree["op"] == "Equality":
        return sp.Eq(*args, evaluate=False)
    return cls(*args)
