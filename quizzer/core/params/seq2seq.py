"""Encoder-decoder Transformers: the original Transformer and T5.

The original Transformer (Vaswani et al. 2017, base: 6+6 layers, d_model 512) shares one
embedding table between the source, the target and the pre-softmax projection; its sinusoidal
positions have no parameters; post-LN layers with biases, no final norm.

T5 matches HuggingFace `T5ForConditionalGeneration`: no biases anywhere, RMS-style LayerNorms
(a scale only), attention inner size A·D that need not equal H, a relative position bias
(B buckets × A heads) in the first layer of each stack only, a final norm per stack, and a
head tied to the shared embedding (T5 v1.0) or untied and with a gated FFN (v1.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.params.breakdown import Breakdown, Component, component
from quizzer.core.params.decoders import lm_head
from quizzer.core.params.encoders import check_transformer, encoder_layer, with_bias
from quizzer.core.params.hparams import (
    BIAS,
    BUCKETS,
    DECODER_LAYERS,
    FFN,
    GATED,
    HEAD_DIM,
    HEADS,
    HIDDEN,
    LAYERS,
    LM_HEAD,
    TIED_EMBEDDINGS,
    VOCAB,
    ArchitectureSpec,
    Family,
)


def build_transformer(spec: ArchitectureSpec) -> Breakdown:
    values, sym = spec.values, spec.symbols()
    bias = bool(values.get("bias", True))
    if values.get("tied_embeddings", True):
        parts = [
            component(
                "embeddings.token", "token embedding (source and target share it)", "V*H", sym
            )
        ]
    else:
        parts = [
            component("embeddings.source", "source token embedding", "V*H", sym),
            component("embeddings.target", "target token embedding", "V*H", sym),
        ]
    parts += encoder_layer("encoder", sym, bias=bias, repeat="L")
    parts += _post_ln_decoder_layer(sym, bias)
    if values.get("lm_head", "tied") != "none":
        tied = values.get("lm_head", "tied") == "tied"
        target = "token embedding" if values.get("tied_embeddings", True) else "target embedding"
        parts.append(
            component(
                "head.lm",
                "pre-softmax projection H→V",
                "0" if tied else "H*V",
                sym,
                matmul="H*V",
                note=f"tied to the {target}: no new parameters" if tied else "",
            )
        )
    return Breakdown(
        spec.family.name, spec.label, spec.family.description, dict(values), sym, tuple(parts)
    )


def _post_ln_decoder_layer(sym: Mapping[str, int], bias: bool) -> list[Component]:
    r = "L_d"
    return [
        component(
            "decoder.qkv",
            "masked self-attention Q, K, V",
            "3*(H**2 + H)" if bias else "3*H**2",
            sym,
            repeat=r,
            matmul="3*H**2",
        ),
        component(
            "decoder.attention_output",
            "self-attention output projection",
            with_bias("H**2", "H", bias),
            sym,
            repeat=r,
            matmul="H**2",
        ),
        component(
            "decoder.attention_norm", "self-attention LayerNorm (γ, β)", "2*H", sym, repeat=r
        ),
        component(
            "decoder.cross_qkv",
            "cross-attention Q, K, V (K, V from the encoder)",
            "3*(H**2 + H)" if bias else "3*H**2",
            sym,
            repeat=r,
            matmul="3*H**2",
        ),
        component(
            "decoder.cross_output",
            "cross-attention output projection",
            with_bias("H**2", "H", bias),
            sym,
            repeat=r,
            matmul="H**2",
        ),
        component("decoder.cross_norm", "cross-attention LayerNorm (γ, β)", "2*H", sym, repeat=r),
        component(
            "decoder.ffn_in",
            "FFN in (H→F)",
            with_bias("H*F", "F", bias),
            sym,
            repeat=r,
            matmul="H*F",
        ),
        component(
            "decoder.ffn_out",
            "FFN out (F→H)",
            with_bias("F*H", "H", bias),
            sym,
            repeat=r,
            matmul="F*H",
        ),
        component("decoder.ffn_norm", "FFN LayerNorm (γ, β)", "2*H", sym, repeat=r),
    ]


TRANSFORMER = Family(
    "transformer",
    "Transformer",
    "model",
    (LAYERS, DECODER_LAYERS, HIDDEN, HEADS, FFN, VOCAB, TIED_EMBEDDINGS, BIAS, LM_HEAD),
    {
        "vocab": 37000,
        "hidden": 512,
        "layers": 6,
        "decoder_layers": 6,
        "heads": 8,
        "ffn": 2048,
        "tied_embeddings": True,
        "bias": True,
        "lm_head": "tied",
    },
    build_transformer,
    check_transformer,
    "Vaswani et al. 2017: shared source/target/output embedding, sinusoidal "
    "positions (no parameters), post-LN",
)


def build_t5(spec: ArchitectureSpec) -> Breakdown:
    values, sym = spec.values, spec.symbols()
    gated = bool(values.get("gated", False))
    parts = [component("embeddings.token", "shared token embedding", "V*H", sym)]
    for stack, repeat in (("encoder", "L"), ("decoder", "L_d")):
        parts.append(
            component(
                f"{stack}.relative_bias", "relative position bias (first layer only)", "B*A", sym
            )
        )
        parts += _t5_attention(stack, "", "self-attention", sym, repeat)
        if stack == "decoder":
            parts += _t5_attention(stack, "cross_", "cross-attention", sym, repeat)
        parts += [
            component(f"{stack}.ffn_norm", "FFN RMSNorm (γ)", "H", sym, repeat=repeat),
            component(
                f"{stack}.ffn_in",
                "FFN wi_0, wi_1 H→F each (gated-GELU)" if gated else "FFN wi H→F",
                "2*H*F" if gated else "H*F",
                sym,
                repeat=repeat,
                matmul="2*H*F" if gated else "H*F",
            ),
            component(f"{stack}.ffn_out", "FFN wo F→H", "F*H", sym, repeat=repeat, matmul="F*H"),
            component(f"{stack}.final_norm", f"{stack} final RMSNorm (γ)", "H", sym),
        ]
    parts += lm_head(values, sym)
    return Breakdown(
        spec.family.name, spec.label, spec.family.description, dict(values), sym, tuple(parts)
    )


def _t5_attention(
    stack: str, prefix: str, title: str, sym: Mapping[str, int], repeat: str
) -> list[Component]:
    return [
        component(
            f"{stack}.{prefix}attention_norm", f"{title} RMSNorm (γ)", "H", sym, repeat=repeat
        ),
        component(
            f"{stack}.{prefix}qkv",
            f"{title} Q, K, V H→A·D each (no bias)",
            "3*H*A*D",
            sym,
            repeat=repeat,
            matmul="3*H*A*D",
        ),
        component(
            f"{stack}.{prefix}attention_output",
            f"{title} output A·D→H",
            "A*D*H",
            sym,
            repeat=repeat,
            matmul="A*D*H",
        ),
    ]


def t5_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if out.get("decoder_layers") is None:
        out["decoder_layers"] = out["layers"]
    return out


T5 = Family(
    "t5",
    "T5",
    "model",
    (LAYERS, DECODER_LAYERS, HIDDEN, HEADS, HEAD_DIM, FFN, VOCAB, BUCKETS, GATED, LM_HEAD),
    {
        "vocab": 32128,
        "hidden": 512,
        "layers": 6,
        "decoder_layers": None,
        "heads": 8,
        "head_dim": 64,
        "ffn": 2048,
        "buckets": 32,
        "gated": False,
        "lm_head": "tied",
    },
    build_t5,
    description="HuggingFace T5ForConditionalGeneration (no biases; "
    "relative position bias in the first layer of each stack)",
    optional=frozenset({"decoder_layers"}),
    derive=t5_values,
)
