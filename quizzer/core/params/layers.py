"""Single torch.nn layers, counted the way torch allocates them.

Two facts that interviews probe: torch's RNN/LSTM/GRU keep two bias vectors per gate block
(b_ih and b_hh), so an LSTM layer has 4(H·I + H² + 2H) parameters; and BatchNorm's running
mean and variance are buffers, not parameters (they are shown, never counted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.params.breakdown import Breakdown, Component, component
from quizzer.core.params.hparams import (
    ADD_BIAS_KV,
    AFFINE,
    BIAS,
    BIDIRECTIONAL,
    CHANNELS,
    GROUPS,
    HEADS,
    HIDDEN,
    INPUT,
    KDIM,
    KERNEL,
    LAYERS,
    OUTPUT,
    VDIM,
    VOCAB,
    ArchitectureSpec,
    Family,
    ParamsError,
    require_divisible,
)


def _breakdown(
    spec: ArchitectureSpec,
    sym: Mapping[str, int],
    parts: list[Component],
    buffers: tuple[Component, ...] = (),
) -> Breakdown:
    return Breakdown(
        spec.family.name,
        spec.label,
        spec.family.description,
        dict(spec.values),
        sym,
        tuple(p for p in parts if p.count or p.note),
        buffers,
    )


def build_linear(spec: ArchitectureSpec) -> Breakdown:
    sym = spec.symbols()
    parts = [component("layer.weight", "weight O×I", "I*O", sym, matmul="I*O")]
    if spec.values.get("bias", True):
        parts.append(component("layer.bias", "bias", "O", sym))
    return _breakdown(spec, sym, parts)


def build_embedding(spec: ArchitectureSpec) -> Breakdown:
    sym = spec.symbols()
    return _breakdown(
        spec, sym, [component("layer.weight", "weight V×H (a lookup table)", "V*H", sym)]
    )


def _kernel_symbols(spec: ArchitectureSpec, dims: int) -> tuple[dict[str, int], str]:
    """The symbols with the kernel added, and the kernel's formula (K, K**2 or K_h*K_w)."""
    sym = spec.symbols()
    kernel = tuple(spec.values["kernel"])
    if dims == 1:
        if len(kernel) != 1:
            raise ParamsError(
                f"kernel must be one size for conv1d, got {'x'.join(map(str, kernel))}"
            )
        sym["K"] = kernel[0]
        return sym, "K"
    if len(kernel) == 1 or kernel[0] == kernel[1]:
        sym["K"] = kernel[0]
        return sym, "K**2"
    sym["K_h"], sym["K_w"] = kernel
    return sym, "K_h*K_w"


def build_conv(spec: ArchitectureSpec) -> Breakdown:
    dims = 1 if spec.family.name == "conv1d" else 2
    sym, window = _kernel_symbols(spec, dims)
    transposed = spec.family.name == "convtranspose2d"
    weight = f"I*(O/G)*{window}" if transposed else f"O*(I/G)*{window}"
    shape = "I×(O/G)×kernel" if transposed else "O×(I/G)×kernel"
    parts = [component("layer.weight", f"weight {shape}", weight, sym, matmul=weight)]
    if spec.values.get("bias", True):
        parts.append(component("layer.bias", "bias (one per output channel)", "O", sym))
    return _breakdown(spec, sym, parts)


def check_conv(values: Mapping[str, Any]) -> None:
    require_divisible(values, "input", "groups", "each group sees input/groups channels")
    require_divisible(values, "output", "groups", "each group makes output/groups channels")


GATE_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}


def build_recurrent(spec: ArchitectureSpec) -> Breakdown:
    sym = spec.symbols()
    gates = GATE_BLOCKS[spec.family.name]
    bias = bool(spec.values.get("bias", True))
    two_way = bool(spec.values.get("bidirectional", False))
    k = "" if gates == 1 else f"{gates}*"
    biases = " + 2*H" if bias else ""
    blocks = {1: "W_ih H×I, W_hh H×H", 3: "W_ih 3H×I, W_hh 3H×H", 4: "W_ih 4H×I, W_hh 4H×H"}[gates]
    blocks += ", b_ih, b_hh" if bias else ""
    directions = "2" if two_way else "1"
    per = " per direction" if two_way else ""
    parts = [
        component(
            "layer.first",
            f"layer 1{per} ({blocks})",
            f"{k}(H*I + H**2{biases})",
            sym,
            repeat=directions,
            matmul=f"{k}(H*I + H**2)",
            in_layer=False,
        )
    ]
    if sym["L"] > 1:
        upper_in = "2*H" if two_way else "H"
        parts.append(
            component(
                "layer.upper",
                f"layers 2..L{per} (input is the {upper_in.replace('*', '')} outputs below)",
                f"{k}(H*({upper_in}) + H**2{biases})",
                sym,
                repeat=f"{directions}*(L - 1)" if two_way else "L - 1",
                matmul=f"{k}(H*({upper_in}) + H**2)",
                in_layer=False,
            )
        )
    return _breakdown(spec, sym, parts)


def build_norm(spec: ArchitectureSpec) -> Breakdown:
    sym = spec.symbols()
    name = spec.family.name
    affine = bool(spec.values.get("affine", True))
    width = "C" if name == "batchnorm" else "H"
    parts: list[Component] = []
    if affine:
        parts.append(component("layer.weight", "scale γ", width, sym))
        if name != "rmsnorm" and spec.values.get("bias", True):
            parts.append(component("layer.bias", "shift β", width, sym))
    buffers: tuple[Component, ...] = ()
    if name == "batchnorm":
        buffers = (
            component("buffer.running", "running mean and variance", "2*C", sym),
            component("buffer.batches", "num_batches_tracked", "1", sym),
        )
    return _breakdown(spec, sym, parts, buffers)


