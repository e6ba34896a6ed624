"""The exercise runner, in the test process: cases, variants, gradient checks, learner errors."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

from quizzer.core.torchcheck.exercise import (  # noqa: E402
    BankCodeError,
    Runner,
    compile_exercise,
)
from tests.torchcheck import helpers  # noqa: E402

# The shared spec with this file's own variants: feedback words the assertions below look for.
SCALE_SPEC: dict[str, Any] = {
    **helpers.SCALE_SPEC,
    "variants": [
        {"name": "plus", "code": "def scale(x, k):\n    return x + k\n", "feedback": "added"},
        {"name": "ignores-k", "code": "def scale(x, k):\n    return x\n", "feedback": "k?"},
    ],
}


def run(spec: dict[str, Any], source: str, entry: str = "scale") -> dict[str, Any]:
    notes: list[dict[str, Any]] = []
    result = Runner(compile_exercise("q", spec, entry), "cpu", seed=0).run(source, notes.append)
    result["progress"] = notes
    return result


def test_correct_function_passes_every_case_in_every_dtype() -> None:
    result = run(SCALE_SPEC, "def scale(x, k):\n    return k * x\n")
    assert result["status"] == "pass"
    assert result["cases_total"] == 4  # 2 cases x (float32, float64)
    assert [n["case"]["dtype"] for n in result["progress"]] == ["float32", "float64"] * 2


def test_first_failing_case_is_named_with_its_inputs() -> None:
    result = run(SCALE_SPEC, "def scale(x, k):\n    return x * k + 1e-3\n")
    assert result["status"] == "fail" and result["reason"] == "values"
    case = result["case"]
    assert case["index"] == 1 and case["name"]["en"] == "a matrix"
    assert case["inputs"] == {"x": {"shape": [2, 3], "dtype": "float32"}, "k": 3.0}
    assert result["variant"] is None


def test_wrong_output_is_recognized_as_a_listed_variant() -> None:
    assert run(SCALE_SPEC, "def scale(x, k):\n    return k + x\n")["variant"] == "plus"
    # `ignores-k` agrees with the reference when k = 1; it is caught on the first case.
    result = run(SCALE_SPEC, "def scale(x, k):\n    return x.clone()\n")
    assert result["variant"] == "ignores-k" and result["case"]["index"] == 1


def test_learner_exception_points_at_their_line() -> None:
    source = "import torch\n\ndef scale(x, k):\n    y = x @ x\n    return y\n"
    result = run(SCALE_SPEC, source)
    assert result["reason"] == "exception"
    assert result["exception"] == "RuntimeError"
    assert result["line"] == 4 and result["code_line"] == "y = x @ x"


def test_exit_in_learner_code_is_reported_not_obeyed() -> None:
    result = run(SCALE_SPEC, "import sys\n\ndef scale(x, k):\n    sys.exit(3)\n")
    assert result["reason"] == "exception" and result["exception"] == "SystemExit"
    at_load = run(SCALE_SPEC, "raise SystemExit(1)\n")
    assert at_load["stage"] == "load"


def test_missing_function_after_running_the_module() -> None:
    result = run(SCALE_SPEC, "scale = None\n")
    assert result["reason"] == "exception" and "scale" in result["message"]


def test_broken_bank_code_is_a_bank_error() -> None:
    spec = {**SCALE_SPEC, "reference": "def scale(x, k):\n    return x * undefined\n"}
    with pytest.raises(BankCodeError, match="reference"):
        run(spec, "def scale(x, k):\n    return x * k\n")
    with pytest.raises(BankCodeError, match="does not define"):
        compile_exercise("q", {**SCALE_SPEC, "inputs": "x = 1\n"}, "scale")


NORM_SPEC: dict[str, Any] = {
    "signature": "norm(x)",
    "reference": "def norm(x):\n    return (x - x.mean()) / x.std()\n",
    "inputs": (
        "def make_inputs(case, dtype, g, device):\n"
        "    return {'x': torch.randn(case['n'], generator=g, dtype=dtype)}\n"
    ),
    "cases": [{"name": "five values", "n": 5}],
    "gradcheck": {"wrt": ["x"]},
}


def test_autograd_gradcheck_passes_honest_code() -> None:
    source = "def norm(x):\n    m = x.mean()\n    return (x - m) / x.std()\n"
    result = run(NORM_SPEC, source, "norm")
    assert result["status"] == "pass" and result["gradcheck"] is True


def test_autograd_gradcheck_catches_a_detach_that_keeps_values_right() -> None:
    source = "def norm(x):\n    return (x - x.mean().detach()) / x.std()\n"
    result = run(NORM_SPEC, source, "norm")
    assert result["reason"] == "gradient" and result["detail"] == "autograd"
    assert result["case"]["gradcheck"] is True and result["case"]["dtype"] == "float64"
    assert result["autograd"] != pytest.approx(result["finite_difference"], abs=1e-4)


def test_autograd_gradcheck_reports_a_result_without_gradient() -> None:
    source = "def norm(x):\n    x = x.detach()\n    return (x - x.mean()) / x.std()\n"
    result = run(NORM_SPEC, source, "norm")
    assert result["reason"] == "gradient" and result["detail"] == "not-differentiable"


GRAD_SPEC: dict[str, Any] = {
    "signature": "grad(z)",
    "reference": "def grad(z):\n    return 2 * z\n",
    "inputs": (
        "def make_inputs(case, dtype, g, device):\n"
        "    return {'z': torch.randn(4, generator=g, dtype=dtype)}\n"
    ),
    "cases": [{"name": "four values", "dtypes": ["float64"]}],
    "gradcheck": {
        "mode": "returns-grad",
        "wrt": ["z"],
        "loss": "def loss(z):\n    return (z ** 2).sum()\n",
    },
}


def test_returned_gradient_is_checked_against_finite_differences_of_the_loss() -> None:
    assert run(GRAD_SPEC, "def grad(z):\n    return z + z\n", "grad")["status"] == "pass"
    # A wrong reference would be exposed the same way: the loss is the definition.
    wrong_reference = {**GRAD_SPEC, "reference": "def grad(z):\n    return 3 * z\n"}
    result = run(wrong_reference, "def grad(z):\n    return 3 * z\n", "grad")
    assert result["reason"] == "gradient" and result["detail"] == "returned"


RANDOM_SPEC: dict[str, Any] = {
    "signature": "noisy(x, generator)",
    "reference": (
        "def noisy(x, generator):\n"
        "    return x + torch.rand(x.shape, generator=generator, dtype=x.dtype)\n"
    ),
    "inputs": (
        "def make_inputs(case, dtype, g, device):\n"
        "    seed = int(torch.randint(0, 1000, (1,), generator=g))\n"
        "    return {'x': torch.zeros(1000, dtype=dtype),\n"
        "            'generator': torch.Generator().manual_seed(seed)}\n"
    ),
    "observe": "def observe(out, inputs):\n    return torch.stack([out.mean(), out.min()])\n",
    "observed": {"en": "[mean, min]", "zh": "[均值, 最小值]"},
    "deterministic": True,
    "tolerance": {"rtol": 0, "atol": 0.05},
    "cases": [{"name": "a thousand zeros"}],
}


def test_observed_statistics_accept_a_different_but_honest_random_draw() -> None:
    source = (
        "import torch\n\ndef noisy(x, generator):\n"
        "    u = torch.rand(x.shape[0], generator=generator, dtype=torch.float64)\n"
        "    return x + u.flip(0).to(x.dtype)\n"
    )
    assert run(RANDOM_SPEC, source, "noisy")["status"] == "pass"


def test_global_random_state_is_caught_as_nondeterminism() -> None:
    source = "import torch\n\ndef noisy(x, generator):\n    return x + torch.rand_like(x)\n"
    result = run(RANDOM_SPEC, source, "noisy")
    assert result["reason"] == "nondeterministic"


def test_observed_mismatch_carries_both_summaries() -> None:
    source = "def noisy(x, generator):\n    return x + 0.5\n"
    result = run(RANDOM_SPEC, source, "noisy")
    assert result["path"] == "observed"
    assert result["observed_label"]["en"] == "[mean, min]"
    assert result["got_observed"] == [0.5, 0.5]
