"""`--verify`: build the architecture from torch.nn modules on the meta device and compare.

The meta device allocates no memory, so a 70B model builds in milliseconds. Weight
initialisation is skipped: on the meta device the first `nn.init.normal_` (every
`nn.Embedding`) imports `torch._dynamo`, about 1 s, to initialise tensors that hold no data.

Each component is compared with the parameters its torch modules hold, counting every tensor
once (so a tied head or ALBERT's shared layer adds nothing twice), then the whole model's
`sum(p.numel() for p in model.parameters())`, its trainable part and its buffers.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.params.breakdown import Breakdown


@dataclass(frozen=True, slots=True)
class ComponentCheck:
    key: str
    name: str
    expected: int
    actual: int

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass(frozen=True)
class Verification:
    """What the torch build holds, next to the formulas; `ok` only if everything matches."""

    checks: tuple[ComponentCheck, ...]
    total_expected: int
    total_actual: int
    trainable_expected: int
    trainable_actual: int
    buffers_expected: int
    buffers_actual: int
    import_seconds: float
    build_seconds: float
    unmatched: tuple[str, ...] = field(default=())  # torch parameters no component claims

    @property
    def ok(self) -> bool:
        return (
            all(c.ok for c in self.checks)
            and not self.unmatched
            and self.total_expected == self.total_actual
            and self.trainable_expected == self.trainable_actual
            and self.buffers_expected == self.buffers_actual
        )


def import_torch() -> tuple[Any, float]:
    """torch and the seconds its import took (~1-2 s); silences the no-NumPy warning."""
    import warnings

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*NumPy.*")
        try:
            import torch
        except ImportError:
            from quizzer.core.params.hparams import ParamsError

            raise ParamsError("--verify needs torch (pip install torch)") from None
    return torch, time.perf_counter() - start


@contextlib.contextmanager
def meta_device(torch: Any) -> Iterator[None]:
    """Create modules on the meta device with every `torch.nn.init` function a no-op."""
    init = torch.nn.init
    names = [n for n in dir(init) if n.endswith("_") and not n.startswith("_")]
    saved = {n: getattr(init, n) for n in names}

    def skip(tensor: Any, *args: Any, **kwargs: Any) -> Any:
        return tensor

    for name in names:
        setattr(init, name, skip)
    try:
        with torch.device("meta"):
            yield
    finally:
        for name, function in saved.items():
            setattr(init, name, function)


def build_torch(breakdown: Breakdown) -> tuple[Any, dict[str, list[Any]], float, float]:
    """The torch module, its parts by component key, import and build seconds."""
    torch, import_seconds = import_torch()
    from quizzer.core.params.torch_layers import LAYER_BUILDERS
    from quizzer.core.params.torch_models import MODEL_BUILDERS

    builder = MODEL_BUILDERS.get(breakdown.family) or LAYER_BUILDERS[breakdown.family]
    start = time.perf_counter()
    with meta_device(torch):
        model, parts = builder(torch.nn, breakdown.hyperparameters)
    return model, parts, import_seconds, time.perf_counter() - start


def verify(breakdown: Breakdown) -> Verification:
    model, parts, import_seconds, build_seconds = build_torch(breakdown)
    seen: set[int] = set()
    checks = []
    expected_keys = [c.key for c in breakdown.components]
    for comp in breakdown.components:
        actual = _unique_numel(parts.get(comp.key, []), seen)
        checks.append(ComponentCheck(comp.key, comp.name, comp.total, actual))
    for comp in breakdown.buffers:
        actual = _unique_numel(parts.get(comp.key, []), seen)
        checks.append(ComponentCheck(comp.key, comp.name, comp.total, actual))
    # A torch part that no formula line claims is a missing formula.
    extra = [
        key
        for key in parts
        if key not in expected_keys
        and key not in {b.key for b in breakdown.buffers}
        and _unique_numel(parts[key], set())
    ]
    params = list(model.parameters())
    unclaimed = [name for name, p in model.named_parameters() if id(p) not in seen]
    return Verification(
        checks=tuple(checks),
        total_expected=breakdown.total,
        total_actual=sum(p.numel() for p in params),
        trainable_expected=sum(c.total for c in breakdown.components if c.trainable),
        trainable_actual=sum(p.numel() for p in params if p.requires_grad),
        buffers_expected=sum(b.total for b in breakdown.buffers),
        buffers_actual=sum(b.numel() for b in model.buffers()),
        import_seconds=import_seconds,
        build_seconds=build_seconds,
        unmatched=tuple(extra + unclaimed),
    )


def _unique_numel(objects: list[Any], seen: set[int]) -> int:
    """Elements of the tensors in `objects` (modules or tensors) not counted before."""
    total = 0
    for obj in objects:
        tensors = list(obj.parameters()) if hasattr(obj, "parameters") else [obj]
        for tensor in tensors:
            if id(tensor) not in seen:
                seen.add(id(tensor))
                total += tensor.numel()
    return total
