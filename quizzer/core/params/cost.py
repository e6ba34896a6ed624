"""FLOPs per token and memory (weights, Adam training, KV cache) from a breakdown.

Conventions, stated where they are shown:

- Forward FLOPs per token = 2·N_mm (one multiply and one add per weight of every matrix the
  token passes through, the LM head included even when tied; embedding lookups, norms and
  biases are lower-order and left out) + the attention term 4·n·d_attn per attention block
  (QKᵀ and the weighted sum of V, each 2·n·d_attn, over n context tokens). Kaplan et al.
  (2020) write 2·n_layer·n_ctx·d_attn because causal masking halves the average context.
- Training ≈ 3 × forward: the backward pass costs about twice the forward.
- Adam keeps two fp32 moments per trainable parameter. fp32 training: 4 (weights) + 4 (grads)
  + 8 (moments) = 16 bytes per parameter. Mixed precision (the ZeRO paper's accounting):
  2 (bf16/fp16 weights) + 2 (grads) + 4 (fp32 master copy) + 8 (moments) = 16 bytes.
  Activations are not included: they depend on batch, sequence length and checkpointing.
- KV cache: 2 (K and V) · layers · batch · context · G·D values, where G·D is the width of the
  key/value projections (H without grouped-query attention).
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzer.core.params.breakdown import Breakdown
from quizzer.core.params.formula import Polynomial, evaluate

DTYPE_BYTES = {"fp32": 4.0, "bf16": 2.0, "fp16": 2.0, "int8": 1.0, "int4": 0.5}
GB = 1e9
GIB = 2**30


@dataclass(frozen=True, slots=True)
class CostLine:
    """One computed quantity: `key` for scripts and drills, a formula for people."""

    key: str
    name: str
    formula: str
    value: float
    unit: str  # "FLOPs" or "bytes"


def matmul_polynomial(breakdown: Breakdown) -> Polynomial:
    """N_mm in symbols: the weights every token multiplies, each counted per application."""
    total = Polynomial.constant(0)
    for comp in breakdown.components:
        if comp.matmul is not None:
            total = total + Polynomial.parse(comp.matmul) * Polynomial.parse(
                comp.uses or comp.repeat
            )
    return total


def matmul_weights(breakdown: Breakdown) -> int:
    return sum(
        evaluate(c.matmul, breakdown.symbols) * evaluate(c.uses or c.repeat, breakdown.symbols)
        for c in breakdown.components
        if c.matmul is not None
    )


def attention_width(breakdown: Breakdown) -> tuple[str, int]:
    """d_attn: A·D when the model has an explicit head size, else H."""
    sym = breakdown.symbols
    if "D" in sym and "A" in sym:
        return "A·D", sym["A"] * sym["D"]
    return "H", sym["H"]


def attention_blocks(breakdown: Breakdown) -> tuple[str, int]:
    """How many attention operations a token goes through (self and cross), in symbols."""
    repeats = [c.uses or c.repeat for c in breakdown.components if c.key.endswith((".qkv", ".q"))]
    if not repeats:
        return "0", 0
    text = " + ".join(repeats)
    return text, sum(evaluate(r, breakdown.symbols) for r in repeats)


def flops(breakdown: Breakdown, seq: int) -> list[CostLine]:
    """Forward and training FLOPs per token for a context of `seq` tokens."""
    n_mm = matmul_weights(breakdown)
    mm_formula = matmul_polynomial(breakdown).display(breakdown.symbols)
    width_name, width = attention_width(breakdown)
    blocks_text, blocks = attention_blocks(breakdown)
    attention = 4 * seq * width * blocks
    forward = 2 * n_mm + attention
    factor = blocks_text if blocks_text.isidentifier() else f"({blocks_text})"
    return [
        CostLine(
            "flops.matmul_weights",
            "N_mm: weights multiplied per token",
            mm_formula,
            n_mm,
            "parameters",
        ),
        CostLine("flops.matmul", "matmul term 2·N_mm", "2·N_mm", 2 * n_mm, "FLOPs"),
        CostLine(
            "flops.attention",
            f"attention term (n = {seq:,})",
            f"4·{factor}·n·{width_name}",
            attention,
            "FLOPs",
        ),
        CostLine("flops.forward", "forward per token", "2·N_mm + attention", forward, "FLOPs"),
        CostLine(
            "flops.training",
            "training per token (forward + backward)",
            "3 × forward",
            3 * forward,
            "FLOPs",
        ),
    ]


def weight_memory(breakdown: Breakdown) -> list[CostLine]:
    total = breakdown.total
    return [
        CostLine(
            f"memory.weights.{dtype}",
            f"weights in {dtype}",
            f"{format_size(size)}·N",
            total * size,
            "bytes",
        )
        for dtype, size in DTYPE_BYTES.items()
    ]


def training_memory(breakdown: Breakdown) -> list[CostLine]:
    """Adam: weights, gradients and two moments; gradients and moments for trainable only."""
    n, t = breakdown.total, breakdown.trainable
    frozen = "" if n == t else " (N_t: trainable)"
    return [
        CostLine(
            "memory.adam", f"Adam, fp32{frozen}", "4N + 4N_t + 8N_t", 4 * n + 4 * t + 8 * t, "bytes"
        ),
        CostLine(
            "memory.adam_mixed",
            f"Adam, mixed precision{frozen}",
            "2N + 2N_t + 4N_t + 8N_t",
            2 * n + 2 * t + 4 * t + 8 * t,
            "bytes",
        ),
    ]


def kv_cache(breakdown: Breakdown, batch: int, context: int, dtype: str) -> list[CostLine]:
    """Bytes of cached keys and values; encoder-only models and single layers have none."""
    sym = breakdown.symbols
    size = DTYPE_BYTES[dtype]
    if breakdown.family == "llama":
        width_name, width = "G·D", sym["G"] * sym["D"]
    elif "D" in sym:
        width_name, width = "A·D", sym["A"] * sym["D"]
    else:
        width_name, width = "H", sym["H"]
    if breakdown.family in ("gpt2", "llama"):
        layers_name, layers = "L", sym["L"]
    elif breakdown.family in ("t5", "transformer"):
        layers_name, layers = "L_d", sym["L_d"]
    else:
        return []
    per_token = 2 * layers * width * size
    lines = [
        CostLine(
            "memory.kv_cache",
            f"KV cache, {dtype}, batch {batch}, context {context:,}",
            f"2·{layers_name}·b·n·{width_name}·{format_size(size)}",
            per_token * batch * context,
            "bytes",
        )
    ]
    if breakdown.family in ("t5", "transformer"):
        lines.append(
            CostLine(
                "memory.kv_cache_cross",
                f"cross-attention K, V of {context:,} source tokens",
                f"2·{layers_name}·b·n_src·{width_name}·{format_size(size)}",
                per_token * batch * context,
                "bytes",
            )
        )
    return lines


def format_size(size: float) -> str:
    """4.0 -> "4", 0.5 -> "0.5" (bytes per parameter)."""
    return str(int(size)) if float(size).is_integer() else str(size)


def human_bytes(value: float) -> str:
    """`13.48 GB (12.55 GiB)`."""
    return f"{value / GB:,.2f} GB ({value / GIB:,.2f} GiB)"


def human_flops(value: float) -> str:
    for unit, scale in (("TFLOPs", 1e12), ("GFLOPs", 1e9), ("MFLOPs", 1e6)):
        if value >= scale:
            return f"{value / scale:,.2f} {unit}"
    return f"{value:,.0f} FLOPs"
