"""Every preset and layer kind against its torch build on the meta device, component by
component. torch is imported once for the session (the builds themselves take milliseconds)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from quizzer.core.params.presets import PRESETS, count
from quizzer.core.params.verify import Verification, import_torch, verify


@pytest.fixture(scope="session", autouse=True)
def torch_once() -> None:
    import_torch()


def _assert_matches(result: Verification) -> None:
    bad = [(c.key, c.expected, c.actual) for c in result.checks if not c.ok]
    assert bad == [] and result.unmatched == ()
    assert result.total_actual == result.total_expected
    assert result.trainable_actual == result.trainable_expected
    assert result.buffers_actual == result.buffers_expected
    assert result.ok


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_matches_its_torch_build(preset: str) -> None:
    _assert_matches(verify(count(preset)))


OPTION_CASES = [
    ("bert", {"lm_head": "tied", "nsp": True}),
    ("bert", {"bias": False, "lm_head": "untied", "pooler": False}),
    ("roberta", {"lm_head": "tied", "pooler": False}),
    ("albert", {"lm_head": "tied", "nsp": True, "embedding_size": 64}),
    ("distilbert", {"sinusoidal": True, "lm_head": "tied"}),
    ("gpt2", {"lm_head": "untied", "bias": False}),
    ("gpt2", {"lm_head": "none", "ffn": 1000}),
    (
        "llama",
        {
            "bias": True,
            "lm_head": "tied",
            "kv_heads": 4,
            "head_dim": 48,
            "hidden": 256,
            "heads": 8,
            "layers": 2,
            "ffn": 640,
            "vocab": 1000,
        },
    ),
    ("transformer", {"tied_embeddings": False, "lm_head": "untied", "decoder_layers": 2}),
    ("transformer", {"bias": False, "lm_head": "none"}),
    ("t5", {"gated": True, "lm_head": "untied", "decoder_layers": 3, "head_dim": 32}),
    ("vit", {"classes": 1000, "pooler": False}),
    ("vit", {"bias": False, "image": 384, "patch": 32, "channels": 1}),
]


@pytest.mark.parametrize(("family", "values"), OPTION_CASES)
def test_options_match_their_torch_build(family: str, values: dict[str, object]) -> None:
    _assert_matches(verify(count(family, values)))


LAYER_CASES = [
    ("linear", {"input": 768, "output": 3072}),
    ("linear", {"input": 7, "output": 3, "bias": False}),
    ("embedding", {"vocab": 100, "hidden": 8}),
    ("conv1d", {"input": 4, "output": 8, "kernel": 3, "groups": 2}),
    ("conv2d", {"input": 3, "output": 64, "kernel": 7}),
    ("conv2d", {"input": 6, "output": 9, "kernel": "3x5", "groups": 3, "bias": False}),
    ("convtranspose2d", {"input": 6, "output": 9, "kernel": "3x5", "groups": 3}),
    ("rnn", {"input": 10, "hidden": 20, "layers": 3, "bidirectional": True}),
    ("lstm", {"input": 100, "hidden": 256}),
    ("lstm", {"input": 100, "hidden": 256, "layers": 2, "bidirectional": True}),
    ("gru", {"input": 10, "hidden": 20, "layers": 2, "bias": False}),
    ("layernorm", {"hidden": 768}),
    ("layernorm", {"hidden": 768, "bias": False}),
    ("layernorm", {"hidden": 768, "affine": False}),
    ("rmsnorm", {"hidden": 768}),
    ("batchnorm", {"channels": 64}),
    ("batchnorm", {"channels": 64, "affine": False}),
    ("mha", {"hidden": 768, "heads": 12}),
    ("mha", {"hidden": 64, "heads": 4, "kdim": 32, "vdim": 16, "add_bias_kv": True}),
    ("mha", {"hidden": 64, "heads": 4, "bias": False}),
]


@pytest.mark.parametrize(("kind", "values"), LAYER_CASES)
def test_every_layer_kind_matches_the_torch_module(kind: str, values: dict[str, object]) -> None:
    _assert_matches(verify(count(kind, values)))


def test_lstm_reference_figure_from_torch() -> None:
    result = verify(count("lstm", {"input": 100, "hidden": 256}))
    assert result.total_actual == 366_592


def test_bert_layer_equals_torch_transformer_encoder_layer() -> None:
    """An independent check of the per-layer figure with torch's own encoder layer."""
    torch, _ = import_torch()
    from quizzer.core.params.verify import meta_device

    with meta_device(torch):
        layer = torch.nn.TransformerEncoderLayer(768, 12, 3072)
    assert sum(p.numel() for p in layer.parameters()) == 7_087_872
    assert count("bert-base").layer_count("encoder") == 7_087_872


def test_a_wrong_formula_is_caught() -> None:
    breakdown = count("bert-base")
    broken = tuple(
        dataclasses.replace(c, count=c.count - 768) if c.key == "encoder.qkv" else c
        for c in breakdown.components
    )
    result = verify(dataclasses.replace(breakdown, components=broken))
    assert not result.ok
    (bad,) = [c for c in result.checks if not c.ok]
    assert bad.key == "encoder.qkv" and bad.actual - bad.expected == 12 * 768


def test_a_missing_component_is_caught() -> None:
    breakdown = count("gpt2")
    trimmed = tuple(c for c in breakdown.components if c.key != "final.norm")
    result = verify(dataclasses.replace(breakdown, components=trimmed))
    assert not result.ok and result.unmatched


def test_meta_build_skips_init_so_dynamo_is_never_imported() -> None:
    code = (
        "import sys\n"
        "from quizzer.core.params.presets import count\n"
        "from quizzer.core.params.verify import verify\n"
        "assert verify(count('bert-base')).ok\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"
