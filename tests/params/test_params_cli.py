"""`quizzer params` as a user runs it: the table, --json, --list, layers, the extras, and bad
input (a clear message naming the field, exit code 2, no traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.params.conftest import CliResult

Run = Callable[..., CliResult]


def test_table_shows_formulas_counts_shares_and_totals(params_cli: Run) -> None:
    result = params_cli("bert-base")
    assert result.code == 0, result.err
    for text in (
        "V·H",
        "23,440,896",
        "3(H² + H)",
        "1,771,776",
        "4H² + 2H·F + 9H + F",
        "7,087,872",
        "× L = 12 layers",
        "85,054,464",
        "590,592",
        "109,482,240",
        "Trainable",
        "100.0%",
        "21.8%",
    ):
        assert text in result.out, text


def test_json_document(params_cli: Run) -> None:
    result = params_cli("bert-base", "--json")
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["total"] == 109_482_240 and isinstance(doc["total"], int)
    assert doc["trainable"] == 109_482_240
    assert sum(c["count"] for c in doc["components"]) == doc["total"]
    qkv = next(c for c in doc["components"] if c["key"] == "encoder.qkv")
    assert qkv == {
        **qkv,
        "name": "attention Q, K, V (H→H each)",
        "formula": "3(H² + H)",
        "count": 12 * 1_771_776,
        "per_instance": 1_771_776,
        "instances": 12,
    }
    assert doc["hyperparameters"]["hidden"] == 768 and doc["symbols"]["V"] == 30522


def test_explicit_hyperparameters(params_cli: Run) -> None:
    doc = json.loads(
        params_cli(
            "bert",
            "--hidden",
            "768",
            "--layers",
            "12",
            "--heads",
            "12",
            "--ffn",
            "3072",
            "--vocab",
            "30522",
            "--json",
        ).out
    )
    assert doc["total"] == 109_482_240
    doc = json.loads(params_cli("bert-base", "--no-pooler", "--json").out)
    assert doc["total"] == 108_891_648 and doc["model"] == "bert-base (modified)"


def test_layer_lstm(params_cli: Run) -> None:
    result = params_cli(
        "layer",
        "lstm",
        "--input",
        "100",
        "--hidden",
        "256",
        "--layers",
        "2",
        "--bidirectional",
        "--json",
    )
    assert result.code == 0, result.err
    assert json.loads(result.out)["total"] == 2_310_144
    single = json.loads(
        params_cli("layer", "lstm", "--input", "100", "--hidden", "256", "--json").out
    )
    assert single["total"] == 366_592


def test_list_shows_presets_families_and_layers(params_cli: Run) -> None:
    result = params_cli("--list")
    assert result.code == 0
    for name in (
        "bert-base-chinese",
        "roberta-large",
        "albert-base",
        "distilbert-base",
        "transformer-base",
        "gpt2-xl",
        "t5-base",
        "llama-3-8b",
        "vit-base-16",
        "lstm",
        "convtranspose2d",
        "102,267,648",
    ):
        assert name in result.out, name
    doc = json.loads(params_cli("--list", "--json").out)
    assert {p["name"] for p in doc["presets"]} >= {"bert-base", "llama-2-7b", "gpt2-medium"}


def test_symbolic_is_a_polynomial_equal_to_the_total(params_cli: Run) -> None:
    result = params_cli("bert-base", "--symbolic", "--json")
    assert result.code == 0
    symbolic = json.loads(result.out)["symbolic"]
    assert symbolic["matches"] and symbolic["value"] == 109_482_240
    assert "L*(4*H**2" in symbolic["grouped"] or "L*(2*F*H" in symbolic["grouped"]
    assert "✓ equals" in params_cli("vit-base-16", "--symbolic").out


def test_explain_names_the_classic_mistakes(params_cli: Run) -> None:
    text = params_cli("bert-base", "--explain").out
    assert "biases" in text and "one LayerNorm per layer" in text and "pooler" in text
    assert "109,398,528" in text  # the count without biases
    assert "tied LM head" in params_cli("gpt2", "--explain").out
    assert (
        "running statistics"
        in params_cli("layer", "batchnorm", "--channels", "64", "--explain").out
    )
    zh = params_cli("bert-base", "--explain", "--lang", "zh").out
    assert "常见错误" in zh and "总计" in zh


def test_verify_reports_each_component(params_cli: Run) -> None:
    result = params_cli("gpt2", "--verify", "--json")
    assert result.code == 0, result.err
    verify = json.loads(result.out)["verify"]
    assert verify["ok"] and verify["total"] == {"expected": 124_439_808, "torch": 124_439_808}
    assert all(c["ok"] for c in verify["components"])
    human = params_cli("layer", "mha", "--hidden", "768", "--heads", "12", "--verify")
    assert human.code == 0 and "✓ every component matches" in human.out


def test_flops_show_the_matmul_and_attention_terms_separately(params_cli: Run) -> None:
    doc = json.loads(params_cli("gpt2", "--flops", "--json").out)
    lines = {x["key"]: x for x in doc["flops"]["lines"]}
    matmul, attention = lines["flops.matmul"]["value"], lines["flops.attention"]["value"]
    n_mm = 12 * (4 * 768**2 + 2 * 768 * 3072) + 768 * 50257  # the tied head still multiplies
    assert matmul == 2 * n_mm
    assert attention == 4 * 12 * 1024 * 768  # n defaults to the 1,024 positions
    assert lines["flops.forward"]["value"] == matmul + attention
    assert lines["flops.training"]["value"] == 3 * (matmul + attention)


def test_memory_weights_adam_and_kv_cache(params_cli: Run) -> None:
    doc = json.loads(
        params_cli("llama-2-7b", "--memory", "--seq", "4096", "--kv-dtype", "fp16", "--json").out
    )
    lines = {x["key"]: x["value"] for x in doc["memory"]["lines"]}
    n = 6_738_415_616
    assert lines["memory.weights.bf16"] == 2 * n and lines["memory.weights.int4"] == n / 2
    assert lines["memory.adam"] == 16 * n and lines["memory.adam_mixed"] == 16 * n
    assert lines["memory.kv_cache"] == 2 * 32 * 4096 * 4096 * 2  # 2 GiB
    frozen = json.loads(params_cli("bert-base", "--memory", "--freeze", "embeddings", "--json").out)
    adam = {x["key"]: x["value"] for x in frozen["memory"]["lines"]}["memory.adam"]
    trainable = 109_482_240 - 23_837_184
    assert frozen["trainable"] == trainable and adam == 4 * 109_482_240 + 12 * trainable


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bert-bsae"], "Did you mean: bert-base"),
        (["bert", "--hidden", "770"], "hidden=770 is not divisible by heads=12"),
        (["bert", "--layers", "-3"], "layers must be a positive integer"),
        (["gpt2", "--embedding-size", "128"], "embedding_size does not apply to gpt2"),
        (["layer", "lstm", "--hidden", "8"], "lstm needs input"),
        (["layer", "lstmm"], "Did you mean: lstm"),
        (["layer"], "give a layer kind"),
        ([], "give a model"),
        (["bert-base", "--freeze", "decoder"], "no such group"),
        (["layer", "linear", "--input", "3", "--output", "4", "--flops"], "whole models"),
        (["bert-base", "--config", "x.json"], "not both"),
    ],
)
def test_bad_input_is_exit_2_with_a_message(params_cli: Run, args: list[str], message: str) -> None:
    result = params_cli(*args)
    assert result.code == 2, (result.out, result.err)
    assert message in result.err
    assert "Traceback" not in result.err


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizzer", "params", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bad_input_in_a_real_shell_has_no_traceback() -> None:
    result = _run("llama", "--heads", "32", "--kv-heads", "5")
    assert result.returncode == 2
    assert "kv_heads" in result.stderr and "Traceback" not in result.stderr


def test_formula_path_imports_neither_torch_nor_sympy() -> None:
    code = (
        "import sys\n"
        "from quizzer.cli import main\n"
        "try:\n    main(['params', 'bert-base', '--flops', '--memory', '--explain'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('torch', 'sympy', 'textual') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "HEAVY []" in out.stdout
