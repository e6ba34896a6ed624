"""What a drill (or a script) asks the calculator for: a count, FLOPs or bytes, with its lines.

A quantity is named by a short string, resolved against a breakdown:

    total | trainable                    the whole model
    group:encoder                        every component of a group (all layers)
    layer:encoder                        one layer of the group's repeated block
    encoder.qkv                          one instance of a component (one layer's Q, K, V)
    all:encoder.qkv                      every instance of it
    flops.forward | flops.training | flops.matmul | flops.attention   (per token; `seq`)
    memory.weights (`dtype`) | memory.adam | memory.adam_mixed | memory.kv_cache
                                         (`batch`, `context`, `dtype`)

`evaluate` returns the value (in `unit`) and the lines it is the sum of, which is what a
learner's `a + b + c` breakdown is compared against.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.params import cost
from quizzer.core.params.breakdown import GROUP_TITLES, GROUP_TITLES_ZH, Breakdown, Component
from quizzer.core.params.formula import pretty
from quizzer.core.params.hparams import ParamsError

UNITS = {
    "parameters": 1.0,
    "FLOPs": 1.0,
    "MFLOPs": 1e6,
    "GFLOPs": 1e9,
    "TFLOPs": 1e12,
    "bytes": 1.0,
    "KB": 1e3,
    "MB": 1e6,
    "GB": 1e9,
    "TB": 1e12,
    "KiB": 2.0**10,
    "MiB": 2.0**20,
    "GiB": 2.0**30,
}
SETTINGS = ("seq", "batch", "context")  # may also be drawn from a question's ranges
FLOP_UNITS = ("FLOPs", "MFLOPs", "GFLOPs", "TFLOPs")
BYTE_UNITS = ("bytes", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB")


@dataclass(frozen=True)
class Quantity:
    """A quantity selector with its settings (sequence length, batch, dtype, unit)."""

    what: str
    seq: int = 2048
    batch: int = 1
    context: int = 2048
    dtype: str = "bf16"
    unit: str = "parameters"
    parts: tuple[str, ...] = field(default=())  # `sum:` of several selectors

    @property
    def exact(self) -> bool:
        """Counts are integers checked exactly; FLOPs and bytes get a tolerance."""
        return (
            not self.what.startswith(("flops.", "memory.")) or self.what == "flops.matmul_weights"
        )

    @classmethod
    def parse(cls, spec: Any, overrides: Mapping[str, Any] | None = None) -> Quantity:
        """From a bank's `count`: a selector string, or a mapping with `what` (or `sum`).

        `overrides` (seq, batch, context drawn from a question's ranges) win over the mapping.
        """
        settings: dict[str, Any] = {}
        parts: tuple[str, ...] = ()
        if isinstance(spec, str):
            what = spec.strip()
        elif isinstance(spec, Mapping):
            settings.update({k: v for k, v in spec.items() if k not in ("what", "sum")})
            if "sum" in spec:
                what, parts = "sum", tuple(str(p) for p in spec["sum"])
            else:
                what = str(spec.get("what", "total"))
        else:
            raise ParamsError(
                f"count must be a selector such as 'total' or a mapping, got {spec!r}"
            )
        settings.update({k: v for k, v in (overrides or {}).items() if k in SETTINGS})
        unknown = sorted(set(settings) - {"unit", "dtype", *SETTINGS})
        if unknown:
            raise ParamsError(
                f"count has unknown setting {unknown[0]!r} (settings: unit, "
                f"dtype, {', '.join(SETTINGS)})"
            )
        unit = settings.get("unit") or _default_unit(what)
        if unit not in UNITS:
            raise ParamsError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}")
        dtype = str(settings.get("dtype", "bf16"))
        if dtype not in cost.DTYPE_BYTES:
            raise ParamsError(f"dtype must be one of {', '.join(cost.DTYPE_BYTES)}; got {dtype!r}")
        numbers = {}
        for key in ("seq", "batch", "context"):
            value = settings.get(key, getattr(cls, key))
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParamsError(f"{key} must be a positive integer, got {value!r}")
            numbers[key] = value
        return cls(what=what, unit=unit, dtype=dtype, parts=parts, **numbers)


def _default_unit(what: str) -> str:
    if what.startswith("flops.") and what != "flops.matmul_weights":
        return "FLOPs"
    if what.startswith("memory."):
        return "bytes"
    return "parameters"


@dataclass(frozen=True)
class Line:
    """One addend of a quantity, for comparing a learner's breakdown."""

    name: str
    formula: str
    value: float
    times: int = 1  # how many instances the line covers (L for all layers)
    each: float = 0.0  # the value of one instance
    name_zh: str = ""  # the name in Chinese, where it differs
    group: str = ""  # the breakdown group it belongs to (embeddings, encoder, ...)

    def title(self, lang: str) -> str:
        return self.name_zh if lang == "zh" and self.name_zh else self.name


@dataclass(frozen=True)
class Result:
    value: float
    unit: str
    fine: tuple[Line, ...]  # component-level lines
    coarse: tuple[Line, ...] = ()  # group-level lines (empty when the same as fine)


def evaluate(breakdown: Breakdown, quantity: Quantity) -> Result:
    """The quantity's value in its unit, with the lines that add up to it."""
    scale = UNITS[quantity.unit]
    base = _evaluate_base(breakdown, quantity)
    return Result(
        base.value / scale,
        quantity.unit,
        tuple(_scaled(line, scale) for line in base.fine),
        tuple(_scaled(line, scale) for line in base.coarse),
    )


def _scaled(line: Line, scale: float) -> Line:
    return Line(
        line.name,
        line.formula,
        line.value / scale,
        line.times,
        line.each / scale,
        line.name_zh,
        line.group,
    )


def _component_line(comp: Component, *, all_instances: bool) -> Line:
    if all_instances and comp.times != 1:
        return Line(
            f"{comp.name} (×{comp.repeat} = {comp.times})",
            f"{pretty(comp.repeat)}·({pretty(comp.formula)})",
            comp.total,
            comp.times,
            comp.count,
            group=comp.group,
        )
    return Line(comp.name, pretty(comp.formula), comp.count, 1, comp.count, group=comp.group)


def _evaluate_base(breakdown: Breakdown, quantity: Quantity) -> Result:
    what = quantity.what
    if what == "sum":
        results = [_evaluate_base(breakdown, Quantity.parse(p)) for p in quantity.parts]
        lines = tuple(
            Line(p, "", r.value, 1, r.value) for p, r in zip(quantity.parts, results, strict=True)
        )
        return Result(sum(r.value for r in results), "parameters", lines)
    if what in ("total", "trainable"):
        comps = [
            c
            for c in breakdown.components
            if what == "total" or (c.trainable and c.group not in breakdown.frozen_groups)
        ]
        fine = tuple(_component_line(c, all_instances=True) for c in comps if c.total or c.note)
        return Result(
            sum(c.total for c in comps), "parameters", fine, _group_lines(breakdown, comps)
        )
    if what.startswith("group:"):
        comps = _group(breakdown, what[6:])
        fine = tuple(_component_line(c, all_instances=True) for c in comps)
        return Result(
            sum(c.total for c in comps), "parameters", fine, _group_lines(breakdown, comps)
        )
    if what.startswith("layer:"):
        comps = [c for c in _group(breakdown, what[6:]) if c.in_layer]
        if not comps:
            raise ParamsError(f"{what}: {breakdown.label} has no repeated layer in that group")
        fine = tuple(
            dataclasses.replace(_component_line(c, all_instances=False), group=_block(c.key))
            for c in comps
        )
        return Result(sum(c.count for c in comps), "parameters", fine, _block_lines(fine))
    if what.startswith("flops."):
        return _flops(breakdown, quantity)
    if what.startswith("memory."):
        return _memory(breakdown, quantity)
    key, all_instances = (what[4:], True) if what.startswith("all:") else (what, False)
    comp = breakdown.find(key)
    if comp is None:
        known = ", ".join(c.key for c in breakdown.components)
        raise ParamsError(f"{breakdown.label} has no component {key!r} (it has: {known})")
    line = _component_line(comp, all_instances=all_instances)
    return Result(line.value, "parameters", (line,))


# Within one layer, a learner may add up the attention, the FFN and the norms as blocks.
BLOCK_NAMES = {
    "attention": ("attention (all projections)", "注意力（全部投影）"),
    "cross-attention": ("cross-attention (all projections)", "交叉注意力（全部投影）"),
    "ffn": ("FFN", "FFN"),
    "norms": ("norms", "归一化层"),
}


def _block(key: str) -> str:
    if key.endswith("norm"):
        return "norms"
    if "cross" in key:
        return "cross-attention"
    return "ffn" if "ffn" in key else "attention"


def _block_lines(fine: tuple[Line, ...]) -> tuple[Line, ...]:
    lines = []
    for block in dict.fromkeys(line.group for line in fine):
        members = [x for x in fine if x.group == block]
        total = sum(x.value for x in members)
        formula = " + ".join(x.formula for x in members)
        name, name_zh = BLOCK_NAMES[block]
        lines.append(Line(name, formula, total, 1, total, name_zh, block))
    return tuple(lines)


def _group(breakdown: Breakdown, group: str) -> list[Component]:
    comps = breakdown.in_group(group)
    if not comps:
        raise ParamsError(
            f"{breakdown.label} has no group {group!r} (it has: {', '.join(breakdown.groups())})"
        )
    return comps


def _group_lines(breakdown: Breakdown, comps: list[Component]) -> tuple[Line, ...]:
    """Per group: the repeated layers as one line, the rest of the group as another."""
    lines: list[Line] = []
    for group in breakdown.groups():
        members = [c for c in comps if c.group == group]
        layer = [c for c in members if c.in_layer and c.times != 1]
        rest = [c for c in members if c not in layer]
        title = GROUP_TITLES.get(group, group)
        title_zh = GROUP_TITLES_ZH.get(group, title)
        if layer:
            each = sum(c.count for c in layer)
            repeat, times = layer[0].repeat, layer[0].times
            inner = breakdown.formula_of(layer, with_repeat=False)
            lines.append(
                Line(
                    f"{title}s (×{repeat} = {times})",
                    f"{repeat}({inner})",
                    each * times,
                    times,
                    each,
                    f"{title_zh}（×{repeat} = {times}）",
                    group,
                )
            )
        if rest and sum(c.total for c in rest):
            name = title if not layer else f"{title}: other parts"
            name_zh = title_zh if not layer else f"{title_zh}：其余部分"
            total = sum(c.total for c in rest)
            lines.append(
                Line(name, breakdown.formula_of(rest), total, name_zh=name_zh, group=group)
            )
    return tuple(lines)


def _flops(breakdown: Breakdown, quantity: Quantity) -> Result:
    lines = {line.key: line for line in cost.flops(breakdown, quantity.seq)}
    if quantity.what not in lines:
        raise ParamsError(f"unknown FLOP quantity {quantity.what!r} (one of: {', '.join(lines)})")
    matmul, attention = lines["flops.matmul"], lines["flops.attention"]
    addends = (
        Line(matmul.name, matmul.formula, matmul.value),
        Line(attention.name, attention.formula, attention.value),
    )
    chosen = lines[quantity.what]
    if quantity.what == "flops.forward":
        return Result(chosen.value, "FLOPs", addends)
    if quantity.what == "flops.training":
        return Result(
            chosen.value,
            "FLOPs",
            tuple(Line(f"3 × {a.name}", f"3·{a.formula}", 3 * a.value) for a in addends),
        )
    return Result(chosen.value, chosen.unit, (Line(chosen.name, chosen.formula, chosen.value),))


def _memory(breakdown: Breakdown, quantity: Quantity) -> Result:
    what = quantity.what
    n, t = breakdown.total, breakdown.trainable
    if what == "memory.weights":
        size = cost.DTYPE_BYTES[quantity.dtype]
        return Result(
            n * size,
            "bytes",
            (Line(f"weights in {quantity.dtype}", f"{cost.format_size(size)}·N", n * size),),
        )
    if what == "memory.adam":
        return Result(
            16.0 * t + 4 * (n - t),
            "bytes",
            (
                Line("fp32 weights", "4N", 4.0 * n),
                Line("fp32 gradients", "4N_t", 4.0 * t),
                Line("Adam moments m and v", "8N_t", 8.0 * t),
            ),
        )
    if what == "memory.adam_mixed":
        return Result(
            16.0 * t + 2 * (n - t),
            "bytes",
            (
                Line("bf16/fp16 weights", "2N", 2.0 * n),
                Line("bf16/fp16 gradients", "2N_t", 2.0 * t),
                Line("fp32 master weights", "4N_t", 4.0 * t),
                Line("Adam moments m and v", "8N_t", 8.0 * t),
            ),
        )
    if what == "memory.kv_cache":
        lines = cost.kv_cache(breakdown, quantity.batch, quantity.context, quantity.dtype)
        if not lines:
            raise ParamsError(
                f"{breakdown.label} keeps no KV cache (it does not decode token by token)"
            )
        return Result(
            sum(x.value for x in lines),
            "bytes",
            tuple(Line(x.name, x.formula, x.value) for x in lines),
        )
    raise ParamsError(
        f"unknown memory quantity {what!r} (memory.weights, memory.adam, "
        "memory.adam_mixed, memory.kv_cache)"
    )
