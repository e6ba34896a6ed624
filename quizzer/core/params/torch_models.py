"""The same architectures built from torch.nn modules, for `--verify`.

Written from the hyperparameters alone, without the formulas, so that a wrong formula cannot
hide: each builder returns the model and, for every breakdown component key, the modules or
parameters that hold it. Callers build inside `meta_device()` (see `verify.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# The torch types are only for readers: this module is imported after torch is.
Values = Mapping[str, Any]
Parts = dict[str, list[Any]]


def _rms_norm(nn: Any, size: int) -> Any:
    """nn.RMSNorm (torch >= 2.4), else a module holding the same single scale vector."""
    if hasattr(nn, "RMSNorm"):
        return nn.RMSNorm(size)
    import torch

    module = nn.Module()
    module.weight = nn.Parameter(torch.empty(size))
    return module


def _add(parts: Parts, key: str, *objects: Any) -> None:
    parts.setdefault(key, []).extend(o for o in objects if o is not None)


def bert_like(nn: Any, v: Values, family: str) -> tuple[Any, Parts]:
    import torch

    hidden, bias = v["hidden"], v["bias"]
    width = v.get("embedding_size") or hidden
    model, parts = nn.Module(), Parts()
    model.word = nn.Embedding(v["vocab"], width)
    model.position = nn.Embedding(v["positions"], width)
    if v.get("sinusoidal"):
        model.position.weight.requires_grad_(False)
    _add(parts, "embeddings.token", model.word)
    _add(parts, "embeddings.position", model.position)
    if v.get("token_types"):
        model.token_type = nn.Embedding(v["token_types"], width)
        _add(parts, "embeddings.token_type", model.token_type)
    model.embedding_norm = nn.LayerNorm(width)
    _add(parts, "embeddings.norm", model.embedding_norm)
    if family == "albert":
        model.mapping = nn.Linear(width, hidden, bias=bias)
        _add(parts, "embeddings.projection", model.mapping)

    def make_layer() -> Any:
        return nn.ModuleDict(
            {
                "query": nn.Linear(hidden, hidden, bias=bias),
                "key": nn.Linear(hidden, hidden, bias=bias),
                "value": nn.Linear(hidden, hidden, bias=bias),
                "output": nn.Linear(hidden, hidden, bias=bias),
                "attention_norm": nn.LayerNorm(hidden),
                "intermediate": nn.Linear(hidden, v["ffn"], bias=bias),
                "ffn_output": nn.Linear(v["ffn"], hidden, bias=bias),
                "output_norm": nn.LayerNorm(hidden),
            }
        )

    if family == "albert":  # one set of weights applied by every layer
        shared = make_layer()
        model.layers = nn.ModuleList([shared] * v["layers"])
    else:
        model.layers = nn.ModuleList(make_layer() for _ in range(v["layers"]))
    _encoder_parts(parts, "encoder", model.layers)
    if v.get("pooler"):
        model.pooler = nn.Linear(hidden, hidden, bias=bias)
        _add(parts, "pooler.dense", model.pooler)
    if v.get("lm_head", "none") != "none":
        model.transform = nn.Linear(hidden, width, bias=bias)
        model.transform_norm = nn.LayerNorm(width)
        model.decoder = nn.Linear(width, v["vocab"], bias=False)
        if v["lm_head"] == "tied":
            model.decoder.weight = model.word.weight
        _add(parts, "head.transform", model.transform)
        _add(parts, "head.norm", model.transform_norm)
        _add(parts, "head.decoder", model.decoder)
        if bias:
            model.decoder_bias = nn.Parameter(torch.empty(v["vocab"]))
            _add(parts, "head.bias", model.decoder_bias)
    if v.get("nsp"):
        model.nsp = nn.Linear(hidden, 2, bias=bias)
        _add(parts, "head.nsp", model.nsp)
    return model, parts


def _encoder_parts(parts: Parts, group: str, layers: Any) -> None:
    for layer in layers:
        _add(parts, f"{group}.qkv", layer["query"], layer["key"], layer["value"])
        _add(parts, f"{group}.attention_output", layer["output"])
        _add(parts, f"{group}.attention_norm", layer["attention_norm"])
        _add(parts, f"{group}.ffn_in", layer["intermediate"])
        _add(parts, f"{group}.ffn_out", layer["ffn_output"])
        _add(parts, f"{group}.ffn_norm", layer["output_norm"])


def vit(nn: Any, v: Values) -> tuple[Any, Parts]:
    import torch

    hidden, bias = v["hidden"], v["bias"]
    patches = (v["image"] // v["patch"]) ** 2
    model, parts = nn.Module(), Parts()
    model.patch = nn.Conv2d(v["channels"], hidden, v["patch"], stride=v["patch"], bias=bias)
    model.cls = nn.Parameter(torch.empty(1, 1, hidden))
    model.position = nn.Parameter(torch.empty(1, patches + 1, hidden))
    _add(parts, "embeddings.patch", model.patch)
    _add(parts, "embeddings.cls", model.cls)
    _add(parts, "embeddings.position", model.position)
    model.layers = nn.ModuleList(
        nn.ModuleDict(
            {
                "query": nn.Linear(hidden, hidden, bias=bias),
                "key": nn.Linear(hidden, hidden, bias=bias),
                "value": nn.Linear(hidden, hidden, bias=bias),
                "output": nn.Linear(hidden, hidden, bias=bias),
                "attention_norm": nn.LayerNorm(hidden),
                "intermediate": nn.Linear(hidden, v["ffn"], bias=bias),
                "ffn_output": nn.Linear(v["ffn"], hidden, bias=bias),
                "output_norm": nn.LayerNorm(hidden),
            }
        )
        for _ in range(v["layers"])
    )
    _encoder_parts(parts, "encoder", model.layers)
    model.final_norm = nn.LayerNorm(hidden)
    _add(parts, "final.norm", model.final_norm)
    if v.get("pooler"):
        model.pooler = nn.Linear(hidden, hidden, bias=bias)
        _add(parts, "pooler.dense", model.pooler)
    if v.get("classes"):
        model.classifier = nn.Linear(hidden, v["classes"], bias=bias)
        _add(parts, "head.classifier", model.classifier)
    return model, parts


def gpt2(nn: Any, v: Values) -> tuple[Any, Parts]:
    hidden, ffn, bias = v["hidden"], v["ffn"], v["bias"]
    model, parts = nn.Module(), Parts()
    model.wte = nn.Embedding(v["vocab"], hidden)
    model.wpe = nn.Embedding(v["positions"], hidden)
    _add(parts, "embeddings.token", model.wte)
    _add(parts, "embeddings.position", model.wpe)
    model.h = nn.ModuleList(
        nn.ModuleDict(
            {
                "ln_1": nn.LayerNorm(hidden),
                "c_attn": nn.Linear(hidden, 3 * hidden, bias=bias),
                "c_proj": nn.Linear(hidden, hidden, bias=bias),
                "ln_2": nn.LayerNorm(hidden),
                "c_fc": nn.Linear(hidden, ffn, bias=bias),
                "mlp_proj": nn.Linear(ffn, hidden, bias=bias),
            }
        )
        for _ in range(v["layers"])
    )
    for block in model.h:
        _add(parts, "decoder.attention_norm", block["ln_1"])
        _add(parts, "decoder.qkv", block["c_attn"])
        _add(parts, "decoder.attention_output", block["c_proj"])
        _add(parts, "decoder.ffn_norm", block["ln_2"])
        _add(parts, "decoder.ffn_in", block["c_fc"])
        _add(parts, "decoder.ffn_out", block["mlp_proj"])
    model.ln_f = nn.LayerNorm(hidden)
    _add(parts, "final.norm", model.ln_f)
    _lm_head(nn, model, parts, v, model.wte)
    return model, parts


def _lm_head(nn: Any, model: Any, parts: Parts, v: Values, embedding: Any) -> None:
    if v.get("lm_head", "none") == "none":
        return
    model.lm_head = nn.Linear(v["hidden"], v["vocab"], bias=False)
    if v["lm_head"] == "tied":
        model.lm_head.weight = embedding.weight
    _add(parts, "head.lm", model.lm_head)


def llama(nn: Any, v: Values) -> tuple[Any, Parts]:
    hidden, ffn, bias = v["hidden"], v["ffn"], v["bias"]
    q_width, kv_width = v["heads"] * v["head_dim"], v["kv_heads"] * v["head_dim"]
    model, parts = nn.Module(), Parts()
    model.embed_tokens = nn.Embedding(v["vocab"], hidden)
    _add(parts, "embeddings.token", model.embed_tokens)
    model.layers = nn.ModuleList(
        nn.ModuleDict(
            {
                "input_layernorm": _rms_norm(nn, hidden),
                "q_proj": nn.Linear(hidden, q_width, bias=bias),
                "k_proj": nn.Linear(hidden, kv_width, bias=bias),
                "v_proj": nn.Linear(hidden, kv_width, bias=bias),
                "o_proj": nn.Linear(q_width, hidden, bias=bias),
                "post_attention_layernorm": _rms_norm(nn, hidden),
                "gate_proj": nn.Linear(hidden, ffn, bias=bias),
                "up_proj": nn.Linear(hidden, ffn, bias=bias),
                "down_proj": nn.Linear(ffn, hidden, bias=bias),
            }
        )
        for _ in range(v["layers"])
    )
    for layer in model.layers:
        _add(parts, "decoder.attention_norm", layer["input_layernorm"])
        _add(parts, "decoder.q", layer["q_proj"])
        _add(parts, "decoder.kv", layer["k_proj"], layer["v_proj"])
        _add(parts, "decoder.attention_output", layer["o_proj"])
        _add(parts, "decoder.ffn_norm", layer["post_attention_layernorm"])
        _add(parts, "decoder.ffn_gate_up", layer["gate_proj"], layer["up_proj"])
        _add(parts, "decoder.ffn_down", layer["down_proj"])
    model.norm = _rms_norm(nn, hidden)
    _add(parts, "final.norm", model.norm)
    _lm_head(nn, model, parts, v, model.embed_tokens)
    return model, parts


def transformer(nn: Any, v: Values) -> tuple[Any, Parts]:
    hidden, ffn, heads, bias = v["hidden"], v["ffn"], v["heads"], v["bias"]
    model, parts = nn.Module(), Parts()
    if v["tied_embeddings"]:
        model.embedding = nn.Embedding(v["vocab"], hidden)
        target = model.embedding
        _add(parts, "embeddings.token", model.embedding)
    else:
        model.source = nn.Embedding(v["vocab"], hidden)
        model.target = target = nn.Embedding(v["vocab"], hidden)
        _add(parts, "embeddings.source", model.source)
        _add(parts, "embeddings.target", model.target)

    def attention() -> Any:
        return nn.MultiheadAttention(hidden, heads, bias=bias)

    def ffn_pair() -> dict[str, Any]:
        return {
            "linear1": nn.Linear(hidden, ffn, bias=bias),
            "linear2": nn.Linear(ffn, hidden, bias=bias),
        }

    model.encoder = nn.ModuleList(
        nn.ModuleDict(
            {
                "self_attn": attention(),
                "norm1": nn.LayerNorm(hidden),
                **ffn_pair(),
                "norm2": nn.LayerNorm(hidden),
            }
        )
        for _ in range(v["layers"])
    )
    model.decoder = nn.ModuleList(
        nn.ModuleDict(
            {
                "self_attn": attention(),
                "norm1": nn.LayerNorm(hidden),
                "cross_attn": attention(),
                "norm2": nn.LayerNorm(hidden),
                **ffn_pair(),
                "norm3": nn.LayerNorm(hidden),
            }
        )
        for _ in range(v["decoder_layers"])
    )
    for layer in model.encoder:
        _mha_parts(parts, "encoder.qkv", "encoder.attention_output", layer["self_attn"])
        _add(parts, "encoder.attention_norm", layer["norm1"])
        _add(parts, "encoder.ffn_in", layer["linear1"])
        _add(parts, "encoder.ffn_out", layer["linear2"])
        _add(parts, "encoder.ffn_norm", layer["norm2"])
    for layer in model.decoder:
        _mha_parts(parts, "decoder.qkv", "decoder.attention_output", layer["self_attn"])
        _add(parts, "decoder.attention_norm", layer["norm1"])
        _mha_parts(parts, "decoder.cross_qkv", "decoder.cross_output", layer["cross_attn"])
        _add(parts, "decoder.cross_norm", layer["norm2"])
        _add(parts, "decoder.ffn_in", layer["linear1"])
        _add(parts, "decoder.ffn_out", layer["linear2"])
        _add(parts, "decoder.ffn_norm", layer["norm3"])
    _lm_head(nn, model, parts, v, target)
    return model, parts


def _mha_parts(parts: Parts, qkv: str, output: str, mha: Any) -> None:
    _add(parts, qkv, mha.in_proj_weight, mha.in_proj_bias)
    _add(parts, output, mha.out_proj)


def t5(nn: Any, v: Values) -> tuple[Any, Parts]:
    hidden, ffn, inner = v["hidden"], v["ffn"], v["heads"] * v["head_dim"]
    model, parts = nn.Module(), Parts()
    model.shared = nn.Embedding(v["vocab"], hidden)
    _add(parts, "embeddings.token", model.shared)

    def attention(relative: bool) -> Any:
        block = nn.ModuleDict(
            {
                "q": nn.Linear(hidden, inner, bias=False),
                "k": nn.Linear(hidden, inner, bias=False),
                "v": nn.Linear(hidden, inner, bias=False),
                "o": nn.Linear(inner, hidden, bias=False),
            }
        )
        if relative:
            block["relative_attention_bias"] = nn.Embedding(v["buckets"], v["heads"])
        return block

    for stack, count in (("encoder", v["layers"]), ("decoder", v["decoder_layers"])):
        layers = nn.ModuleList()
        for index in range(count):
            layer = nn.ModuleDict(
                {"self_norm": _rms_norm(nn, hidden), "self": attention(relative=index == 0)}
            )
            if stack == "decoder":
                layer["cross_norm"] = _rms_norm(nn, hidden)
                layer["cross"] = attention(relative=False)
            layer["ffn_norm"] = _rms_norm(nn, hidden)
            if v["gated"]:
                layer["wi_0"] = nn.Linear(hidden, ffn, bias=False)
                layer["wi_1"] = nn.Linear(hidden, ffn, bias=False)
            else:
                layer["wi"] = nn.Linear(hidden, ffn, bias=False)
            layer["wo"] = nn.Linear(ffn, hidden, bias=False)
            layers.append(layer)
        setattr(model, stack, layers)
        final = _rms_norm(nn, hidden)
        setattr(model, f"{stack}_final_norm", final)
        _t5_parts(parts, stack, layers, final)
    _lm_head(nn, model, parts, v, model.shared)
    return model, parts


def _t5_parts(parts: Parts, stack: str, layers: Any, final: Any) -> None:
    _add(parts, f"{stack}.relative_bias", layers[0]["self"]["relative_attention_bias"])
    for layer in layers:
        for prefix, name in (("", "self"), ("cross_", "cross")):
            if name not in layer:
                continue
            block = layer[name]
            _add(parts, f"{stack}.{prefix}attention_norm", layer[f"{name}_norm"])
            _add(parts, f"{stack}.{prefix}qkv", block["q"], block["k"], block["v"])
            _add(parts, f"{stack}.{prefix}attention_output", block["o"])
        _add(parts, f"{stack}.ffn_norm", layer["ffn_norm"])
        _add(parts, f"{stack}.ffn_in", *[layer[k] for k in ("wi", "wi_0", "wi_1") if k in layer])
        _add(parts, f"{stack}.ffn_out", layer["wo"])
    _add(parts, f"{stack}.final_norm", final)


MODEL_BUILDERS: dict[str, Callable[[Any, Values], tuple[Any, Parts]]] = {
    "bert": lambda nn, v: bert_like(nn, v, "bert"),
    "roberta": lambda nn, v: bert_like(nn, v, "roberta"),
    "albert": lambda nn, v: bert_like(nn, v, "albert"),
    "distilbert": lambda nn, v: bert_like(nn, v, "distilbert"),
    "vit": vit,
    "gpt2": gpt2,
    "llama": llama,
    "transformer": transformer,
    "t5": t5,
}