def build_mha(spec: ArchitectureSpec) -> Breakdown:
    values = spec.values
    sym = spec.symbols()
    bias = bool(values.get("bias", True))
    same = values["kdim"] == values["hidden"] and values["vdim"] == values["hidden"]
    projections = "3*H**2" if same else "H**2 + H*K_d + H*V_d"
    parts = [
        component(
            "layer.in_proj",
            "input projections Q, K, V"
            + (" (in_proj_weight 3H×H)" if same else " (q/k/v_proj_weight)"),
            projections,
            sym,
            matmul=projections,
        )
    ]
    if bias:
        parts.append(component("layer.in_bias", "in_proj_bias (Q, K, V)", "3*H", sym))
    parts.append(
        component(
            "layer.out_proj", "out_proj H→H", "H**2 + H" if bias else "H**2", sym, matmul="H**2"
        )
    )
    if values.get("add_bias_kv", False):
        parts.append(component("layer.bias_kv", "bias_k and bias_v", "2*H", sym))
    return _breakdown(spec, sym, parts)


def mha_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key in ("kdim", "vdim"):
        if out.get(key) is None:
            out[key] = out["hidden"]
    return out


def check_mha(values: Mapping[str, Any]) -> None:
    require_divisible(values, "hidden", "heads", "each head gets hidden/heads dimensions")


def _layer(
    name: str,
    title: str,
    params: tuple[Any, ...],
    defaults: dict[str, Any],
    build: Any,
    description: str,
    **extra: Any,
) -> Family:
    return Family(name, title, "layer", params, defaults, build, description=description, **extra)


CONV_PARAMS = (INPUT, OUTPUT, KERNEL, GROUPS, BIAS)
CONV_DEFAULTS = {"groups": 1, "bias": True}
RNN_PARAMS = (INPUT, HIDDEN, LAYERS, BIDIRECTIONAL, BIAS)
RNN_DEFAULTS = {"layers": 1, "bidirectional": False, "bias": True}

LAYER_FAMILIES = (
    _layer(
        "linear",
        "nn.Linear",
        (INPUT, OUTPUT, BIAS),
        {"bias": True},
        build_linear,
        "nn.Linear(I, O): y = x Wᵀ + b",
    ),
    _layer("embedding", "nn.Embedding", (VOCAB, HIDDEN), {}, build_embedding, "nn.Embedding(V, H)"),
    _layer(
        "conv1d",
        "nn.Conv1d",
        CONV_PARAMS,
        CONV_DEFAULTS,
        build_conv,
        "nn.Conv1d(I, O, K, groups=G)",
        check=check_conv,
    ),
    _layer(
        "conv2d",
        "nn.Conv2d",
        CONV_PARAMS,
        CONV_DEFAULTS,
        build_conv,
        "nn.Conv2d(I, O, K, groups=G)",
        check=check_conv,
    ),
    _layer(
        "convtranspose2d",
        "nn.ConvTranspose2d",
        CONV_PARAMS,
        CONV_DEFAULTS,
        build_conv,
        "nn.ConvTranspose2d(I, O, K, groups=G): weight I×(O/G)×K×K",
        check=check_conv,
    ),
    _layer(
        "rnn",
        "nn.RNN",
        RNN_PARAMS,
        RNN_DEFAULTS,
        build_recurrent,
        "nn.RNN(I, H, num_layers=L): one tanh block, two bias vectors",
    ),
    _layer(
        "lstm",
        "nn.LSTM",
        RNN_PARAMS,
        RNN_DEFAULTS,
        build_recurrent,
        "nn.LSTM(I, H, num_layers=L): four gate blocks (i, f, g, o), two bias vectors",
    ),
    _layer(
        "gru",
        "nn.GRU",
        RNN_PARAMS,
        RNN_DEFAULTS,
        build_recurrent,
        "nn.GRU(I, H, num_layers=L): three gate blocks (r, z, n), two bias vectors",
    ),
    _layer(
        "layernorm",
        "nn.LayerNorm",
        (HIDDEN, AFFINE, BIAS),
        {"affine": True, "bias": True},
        build_norm,
        "nn.LayerNorm(H): scale γ and shift β",
    ),
    _layer(
        "rmsnorm",
        "nn.RMSNorm",
        (HIDDEN, AFFINE),
        {"affine": True},
        build_norm,
        "nn.RMSNorm(H): a scale γ, no shift",
    ),
    _layer(
        "batchnorm",
        "nn.BatchNorm2d",
        (CHANNELS, AFFINE),
        {"affine": True},
        build_norm,
        "nn.BatchNorm1d/2d/3d(C): γ and β are parameters; running statistics are buffers",
    ),
    _layer(
        "mha",
        "nn.MultiheadAttention",
        (HIDDEN, HEADS, KDIM, VDIM, BIAS, ADD_BIAS_KV),
        {"heads": 1, "kdim": None, "vdim": None, "bias": True, "add_bias_kv": False},
        build_mha,
        "nn.MultiheadAttention(H, A)",
        check=check_mha,
        optional=frozenset({"kdim", "vdim"}),
        derive=mha_values,
    ),
)
LAYER_ALIASES = {
    "multiheadattention": "mha",
    "multihead": "mha",
    "attention": "mha",
    "conv": "conv2d",
    "batchnorm1d": "batchnorm",
    "batchnorm2d": "batchnorm",
    "bn": "batchnorm",
    "ln": "layernorm",
    "convtranspose": "convtranspose2d",
}
