"""The result of counting: components with their formulas, grouped into blocks, and totals.

Every architecture and single layer is described as a `Breakdown`: an ordered list of
`Component`s, each with a formula in the architecture's symbols, the exact count that formula
evaluates to, and how many times it repeats (`L` for a per-layer component). Front ends render
it (the Rich table, `--json`, drills); nothing here prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.params.formula import Polynomial, evaluate, pretty

# Display names of the groups a component belongs to, in the order they are shown.
GROUP_TITLES = {
    "embeddings": "Embeddings",
    "encoder": "Encoder layer",
    "decoder": "Decoder layer",
    "final": "Final norms",
    "pooler": "Pooler",
    "head": "Head",
    "layer": "Layer",
}
GROUP_TITLES_ZH = {
    "embeddings": "嵌入层",
    "encoder": "编码器层",
    "decoder": "解码器层",
    "final": "最后的归一化",
    "pooler": "Pooler",
    "head": "输出头",
    "layer": "该层",
}


@dataclass(frozen=True, slots=True)
class Component:
    """One line of a breakdown.

    Attributes:
        key: a stable id, `group.part` (`encoder.attention`), shared with the torch builds and
            the drills.
        name: what a person calls it ("attention Q, K, V, O").
        formula: the count of one instance, in symbols.
        count: `formula` evaluated.
        repeat: how many instances, in symbols ("L" for every layer, "1" otherwise).
        times: `repeat` evaluated.
        matmul: the part of `formula` that multiplies every token's activations (weight
            matrices), for the 2N FLOP term; None for lookups, norms and biases.
        trainable: False for parameters that exist but are frozen (sinusoidal tables).
        note: a short remark shown in the table ("tied to the token embedding").
        in_layer: part of the repeated layer block (true also for ALBERT's one shared layer,
            whose repeat is 1).
        uses: how many times each token passes through it, when that differs from `repeat`
            (ALBERT's one shared layer is applied L times); for FLOPs.
    """

    key: str
    name: str
    formula: str
    count: int
    repeat: str = "1"
    times: int = 1
    matmul: str | None = None
    trainable: bool = True
    note: str = ""
    in_layer: bool = False
    uses: str | None = None

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def total(self) -> int:
        return self.count * self.times


def component(
    key: str,
    name: str,
    formula: str,
    symbols: Mapping[str, int],
    *,
    repeat: str = "1",
    matmul: str | None = None,
    trainable: bool = True,
    note: str = "",
    in_layer: bool | None = None,
    uses: str | None = None,
) -> Component:
    """A component whose count and multiplicity are its formulas evaluated on `symbols`."""
    return Component(
        key=key,
        name=name,
        formula=formula,
        count=evaluate(formula, symbols),
        repeat=repeat,
        times=evaluate(repeat, symbols),
        matmul=matmul,
        trainable=trainable,
        note=note,
        in_layer=repeat != "1" if in_layer is None else in_layer,
        uses=uses,
    )


@dataclass(frozen=True)
class Breakdown:
    """A counted architecture or layer.

    Attributes:
        family: the family name ("bert", "lstm").
        label: what was counted ("bert-base", "bert (custom)").
        description: one line saying which concrete model class this matches.
        hyperparameters: the resolved values, by option name.
        symbols: the same values by formula symbol, in display order.
        components: the parameters, in order.
        buffers: state that is not a parameter (BatchNorm running statistics); never counted.
    """

    family: str
    label: str
    description: str
    hyperparameters: Mapping[str, Any]
    symbols: Mapping[str, int]
    components: tuple[Component, ...]
    buffers: tuple[Component, ...] = ()
    frozen_groups: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(c.total for c in self.components)

    @property
    def trainable(self) -> int:
        return sum(c.total for c in self.components if self._is_trainable(c))

    def _is_trainable(self, comp: Component) -> bool:
        return comp.trainable and comp.group not in self.frozen_groups

    def groups(self) -> list[str]:
        seen: list[str] = []
        for comp in self.components:
            if comp.group not in seen:
                seen.append(comp.group)
        return seen

    def in_group(self, group: str) -> list[Component]:
        return [c for c in self.components if c.group == group]

    def group_total(self, group: str) -> int:
        return sum(c.total for c in self.in_group(group))

    def layer_count(self, group: str) -> int:
        """One instance of the group's repeated block (one encoder layer), or 0."""
        return sum(c.count for c in self.in_group(group) if c.in_layer)

    def layer_repeat(self, group: str) -> tuple[str, int] | None:
        repeated = [c for c in self.in_group(group) if c.in_layer]
        return (repeated[0].repeat, repeated[0].times) if repeated else None

    def find(self, key: str) -> Component | None:
        return next((c for c in self.components if c.key == key), None)

    def polynomial(
        self, components: list[Component] | None = None, *, with_repeat: bool = True
    ) -> Polynomial:
        """The sum of the components' formulas (times their repeats) as a polynomial."""
        total = Polynomial.constant(0)
        for comp in self.components if components is None else components:
            term = Polynomial.parse(comp.formula)
            if with_repeat:
                term = term * Polynomial.parse(comp.repeat)
            total = total + term
        return total

    def formula_of(self, components: list[Component], *, with_repeat: bool = True) -> str:
        """A readable closed form of a sum of components, e.g. `12H² + 13H`."""
        if len(components) == 1:
            only = components[0]
            if not with_repeat or only.repeat == "1":
                return pretty(only.formula)
            return f"{pretty(only.repeat)}·{_bracket(pretty(only.formula))}"
        return self.polynomial(components, with_repeat=with_repeat).display(self.symbols)

    def total_formula(self) -> str:
        """The total in symbols, each repeated layer block factored out: `L(12H² + 13H) + ...`."""
        blocks: dict[str, list[Component]] = {}
        rest: list[Component] = []
        for comp in self.components:
            if comp.in_layer and comp.repeat != "1":
                blocks.setdefault(comp.repeat, []).append(comp)
            else:
                rest.append(comp)
        terms = []
        for repeat, comps in blocks.items():
            inner = self.polynomial(comps, with_repeat=False).display(self.symbols)
            factor = repeat if repeat.isidentifier() else f"({pretty(repeat)})"
            terms.append(f"{factor}({inner})")
        if rest and all(c.group == "layer" for c in rest):
            # A single layer: its few lines read better as written than expanded.
            terms.extend(self.formula_of([c]) for c in rest)
        elif rest:
            tail = self.polynomial(rest).display(self.symbols)
            if tail != "0":
                terms.append(tail)
        return " + ".join(terms) or "0"

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0


def _bracket(text: str) -> str:
    """`4(H·I + H²)` stays as it is after a factor; `H·F + F` gets parentheses."""
    if " " not in text:
        return text
    opening = text.find("(")
    if opening > 0 and text[:opening].isdigit() and _closes_at_end(text, opening):
        return text
    return f"({text})"


def _closes_at_end(text: str, opening: int) -> bool:
    depth = 0
    for index in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index == len(text) - 1
    return False
