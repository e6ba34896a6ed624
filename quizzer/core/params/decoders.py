"""Decoder-only Transformers: GPT-2 (tied LM head) and LLaMA-style models.

GPT-2 matches HuggingFace `GPT2LMHeadModel` (LayerNorms before attention and FFN, a final
`ln_f`, the LM head tied to the token embedding). LLaMA matches `LlamaForCausalLM`: RMSNorm
(a scale, no shift), a SwiGLU FFN with three matrices, grouped-query attention (G key/value
heads of size D shared by A/G query heads), no biases, an untied LM head.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.params.breakdown import Breakdown, Component, component
from quizzer.core.params.encoders import check_transformer, with_bias
from quizzer.core.params.hparams import (
    BIAS,
    FFN,
    HEAD_DIM,
    HEADS,
    HIDDEN,
    KV_HEADS,
    LAYERS,
    LM_HEAD,
    POSITIONS,
    VOCAB,
    ArchitectureSpec,
    Family,
    ParamsError,
    require_divisible,
)


def lm_head(values: Mapping[str, Any], sym: Mapping[str, int]) -> list[Component]:
    """The output projection H→V: no new parameters when tied to the token embedding."""
    head = values.get("lm_head", "none")
    if head == "none":
        return []
    tied = head == "tied"
    return [
        component(
            "head.lm",
            "LM head H→V",
            "0" if tied else "H*V",
            sym,
            matmul="H*V",
            note="tied to the token embedding: no new parameters" if tied else "",
        )
    ]


def build_gpt2(spec: ArchitectureSpec) -> Breakdown:
    values, sym = spec.values, spec.symbols()
    bias = bool(values.get("bias", True))
    layer = "L"
    parts = [
        component("embeddings.token", "token embeddings (wte)", "V*H", sym),
        component("embeddings.position", "position embeddings (wpe)", "P*H", sym),
        component("decoder.attention_norm", "ln_1 LayerNorm (γ, β)", "2*H", sym, repeat=layer),
        component(
            "decoder.qkv",
            "attention c_attn H→3H (Q, K, V)",
            "3*(H**2 + H)" if bias else "3*H**2",
            sym,
            repeat=layer,
            matmul="3*H**2",
        ),
        component(
            "decoder.attention_output",
            "attention c_proj H→H",
            with_bias("H**2", "H", bias),
            sym,
            repeat=layer,
            matmul="H**2",
        ),
        component("decoder.ffn_norm", "ln_2 LayerNorm (γ, β)", "2*H", sym, repeat=layer),
        component(
            "decoder.ffn_in",
            "MLP c_fc H→F",
            with_bias("H*F", "F", bias),
            sym,
            repeat=layer,
            matmul="H*F",
        ),
        component(
            "decoder.ffn_out",
            "MLP c_proj F→H",
            with_bias("F*H", "H", bias),
            sym,
            repeat=layer,
            matmul="F*H",
        ),
        component("final.norm", "ln_f final LayerNorm (γ, β)", "2*H", sym),
    ]
    parts += lm_head(values, sym)
    return Breakdown(
        spec.family.name, spec.label, spec.family.description, dict(values), sym, tuple(parts)
    )


GPT2 = Family(
    "gpt2",
    "GPT-2",
    "model",
    (LAYERS, HIDDEN, HEADS, FFN, VOCAB, POSITIONS, BIAS, LM_HEAD),
    {
        "vocab": 50257,
        "positions": 1024,
        "hidden": 768,
        "layers": 12,
        "heads": 12,
        "ffn": 3072,
        "bias": True,
        "lm_head": "tied",
    },
    build_gpt2,
    check_transformer,
    "HuggingFace GPT2LMHeadModel (LM head tied to the token embedding)",
)


def build_llama(spec: ArchitectureSpec) -> Breakdown:
    values, sym = spec.values, spec.symbols()
    bias = bool(values.get("bias", False))
    layer = "L"
    grouped = sym["G"] != sym["A"]
    parts = [
        component("embeddings.token", "token embeddings", "V*H", sym),
        component("decoder.attention_norm", "input RMSNorm (γ)", "H", sym, repeat=layer),
        component(
            "decoder.q",
            "attention Q H→A·D",
            with_bias("H*A*D", "A*D", bias),
            sym,
            repeat=layer,
            matmul="H*A*D",
        ),
        component(
            "decoder.kv",
            "attention K, V H→G·D each" + (" (grouped-query)" if grouped else ""),
            "2*(H*G*D + G*D)" if bias else "2*H*G*D",
            sym,
            repeat=layer,
            matmul="2*H*G*D",
        ),
        component(
            "decoder.attention_output",
            "attention output A·D→H",
            with_bias("A*D*H", "H", bias),
            sym,
            repeat=layer,
            matmul="A*D*H",
        ),
        component("decoder.ffn_norm", "post-attention RMSNorm (γ)", "H", sym, repeat=layer),
        component(
            "decoder.ffn_gate_up",
            "SwiGLU gate and up H→F each",
            "2*(H*F + F)" if bias else "2*H*F",
            sym,
            repeat=layer,
            matmul="2*H*F",
        ),
        component(
            "decoder.ffn_down",
            "SwiGLU down F→H",
            with_bias("F*H", "H", bias),
            sym,
            repeat=layer,
            matmul="F*H",
        ),
        component("final.norm", "final RMSNorm (γ)", "H", sym),
    ]
    parts += lm_head(values, sym)
    return Breakdown(
        spec.family.name, spec.label, spec.family.description, dict(values), sym, tuple(parts)
    )


def check_llama(values: Mapping[str, Any]) -> None:
    if values.get("head_dim") is None:
        require_divisible(
            values,
            "hidden",
            "heads",
            "the head size defaults to hidden/heads; give --head-dim otherwise",
        )
    kv_heads = values.get("kv_heads") or values["heads"]
    if kv_heads > values["heads"]:
        raise ParamsError(
            f"kv_heads={kv_heads} exceeds heads={values['heads']} (grouped-query "
            "attention shares each key/value head among several query heads)"
        )
    require_divisible(
        values, "heads", "kv_heads", "each key/value head serves a whole number of query heads"
    )


def llama_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Fill the derived defaults: head_dim = hidden/heads, kv_heads = heads."""
    out = dict(values)
    if out.get("kv_heads") is None:
        out["kv_heads"] = out["heads"]
    if out.get("head_dim") is None:
        out["head_dim"] = out["hidden"] // out["heads"]
    return out


LLAMA = Family(
    "llama",
    "LLaMA",
    "model",
    (LAYERS, HIDDEN, HEADS, KV_HEADS, HEAD_DIM, FFN, VOCAB, BIAS, LM_HEAD),
    {
        "vocab": 32000,
        "hidden": 4096,
        "layers": 32,
        "heads": 32,
        "kv_heads": None,
        "head_dim": None,
        "ffn": 11008,
        "bias": False,
        "lm_head": "untied",
    },
    build_llama,
    check_llama,
    "HuggingFace LlamaForCausalLM (RMSNorm, SwiGLU, grouped-query attention, untied LM head)",
    optional=frozenset({"kv_heads", "head_dim"}),
    derive=llama_values,
)
