"""Plain data for front ends: the `--json` document and the rows of the table.

`rows()` is what the Rich table in `quizzer params` shows, line by line: group headings with
subtotals, components, a per-layer block closed by "one layer" and "× L" lines, buffers (shown,
not counted) and the totals. Keeping it here lets tests check the table's content without
rendering it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quizzer.core.params.breakdown import GROUP_TITLES, Breakdown
from quizzer.core.params.cost import CostLine
from quizzer.core.params.formula import pretty


@dataclass(frozen=True, slots=True)
class Row:
    """One table row; `kind` is group, component, layer, repeat, buffer, total or trainable."""

    kind: str
    name: str
    formula: str
    count: int | None
    share: float | None
    note: str = ""


def rows(b: Breakdown) -> list[Row]:
    out: list[Row] = []
    for group in b.groups():
        members = b.in_group(group)
        layer = [c for c in members if c.in_layer]
        rest = [c for c in members if not c.in_layer]
        subtotal = sum(c.total for c in members)
        title = GROUP_TITLES.get(group, group)
        if layer and layer[0].times > 1:
            title = f"{title}s (× {layer[0].repeat} = {layer[0].times})"
        out.append(
            Row(
                "group",
                title,
                "",
                subtotal,
                b.share(subtotal),
                "frozen" if group in b.frozen_groups else "",
            )
        )
        for comp in rest:
            out.append(
                Row(
                    "component",
                    comp.name,
                    b.formula_of([comp]),
                    comp.total,
                    b.share(comp.total),
                    comp.note,
                )
            )
        if layer:
            for comp in layer:
                out.append(
                    Row(
                        "layer",
                        comp.name,
                        pretty(comp.formula),
                        comp.count,
                        b.share(comp.total),
                        comp.note,
                    )
                )
            repeat, times = layer[0].repeat, layer[0].times
            each = sum(c.count for c in layer)
            out.append(
                Row(
                    "repeat",
                    "one layer",
                    b.formula_of(layer, with_repeat=False),
                    each,
                    b.share(each),
                )
            )
            if times > 1:
                out.append(
                    Row(
                        "repeat",
                        f"× {repeat} = {times} layers",
                        f"{pretty(repeat)}·(one layer)",
                        each * times,
                        b.share(each * times),
                    )
                )
    for buffer in b.buffers:
        out.append(
            Row(
                "buffer",
                buffer.name,
                pretty(buffer.formula),
                buffer.total,
                None,
                "buffer, not a parameter",
            )
        )
    out.append(Row("total", "Total", b.total_formula(), b.total, 1.0 if b.total else None))
    out.append(Row("trainable", "Trainable", "", b.trainable, b.share(b.trainable)))
    return out


def breakdown_json(b: Breakdown) -> dict[str, Any]:
    """`total` (an integer), `trainable`, `components` (name, formula, count) and the values."""
    return {
        "model": b.label,
        "family": b.family,
        "description": b.description,
        "hyperparameters": {
            k: list(v) if isinstance(v, tuple) else v for k, v in b.hyperparameters.items()
        },
        "symbols": dict(b.symbols),
        "total": b.total,
        "trainable": b.trainable,
        "total_formula": b.total_formula(),
        "groups": {g: b.group_total(g) for g in b.groups()},
        "components": [
            {
                "key": c.key,
                "name": c.name,
                "group": c.group,
                "formula": pretty(c.formula),
                "count": c.total,
                "per_instance": c.count,
                "repeat": pretty(c.repeat),
                "instances": c.times,
                "trainable": c.trainable,
                "note": c.note,
            }
            for c in b.components
        ],
        "buffers": [
            {"key": c.key, "name": c.name, "formula": pretty(c.formula), "count": c.total}
            for c in b.buffers
        ],
        "frozen_groups": list(b.frozen_groups),
    }


def cost_json(lines: list[CostLine]) -> list[dict[str, Any]]:
    return [
        {"key": x.key, "name": x.name, "formula": x.formula, "value": x.value, "unit": x.unit}
        for x in lines
    ]
