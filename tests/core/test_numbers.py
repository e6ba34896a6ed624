"""Numbers as people type them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzer.core.numbers import flatten, parse_nested_list, parse_number, parse_shape
from quizzer.errors import AnswerError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.001", 0.001),
        ("1e-3", 0.001),
        ("1/1000", 0.001),
        (" 109,482,240 ", 109482240),
        ("109_482_240", 109482240),
        ("-0.5", -0.5),
        ("−0.5", -0.5),  # a Unicode minus, as pasted from a PDF
        (".5", 0.5),
        ("1.5 x 10^3", 1500),
        ("2×10**-2", 0.02),
        ("109.48M", 109480000),
        ("110M", 110000000),
        ("3.35亿", 335000000),
        ("7k", 7000),
    ],
)
def test_accepted_forms(text: str, value: float) -> None:
    assert parse_number(text).value == pytest.approx(value, rel=1e-12)


def test_fractions_stay_exact() -> None:
    assert parse_number("1/3").exact == Fraction(1, 3)


@pytest.mark.parametrize("text", ["", "abc", "1/0", "1,23,4", "1e", "two", "1..2", "0x10"])
def test_rejected_forms_say_what_to_type(text: str) -> None:
    with pytest.raises(AnswerError) as info:
        parse_number(text)
    assert (
        "0.5" in info.value.message
        or "zero" in info.value.message
        or "empty" in (info.value.message)
    )


def test_suffix_only_where_allowed() -> None:
    with pytest.raises(AnswerError, match="exact number"):
        parse_number("110M", allow_suffix=False)


def test_huge_exponents_do_not_hang() -> None:
    with pytest.raises(AnswerError):
        parse_number("1 x 10^99999999")
    with pytest.raises(AnswerError):
        parse_number("1" * 20_000)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_grouped_integers_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}").value == n
    assert parse_number(str(n)).value == n


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_repr_of_any_float_parses_back(x: float) -> None:
    assert parse_number(repr(x)).value == x


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("(2, 8, 16)", (2, 8, 16)),
        ("[2,8,16]", (2, 8, 16)),
        ("2x8x16", (2, 8, 16)),
        ("torch.Size([2, 8, 16])", (2, 8, 16)),
        ("()", ()),
    ],
)
def test_shapes(text: str, shape: tuple[int, ...]) -> None:
    assert parse_shape(text) == shape


def test_nested_lists_are_parsed_without_running_code() -> None:
    assert flatten(parse_nested_list("[[0.5, 0.5], [1, 0]]")) == ([0.5, 0.5, 1.0, 0.0], (2, 2))
    for hostile in ["__import__('os').system('echo hi')", "[1, (lambda: 2)()]", "[1, 'a']"]:
        with pytest.raises(AnswerError):
            parse_nested_list(hostile)
    with pytest.raises(AnswerError, match="ragged"):
        flatten(parse_nested_list("[[1, 2], [3]]"))
