"""`--config`: Hugging Face config.json files (the fields as published on the Hub)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.params.conftest import CliResult

Run = Callable[..., CliResult]
Write = Callable[[dict[str, object]], Path]

BERT = {
    "architectures": ["BertForMaskedLM"],
    "attention_probs_dropout_prob": 0.1,
    "hidden_act": "gelu",
    "hidden_size": 768,
    "intermediate_size": 3072,
    "max_position_embeddings": 512,
    "model_type": "bert",
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "pad_token_id": 0,
    "type_vocab_size": 2,
    "vocab_size": 30522,
}
ROBERTA = {
    "architectures": ["RobertaForMaskedLM"],
    "hidden_size": 768,
    "intermediate_size": 3072,
    "max_position_embeddings": 514,
    "model_type": "roberta",
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "type_vocab_size": 1,
    "vocab_size": 50265,
}
ALBERT = {
    "architectures": ["AlbertForMaskedLM"],
    "embedding_size": 128,
    "hidden_size": 768,
    "inner_group_num": 1,
    "intermediate_size": 3072,
    "max_position_embeddings": 512,
    "model_type": "albert",
    "num_attention_heads": 12,
    "num_hidden_groups": 1,
    "num_hidden_layers": 12,
    "type_vocab_size": 2,
    "vocab_size": 30000,
}
DISTILBERT = {
    "architectures": ["DistilBertForMaskedLM"],
    "dim": 768,
    "hidden_dim": 3072,
    "max_position_embeddings": 512,
    "model_type": "distilbert",
    "n_heads": 12,
    "n_layers": 6,
    "sinusoidal_pos_embds": False,
    "vocab_size": 30522,
}
GPT2 = {
    "activation_function": "gelu_new",
    "architectures": ["GPT2LMHeadModel"],
    "model_type": "gpt2",
    "n_ctx": 1024,
    "n_embd": 768,
    "n_head": 12,
    "n_layer": 12,
    "n_positions": 1024,
    "vocab_size": 50257,
}
T5_SMALL = {
    "architectures": ["T5ForConditionalGeneration"],
    "d_ff": 2048,
    "d_kv": 64,
    "d_model": 512,
    "model_type": "t5",
    "num_heads": 8,
    "num_layers": 6,
    "relative_attention_num_buckets": 32,
    "vocab_size": 32128,
}
T5_V1_1 = {
    "architectures": ["T5ForConditionalGeneration"],
    "d_ff": 1024,
    "d_kv": 64,
    "d_model": 512,
    "feed_forward_proj": "gated-gelu",
    "model_type": "t5",
    "num_decoder_layers": 8,
    "num_heads": 6,
    "num_layers": 8,
    "relative_attention_num_buckets": 32,
    "tie_word_embeddings": False,
    "vocab_size": 32128,
}
LLAMA2 = {
    "architectures": ["LlamaForCausalLM"],
    "hidden_size": 4096,
    "intermediate_size": 11008,
    "max_position_embeddings": 4096,
    "model_type": "llama",
    "num_attention_heads": 32,
    "num_hidden_layers": 32,
    "num_key_value_heads": 32,
    "rms_norm_eps": 1e-05,
    "tie_word_embeddings": False,
    "vocab_size": 32000,
}
LLAMA3 = {**LLAMA2, "intermediate_size": 14336, "num_key_value_heads": 8, "vocab_size": 128256}

# Totals of the model class each config names (model.num_parameters() in transformers).
CASES = [
    ("bert", BERT, 109_514_298),  # BertForMaskedLM: no pooler, tied MLM decoder + its bias
    ("roberta", ROBERTA, 124_697_433),
    ("albert", ALBERT, 11_221_680),
    ("distilbert", DISTILBERT, 66_985_530),
    ("gpt2", GPT2, 124_439_808),
    ("t5", T5_SMALL, 60_506_624),
    ("t5 v1.1", T5_V1_1, 76_961_152),
    ("llama-2", LLAMA2, 6_738_415_616),
    ("llama-3", LLAMA3, 8_030_261_248),
]


@pytest.mark.parametrize(("name", "config", "total"), CASES, ids=[c[0] for c in CASES])
def test_config_files_give_the_model_class_total(
    params_cli: Run, write_config: Write, name: str, config: dict[str, object], total: int
) -> None:
    result = params_cli("--config", str(write_config(config)), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["total"] == total


def test_config_base_model_class_and_overrides(params_cli: Run, write_config: Write) -> None:
    path = write_config({**BERT, "architectures": ["BertModel"]})
    assert json.loads(params_cli("--config", str(path), "--json").out)["total"] == 109_482_240
    no_pooler = params_cli("--config", str(path), "--no-pooler", "--json")
    assert json.loads(no_pooler.out)["total"] == 108_891_648


def test_config_with_a_task_head_counts_the_base_model_and_says_so(
    params_cli: Run, write_config: Write
) -> None:
    path = write_config({**BERT, "architectures": ["BertForSequenceClassification"]})
    result = params_cli("--config", str(path))
    assert result.code == 0
    assert "BertForSequenceClassification" in result.out and "not counted" in result.out


def test_config_verifies_against_torch(params_cli: Run, write_config: Write) -> None:
    result = params_cli("--config", str(write_config(T5_V1_1)), "--verify", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["verify"]["ok"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({**BERT, "model_type": "mamba"}, "model_type 'mamba' is not supported"),
        ({k: v for k, v in BERT.items() if k != "model_type"}, "missing field 'model_type'"),
        ({k: v for k, v in BERT.items() if k != "hidden_size"}, "missing field 'hidden_size'"),
        ({k: v for k, v in GPT2.items() if k != "n_layer"}, "missing field 'n_layer'"),
        (
            {**BERT, "hidden_size": 770},
            "hidden_size=770 is not divisible by num_attention_heads=12",
        ),
        ({**LLAMA2, "num_key_value_heads": 5}, "num_key_value_heads"),
        ({**BERT, "vocab_size": "big"}, "field 'vocab_size' must be a non-negative integer"),
        ({**ALBERT, "num_hidden_groups": 2}, "num_hidden_groups"),
    ],
)
def test_bad_configs_name_the_field(
    params_cli: Run, write_config: Write, config: dict[str, object], message: str
) -> None:
    result = params_cli("--config", str(write_config(config)))
    assert result.code == 2, result.out
    assert message in result.err and "Traceback" not in result.err


def test_unreadable_config_files(params_cli: Run, tmp_path: Path) -> None:
    missing = params_cli("--config", str(tmp_path / "nope.json"))
    assert missing.code == 2 and "no such file" in missing.err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = params_cli("--config", str(broken))
    assert result.code == 2 and "not valid JSON" in result.err
