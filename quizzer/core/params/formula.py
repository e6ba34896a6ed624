"""Formulas in symbols: exact evaluation, expansion into polynomials, and display.

A component's formula is written once, as a small Python-syntax expression over the
architecture's symbols (`"3*(H**2 + H)"`). The count is that formula evaluated exactly, so the
number and the formula shown beside it can never disagree; torch builds check both.

Pure Python on purpose: the formula path must not import SymPy (~0.3 s). `Polynomial` is just
enough algebra (sums of monomials with rational coefficients, integer exponents) to show a
subtotal such as one BERT layer as `4H² + 2H·F + 9H + F`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fractions import Fraction

# Numbers are exact: ints, and Fractions (imported on first use, ~2.5 ms) only when a division
# or a negative power does not come out whole.

SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class FormulaError(ValueError):
    """A formula uses syntax outside + - * / ** or an unknown symbol (a programming error)."""


@lru_cache(maxsize=1024)
def _parse(formula: str) -> ast.expr:
    try:
        return ast.parse(formula, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"bad formula {formula!r}: {exc.msg}") from None


def _divide(top: int | Fraction, bottom: int | Fraction) -> int | Fraction:
    if isinstance(top, int) and isinstance(bottom, int) and bottom and top % bottom == 0:
        return top // bottom
    from fractions import Fraction

    return Fraction(top) / Fraction(bottom)


def _power(base: int | Fraction, exponent: int) -> int | Fraction:
    if exponent >= 0:
        return base**exponent
    return _divide(1, base ** (-exponent))


def evaluate(formula: str, values: Mapping[str, int]) -> int:
    """The exact integer value of `formula`; raise FormulaError if it is not an integer."""
    result = _eval(_parse(formula), values, formula)
    if result.denominator != 1:
        raise FormulaError(f"{formula!r} is not an integer for {dict(values)}: {result}")
    return int(result)


def _eval(node: ast.expr, values: Mapping[str, int], formula: str) -> int | Fraction:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"{formula!r} uses {node.id!r}, which has no value")
        return values[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, values, formula)
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, values, formula)
        right = _eval(node.right, values, formula)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return _divide(left, right)
        if isinstance(node.op, ast.Pow) and right.denominator == 1:
            return _power(left, int(right))
    raise FormulaError(f"unsupported syntax in formula {formula!r}")


# A monomial is a sorted tuple of (symbol, exponent) pairs; () is the constant term.
Monomial = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Polynomial:
    """A Laurent polynomial with rational coefficients (enough for parameter formulas)."""

    terms: Mapping[Monomial, int | Fraction]

    @classmethod
    def parse(cls, formula: str) -> Polynomial:
        return _poly(_parse(formula), formula)

    @classmethod
    def constant(cls, value: int | Fraction) -> Polynomial:
        return cls({(): value} if value else {})

    def __add__(self, other: Polynomial) -> Polynomial:
        terms = dict(self.terms)
        for mono, coef in other.terms.items():
            terms[mono] = terms.get(mono, 0) + coef
        return Polynomial({m: c for m, c in terms.items() if c})

    def __mul__(self, other: Polynomial) -> Polynomial:
        terms: dict[Monomial, int | Fraction] = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                mono = _mono_mul(m1, m2)
                terms[mono] = terms.get(mono, 0) + c1 * c2
        return Polynomial({m: c for m, c in terms.items() if c})

    def __neg__(self) -> Polynomial:
        return Polynomial({m: -c for m, c in self.terms.items()})

    def evaluate(self, values: Mapping[str, int]) -> int | Fraction:
        total: int | Fraction = 0
        for mono, coef in self.terms.items():
            term = coef
            for symbol, power in mono:
                term *= _power(values[symbol], power)
            total += term
        return total

    def display(self, order: Iterable[str] = ()) -> str:
        """`12H² + 13H`: highest degree first, symbols in the architecture's order."""
        rank = {s: i for i, s in enumerate(order)}

        def key(item: tuple[Monomial, int | Fraction]) -> tuple[int, list[tuple[int, int]]]:
            mono = item[0]
            degree = sum(p for _, p in mono)
            ranked = sorted((rank.get(s, len(rank)), -p) for s, p in mono)
            return (-degree, ranked)

        parts: list[str] = []
        for mono, coef in sorted(self.terms.items(), key=key):
            ordered = sorted(mono, key=lambda sp: rank.get(sp[0], len(rank)))
            body = "·".join(
                s + (str(p).translate(SUPERSCRIPTS) if p != 1 else "") for s, p in ordered
            )
            magnitude = -coef if coef < 0 else coef
            number = str(magnitude) if magnitude.denominator == 1 else f"({magnitude})"
            text = body if magnitude == 1 and body else (number + body if body else number)
            parts.append(("- " if coef < 0 else "+ ") + text)
        if not parts:
            return "0"
        joined = " ".join(parts)
        return joined[2:] if joined.startswith("+ ") else "-" + joined[2:]


def _mono_mul(m1: Monomial, m2: Monomial) -> Monomial:
    powers: dict[str, int] = dict(m1)
    for symbol, power in m2:
        powers[symbol] = powers.get(symbol, 0) + power
    return tuple(sorted((s, p) for s, p in powers.items() if p))


def _poly(node: ast.expr, formula: str) -> Polynomial:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return Polynomial.constant(node.value)
    if isinstance(node, ast.Name):
        return Polynomial({((node.id, 1),): 1})
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_poly(node.operand, formula)
    if isinstance(node, ast.BinOp):
        left = _poly(node.left, formula)
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant):
            exponent = node.right.value
            if isinstance(exponent, int) and exponent >= 0:
                result = Polynomial.constant(1)
                for _ in range(exponent):
                    result = result * left
                return result
        right = _poly(node.right, formula)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left + (-right)
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div) and len(right.terms) == 1:
            # Division by a monomial (Ci/G, H/A): invert its coefficient and exponents.
            ((mono, coef),) = right.terms.items()
            inverse = tuple((s, -p) for s, p in mono)
            return left * Polynomial({inverse: _divide(1, coef)})
    raise FormulaError(f"cannot expand formula {formula!r}")


_NUMBER_TIMES = re.compile(r"(?<![\w.])(\d+)\*(?=[A-Za-z(])")


def pretty(formula: str) -> str:
    """`3*(H**2 + H)` -> `3(H² + H)`; `V*H` -> `V·H`; `2*H` -> `2H`."""
    text = re.sub(r"\*\*(\d+)", lambda m: m.group(1).translate(SUPERSCRIPTS), formula)
    text = _NUMBER_TIMES.sub(r"\1", text)
    return text.replace("*", "·")


def group_digits(value: int | float) -> str:
    """109482240 -> '109,482,240'; floats keep 4 significant digits."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
