"""Comparing a learner's result with the reference, strictly (runs inside the torch worker).

Strict means: a tensor must be a tensor of the same shape, dtype and device (a `(1, 1)` result is
not a scalar, a float64 result is not float32, nothing is broadcast); sequences must have the
same length; only then are values compared, within the question's tolerance. A mismatch is
returned as a plain dict (it travels to the parent as JSON), never raised.

torch is passed in or imported inside functions: quizzer modules never import it at load time.
"""

from __future__ import annotations

import math
from typing import Any

# Default (rtol, atol) per dtype: a float32 result computed in another order differs by ~1e-6
# relative, so 1e-4 leaves room for honest reformulations while still catching real mistakes.
DEFAULT_TOLERANCE = {
    "float64": (1e-7, 1e-9),
    "float32": (1e-4, 1e-5),
    "bfloat16": (1e-2, 1e-3),
    "float16": (1e-2, 1e-3),
}
EXCERPT_ITEMS = 6

Tolerance = tuple[float, float]
Mismatch = dict[str, Any]


def dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def describe(value: Any) -> Any:
    """A JSON-friendly description of an input or output: shapes and dtypes, not contents."""
    import torch

    if isinstance(value, torch.Tensor):
        return {"shape": list(value.shape), "dtype": dtype_name(value.dtype)}
    if isinstance(value, torch.Generator):
        return {"object": "torch.Generator"}
    if isinstance(value, list | tuple):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return {"object": type(value).__name__}


def kind_of(value: Any) -> str:
    """What a learner returned, in words a person recognizes."""
    import torch

    if isinstance(value, torch.Tensor):
        return f"tensor {tuple(value.shape)} {dtype_name(value.dtype)}"
    return type(value).__name__


