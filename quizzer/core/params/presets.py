"""Named models and the one entry point that turns a name plus options into a `Breakdown`.

A preset is a family with some of its hyperparameters set; anything the user passes on top
overrides the preset. Unknown names get the nearest suggestions; options that a family does not
take are errors rather than silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quizzer.core.params.breakdown import Breakdown
from quizzer.core.params.decoders import GPT2, LLAMA
from quizzer.core.params.encoders import ALBERT, BERT, DISTILBERT, ROBERTA, VIT
from quizzer.core.params.hparams import ArchitectureSpec, Family, ParamsError, coerce
from quizzer.core.params.layers import LAYER_ALIASES, LAYER_FAMILIES
from quizzer.core.params.seq2seq import T5, TRANSFORMER

MODEL_FAMILIES: dict[str, Family] = {
    f.name: f for f in (BERT, ROBERTA, ALBERT, DISTILBERT, TRANSFORMER, GPT2, T5, LLAMA, VIT)
}
LAYERS: dict[str, Family] = {f.name: f for f in LAYER_FAMILIES}


@dataclass(frozen=True)
class Preset:
    name: str
    family: str
    values: Mapping[str, Any]
    summary: str


def _presets(*items: tuple[str, str, dict[str, Any], str]) -> dict[str, Preset]:
    return {name: Preset(name, family, values, summary) for name, family, values, summary in items}


BERT_LARGE = {"hidden": 1024, "layers": 24, "heads": 16, "ffn": 4096}
GPT2_SIZES = {"medium": (1024, 24, 16), "large": (1280, 36, 20), "xl": (1600, 48, 25)}
LLAMA2_70B = {"hidden": 8192, "layers": 80, "heads": 64, "kv_heads": 8, "ffn": 28672}

PRESETS = _presets(
    ("bert-base", "bert", {}, "BERT-base uncased: L=12, H=768, V=30,522"),
    ("bert-base-uncased", "bert", {}, "same as bert-base"),
    ("bert-base-cased", "bert", {"vocab": 28996}, "BERT-base cased vocabulary (28,996)"),
    ("bert-base-chinese", "bert", {"vocab": 21128}, "Chinese BERT-base (vocabulary 21,128)"),
    ("bert-base-multilingual-cased", "bert", {"vocab": 119547}, "mBERT (vocabulary 119,547)"),
    ("bert-large", "bert", BERT_LARGE, "BERT-large uncased: L=24, H=1024"),
    ("bert-large-uncased", "bert", BERT_LARGE, "same as bert-large"),
    ("bert-large-cased", "bert", {**BERT_LARGE, "vocab": 28996}, "BERT-large cased"),
    ("roberta-base", "roberta", {}, "RoBERTa-base: V=50,265, 514 positions, 1 token type"),
    ("roberta-large", "roberta", BERT_LARGE, "RoBERTa-large"),
    ("albert-base", "albert", {}, "ALBERT-base v2: E=128, H=768, 12 shared layers"),
    ("albert-large", "albert", BERT_LARGE, "ALBERT-large v2: H=1024, 24 shared layers"),
    (
        "albert-xlarge",
        "albert",
        {"hidden": 2048, "layers": 24, "heads": 16, "ffn": 8192},
        "ALBERT-xlarge v2",
    ),
    (
        "albert-xxlarge",
        "albert",
        {"hidden": 4096, "layers": 12, "heads": 64, "ffn": 16384},
        "ALBERT-xxlarge v2",
    ),
    ("distilbert-base", "distilbert", {}, "DistilBERT-base uncased: 6 layers"),
    ("transformer-base", "transformer", {}, "Transformer base (Vaswani et al.): 6+6, d=512"),
    (
        "transformer-big",
        "transformer",
        {"hidden": 1024, "heads": 16, "ffn": 4096},
        "Transformer big: 6+6, d=1024",
    ),
    ("gpt2", "gpt2", {}, "GPT-2 small (124M): L=12, H=768"),
    ("gpt2-small", "gpt2", {}, "same as gpt2"),
    *[
        (
            f"gpt2-{size}",
            "gpt2",
            {"hidden": h, "layers": n, "heads": a, "ffn": 4 * h},
            f"GPT-2 {size}: L={n}, H={h}",
        )
        for size, (h, n, a) in GPT2_SIZES.items()
    ],
    ("t5-small", "t5", {}, "T5 v1.0 small: 6+6 layers, H=512, tied head"),
    (
        "t5-base",
        "t5",
        {"hidden": 768, "layers": 12, "heads": 12, "ffn": 3072},
        "T5 v1.0 base: 12+12 layers, H=768, tied head",
    ),
    (
        "t5-v1_1-small",
        "t5",
        {"hidden": 512, "layers": 8, "heads": 6, "ffn": 1024, "gated": True, "lm_head": "untied"},
        "T5 v1.1 small: gated-GELU FFN, untied head",
    ),
    (
        "t5-v1_1-base",
        "t5",
        {"hidden": 768, "layers": 12, "heads": 12, "ffn": 2048, "gated": True, "lm_head": "untied"},
        "T5 v1.1 base: gated-GELU FFN, untied head",
    ),
    ("llama-7b", "llama", {}, "LLaMA-1 7B: L=32, H=4096, F=11,008, V=32,000"),
    ("llama-2-7b", "llama", {}, "Llama-2 7B (same shapes as LLaMA-1 7B)"),
    (
        "llama-2-13b",
        "llama",
        {"hidden": 5120, "layers": 40, "heads": 40, "ffn": 13824},
        "Llama-2 13B",
    ),
    ("llama-2-70b", "llama", LLAMA2_70B, "Llama-2 70B: 80 layers, GQA with 8 KV heads"),
    (
        "llama-3-8b",
        "llama",
        {"vocab": 128256, "kv_heads": 8, "ffn": 14336},
        "Llama-3 8B: V=128,256, GQA with 8 KV heads",
    ),
    ("llama-3-70b", "llama", {**LLAMA2_70B, "vocab": 128256}, "Llama-3 70B"),
    ("vit-base-16", "vit", {}, "ViT-Base/16 at 224×224 (ViTModel, with pooler)"),
    (
        "vit-large-16",
        "vit",
        {"hidden": 1024, "layers": 24, "heads": 16, "ffn": 4096},
        "ViT-Large/16 at 224×224 (ViTModel, with pooler)",
    ),
)
ALIASES = {
    "gpt-2": "gpt2",
    "vit-b-16": "vit-base-16",
    "vit-base": "vit-base-16",
    "llama2-7b": "llama-2-7b",
    "llama3-8b": "llama-3-8b",
}


def known_names() -> list[str]:
    return [*PRESETS, *MODEL_FAMILIES]


def family_of(target: str) -> Family | None:
    """The family a preset, family or layer name belongs to (None when unknown)."""
    name = ALIASES.get(target.strip().lower(), target.strip().lower())
    if name in PRESETS:
        return MODEL_FAMILIES[PRESETS[name].family]
    return MODEL_FAMILIES.get(name) or LAYERS.get(LAYER_ALIASES.get(name, name))


def resolve(
    target: str, overrides: Mapping[str, Any] | None = None, *, where: str = ""
) -> ArchitectureSpec:
    """A preset or family name plus overrides -> a validated spec.

    Args:
        target: a preset (`bert-base`), a model family (`bert`) or a layer kind (`lstm`).
        overrides: hyperparameters by option name; None values are ignored.
        where: a prefix for error messages (`architecture.` in a bank file).
    """
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    name = target.strip().lower()
    name = ALIASES.get(name, name)
    if name in PRESETS:
        preset = PRESETS[name]
        family = MODEL_FAMILIES[preset.family]
        base = {**family.defaults, **preset.values}
        label = name if not given else f"{name} (modified)"
    elif name in MODEL_FAMILIES:
        family = MODEL_FAMILIES[name]
        base = dict(family.defaults)
        label = name if not given else f"{name} (custom)"
    elif LAYER_ALIASES.get(name, name) in LAYERS:
        family = LAYERS[LAYER_ALIASES.get(name, name)]
        base = dict(family.defaults)
        label = family.title
    else:
        from quizzer.core.schema import closest_names  # ~5 ms, only for the error

        near = closest_names(name, [*known_names(), *LAYERS])
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        raise ParamsError(
            f"unknown model {target!r}.{hint} (`quizzer params --list` shows the presets)"
        )
    return build_spec(family, base, given, label, where)


def build_spec(
    family: Family, base: Mapping[str, Any], given: Mapping[str, Any], label: str, where: str = ""
) -> ArchitectureSpec:
    allowed = {p.name: p for p in family.params}
    for key in given:
        if key not in allowed:
            options = ", ".join(p.name for p in family.params)
            raise ParamsError(
                f"{where}{key} does not apply to {family.name} (its options: {options})"
            )
    values: dict[str, Any] = {}
    for param in family.params:
        value = given.get(param.name, base.get(param.name))
        if value is None:
            if param.name in family.optional:
                values[param.name] = None
                continue
            raise ParamsError(f"{family.name} needs {where}{param.name} ({param.help})")
        values[param.name] = coerce(param, value, where)
    family.check(values)
    return ArchitectureSpec(family, label, family.derive(values))


def count(target: str, overrides: Mapping[str, Any] | None = None) -> Breakdown:
    """The breakdown of a preset, family or layer kind with overrides."""
    spec = resolve(target, overrides)
    return spec.family.build(spec)


def build(spec: ArchitectureSpec) -> Breakdown:
    return spec.family.build(spec)
