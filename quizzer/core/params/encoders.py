"""Encoder-only Transformers: BERT, RoBERTa, ALBERT, DistilBERT (HuggingFace layouts) and ViT.

Conventions (the ones the reference figures use): `BertModel` includes the pooler; each layer
has Q, K, V and output projections with biases, an FFN H→F→H with both biases, and two
LayerNorms (after attention and after the FFN), plus one LayerNorm on the embeddings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from quizzer.core.params.breakdown import Breakdown, Component, component
from quizzer.core.params.hparams import (
    BIAS,
    CHANNELS,
    CLASSES,
    EMBEDDING_SIZE,
    FFN,
    HEADS,
    HIDDEN,
    IMAGE,
    LAYERS,
    LM_HEAD,
    NSP,
    PATCH,
    POOLER,
    POSITIONS,
    SINUSOIDAL,
    TOKEN_TYPES,
    VOCAB,
    ArchitectureSpec,
    Family,
    require_divisible,
)


def with_bias(weights: str, bias: str, on: bool) -> str:
    """`H**2 + H` when biases are on, `H**2` when they are off."""
    return f"{weights} + {bias}" if on else weights


def encoder_layer(
    group: str,
    sym: Mapping[str, int],
    *,
    bias: bool,
    repeat: str,
    note: str = "",
    uses: str | None = None,
) -> list[Component]:
    """One post-LN (BERT) or pre-LN (ViT) encoder layer: the counts are the same."""
    parts = [
        component(
            f"{group}.qkv",
            "attention Q, K, V (H→H each)",
            "3*(H**2 + H)" if bias else "3*H**2",
            sym,
            repeat=repeat,
            matmul="3*H**2",
            in_layer=True,
            note=note,
        ),
        component(
            f"{group}.attention_output",
            "attention output projection",
            with_bias("H**2", "H", bias),
            sym,
            repeat=repeat,
            matmul="H**2",
            in_layer=True,
        ),
        component(
            f"{group}.attention_norm",
            "attention LayerNorm (γ, β)",
            "2*H",
            sym,
            repeat=repeat,
            in_layer=True,
        ),
        component(
            f"{group}.ffn_in",
            "FFN in (H→F)",
            with_bias("H*F", "F", bias),
            sym,
            repeat=repeat,
            matmul="H*F",
            in_layer=True,
        ),
        component(
            f"{group}.ffn_out",
            "FFN out (F→H)",
            with_bias("F*H", "H", bias),
            sym,
            repeat=repeat,
            matmul="F*H",
            in_layer=True,
        ),
        component(
            f"{group}.ffn_norm", "FFN LayerNorm (γ, β)", "2*H", sym, repeat=repeat, in_layer=True
        ),
    ]
    if uses is None:
        return parts
    return [dataclasses.replace(p, uses=uses) for p in parts]


def build_bert_like(spec: ArchitectureSpec) -> Breakdown:
    values, sym = spec.values, spec.symbols()
    bias = bool(values.get("bias", True))
    factorized = "embedding_size" in values
    width = "E" if factorized else "H"
    sinusoidal = bool(values.get("sinusoidal", False))
    parts = [
        component("embeddings.token", "token embeddings", f"V*{width}", sym),
        component(
            "embeddings.position",
            "position embeddings",
            f"P*{width}",
            sym,
            trainable=not sinusoidal,
            note="fixed sinusoidal table, frozen" if sinusoidal else "",
        ),
    ]
    if values.get("token_types", 0):
        parts.append(
            component("embeddings.token_type", "token type (segment) embeddings", f"T*{width}", sym)
        )
    parts.append(component("embeddings.norm", "embedding LayerNorm (γ, β)", f"2*{width}", sym))
    if factorized:
        parts.append(
            component(
                "embeddings.projection",
                "embedding projection E→H",
                with_bias("E*H", "H", bias),
                sym,
                matmul="E*H",
            )
        )
    shared = spec.family.name == "albert"
    parts += encoder_layer(
        "encoder",
        sym,
        bias=bias,
        repeat="1" if shared else "L",
        note="one layer shared by all L layers" if shared else "",
        uses="L" if shared else None,
    )
    if values.get("pooler", False):
        parts.append(
            component(
                "pooler.dense",
                "pooler dense H→H (tanh, on [CLS])",
                with_bias("H**2", "H", bias),
                sym,
            )
        )
    parts += _mlm_head(values, sym, width, bias)
    if values.get("nsp", False):
        parts.append(
            component("head.nsp", "next-sentence classifier H→2", with_bias("2*H", "2", bias), sym)
        )
    return Breakdown(
        spec.family.name, spec.label, spec.family.description, dict(values), sym, tuple(parts)
    )


def _mlm_head(
    values: Mapping[str, Any], sym: Mapping[str, int], width: str, bias: bool
) -> list[Component]:
    """The masked-LM head: transform dense + LayerNorm, decoder to the vocabulary + bias."""
    head = values.get("lm_head", "none")
    if head == "none":
        return []
    tied = head == "tied"
    return [
        component(
            "head.transform",
            f"MLM transform dense H→{width}",
            with_bias(f"H*{width}", width, bias),
            sym,
            matmul=f"H*{width}",
        ),
        component("head.norm", "MLM transform LayerNorm (γ, β)", f"2*{width}", sym),
        component(
            "head.decoder",
            f"MLM decoder {width}→V",
            "0" if tied else f"{width}*V",
            sym,
            matmul=f"{width}*V",
            note="tied to the token embedding: no new parameters" if tied else "",
        ),
        *([component("head.bias", "MLM output bias", "V", sym)] if bias else []),
    ]


def check_transformer(values: Mapping[str, Any]) -> None:
    require_divisible(values, "hidden", "heads", "each head gets hidden/heads dimensions")


BERT_PARAMS = (
    LAYERS,
    HIDDEN,
    HEADS,
    FFN,
    VOCAB,
    POSITIONS,
    TOKEN_TYPES,
    POOLER,
    BIAS,
    LM_HEAD,
    NSP,
)
BERT_BASE = {
    "vocab": 30522,
    "positions": 512,
    "token_types": 2,
    "hidden": 768,
    "layers": 12,
    "heads": 12,
    "ffn": 3072,
    "pooler": True,
    "bias": True,
    "lm_head": "none",
    "nsp": False,
}

BERT = Family(
    "bert",
    "BERT",
    "model",
    BERT_PARAMS,
    BERT_BASE,
    build_bert_like,
    check_transformer,
    "HuggingFace BertModel (pooler on by default)",
)
ROBERTA = Family(
    "roberta",
    "RoBERTa",
    "model",
    BERT_PARAMS,
    {**BERT_BASE, "vocab": 50265, "positions": 514, "token_types": 1},
    build_bert_like,
    check_transformer,
    "HuggingFace RobertaModel: BERT with 514 positions and one token type",
)
ALBERT = Family(
    "albert",
    "ALBERT",
    "model",
    (
        LAYERS,
        HIDDEN,
        HEADS,
        FFN,
        EMBEDDING_SIZE,
        VOCAB,
        POSITIONS,
        TOKEN_TYPES,
        POOLER,
        BIAS,
        LM_HEAD,
        NSP,
    ),
    {**BERT_BASE, "vocab": 30000, "embedding_size": 128},
    build_bert_like,
    check_transformer,
    "HuggingFace AlbertModel: factorized embedding V·E + E·H, all layers sharing "
    "one set of weights",
)
DISTILBERT = Family(
    "distilbert",
    "DistilBERT",
    "model",
    (LAYERS, HIDDEN, HEADS, FFN, VOCAB, POSITIONS, SINUSOIDAL, BIAS, LM_HEAD),
    {
        "vocab": 30522,
        "positions": 512,
        "hidden": 768,
        "layers": 6,
        "heads": 12,
        "ffn": 3072,
        "bias": True,
        "lm_head": "none",
        "sinusoidal": False,
    },
    build_bert_like,
    check_transformer,
    "HuggingFace DistilBertModel: no token types, no pooler",
)


def build_vit(spec: ArchitectureSpec) -> Breakdown:
    values, sym = spec.values, spec.symbols()
    bias = bool(values.get("bias", True))
    parts = [
        component(
            "embeddings.patch",
            "patch embedding (S×S conv, stride S)",
            with_bias("C*S**2*H", "H", bias),
            sym,
            matmul="C*S**2*H",
        ),
        component("embeddings.cls", "[CLS] token", "H", sym),
        component(
            "embeddings.position",
            "position embeddings ((I/S)² patches + [CLS])",
            "((I/S)**2 + 1)*H",
            sym,
        ),
    ]
    parts += encoder_layer("encoder", sym, bias=bias, repeat="L")
    parts.append(component("final.norm", "final LayerNorm (γ, β)", "2*H", sym))
    if values.get("pooler", False):
        parts.append(
            component(
                "pooler.dense",
                "pooler dense H→H (tanh, on [CLS])",
                with_bias("H**2", "H", bias),
                sym,
            )
        )
    if values.get("classes", 0):
        parts.append(
            component(
                "head.classifier", "classifier H→K", with_bias("H*K", "K", bias), sym, matmul="H*K"
            )
        )
    return Breakdown(
        spec.family.name, spec.label, spec.family.description, dict(values), sym, tuple(parts)
    )


def check_vit(values: Mapping[str, Any]) -> None:
    check_transformer(values)
    require_divisible(values, "image", "patch", "the image must split into whole patches")


VIT = Family(
    "vit",
    "ViT",
    "model",
    (LAYERS, HIDDEN, HEADS, FFN, IMAGE, PATCH, CHANNELS, CLASSES, POOLER, BIAS),
    {
        "hidden": 768,
        "layers": 12,
        "heads": 12,
        "ffn": 3072,
        "image": 224,
        "patch": 16,
        "channels": 3,
        "classes": 0,
        "pooler": True,
        "bias": True,
    },
    build_vit,
    check_vit,
    "HuggingFace ViTModel (pooler on, no classifier; --classes 1000 --no-pooler is "
    "ViTForImageClassification)",
)
