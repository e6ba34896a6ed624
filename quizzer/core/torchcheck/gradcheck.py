"""Gradient checks: autograd against central finite differences, in float64 (in the worker).

Two forms, chosen by the exercise's `gradcheck.mode`:

- `autograd`: the learner writes a forward function; the gradient autograd takes through it
  (of sum(output * r) for a fixed random r) must match central differences of the same
  function. A `.detach()`, `.data` or `.item()` in the wrong place keeps the forward values
  right but breaks this check.
- `returns-grad`: the learner's function returns a gradient of the bank's `loss`; it must match
  central differences of that loss, so the answer is checked against the definition itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quizzer.core.torchcheck.compare import Mismatch, unravel

# float64 central differences: truncation ~STEP**2 and rounding ~1e-16/STEP, both far below
# the tolerance, so a disagreement is a real gradient error.
FD_STEP = 1e-6
FD_RTOL = 1e-4
FD_ATOL = 1e-6
MAX_PROBES = 24  # elements probed per input; each costs two calls of the function

ArgsFactory = Callable[[], dict[str, Any]]


def probe_indices(numel: int, seed: int) -> list[int]:
    import torch

    if numel <= MAX_PROBES:
        return list(range(numel))
    generator = torch.Generator().manual_seed(seed)
    return sorted(int(i) for i in torch.randperm(numel, generator=generator)[:MAX_PROBES])


def _clone_args(args: dict[str, Any]) -> dict[str, Any]:
    import torch

    return {k: v.detach().clone() if isinstance(v, torch.Tensor) else v for k, v in args.items()}


def _tensors(value: Any) -> list[Any]:
    import torch

    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _tensors(v)]
    return []


def central_difference(
    scalar: Callable[[dict[str, Any]], float], args: dict[str, Any], name: str, index: int
) -> float:
    """d scalar / d args[name].flat[index] by central differences."""
    values = []
    for delta in (FD_STEP, -FD_STEP):
        probe = _clone_args(args)
        probe[name].view(-1)[index] += delta
        values.append(scalar(probe))
    return (values[0] - values[1]) / (2 * FD_STEP)


def _disagree(auto: float, numeric: float) -> bool:
    return not abs(auto - numeric) <= FD_ATOL + FD_RTOL * abs(numeric)


def _gradient_mismatch(detail: str, name: str, **extra: Any) -> Mismatch:
    return {"reason": "gradient", "detail": detail, "input": name, **extra}


def check_autograd(
    function: Callable[..., Any], make_args: ArgsFactory, wrt: list[str], seed: int
) -> Mismatch | None:
    """Autograd through the learner's function against finite differences of it."""
    import torch

    args = make_args()
    leaves = {name: args[name].detach().clone().requires_grad_(True) for name in wrt}
    out = function(*{**_clone_args(args), **leaves}.values())
    tensors = [t for t in _tensors(out) if t.is_floating_point()]
    if not any(t.requires_grad for t in tensors):
        return _gradient_mismatch("not-differentiable", wrt[0])
    generator = torch.Generator().manual_seed(seed)
    weights = [
        torch.randn(t.shape, generator=generator, dtype=torch.float64).to(t.device) for t in tensors
    ]

    def objective(value: Any) -> Any:
        outs = [t for t in _tensors(value) if t.is_floating_point()]
        return sum(
            ((t.double() * w).sum() for t, w in zip(outs, weights, strict=True)),
            torch.zeros((), dtype=torch.float64, device=weights[0].device),
        )

    grads = torch.autograd.grad(objective(out), [leaves[n] for n in wrt], allow_unused=True)

    def scalar(probe: dict[str, Any]) -> float:
        with torch.no_grad():
            return float(objective(function(*probe.values())))

    for name, grad in zip(wrt, grads, strict=True):
        if grad is None:
            return _gradient_mismatch("unused", name)
        for index in probe_indices(grad.numel(), seed):
            numeric = central_difference(scalar, args, name, index)
            auto = float(grad.reshape(-1)[index])
            if _disagree(auto, numeric):
                return _gradient_mismatch(
                    "autograd",
                    name,
                    index=unravel(index, tuple(grad.shape)),
                    autograd=auto,
                    finite_difference=numeric,
                )
    return None


def finite_difference_gradient(
    loss: Callable[..., Any], make_args: ArgsFactory, name: str, seed: int
) -> dict[int, float]:
    """Central differences of the bank's loss w.r.t. `name`, at the probed elements."""
    args = make_args()

    def scalar(probe: dict[str, Any]) -> float:
        return float(loss(*probe.values()))

    return {
        index: central_difference(scalar, args, name, index)
        for index in probe_indices(args[name].numel(), seed)
    }


def check_returned_gradient(
    got: Any, expected_fd: dict[int, float], name: str, shape: tuple[int, ...]
) -> Mismatch | None:
    """The gradient the learner returned against finite differences of the loss."""
    import torch

    if not isinstance(got, torch.Tensor) or tuple(got.shape) != tuple(shape):
        return None  # the ordinary comparison has already reported the shape or type
    flat = got.detach().reshape(-1)
    for index, numeric in expected_fd.items():
        auto = float(flat[index])
        if _disagree(auto, numeric):
            return _gradient_mismatch(
                "returned",
                name,
                index=unravel(index, shape),
                autograd=auto,
                finite_difference=numeric,
            )
    return None
