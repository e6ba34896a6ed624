"""A one-line Unicode rendering of a formula, for "interpreted as" (STACK's echo of an answer).

`e^(−x)/(1 + e^(−x))²`, `1/√d_k`, `σ(x)·(1 − σ(x))`, `|x|`: close to how the learner typed it,
so a typo shows before it costs a review. The text reads back through the parser unchanged in
meaning (`·`, `−`, `√`, superscripts and Greek letters are all part of the input language).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from quizzer.core.expr.lexicon import GREEK

_SUPERSCRIPT_DIGITS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _symbol_text(name: str) -> str:
    head, sep, rest = name.partition("_")
    if head in GREEK and head != "pi":
        head = GREEK[head]
    return head + sep + rest


@lru_cache(maxsize=1)
def _printer_class() -> Any:
    import sympy as sp
    from sympy.printing.precedence import PRECEDENCE
    from sympy.printing.str import StrPrinter

    class UnicodeLinePrinter(StrPrinter):  # type: ignore[misc]
        """StrPrinter with math symbols: ·, −, √, superscript powers, e^x, |x|, σ, π."""

        def _print_Symbol(self, expr: Any) -> str:
            return _symbol_text(expr.name)

        def _print_Pi(self, expr: Any) -> str:
            return "π"

        def _print_Exp1(self, expr: Any) -> str:
            return "e"

        def _print_ImaginaryUnit(self, expr: Any) -> str:
            return "i"

        def _print_Rational(self, expr: Any) -> str:
            exponent = len(str(expr.q)) - 1
            if expr.q == 10**exponent and exponent >= 6 and abs(expr.p) < 1000:
                mantissa = "" if expr.p == 1 else f"{expr.p}·"
                return f"{mantissa}10^(-{exponent})"  # 1e-30 reads better than 1/1000...0
            return f"{expr.p}/{expr.q}"

        def _print_Abs(self, expr: Any) -> str:
            return f"|{self._print(expr.args[0])}|"

        def _print_exp(self, expr: Any) -> str:
            return self._power_of_e(expr.args[0])

        def _power_of_e(self, exponent: Any) -> str:
            # e² (not e^², which does not read back): superscript digits are the power.
            text = self._exponent(exponent)
            return ("e" if exponent.is_Integer and 1 < exponent < 10**6 else "e^") + text

        def _exponent(self, exponent: Any) -> str:
            if exponent.is_Integer and 1 < exponent < 10**6:
                return str(exponent).translate(_SUPERSCRIPT_DIGITS)
            text = str(self._print(exponent))
            if exponent.is_Symbol or (exponent.is_Integer and exponent >= 0):
                return text
            return f"({text})"

        def _print_Pow(self, expr: Any, rational: bool = False) -> str:
            base, exponent = expr.base, expr.exp
            if exponent is sp.S.Half:
                return "√" + self._radicand(base)
            if exponent == -sp.S.Half:
                return "1/√" + self._radicand(base)
            if exponent is sp.S.NegativeOne:
                return "1/" + str(self.parenthesize(base, PRECEDENCE["Mul"], strict=True))
            if base == sp.E:
                return self._power_of_e(exponent)
            if exponent.is_Integer and exponent < 0:
                return "1/" + str(self._print(sp.Pow(base, -exponent, evaluate=False)))
            text = str(self.parenthesize(base, PRECEDENCE["Pow"], strict=True))
            return text + (
                self._exponent(exponent)
                if exponent.is_Integer and exponent > 1
                else "^" + self._exponent(exponent)
            )

        def _radicand(self, base: Any) -> str:
            text = self._print(base)
            return text if base.is_Symbol or base.is_Integer else f"({text})"

        def _print_Mul(self, expr: Any) -> str:
            return str(super()._print_Mul(expr)).replace("*", "·")

        def _print_Function(self, expr: Any) -> str:
            name = {"sigmoid": "σ"}.get(type(expr).__name__, type(expr).__name__)
            return f"{name}({', '.join(self._print(a) for a in expr.args)})"

        def _print_Max(self, expr: Any) -> str:
            return f"max({', '.join(self._print(a) for a in expr.args)})"

        def _print_Min(self, expr: Any) -> str:
            return f"min({', '.join(self._print(a) for a in expr.args)})"

        def _print_Derivative(self, expr: Any) -> str:
            parts = []
            for variable, count in expr.variable_count:
                name = self._print(variable)
                parts.append(f"d/d{name}" if count == 1 else f"d{_sup(count)}/d{name}{_sup(count)}")
            return f"{''.join(parts)}({self._print(expr.expr)})"

        def _print_Equality(self, expr: Any) -> str:
            return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

        def _print_factorial(self, expr: Any) -> str:
            arg = expr.args[0]
            text = self._print(arg)
            return (text if arg.is_Symbol or arg.is_Integer else f"({text})") + "!"

    return UnicodeLinePrinter


def _sup(count: Any) -> str:
    return str(count).translate(_SUPERSCRIPT_DIGITS)


def pretty(expr: Any) -> str:
    """A one-line Unicode form of a SymPy expression or equation, e.g. `1/√d_k`."""
    printer = _printer_class()()
    text: str = printer.doprint(expr)
    return text.replace("-", "−")
