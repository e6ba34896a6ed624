"""`--explain`: the derivation in prose, the way an interviewer expects to hear it.

The walk-through follows the breakdown (embeddings, one layer, times L, the heads), then names
the classic mistakes with the number each one produces, computed by `mistakes.VARIANTS`.
"""

from __future__ import annotations

from quizzer.core.params.breakdown import GROUP_TITLES, GROUP_TITLES_ZH, Breakdown, Component
from quizzer.core.params.formula import group_digits, pretty
from quizzer.core.params.hparams import ArchitectureSpec
from quizzer.core.params.mistakes import TITLES, VARIANTS
from quizzer.core.params.quantity import Quantity
from quizzer.core.text import LocalizedText

ZH_GROUPS = GROUP_TITLES_ZH


def _item(comp: Component) -> str:
    return f"{comp.name} {pretty(comp.formula)} = {group_digits(comp.count)}"


def explain(spec: ArchitectureSpec, breakdown: Breakdown) -> list[LocalizedText]:
    """Paragraphs in English and Chinese."""
    b = breakdown
    symbols = ", ".join(f"{k}={v:,}" for k, v in b.symbols.items())
    paragraphs = [
        LocalizedText(
            f"{b.label}: {b.description}. Hyperparameters: {symbols}.",
            f"{b.label}：{b.description}。超参数：{symbols}。",
        )
    ]
    for group in b.groups():
        paragraphs.append(_group_paragraph(b, group))
    formula = b.total_formula()
    paragraphs.append(
        LocalizedText(
            f"Total: {group_digits(b.total)} = {formula}."
            + (f" Trainable: {group_digits(b.trainable)}." if b.trainable != b.total else ""),
            f"总计：{group_digits(b.total)} = {formula}。"
            + (f"可训练：{group_digits(b.trainable)}。" if b.trainable != b.total else ""),
        )
    )
    paragraphs.extend(_facts(b))
    mistakes = _mistakes(spec, b)
    if mistakes:
        paragraphs.append(
            LocalizedText(
                "\n".join(["Classic mistakes:", *(m.en for m in mistakes)]),
                "\n".join(["常见错误：", *(m.get("zh") for m in mistakes)]),
            )
        )
    return paragraphs


def _group_paragraph(b: Breakdown, group: str) -> LocalizedText:
    members = b.in_group(group)
    layer = [c for c in members if c.in_layer]
    rest = [c for c in members if not c.in_layer]
    title = GROUP_TITLES.get(group, group)
    en: list[str] = []
    zh: list[str] = []
    if rest:
        items = "; ".join(_item(c) for c in rest)
        subtotal = group_digits(sum(c.total for c in rest))
        en.append(f"{title}: {items}; together {subtotal}.")
        zh.append(f"{ZH_GROUPS.get(group, group)}：{items}；合计 {subtotal}。")
    if layer:
        items = "; ".join(_item(c) for c in layer)
        each = group_digits(sum(c.count for c in layer))
        closed = b.formula_of(layer, with_repeat=False)
        repeat, times = layer[0].repeat, layer[0].times
        if times == 1 and b.symbols.get("L", 1) > 1:
            en.append(
                f"One {title.lower()}: {items}. Per layer {each} = {closed}; this one "
                f"set of weights is shared by all L = {b.symbols['L']} layers, so it is "
                "counted once."
            )
            zh.append(
                f"一个{ZH_GROUPS.get(group, group)}：{items}。每层 {each} = {closed}；"
                f"这一套参数被全部 L = {b.symbols['L']} 层共享，只算一次。"
            )
        else:
            total = group_digits(sum(c.total for c in layer))
            en.append(
                f"Each {title.lower()}: {items}. Per layer {each} = {closed}; "
                f"× {repeat} = {times} gives {total}."
            )
            zh.append(
                f"每个{ZH_GROUPS.get(group, group)}：{items}。每层 {each} = {closed}；"
                f"× {repeat} = {times} 得 {total}。"
            )
    return LocalizedText(" ".join(en), " ".join(zh))


def _facts(b: Breakdown) -> list[LocalizedText]:
    facts: list[LocalizedText] = []
    sym = b.symbols
    if "A" in sym and "H" in sym and b.family not in ("t5", "llama", "mha") and sym["A"] > 1:
        head = sym["H"] // sym["A"]
        facts.append(
            LocalizedText(
                f"The {sym['A']} heads do not change the count: they split each H×H projection "
                f"into {sym['A']} slices of {head}.",
                f"{sym['A']} 个头不改变参数量：它们只是把每个 H×H 投影"
                f"切成 {sym['A']} 段、每段 {head} 维。",
            )
        )
    if b.family == "llama" and sym["G"] < sym["A"]:
        saved = 2 * sym["H"] * (sym["A"] - sym["G"]) * sym["D"]
        facts.append(
            LocalizedText(
                f"Grouped-query attention: K and V have G = {sym['G']} heads shared by the "
                f"{sym['A']} query heads, so they cost 2·H·G·D instead of 2·H·A·D: "
                f"{group_digits(saved)} fewer per layer.",
                f"分组查询注意力：K、V 只有 G = {sym['G']} 个头，由 {sym['A']} 个查询头共享，"
                f"因此是 2·H·G·D 而不是 2·H·A·D：每层少 {group_digits(saved)} 个参数。",
            )
        )
    if any(c.note.startswith("tied") for c in b.components):
        facts.append(
            LocalizedText(
                "The LM head is tied: it multiplies by the token embedding matrix, so it costs "
                "compute but no parameters.",
                "LM head 与词嵌入共享权重：它要做矩阵乘法（有计算量），但不增加参数。",
            )
        )
    if b.family in ("rnn", "lstm", "gru"):
        facts.append(
            LocalizedText(
                "torch keeps two bias vectors per gate block (b_ih and b_hh), hence the 2H.",
                "torch 每个门有两个偏置向量（b_ih 和 b_hh），所以是 2H。",
            )
        )
    if b.buffers:
        buffers = group_digits(sum(c.total for c in b.buffers))
        facts.append(
            LocalizedText(
                f"The running mean and variance ({buffers} values with num_batches_tracked) are "
                "buffers: saved in the state_dict, never trained, not parameters.",
                f"running mean 和 running variance（连同 num_batches_tracked 共 {buffers} 个值）是 "
                "buffer：保存在 state_dict 中，但不训练，不算参数。",
            )
        )
    return facts


def _mistakes(spec: ArchitectureSpec, b: Breakdown) -> list[LocalizedText]:
    quantity = Quantity.parse("total")
    lines = []
    for variant in VARIANTS:
        value = variant.value(spec, quantity)
        if value is None or value == b.total:
            continue
        diff = group_digits(abs(int(value) - b.total))
        short = value < b.total
        title = TITLES.get(variant.id, LocalizedText(variant.id, variant.id))
        wrong = group_digits(int(value))
        lines.append(
            LocalizedText(
                f"- {title.en}: {wrong} ({diff} {'short' if short else 'too many'}). "
                f"{variant.feedback.en}",
                f"- {title.get('zh')}：{wrong}（{'少' if short else '多'} {diff}）。"
                f"{variant.feedback.get('zh')}",
            )
        )
    if b.buffers:
        with_buffers = group_digits(b.total + sum(c.total for c in b.buffers))
        lines.append(
            LocalizedText(
                f"- Counting the BatchNorm running statistics as parameters: {with_buffers}.",
                f"- 把 BatchNorm 的 running 统计量当作参数：{with_buffers}。",
            )
        )
    return lines
