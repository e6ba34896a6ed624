"""Strict comparison of results (runs in the test process, like inside the worker)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from quizzer.core.torchcheck.compare import compare, identical, tolerance_for  # noqa: E402

F32 = tolerance_for(None, "float32")


def test_equal_tensors_match() -> None:
    x = torch.randn(3, 4)
    assert compare(x, x.clone(), F32) is None


def test_a_one_by_one_result_is_not_a_scalar() -> None:
    found = compare(torch.tensor(2.0), torch.tensor([[2.0]]), F32)
    assert found is not None
    assert found["reason"] == "shape"
    assert found["expected"]["shape"] == [] and found["got"]["shape"] == [1, 1]


def test_no_silent_broadcasting() -> None:
    found = compare(torch.ones(3, 1), torch.ones(3), F32)
    assert found is not None and found["reason"] == "shape"


def test_dtype_is_strict() -> None:
    found = compare(torch.zeros(2), torch.zeros(2, dtype=torch.float64), F32)
    assert found is not None and found["reason"] == "dtype"


def test_python_number_is_not_a_tensor() -> None:
    found = compare(torch.tensor(0.5), 0.5, F32)
    assert found is not None and found["reason"] == "type"
    assert found["got_kind"] == "float"


def test_values_report_max_error_first_difference_and_excerpt() -> None:
    expected = torch.zeros(2, 3)
    got = expected.clone()
    got[1, 2] = 0.5
    found = compare(expected, got, F32)
    assert found is not None
    assert found["reason"] == "values"
    assert found["first_difference"] == [1, 2]
    assert found["max_abs_error"] == pytest.approx(0.5)
    assert found["values_differing"] == 1 and found["values_total"] == 6
    assert 0.5 in found["got_excerpt"]


def test_nan_where_reference_is_finite_is_its_own_reason() -> None:
    found = compare(torch.ones(3), torch.tensor([1.0, float("nan"), 1.0]), F32)
    assert found is not None and found["reason"] == "nan"
    assert found["got_at"] == "nan"  # JSON-safe


def test_matching_nans_agree() -> None:
    x = torch.tensor([1.0, float("nan")])
    assert compare(x, x.clone(), F32) is None


def test_tolerance_is_per_dtype() -> None:
    expected = torch.ones(4, dtype=torch.float64)
    got = expected + 1e-6
    assert compare(expected, got, tolerance_for(None, "float64")) is not None
    assert compare(expected.float(), got.float(), F32) is None
    loose = tolerance_for({"float64": {"rtol": 1e-5}}, "float64")
    assert compare(expected, got, loose) is None


def test_sequences_compare_element_by_element_with_a_path() -> None:
    found = compare([torch.ones(2), torch.ones(3)], (torch.ones(2), torch.zeros(3)), F32)
    assert found is not None and found["path"] == "result[1]"
    short = compare([torch.ones(2), torch.ones(2)], [torch.ones(2)], F32)
    assert short is not None and short["reason"] == "length"


def test_structure_only_comparison_ignores_values() -> None:
    assert compare(torch.ones(2), torch.zeros(2), None) is None
    assert compare(torch.ones(2), torch.zeros(3), None) is not None


def test_identical_distinguishes_any_difference() -> None:
    x = torch.tensor([1.0, float("nan")])
    assert identical(x, x.clone())
    assert not identical(x, torch.tensor([1.0 + 1e-7, float("nan")]))
    assert not identical(torch.ones(2), torch.ones(2, dtype=torch.float64))
