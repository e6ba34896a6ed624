"""Rich renderables and JSON documents for `quizzer params` (built here, printed by the CLI).

Rich is imported inside the functions: the JSON path needs none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizzer.core.params.breakdown import Breakdown
from quizzer.core.params.cost import GIB, CostLine, human_bytes, human_flops
from quizzer.core.params.formula import group_digits
from quizzer.core.params.report import Row, breakdown_json, cost_json, rows

if TYPE_CHECKING:
    from rich.console import RenderableType

    from quizzer.core.params.symbolic import SymbolicTotal
    from quizzer.core.params.verify import Verification

STYLES = {
    "group": "bold",
    "repeat": "italic",
    "buffer": "dim",
    "total": "bold",
    "trainable": "bold",
}


@dataclass
class Extras:
    """What was asked for beyond the table."""

    notes: list[str] = field(default_factory=list)
    seq: int = 2048
    batch: int = 1
    context: int = 2048
    kv_dtype: str = "bf16"
    flops: list[CostLine] | None = None
    memory: list[CostLine] | None = None
    symbolic: SymbolicTotal | None = None
    verification: Verification | None = None
    explanation: list[str] | None = None


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _row_cells(row: Row) -> list[str]:
    indent = "  " if row.kind in ("component", "layer", "repeat") else ""
    name = indent + row.name + (f"  ({row.note})" if row.note else "")
    count = "" if row.count is None else group_digits(row.count)
    return [name, row.formula, count, _share(row.share)]


def breakdown_table(b: Breakdown) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    layered = any(c.in_layer and c.times > 1 for c in b.components)
    caption = "Per-layer rows count one layer; their share counts all layers." if layered else ""
    table = Table(
        title=Text(f"{b.label}: {b.description}"),
        title_justify="left",
        caption=Text(caption) if caption else None,
        caption_justify="left",
    )
    table.add_column("component")
    table.add_column("formula")
    table.add_column("count", justify="right")
    table.add_column("share", justify="right")
    for row in rows(b):
        if row.kind == "total":
            table.add_section()
        style = STYLES.get(row.kind, "")
        table.add_row(*(Text(cell, style=style) for cell in _row_cells(row)))
    return table


def _cost_table(title: str, lines: list[CostLine]) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title), title_justify="left")
    for name in ("quantity", "formula", "value"):
        table.add_column(name, justify="right" if name == "value" else "left")
    for line in lines:
        if line.unit == "FLOPs":
            value = f"{group_digits(int(line.value))} ({human_flops(line.value)})"
        elif line.unit == "bytes":
            value = human_bytes(line.value)
        else:
            value = group_digits(int(line.value))
        table.add_row(Text(line.name), Text(line.formula), Text(value))
    return table


def verification_table(v: Verification) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    verdict = "✓ every component matches" if v.ok else "✗ mismatch"
    table = Table(
        title=Text(
            f"torch (meta device): {verdict}; built in "
            f"{v.build_seconds * 1000:.1f} ms after a "
            f"{v.import_seconds:.2f} s torch import"
        ),
        title_justify="left",
    )
    for name in ("component", "formula", "torch", ""):
        table.add_column(name, justify="right" if name in ("formula", "torch") else "left")
    for check in v.checks:
        mark = "✓" if check.ok else f"✗ {check.actual - check.expected:+,}"
        table.add_row(
            Text(check.name),
            Text(group_digits(check.expected)),
            Text(group_digits(check.actual)),
            Text(mark, style="green" if check.ok else "red"),
        )
    for label, want, got in (
        ("total (model.parameters())", v.total_expected, v.total_actual),
        ("trainable", v.trainable_expected, v.trainable_actual),
        ("buffers", v.buffers_expected, v.buffers_actual),
    ):
        ok = want == got
        table.add_row(
            Text(label, style="bold"),
            Text(group_digits(want)),
            Text(group_digits(got)),
            Text("✓" if ok else f"✗ {got - want:+,}", style="green" if ok else "red"),
        )
    for name in v.unmatched:
        table.add_row(
            Text(f"{name}: in torch, in no formula"), Text(""), Text(""), Text("✗", style="red")
        )
    return table


def renderables(b: Breakdown, extras: Extras) -> list[RenderableType]:
    from rich.text import Text

    out: list[RenderableType] = [breakdown_table(b)]
    out.extend(Text(f"note: {note}", style="yellow") for note in extras.notes)
    if extras.symbolic is not None:
        s = extras.symbolic
        mark = "✓ equals" if s.matches else "✗ differs from"
        out.append(
            Text(
                f"SymPy: total = {s.grouped}\n       = {s.expression}\n"
                f"       = {group_digits(s.value)} ({mark} the numeric total "
                f"{group_digits(b.total)})"
            )
        )
    if extras.flops is not None:
        out.append(_cost_table(f"FLOPs per token (n = {extras.seq:,})", extras.flops))
    if extras.memory is not None:
        out.append(
            _cost_table(
                f"Memory (1 GB = 10⁹ bytes, 1 GiB = 2³⁰ = {GIB:,} bytes; Adam without activations)",
                extras.memory,
            )
        )
    if extras.verification is not None:
        out.append(verification_table(extras.verification))
    if extras.explanation is not None:
        out.append(Text("\n\n".join(extras.explanation)))
    return out


def document(b: Breakdown, extras: Extras) -> dict[str, Any]:
    doc = breakdown_json(b)
    if extras.notes:
        doc["notes"] = extras.notes
    if extras.symbolic is not None:
        s = extras.symbolic
        doc["symbolic"] = {
            "expression": s.expression,
            "grouped": s.grouped,
            "value": s.value,
            "matches": s.matches,
        }
    if extras.flops is not None:
        doc["flops"] = {"seq": extras.seq, "lines": cost_json(extras.flops)}
    if extras.memory is not None:
        doc["memory"] = {
            "batch": extras.batch,
            "context": extras.context,
            "kv_dtype": extras.kv_dtype,
            "lines": cost_json(extras.memory),
        }
    if extras.verification is not None:
        v = extras.verification
        doc["verify"] = {
            "ok": v.ok,
            "components": [
                {"key": c.key, "expected": c.expected, "torch": c.actual, "ok": c.ok}
                for c in v.checks
            ],
            "total": {"expected": v.total_expected, "torch": v.total_actual},
            "trainable": {"expected": v.trainable_expected, "torch": v.trainable_actual},
            "buffers": {"expected": v.buffers_expected, "torch": v.buffers_actual},
            "unmatched": list(v.unmatched),
            "import_seconds": v.import_seconds,
            "build_seconds": v.build_seconds,
        }
    if extras.explanation is not None:
        doc["explain"] = extras.explanation
    return doc


def presets_document() -> dict[str, Any]:
    from quizzer.core.params.presets import LAYERS, MODEL_FAMILIES, PRESETS, count

    return {
        "presets": [
            {"name": p.name, "family": p.family, "summary": p.summary, "total": count(p.name).total}
            for p in PRESETS.values()
        ],
        "families": {f.name: f.description for f in MODEL_FAMILIES.values()},
        "layers": {f.name: f.description for f in LAYERS.values()},
    }


def presets_table() -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    doc = presets_document()
    table = Table(title="Presets", title_justify="left")
    for name in ("preset", "family", "parameters", "what"):
        table.add_column(name, justify="right" if name == "parameters" else "left")
    for p in doc["presets"]:
        table.add_row(
            Text(p["name"]), Text(p["family"]), Text(group_digits(p["total"])), Text(p["summary"])
        )
    families = Table(title="Families (use with --hidden, --layers, ...)", title_justify="left")
    families.add_column("family")
    families.add_column("what it matches")
    for name, text in doc["families"].items():
        families.add_row(Text(name), Text(text))
    layers = Table(title="Single layers: quizzer params layer KIND ...", title_justify="left")
    layers.add_column("kind")
    layers.add_column("torch module")
    for name, text in doc["layers"].items():
        layers.add_row(Text(name), Text(text))
    return Group(table, families, layers)
