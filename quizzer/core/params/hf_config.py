"""Reading a Hugging Face `config.json`, so any downloaded model can be counted.

`model_type` picks the family; its fields map to our hyperparameters. The first entry of
`architectures` (BertForMaskedLM, GPT2LMHeadModel, ...) decides the heads: with or without the
pooler, a tied or untied LM head, the NSP/SOP classifier. Anything missing or malformed is a
`ParamsError` naming the file and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quizzer.core.params.hparams import ArchitectureSpec, ParamsError
from quizzer.core.params.presets import resolve

# model_type -> (family, {config field: (our name, default or REQUIRED)})
REQUIRED = object()
_BERT_FIELDS = {
    "vocab_size": ("vocab", REQUIRED),
    "hidden_size": ("hidden", REQUIRED),
    "num_hidden_layers": ("layers", REQUIRED),
    "num_attention_heads": ("heads", REQUIRED),
    "intermediate_size": ("ffn", REQUIRED),
    "max_position_embeddings": ("positions", REQUIRED),
    "type_vocab_size": ("token_types", REQUIRED),
}
FIELDS: dict[str, tuple[str, dict[str, tuple[str, Any]]]] = {
    "bert": ("bert", _BERT_FIELDS),
    "roberta": ("roberta", _BERT_FIELDS),
    "albert": ("albert", {**_BERT_FIELDS, "embedding_size": ("embedding_size", REQUIRED)}),
    "distilbert": (
        "distilbert",
        {
            "vocab_size": ("vocab", REQUIRED),
            "dim": ("hidden", REQUIRED),
            "n_layers": ("layers", REQUIRED),
            "n_heads": ("heads", REQUIRED),
            "hidden_dim": ("ffn", REQUIRED),
            "max_position_embeddings": ("positions", REQUIRED),
            "sinusoidal_pos_embds": ("sinusoidal", False),
        },
    ),
    "gpt2": (
        "gpt2",
        {
            "vocab_size": ("vocab", REQUIRED),
            "n_embd": ("hidden", REQUIRED),
            "n_layer": ("layers", REQUIRED),
            "n_head": ("heads", REQUIRED),
            "n_positions": ("positions", REQUIRED),
            "n_inner": ("ffn", None),
        },
    ),
    "t5": (
        "t5",
        {
            "vocab_size": ("vocab", REQUIRED),
            "d_model": ("hidden", REQUIRED),
            "d_kv": ("head_dim", REQUIRED),
            "d_ff": ("ffn", REQUIRED),
            "num_layers": ("layers", REQUIRED),
            "num_decoder_layers": ("decoder_layers", None),
            "num_heads": ("heads", REQUIRED),
            "relative_attention_num_buckets": ("buckets", 32),
        },
    ),
    "llama": (
        "llama",
        {
            "vocab_size": ("vocab", REQUIRED),
            "hidden_size": ("hidden", REQUIRED),
            "intermediate_size": ("ffn", REQUIRED),
            "num_hidden_layers": ("layers", REQUIRED),
            "num_attention_heads": ("heads", REQUIRED),
            "num_key_value_heads": ("kv_heads", None),
            "head_dim": ("head_dim", None),
        },
    ),
    "vit": (
        "vit",
        {
            "hidden_size": ("hidden", REQUIRED),
            "num_hidden_layers": ("layers", REQUIRED),
            "num_attention_heads": ("heads", REQUIRED),
            "intermediate_size": ("ffn", REQUIRED),
            "image_size": ("image", REQUIRED),
            "patch_size": ("patch", REQUIRED),
            "num_channels": ("channels", 3),
        },
    ),
}
FIELDS["mistral"] = FIELDS["llama"]  # the same layout: RMSNorm, SwiGLU, GQA, no biases

# The model class named in `architectures` -> the options it implies.
HEADS: dict[str, dict[str, Any]] = {
    "BertModel": {"pooler": True},
    "BertForMaskedLM": {"pooler": False, "lm_head": "tied"},
    "BertForPreTraining": {"pooler": True, "lm_head": "tied", "nsp": True},
    "RobertaModel": {"pooler": True},
    "RobertaForMaskedLM": {"pooler": False, "lm_head": "tied"},
    "AlbertModel": {"pooler": True},
    "AlbertForMaskedLM": {"pooler": False, "lm_head": "tied"},
    "AlbertForPreTraining": {"pooler": True, "lm_head": "tied", "nsp": True},
    "DistilBertModel": {},
    "DistilBertForMaskedLM": {"lm_head": "tied"},
    "GPT2Model": {"lm_head": "none"},
    "GPT2LMHeadModel": {"lm_head": "tied"},
    "T5Model": {"lm_head": "none"},
    "T5ForConditionalGeneration": {"lm_head": "tied"},
    "LlamaModel": {"lm_head": "none"},
    "LlamaForCausalLM": {"lm_head": "untied"},
    "MistralForCausalLM": {"lm_head": "untied"},
    "ViTModel": {"pooler": True},
    "ViTForImageClassification": {"pooler": False},
}


def read_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{path}: cannot read it ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParamsError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: expected a JSON object with model_type and its fields")
    return data


def spec_from_config(
    data: Mapping[str, Any], overrides: Mapping[str, Any] | None = None, source: str = "config.json"
) -> tuple[ArchitectureSpec, list[str]]:
    """The spec a config describes, and notes on what was assumed."""
    model_type = data.get("model_type")
    if not isinstance(model_type, str):
        raise ParamsError(
            f"{source}: missing field 'model_type' (one of {', '.join(sorted(FIELDS))})"
        )
    if model_type not in FIELDS:
        raise ParamsError(
            f"{source}: model_type {model_type!r} is not supported (supported: "
            f"{', '.join(sorted(FIELDS))})"
        )
    family, fields = FIELDS[model_type]
    values: dict[str, Any] = {}
    for field_name, (ours, default) in fields.items():
        value = data.get(field_name, default)
        if value is REQUIRED:
            raise ParamsError(
                f"{source}: missing field {field_name!r} (needed for model_type {model_type!r})"
            )
        if value is not None:
            values[ours] = _checked(value, field_name, source)
    notes = _heads(data, family, model_type, values, source)
    if model_type == "gpt2" and values.get("ffn") is None:
        values["ffn"] = 4 * values["hidden"]
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    name = data.get("_name_or_path") or data.get("name_or_path") or Path(source).parent.name
    try:
        spec = resolve(family, values)
    except ParamsError as error:  # say it with the config's own field names
        ours_to_field = {ours: field_name for field_name, (ours, _) in fields.items()}
        message = re.sub(
            r"\b(\w+)=", lambda m: ours_to_field.get(m.group(1), m.group(1)) + "=", error.message
        )
        raise ParamsError(f"{source}: {message}") from None
    label = str(name) if name and name != "." else f"{model_type} (config.json)"
    return ArchitectureSpec(spec.family, label, spec.values), notes


def _checked(value: Any, field_name: str, source: str) -> Any:
    if isinstance(value, bool) or (isinstance(value, int) and value >= 0):
        return value
    raise ParamsError(
        f"{source}: field {field_name!r} must be a non-negative integer, got {value!r}"
    )


def _heads(
    data: Mapping[str, Any], family: str, model_type: str, values: dict[str, Any], source: str
) -> list[str]:
    notes: list[str] = []
    architectures = data.get("architectures") or []
    name = architectures[0] if isinstance(architectures, list) and architectures else None
    if name in HEADS:
        values.update(HEADS[name])
    elif name is not None:
        notes.append(f"{name}: its task head is not counted; this is the base model")
    tie = data.get("tie_word_embeddings")
    if values.get("lm_head") in ("tied", "untied") and isinstance(tie, bool):
        values["lm_head"] = "tied" if tie else "untied"
    if model_type == "t5":
        projection = str(data.get("feed_forward_proj", "relu"))
        values["gated"] = projection.startswith("gated-")
        if name is None:
            values["lm_head"] = "tied" if tie is not False else "untied"
    if family == "llama":
        attention_bias = bool(data.get("attention_bias", False))
        if attention_bias != bool(data.get("mlp_bias", False)):
            raise ParamsError(
                f"{source}: fields 'attention_bias' and 'mlp_bias' differ; the "
                "calculator counts biases on both or neither"
            )
        values["bias"] = attention_bias
    if model_type == "albert":
        for field_name in ("num_hidden_groups", "inner_group_num"):
            if data.get(field_name, 1) != 1:
                raise ParamsError(
                    f"{source}: field {field_name!r} = {data[field_name]} is "
                    "not supported (only one shared layer group)"
                )
    if model_type == "vit" and name == "ViTForImageClassification":
        labels = data.get("id2label")
        values["classes"] = len(labels) if isinstance(labels, dict) else data.get("num_labels", 2)
    return notes
