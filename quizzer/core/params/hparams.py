"""Hyperparameters, families and their validation.

A `Family` (bert, llama, lstm, ...) declares the hyperparameters it takes, their formula
symbols and defaults, and a builder that turns validated values into a `Breakdown`. Every
user-facing problem (unknown option, negative size, hidden not divisible by heads) is a
`ParamsError` naming the field: the CLI prints it and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizzer.errors import QuizzerError

if TYPE_CHECKING:
    from quizzer.core.params.breakdown import Breakdown


class ParamsError(QuizzerError):
    """Bad input to the calculator: an unknown preset, an inconsistent or missing value."""

    title = "params"


@dataclass(frozen=True, slots=True)
class HParam:
    """One hyperparameter or option.

    Attributes:
        name: the option name (`hidden`, CLI `--hidden`, bank key `hidden`).
        symbol: its symbol in formulas (`H`), or None for options (`pooler`).
        help: what it is, for `--help` and error messages.
        kind: "int", "bool", "choice" or "kernel" (an int, or `3x5`).
        minimum: the smallest allowed integer.
        choices: the values of a "choice".
    """

    name: str
    symbol: str | None
    help: str
    kind: str = "int"
    minimum: int = 1
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


# The hyperparameters every family draws from; a family lists the ones it takes.
VOCAB = HParam("vocab", "V", "vocabulary size")
POSITIONS = HParam("positions", "P", "learned position embeddings (max sequence length)")
TOKEN_TYPES = HParam("token_types", "T", "token type (segment) embeddings", minimum=0)
HIDDEN = HParam("hidden", "H", "hidden size (d_model)")
LAYERS = HParam("layers", "L", "number of layers (encoder layers for encoder-decoders)")
DECODER_LAYERS = HParam("decoder_layers", "L_d", "number of decoder layers")
HEADS = HParam("heads", "A", "attention heads")
KV_HEADS = HParam("kv_heads", "G", "key/value heads (grouped-query attention)")
HEAD_DIM = HParam("head_dim", "D", "size of one attention head")
FFN = HParam("ffn", "F", "feed-forward inner size")
EMBEDDING_SIZE = HParam("embedding_size", "E", "factorized embedding size (ALBERT)")
BUCKETS = HParam("buckets", "B", "relative-position buckets (T5)")
IMAGE = HParam("image", "I", "image side in pixels (ViT)")
PATCH = HParam("patch", "S", "patch side in pixels (ViT)")
CHANNELS = HParam("channels", "C", "channels: image channels (ViT), features (BatchNorm)")
CLASSES = HParam("classes", "K", "classes of a classification head (0: no head)", minimum=0)
POOLER = HParam("pooler", None, "dense + tanh pooler on the first token", kind="bool")
BIAS = HParam("bias", None, "biases in the linear layers (LayerNorm keeps its beta)", kind="bool")
LM_HEAD = HParam(
    "lm_head",
    None,
    "language-model head: none, tied to the token embedding, or untied",
    kind="choice",
    choices=("none", "tied", "untied"),
)
NSP = HParam(
    "nsp", None, "next-sentence (NSP/SOP) classifier of the pre-training model", kind="bool"
)
TIED_EMBEDDINGS = HParam(
    "tied_embeddings",
    None,
    "source and target share one embedding table (encoder-decoders)",
    kind="bool",
)
GATED = HParam("gated", None, "gated FFN (T5 v1.1 gated-GELU: two input matrices)", kind="bool")
SINUSOIDAL = HParam(
    "sinusoidal",
    None,
    "fixed sinusoidal position table (a frozen parameter in DistilBERT)",
    kind="bool",
)
# Single layers.
INPUT = HParam("input", "I", "input features / channels / input size")
OUTPUT = HParam("output", "O", "output features / channels")
KERNEL = HParam("kernel", "K", "kernel size: 3, or 3x5 for a rectangular 2-d kernel", kind="kernel")
GROUPS = HParam("groups", "G", "convolution groups")
BIDIRECTIONAL = HParam("bidirectional", None, "a second, backward direction", kind="bool")
KDIM = HParam("kdim", "K_d", "key input size of nn.MultiheadAttention (default: hidden)")
VDIM = HParam("vdim", "V_d", "value input size of nn.MultiheadAttention (default: hidden)")
ADD_BIAS_KV = HParam("add_bias_kv", None, "learned bias_k and bias_v rows", kind="bool")
AFFINE = HParam("affine", None, "learnable scale (and shift) of a norm", kind="bool")

ALL_HPARAMS: tuple[HParam, ...] = (
    VOCAB,
    POSITIONS,
    TOKEN_TYPES,
    HIDDEN,
    LAYERS,
    DECODER_LAYERS,
    HEADS,
    KV_HEADS,
    HEAD_DIM,
    FFN,
    EMBEDDING_SIZE,
    BUCKETS,
    IMAGE,
    PATCH,
    CHANNELS,
    CLASSES,
    POOLER,
    BIAS,
    LM_HEAD,
    NSP,
    TIED_EMBEDDINGS,
    GATED,
    SINUSOIDAL,
    INPUT,
    OUTPUT,
    KERNEL,
    GROUPS,
    BIDIRECTIONAL,
    KDIM,
    VDIM,
    ADD_BIAS_KV,
    AFFINE,
)
HPARAMS_BY_NAME = {h.name: h for h in ALL_HPARAMS}


@dataclass(frozen=True)
class Family:
    """An architecture family or a single layer kind.

    Attributes:
        name: `bert`, `llama`, `lstm`, ...
        title: how it is written in prose ("BERT", "nn.LSTM").
        kind: "model" or "layer".
        params: the hyperparameters it takes, in display order.
        defaults: a full set of values (a model family defaults to its base preset).
        build: validated values -> Breakdown.
        check: consistency checks beyond types and minimums; raises ParamsError.
        description: which concrete model class the counts match.
        optional: hyperparameters whose default (None) is derived from others, such as a
            head size of hidden/heads.
        derive: fills those derived values once the given ones are checked.
    """

    name: str
    title: str
    kind: str
    params: tuple[HParam, ...]
    defaults: Mapping[str, Any]
    build: Callable[[ArchitectureSpec], Breakdown]
    check: Callable[[Mapping[str, Any]], None] = lambda values: None
    description: str = ""
    optional: frozenset[str] = field(default_factory=frozenset)
    derive: Callable[[Mapping[str, Any]], dict[str, Any]] = dict

    def param(self, name: str) -> HParam | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class ArchitectureSpec:
    """A family with every hyperparameter resolved; `label` names it for people."""

    family: Family
    label: str
    values: Mapping[str, Any]

    def symbols(self) -> dict[str, int]:
        """Integer hyperparameters by formula symbol, in the family's order."""
        out: dict[str, int] = {}
        for param in self.family.params:
            value = self.values.get(param.name)
            if param.symbol and isinstance(value, int) and not isinstance(value, bool):
                out[param.symbol] = value
        return out

    def with_values(self, **changes: Any) -> ArchitectureSpec:
        return ArchitectureSpec(self.family, self.label, {**self.values, **changes})


