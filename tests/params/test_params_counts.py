"""The calculator's numbers: the issue's reference figures, published model sizes, and what
each option changes. Pure Python: none of these tests needs torch."""

from __future__ import annotations

import pytest

from quizzer.core.params.formula import Polynomial, evaluate, pretty
from quizzer.core.params.hparams import ParamsError
from quizzer.core.params.presets import PRESETS, count, resolve


def test_reference_figures_from_the_issue() -> None:
    bert = count("bert-base")
    assert bert.total == 109_482_240
    assert bert.layer_count("encoder") == 7_087_872
    assert bert.group_total("pooler") == 590_592
    assert count("bert-large").total == 335_141_888
    assert count("lstm", {"input": 100, "hidden": 256}).total == 366_592


# Totals published for the Hugging Face models these presets describe (model.num_parameters()).
PUBLISHED = {
    "bert-base": 109_482_240,
    "bert-base-chinese": 102_267_648,
    "roberta-base": 124_645_632,
    "albert-base": 11_683_584,
    "distilbert-base": 66_362_880,
    "gpt2": 124_439_808,
    "gpt2-medium": 354_823_168,
    "gpt2-large": 774_030_080,
    "gpt2-xl": 1_557_611_200,
    "t5-small": 60_506_624,
    "t5-base": 222_903_552,
    "llama-2-7b": 6_738_415_616,
    "llama-2-13b": 13_015_864_320,
    "llama-2-70b": 68_976_648_192,
    "llama-3-8b": 8_030_261_248,
    "vit-base-16": 86_389_248,
}


@pytest.mark.parametrize(("preset", "expected"), PUBLISHED.items())
def test_presets_match_published_totals(preset: str, expected: int) -> None:
    assert count(preset).total == expected


def test_bert_pieces_and_variants() -> None:
    bert = count("bert-base")
    assert bert.group_total("embeddings") == 23_837_184
    assert count("bert-base", {"pooler": False}).total == 108_891_648
    # BertForPreTraining: MLM transform + LN, decoder tied to the embedding, bias, NSP.
    assert count("bert-base", {"lm_head": "tied", "nsp": True}).total == 110_106_428
    assert count("bert-large", {"lm_head": "tied", "nsp": True}).total == 336_226_108
    untied = count("bert-base", {"lm_head": "untied"}).total
    tied = count("bert-base", {"lm_head": "tied"}).total
    assert untied - tied == 30_522 * 768


def test_biases_off_removes_exactly_the_linear_biases() -> None:
    with_bias = count("bert-base").total
    without = count("bert-base", {"bias": False}).total
    # Per layer: Q, K, V, O (4H), FFN (F + H); pooler H. LayerNorms keep their beta.
    assert with_bias - without == 12 * (4 * 768 + 3072 + 768) + 768


def test_albert_shares_layers_and_factorizes_the_embedding() -> None:
    albert = count("albert-base")
    assert count("albert-base", {"layers": 24}).total == albert.total
    assert albert.find("embeddings.token").count == 30_000 * 128  # type: ignore[union-attr]
    assert count("albert-large").total == 17_683_968


def test_llama_grouped_query_attention() -> None:
    gqa = count("llama-3-8b")
    mha = count("llama-3-8b", {"kv_heads": 32})
    per_layer = 2 * 4096 * (32 - 8) * 128
    assert mha.total - gqa.total == 32 * per_layer


def test_tied_head_adds_nothing_untied_adds_vh() -> None:
    assert count("gpt2", {"lm_head": "none"}).total == count("gpt2").total
    assert count("gpt2", {"lm_head": "untied"}).total - count("gpt2").total == 50257 * 768


def test_t5_relative_bias_only_in_first_layer_of_each_stack() -> None:
    t5 = count("t5-small")
    biases = [c for c in t5.components if c.key.endswith("relative_bias")]
    assert [c.total for c in biases] == [32 * 8, 32 * 8]


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        ("rnn", {"input": 100, "hidden": 128}, 29_440),
        ("gru", {"input": 100, "hidden": 128}, 88_320),
        ("lstm", {"input": 100, "hidden": 128}, 117_760),
        ("linear", {"input": 768, "output": 3072}, 768 * 3072 + 3072),
        ("conv2d", {"input": 3, "output": 64, "kernel": 7}, 64 * 3 * 49 + 64),
        ("conv2d", {"input": 64, "output": 128, "kernel": 3, "groups": 4}, 128 * 16 * 9 + 128),
        (
            "convtranspose2d",
            {"input": 6, "output": 9, "kernel": "3x5", "groups": 3},
            6 * 3 * 15 + 9,
        ),
        ("mha", {"hidden": 768, "heads": 12}, 4 * 768 * 768 + 4 * 768),
        ("batchnorm", {"channels": 64}, 128),
        ("layernorm", {"hidden": 768}, 1536),
        ("rmsnorm", {"hidden": 768}, 768),
        ("embedding", {"vocab": 30522, "hidden": 768}, 30522 * 768),
    ],
)
def test_single_layers(kind: str, values: dict[str, object], expected: int) -> None:
    assert count(kind, values).total == expected


def test_batchnorm_running_statistics_are_buffers_not_parameters() -> None:
    bn = count("batchnorm", {"channels": 64})
    assert bn.total == 128
    assert sum(b.total for b in bn.buffers) == 2 * 64 + 1


def test_every_component_count_is_its_formula() -> None:
    for name in PRESETS:
        breakdown = count(name)
        for comp in breakdown.components:
            assert evaluate(comp.formula, breakdown.symbols) == comp.count, (name, comp.key)
        poly = breakdown.polynomial()
        assert poly.evaluate(breakdown.symbols) == breakdown.total, name


def test_formula_display() -> None:
    assert pretty("3*(H**2 + H)") == "3(H² + H)"
    assert pretty("V*H") == "V·H"
    assert pretty("2*H") == "2H"
    assert Polynomial.parse("4*(H**2 + H) + 8*H**2 + 5*H").display("H") == "12H² + 9H"
    assert count("bert-base").total_formula().startswith("L(4H² + 2H·F + 9H + F)")


@pytest.mark.parametrize(
    ("target", "values", "message"),
    [
        ("bert", {"hidden": 770}, "hidden=770 is not divisible by heads=12"),
        ("bert", {"layers": -2}, "layers must be a positive integer"),
        ("llama", {"kv_heads": 12}, "heads=32 is not divisible by kv_heads=12"),
        ("conv2d", {"input": 6, "output": 8, "kernel": 3, "groups": 4}, "input=6"),
        ("gpt2", {"pooler": True}, "pooler does not apply to gpt2"),
        ("lstm", {"hidden": 8}, "lstm needs input"),
        ("conv1d", {"input": 1, "output": 1, "kernel": "3x3"}, "one size for conv1d"),
    ],
)
def test_inconsistent_hyperparameters_name_the_field(
    target: str, values: dict[str, object], message: str
) -> None:
    with pytest.raises(ParamsError) as info:
        count(target, values)
    assert message in info.value.message


def test_unknown_model_suggests_the_nearest_names() -> None:
    with pytest.raises(ParamsError) as info:
        resolve("bert-bsae")
    assert "Did you mean" in info.value.message and "bert-base" in info.value.message
