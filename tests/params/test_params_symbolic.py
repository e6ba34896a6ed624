"""`--symbolic`: the SymPy polynomial of every preset equals the numeric total, and agrees
with the pure-Python polynomial the table shows."""

from __future__ import annotations

import pytest

from quizzer.core.params.presets import PRESETS, count
from quizzer.core.params.symbolic import symbolic_total


@pytest.mark.parametrize("preset", list(PRESETS))
def test_symbolic_total_equals_the_numeric_total(preset: str) -> None:
    breakdown = count(preset)
    result = symbolic_total(breakdown)
    assert result.matches and result.value == breakdown.total


def test_bert_polynomial_in_its_hyperparameters() -> None:
    import sympy

    result = symbolic_total(count("bert-base"))
    L, H, F, V, P, T = sympy.symbols("L H F V P T", positive=True, integer=True)
    expected = (V + P + T) * H + 2 * H + L * (4 * H**2 + 2 * H * F + 9 * H + F) + H**2 + H
    table = {str(s): s for s in (L, H, F, V, P, T)}
    assert sympy.expand(sympy.sympify(result.expression, locals=table) - expected) == 0


def test_symbols_that_sympy_would_misread_are_plain_symbols() -> None:
    # ViT uses I (image) and S (patch): SymPy's imaginary unit and singleton registry.
    result = symbolic_total(count("vit-base-16"))
    assert result.matches
    assert "I" in result.expression and "S" in result.expression
    lstm = symbolic_total(count("lstm", {"input": 100, "hidden": 256, "layers": 3}))
    assert (
        lstm.matches
        and lstm.value == count("lstm", {"input": 100, "hidden": 256, "layers": 3}).total
    )