def coerce(param: HParam, value: Any, where: str = "") -> Any:
    """Check one value's type and range; raise ParamsError naming the field."""
    name = f"{where}{param.name}"
    if param.kind == "bool":
        if isinstance(value, bool):
            return value
        raise ParamsError(f"{name} must be true or false, got {value!r}")
    if param.kind == "choice":
        if value in param.choices:
            return value
        raise ParamsError(f"{name} must be one of {', '.join(param.choices)}; got {value!r}")
    if param.kind == "kernel":
        return _kernel(name, value)
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        else:
            raise ParamsError(f"{name} must be an integer, got {value!r}")
    if value < param.minimum:
        what = "a positive integer" if param.minimum == 1 else f"at least {param.minimum}"
        raise ParamsError(f"{name} must be {what} ({param.help}), got {value}")
    return value


def _kernel(name: str, value: Any) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        sizes: tuple[int, ...] = (value,)
    elif isinstance(value, list | tuple):
        sizes = tuple(value)
    elif isinstance(value, str):
        parts = value.lower().replace("×", "x").split("x")
        if not all(p.strip().lstrip("-").isdigit() for p in parts):
            raise ParamsError(f"{name} must be a size like 3 or 3x5, got {value!r}")
        sizes = tuple(int(p) for p in parts)
    else:
        raise ParamsError(f"{name} must be a size like 3 or 3x5, got {value!r}")
    if not 1 <= len(sizes) <= 2 or not all(isinstance(s, int) and s >= 1 for s in sizes):
        raise ParamsError(f"{name} must be one or two positive sizes like 3 or 3x5, got {value!r}")
    return sizes


def require_divisible(
    values: Mapping[str, Any], numerator: str, denominator: str, why: str
) -> None:
    top, bottom = values.get(numerator), values.get(denominator)
    if isinstance(top, int) and isinstance(bottom, int) and bottom and top % bottom:
        raise ParamsError(f"{numerator}={top} is not divisible by {denominator}={bottom} ({why})")
