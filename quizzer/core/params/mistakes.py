"""The classic counting mistakes, computed: what a learner gets by making each one.

Each `Variant` recomputes a quantity with one mistake made (biases forgotten, one LayerNorm
per layer, a tied head counted twice, ...). The drills compare a wrong answer with every
variant that applies, so feedback names the mistake even for hyperparameters drawn at random;
`--explain` uses the same variants to say what each mistake would cost.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from quizzer.core.params.breakdown import Breakdown
from quizzer.core.params.formula import evaluate as evaluate_formula
from quizzer.core.params.hparams import ArchitectureSpec
from quizzer.core.params.quantity import UNITS, Quantity, evaluate
from quizzer.core.text import LocalizedText

SpecChange = Callable[[ArchitectureSpec], ArchitectureSpec | None]
BreakdownChange = Callable[[Breakdown], Breakdown | None]
ValueChange = Callable[[float, Quantity, Breakdown], float | None]


@dataclass(frozen=True)
class Variant:
    """One mistake: how to make it, and what to tell the learner who made it."""

    id: str
    feedback: LocalizedText
    change_spec: SpecChange | None = None
    change_breakdown: BreakdownChange | None = None
    change_value: ValueChange | None = None

    def value(self, spec: ArchitectureSpec, quantity: Quantity) -> float | None:
        """The quantity with this mistake made, or None when it does not apply."""
        if self.change_spec is not None:
            changed = self.change_spec(spec)
            if changed is None:
                return None
            return evaluate(changed.family.build(changed), quantity).value
        breakdown = spec.family.build(spec)
        if self.change_breakdown is not None:
            altered = self.change_breakdown(breakdown)
            return None if altered is None else evaluate(altered, quantity).value
        assert self.change_value is not None
        return self.change_value(evaluate(breakdown, quantity).value, quantity, breakdown)


def _toggle(name: str, when: object, to: object) -> SpecChange:
    def change(spec: ArchitectureSpec) -> ArchitectureSpec | None:
        if spec.family.param(name) is None or spec.values.get(name) != when:
            return None
        return spec.with_values(**{name: to})

    return change


def _drop(predicate: Callable[[str], bool]) -> BreakdownChange:
    def change(breakdown: Breakdown) -> Breakdown | None:
        kept = tuple(c for c in breakdown.components if not predicate(c.key))
        if len(kept) == len(breakdown.components):
            return None
        return dataclasses.replace(breakdown, components=kept)

    return change


def _layernorm_families(change: BreakdownChange) -> BreakdownChange:
    """Only models whose layers use LayerNorm (RMSNorm models have their own slip)."""
    families = ("bert", "roberta", "albert", "distilbert", "vit", "gpt2", "transformer")
    return lambda breakdown: change(breakdown) if breakdown.family in families else None


def _gqa_ignored(spec: ArchitectureSpec) -> ArchitectureSpec | None:
    if spec.family.name != "llama" or spec.values["kv_heads"] == spec.values["heads"]:
        return None
    return spec.with_values(kv_heads=spec.values["heads"])


def _one_rnn_bias(breakdown: Breakdown) -> Breakdown | None:
    """torch keeps b_ih and b_hh; counting one bias vector per gate block is the mistake."""
    if breakdown.family not in ("rnn", "lstm", "gru") or not breakdown.hyperparameters["bias"]:
        return None
    parts = []
    for comp in breakdown.components:
        formula = comp.formula.replace(" + 2*H", " + H")
        parts.append(
            dataclasses.replace(
                comp, formula=formula, count=evaluate_formula(formula, breakdown.symbols)
            )
        )
    return dataclasses.replace(breakdown, components=tuple(parts))


def _albert_unshared(breakdown: Breakdown) -> Breakdown | None:
    if breakdown.family != "albert":
        return None
    layers = breakdown.symbols["L"]
    parts = tuple(
        dataclasses.replace(c, repeat="L", times=layers) if c.in_layer else c
        for c in breakdown.components
    )
    return dataclasses.replace(breakdown, components=parts)


def _unit_confusion(value: float, quantity: Quantity, breakdown: Breakdown) -> float | None:
    """GB where GiB was asked (or the reverse): a 7.4% difference at the giga scale."""
    swap = {"GB": "GiB", "GiB": "GB", "MB": "MiB", "MiB": "MB", "KB": "KiB", "KiB": "KB"}
    other = swap.get(quantity.unit)
    return None if other is None else value * UNITS[quantity.unit] / UNITS[other]


def _only(*whats: str) -> Callable[[ValueChange], ValueChange]:
    def wrap(change: ValueChange) -> ValueChange:
        def guarded(value: float, quantity: Quantity, breakdown: Breakdown) -> float | None:
            return change(value, quantity, breakdown) if quantity.what in whats else None

        return guarded

    return wrap


@_only("flops.forward", "flops.training")
def _macs(value: float, quantity: Quantity, breakdown: Breakdown) -> float | None:
    return value / 2


@_only("flops.forward", "flops.training")
def _no_attention(value: float, quantity: Quantity, breakdown: Breakdown) -> float | None:
    share = evaluate(breakdown, dataclasses.replace(quantity, what="flops.attention")).value
    return value - share * (3 if quantity.what == "flops.training" else 1)


@_only("flops.training")
def _forward_only(value: float, quantity: Quantity, breakdown: Breakdown) -> float | None:
    return value / 3


@_only("memory.kv_cache")
def _keys_only(value: float, quantity: Quantity, breakdown: Breakdown) -> float | None:
    return value / 2


VARIANTS: tuple[Variant, ...] = (
    Variant(
        "no-bias",
        LocalizedText(
            "That is the count without the biases of the linear layers: each Linear(n→m) adds m.",
            "这是不含线性层偏置的结果：每个 Linear(n→m) 还有 m 个偏置。",
        ),
        change_spec=_toggle("bias", True, False),
    ),
    Variant(
        "one-layernorm",
        LocalizedText(
            "That counts one LayerNorm per layer; each layer has two (after attention and after "
            "the FFN), each with γ and β.",
            "这是每层只算了一个 LayerNorm；实际每层有两个（注意力之后、FFN 之后），各有 γ 和 β。",
        ),
        change_breakdown=_layernorm_families(_drop(lambda key: key.endswith(".ffn_norm"))),
    ),
    Variant(
        "forgot-pooler",
        LocalizedText(
            "That is the model without the pooler (a dense H→H layer with bias: H² + H).",
            "这是不含 pooler 的结果（pooler 是 H→H 的全连接层加偏置：H² + H）。",
        ),
        change_spec=_toggle("pooler", True, False),
    ),
    Variant(
        "added-pooler",
        LocalizedText(
            "That includes a pooler (H² + H), which this model does not have.",
            "你多算了 pooler（H² + H），这个模型没有它。",
        ),
        change_spec=_toggle("pooler", False, True),
    ),
    Variant(
        "tied-head-twice",
        LocalizedText(
            "That counts the tied LM head as new weights: it reuses the token embedding matrix, "
            "so it adds nothing.",
            "你把共享权重的 LM head 又算了一遍：它复用词嵌入矩阵，不增加参数。",
        ),
        change_spec=_toggle("lm_head", "tied", "untied"),
    ),
    Variant(
        "untied-head-missing",
        LocalizedText(
            "That leaves out the untied LM head (H·V of its own).",
            "你漏掉了不共享权重的 LM head（它自己有 H·V 个参数）。",
        ),
        change_spec=_toggle("lm_head", "untied", "none"),
    ),
    Variant(
        "gqa-ignored",
        LocalizedText(
            "That gives K and V as many heads as Q; with grouped-query attention they have only "
            "G key/value heads (2·H·G·D per layer, not 2·H·A·D).",
            "你让 K、V 的头数和 Q 一样；分组查询注意力（GQA）中 K、V 只有 G 个头"
            "（每层 2·H·G·D，而不是 2·H·A·D）。",
        ),
        change_spec=_gqa_ignored,
    ),
    Variant(
        "one-rnn-bias",
        LocalizedText(
            "That counts one bias vector per gate block; torch keeps two (b_ih and b_hh).",
            "你每个门只算了一个偏置向量；torch 有两个（b_ih 和 b_hh）。",
        ),
        change_breakdown=_one_rnn_bias,
    ),
    Variant(
        "forgot-bidirectional",
        LocalizedText(
            "That is one direction only; a bidirectional layer has a second, backward set of "
            "weights, and the layers above it take 2H inputs.",
            "这只是单向的结果；双向层还有一套反向的权重，且上层的输入是 2H 维。",
        ),
        change_spec=_toggle("bidirectional", True, False),
    ),
    Variant(
        "groups-ignored",
        LocalizedText(
            "That ignores the groups: each output channel sees only I/G input channels.",
            "你忽略了分组：每个输出通道只连接 I/G 个输入通道。",
        ),
        change_spec=lambda s: s.with_values(groups=1) if s.values.get("groups", 1) != 1 else None,
    ),
    Variant(
        "albert-unshared",
        LocalizedText(
            "That counts L separate layers; ALBERT's layers all share one set of weights.",
            "你按 L 个独立的层计算了；ALBERT 的所有层共享同一套参数。",
        ),
        change_breakdown=_albert_unshared,
    ),
    Variant(
        "unit-confusion",
        LocalizedText(
            "Check the unit: 1 GB = 10⁹ bytes, 1 GiB = 2³⁰ bytes (7.4% more).",
            "注意单位：1 GB = 10⁹ 字节，1 GiB = 2³⁰ 字节（多 7.4%）。",
        ),
        change_value=_unit_confusion,
    ),
    Variant(
        "macs-not-flops",
        LocalizedText(
            "That counts multiply-accumulates; one MAC is two FLOPs (a multiply and an add).",
            "这是乘加次数（MAC）；一次乘加是两个 FLOP（一次乘法加一次加法）。",
        ),
        change_value=_macs,
    ),
    Variant(
        "no-attention-term",
        LocalizedText(
            "That is only the 2N matmul term; the attention scores and the weighted sum add "
            "4·n·d_attn per layer and token.",
            "这只是 2N 的矩阵乘项；注意力分数和加权求和每层每个 token 还要 4·n·d_attn。",
        ),
        change_value=_no_attention,
    ),
    Variant(
        "forward-only",
        LocalizedText(
            "That is the forward pass only; training adds the backward pass, about twice the "
            "forward (≈ 3× in total).",
            "这只是前向；训练还有反向传播，约为前向的两倍（总计约 3 倍）。",
        ),
        change_value=_forward_only,
    ),
    Variant(
        "kv-one-tensor",
        LocalizedText(
            "That caches only one tensor; the cache holds both K and V (the factor 2).",
            "你只算了一个张量；缓存里同时存 K 和 V（系数 2）。",
        ),
        change_value=_keys_only,
    ),
)


# Short names for `--explain`'s list of classic mistakes.
TITLES = {
    "no-bias": LocalizedText("Forgetting the biases", "漏掉偏置"),
    "one-layernorm": LocalizedText("Counting one LayerNorm per layer", "每层只算一个 LayerNorm"),
    "forgot-pooler": LocalizedText("Leaving out the pooler", "漏掉 pooler"),
    "added-pooler": LocalizedText("Adding a pooler", "多算了 pooler"),
    "tied-head-twice": LocalizedText("Counting a tied head twice", "把共享权重的输出头算两次"),
    "untied-head-missing": LocalizedText("Leaving out the untied head", "漏掉不共享权重的输出头"),
    "gqa-ignored": LocalizedText("Ignoring grouped-query attention", "忽略分组查询注意力"),
    "one-rnn-bias": LocalizedText("One bias vector per gate block", "每个门块只算一个偏置"),
    "forgot-bidirectional": LocalizedText("Forgetting the backward direction", "漏掉反向"),
    "groups-ignored": LocalizedText("Ignoring the groups", "忽略分组"),
    "albert-unshared": LocalizedText(
        "Counting ALBERT's layers separately", "把 ALBERT 的各层分开计算"
    ),
}


def matching_variants(
    spec: ArchitectureSpec, quantity: Quantity, got: float, close: Callable[[float, float], bool]
) -> list[Variant]:
    """The mistakes whose result equals the learner's (wrong) answer."""
    expected = evaluate(spec.family.build(spec), quantity).value
    found = []
    for variant in VARIANTS:
        value = variant.value(spec, quantity)
        if value is not None and value != expected and close(got, value):
            found.append(variant)
    return found
