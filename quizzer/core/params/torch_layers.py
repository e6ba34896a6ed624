"""Single layers built as the real torch.nn classes, for `--verify`.

Each builder returns the module and, per breakdown component key, the parameters (or buffers)
that hold it, found by torch's own parameter names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Values = Mapping[str, Any]
Parts = dict[str, list[Any]]


def _weight_and_bias(module: Any) -> tuple[Any, Parts]:
    parts: Parts = {"layer.weight": [module.weight]}
    if getattr(module, "bias", None) is not None:
        parts["layer.bias"] = [module.bias]
    return module, parts


def linear(nn: Any, v: Values) -> tuple[Any, Parts]:
    return _weight_and_bias(nn.Linear(v["input"], v["output"], bias=v["bias"]))


def embedding(nn: Any, v: Values) -> tuple[Any, Parts]:
    return _weight_and_bias(nn.Embedding(v["vocab"], v["hidden"]))


def conv(kind: str) -> Callable[[Any, Values], tuple[Any, Parts]]:
    def build(nn: Any, v: Values) -> tuple[Any, Parts]:
        cls = {"conv1d": nn.Conv1d, "conv2d": nn.Conv2d, "convtranspose2d": nn.ConvTranspose2d}[
            kind
        ]
        kernel = tuple(v["kernel"])
        if kind == "conv1d":
            size: Any = kernel[0]
        else:
            size = kernel if len(kernel) == 2 else (kernel[0], kernel[0])
        return _weight_and_bias(
            cls(v["input"], v["output"], size, groups=v["groups"], bias=v["bias"])
        )

    return build


def recurrent(kind: str) -> Callable[[Any, Values], tuple[Any, Parts]]:
    def build(nn: Any, v: Values) -> tuple[Any, Parts]:
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        module = cls(
            v["input"],
            v["hidden"],
            num_layers=v["layers"],
            bias=v["bias"],
            bidirectional=v["bidirectional"],
        )
        parts: Parts = {}
        for name, param in module.named_parameters():
            # torch names them weight_ih_l0, bias_hh_l1_reverse, ...: the layer index says
            # whether the input is the sequence (layer 0) or the layer below.
            first = name.endswith(("_l0", "_l0_reverse"))
            parts.setdefault("layer.first" if first else "layer.upper", []).append(param)
        return module, parts

    return build


def layernorm(nn: Any, v: Values) -> tuple[Any, Parts]:
    module = nn.LayerNorm(v["hidden"], elementwise_affine=v["affine"], bias=v["bias"])
    return module, _affine_parts(module)


def rmsnorm(nn: Any, v: Values) -> tuple[Any, Parts]:
    module = nn.RMSNorm(v["hidden"], elementwise_affine=v["affine"])
    return module, _affine_parts(module)


def batchnorm(nn: Any, v: Values) -> tuple[Any, Parts]:
    module = nn.BatchNorm2d(v["channels"], affine=v["affine"])
    parts = _affine_parts(module)
    parts["buffer.running"] = [module.running_mean, module.running_var]
    parts["buffer.batches"] = [module.num_batches_tracked]
    return module, parts


def _affine_parts(module: Any) -> Parts:
    parts: Parts = {}
    if getattr(module, "weight", None) is not None:
        parts["layer.weight"] = [module.weight]
    if getattr(module, "bias", None) is not None:
        parts["layer.bias"] = [module.bias]
    return parts


def mha(nn: Any, v: Values) -> tuple[Any, Parts]:
    module = nn.MultiheadAttention(
        v["hidden"],
        v["heads"],
        bias=v["bias"],
        add_bias_kv=v["add_bias_kv"],
        kdim=v["kdim"],
        vdim=v["vdim"],
    )
    projections = [
        module.in_proj_weight,
        module.q_proj_weight,
        module.k_proj_weight,
        module.v_proj_weight,
    ]
    parts: Parts = {
        "layer.in_proj": [p for p in projections if p is not None],
        "layer.out_proj": list(module.out_proj.parameters()),
    }
    if module.in_proj_bias is not None:
        parts["layer.in_bias"] = [module.in_proj_bias]
    if module.bias_k is not None:
        parts["layer.bias_kv"] = [module.bias_k, module.bias_v]
    return module, parts


LAYER_BUILDERS: dict[str, Callable[[Any, Values], tuple[Any, Parts]]] = {
    "linear": linear,
    "embedding": embedding,
    "conv1d": conv("conv1d"),
    "conv2d": conv("conv2d"),
    "convtranspose2d": conv("convtranspose2d"),
    "rnn": recurrent("rnn"),
    "lstm": recurrent("lstm"),
    "gru": recurrent("gru"),
    "layernorm": layernorm,
    "rmsnorm": rmsnorm,
    "batchnorm": batchnorm,
    "mha": mha,
}