def compare(
    expected: Any, got: Any, tolerance: Tolerance | None, path: str = "result"
) -> Mismatch | None:
    """The first difference between `expected` and `got`, or None when they agree.

    With `tolerance` None only the structure is compared (types, lengths, shapes, dtypes).
    """
    import torch

    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return _mismatch("type", path, expected, got)
        return compare_tensors(expected, got, tolerance, path)
    if isinstance(expected, list | tuple):
        if not isinstance(got, list | tuple):
            return _mismatch("type", path, expected, got)
        if len(got) != len(expected):
            return {
                **_mismatch("length", path, expected, got),
                "expected_length": len(expected),
                "got_length": len(got),
            }
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            found = compare(e, g, tolerance, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return _mismatch("type", path, expected, got)
        for key in expected:
            found = compare(expected[key], got[key], tolerance, f"{path}[{key!r}]")
            if found is not None:
                return found
        return None
    return _compare_python(expected, got, tolerance, path)


def _compare_python(
    expected: Any, got: Any, tolerance: Tolerance | None, path: str
) -> Mismatch | None:
    if expected is None or isinstance(expected, bool | str):
        return (
            None
            if got == expected and type(got) is type(expected)
            else _mismatch("values", path, expected, got)
        )
    if isinstance(expected, int | float):
        if isinstance(got, bool) or not isinstance(got, int | float):
            return _mismatch("type", path, expected, got)
        if tolerance is None:
            return None
        rtol, atol = tolerance
        both_nan = math.isnan(got) and math.isnan(expected)
        if both_nan or got == expected or abs(got - expected) <= atol + rtol * abs(expected):
            return None
        return {
            **_mismatch("values", path, expected, got),
            "max_abs_error": abs(got - expected),
            "expected_excerpt": [expected],
            "got_excerpt": [got],
        }
    return None  # an opaque reference value: nothing strict to say about it


def compare_tensors(
    expected: Any, got: Any, tolerance: Tolerance | None, path: str
) -> Mismatch | None:
    """Shape, dtype and device must match exactly; then values within the tolerance."""
    import torch

    if tuple(got.shape) != tuple(expected.shape):
        return _mismatch("shape", path, expected, got)
    if got.dtype != expected.dtype:
        return _mismatch("dtype", path, expected, got)
    if got.device.type != expected.device.type:
        return {
            **_mismatch("device", path, expected, got),
            "expected_device": str(expected.device),
            "got_device": str(got.device),
        }
    if tolerance is None:
        return None
    exp = expected.detach().cpu()
    out = got.detach().cpu()
    if exp.is_floating_point() or exp.is_complex():
        rtol, atol = tolerance
        ok = torch.isclose(out, exp, rtol=rtol, atol=atol, equal_nan=True)
    else:
        ok = out == exp
    if bool(ok.all()):
        return None
    bad = (~ok).reshape(-1).nonzero()
    first = int(bad[0])
    reason = "values"
    if exp.is_floating_point():
        exp_finite = torch.isfinite(exp)
        if bool((exp_finite & ~torch.isfinite(out)).any()):
            reason = "nan"  # NaN/inf where the reference is finite: usually an overflow
    found = _mismatch(reason, path, expected, got)
    found.update(
        values_differing=int(bad.numel()),
        values_total=int(exp.numel()),
        first_difference=unravel(first, tuple(exp.shape)),
        expected_at=_number(exp.reshape(-1)[first]),
        got_at=_number(out.reshape(-1)[first]),
        max_abs_error=_max_abs_error(exp, out),
        expected_excerpt=_excerpt(exp, first),
        got_excerpt=_excerpt(out, first),
    )
    return found


def _mismatch(reason: str, path: str, expected: Any, got: Any) -> Mismatch:
    return {
        "reason": reason,
        "path": path,
        "expected": describe(expected),
        "got": describe(got),
        "got_kind": kind_of(got),
        "expected_kind": kind_of(expected),
    }


def _max_abs_error(exp: Any, out: Any) -> float | None:
    import torch

    if not (exp.is_floating_point() or exp.is_complex()):
        return float((exp.long() - out.long()).abs().max()) if exp.numel() else None
    both = torch.isfinite(exp) & torch.isfinite(out)
    if not bool(both.any()):
        return None
    return float((exp[both].double() - out[both].double()).abs().max())


def _excerpt(tensor: Any, first: int) -> list[Any]:
    """A few values around the first difference (row-major), for the feedback."""
    flat = tensor.reshape(-1)
    start = max(0, min(first - 1, flat.numel() - EXCERPT_ITEMS))
    return [_number(v) for v in flat[start : start + EXCERPT_ITEMS]]


def numbers(value: Any, limit: int = 8) -> list[Any]:
    """The first values of a small tensor or list, JSON-safe (for derived quantities)."""
    import torch

    if isinstance(value, torch.Tensor):
        return [_number(v) for v in value.detach().reshape(-1)[:limit].cpu()]
    if isinstance(value, list | tuple):
        return [
            v if not isinstance(v, float) or math.isfinite(v) else str(v) for v in value[:limit]
        ]
    return [value]


def _number(value: Any) -> Any:
    item = value.item()
    if isinstance(item, float):
        return item if math.isfinite(item) else str(item)  # JSON has no NaN
    return item


def unravel(index: int, shape: tuple[int, ...]) -> list[int]:
    """The multi-index of flat (row-major) position `index`."""
    out: list[int] = []
    for size in reversed(shape):
        out.append(index % size if size else 0)
        index //= max(size, 1)
    return list(reversed(out))


def tolerance_for(spec_tolerance: Any, dtype: str) -> Tolerance:
    """The question's tolerance for `dtype`: flat {rtol, atol}, or one mapping per dtype."""
    rtol, atol = DEFAULT_TOLERANCE.get(dtype, DEFAULT_TOLERANCE["float32"])
    if isinstance(spec_tolerance, dict):
        chosen = spec_tolerance.get(dtype, spec_tolerance)
        if isinstance(chosen, dict):
            rtol = float(chosen.get("rtol", rtol))
            atol = float(chosen.get("atol", atol))
    return rtol, atol


def identical(first: Any, second: Any) -> bool:
    """Bit-for-bit equality (NaN equal to NaN), for the determinism check."""
    import torch

    if isinstance(first, torch.Tensor):
        if not isinstance(second, torch.Tensor) or first.shape != second.shape:
            return False
        if first.dtype != second.dtype or first.device != second.device:
            return False
        if not first.is_floating_point():
            return bool(torch.equal(first, second))
        nan = first.isnan()
        return bool(torch.equal(nan, second.isnan())) and bool(
            torch.equal(first[~nan], second[~nan])
        )
    if isinstance(first, list | tuple):
        return (
            isinstance(second, list | tuple)
            and len(first) == len(second)
            and all(identical(a, b) for a, b in zip(first, second, strict=True))
        )
    return bool(first == second)
