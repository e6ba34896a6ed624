"""`quizzer params`: exact parameter counts, FLOPs and memory, with formulas, proved by torch.

The counting path is pure Python (no torch, no SymPy): `quizzer params bert-base` costs click,
Rich and ~1 ms of arithmetic. `--verify` imports torch (~1-2 s) and `--symbolic` SymPy (~0.3 s),
each only when asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from quizzer.commands.common import (
    emit_json,
    json_option,
    lang_option,
    resolve_lang,
    stdout_console,
)
from quizzer.core.params.cost import DTYPE_BYTES
from quizzer.core.params.hparams import ALL_HPARAMS, HParam, ParamsError
from quizzer.errors import ExitCode

EPILOG = """
\b
Examples:
  quizzer params bert-base                      the table: formula, count, share
  quizzer params bert-base --explain --verify   the derivation in prose, proved by torch
  quizzer params bert --hidden 512 --layers 8   a preset's family with your values
  quizzer params --config path/to/config.json   a Hugging Face model
  quizzer params layer lstm --input 100 --hidden 256 --layers 2 --bidirectional
  quizzer params llama-3-8b --flops --memory --seq 8192
  quizzer params --list                         presets, families and layer kinds
"""


def hyperparameter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """One option per hyperparameter any family takes; a family rejects the ones it lacks."""
    for param in reversed(ALL_HPARAMS):
        func = _option(param)(func)
    return func


def _option(param: HParam) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    flag = param.flag
    if param.kind == "bool":
        negative = {
            "bidirectional": "--unidirectional",
            "tied_embeddings": "--untied-embeddings",
        }.get(param.name, f"--no-{flag[2:]}")
        return click.option(f"{flag}/{negative}", param.name, default=None, help=param.help)
    if param.kind == "choice":
        return click.option(
            flag, param.name, type=click.Choice(param.choices), default=None, help=param.help
        )
    return click.option(
        flag,
        param.name,
        type=str if param.kind == "kernel" else int,
        default=None,
        metavar="N" if param.kind == "int" else "K",
        help=f"{param.help} ({param.symbol})" if param.symbol else param.help,
    )


@click.command(epilog=EPILOG)
@click.argument("target", required=False)
@click.argument("kind", required=False)
@click.option("--list", "list_presets", is_flag=True, help="List presets, families, layers.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Count the model a Hugging Face config.json describes.",
)
@hyperparameter_options
@click.option(
    "--freeze",
    multiple=True,
    metavar="GROUP",
    help="Count GROUP (embeddings, encoder, ...) as frozen; repeatable.",
)
@click.option("--symbolic", is_flag=True, help="Print the total as a SymPy polynomial.")
@click.option("--explain", is_flag=True, help="Walk through the derivation in prose.")
@click.option(
    "--verify",
    is_flag=True,
    help="Build it from torch.nn on the meta device and "
    "compare every component (exit 1 on a mismatch).",
)
@click.option("--flops", is_flag=True, help="FLOPs per token: 2N matmul + attention term.")
@click.option("--memory", is_flag=True, help="Weights per dtype, Adam training, KV cache.")
@click.option(
    "--seq",
    type=click.IntRange(min=1),
    default=None,
    help="Context length for FLOPs (default: the positions, else 2048).",
)
@click.option("--batch", type=click.IntRange(min=1), default=1, help="Batch for the KV cache.")
@click.option(
    "--context",
    type=click.IntRange(min=1),
    default=None,
    help="Context length for the KV cache (default: --seq).",
)
@click.option(
    "--kv-dtype",
    type=click.Choice(list(DTYPE_BYTES)),
    default="bf16",
    help="Element type of the KV cache.",
)
@json_option
@lang_option
def params(
    target: str | None,
    kind: str | None,
    list_presets: bool,
    config_path: Path | None,
    freeze: tuple[str, ...],
    symbolic: bool,
    explain: bool,
    verify: bool,
    flops: bool,
    memory: bool,
    seq: int | None,
    batch: int,
    context: int | None,
    kv_dtype: str,
    as_json: bool,
    lang: str | None,
    **hyperparameters: Any,
) -> None:
    """Count the parameters of TARGET (a preset, a family, or `layer KIND`) exactly."""
    from quizzer.core.params import render as view

    lang = resolve_lang(lang)
    if list_presets:
        if as_json:
            emit_json(view.presets_document())
        else:
            stdout_console().print(view.presets_table())
        return
    spec, notes = _spec(target, kind, config_path, hyperparameters)
    breakdown = _frozen(spec.family.build(spec), freeze)
    seq = seq or breakdown.symbols.get("P") or 2048
    context = context or seq
    extras = view.Extras(notes=notes, seq=seq, batch=batch, context=context, kv_dtype=kv_dtype)
    if flops:
        extras.flops = _cost_flops(breakdown, seq)
    if memory:
        extras.memory = _cost_memory(breakdown, batch, context, kv_dtype)
    if symbolic:
        from quizzer.core.params.symbolic import symbolic_total

        extras.symbolic = symbolic_total(breakdown)
    if verify:
        from quizzer.core.params.verify import verify as verify_build

        extras.verification = verify_build(breakdown)
    if explain:
        from quizzer.core.params.explain import explain as explain_text

        extras.explanation = [p.get(lang) for p in explain_text(spec, breakdown)]
    if as_json:
        emit_json(view.document(breakdown, extras))
    else:
        stdout_console().print(*view.renderables(breakdown, extras))
    failed = (extras.verification is not None and not extras.verification.ok) or (
        extras.symbolic is not None and not extras.symbolic.matches
    )
    if failed:
        sys.exit(int(ExitCode.INCORRECT))


def _spec(
    target: str | None, kind: str | None, config_path: Path | None, hyperparameters: dict[str, Any]
) -> tuple[Any, list[str]]:
    from quizzer.core.params.presets import LAYERS, resolve

    given = {k: v for k, v in hyperparameters.items() if v is not None}
    if config_path is not None:
        if target is not None:
            raise ParamsError("give either a model name or --config FILE, not both")
        from quizzer.core.params.hf_config import read_config, spec_from_config

        return spec_from_config(read_config(config_path), given, str(config_path))
    if target is None:
        raise ParamsError(
            "give a model (quizzer params bert-base), `layer KIND`, --config FILE, or --list"
        )
    if target == "layer":
        if kind is None:
            raise ParamsError(f"give a layer kind after `layer`: {', '.join(LAYERS)}")
        from quizzer.core.params.layers import LAYER_ALIASES

        if LAYER_ALIASES.get(kind.lower(), kind.lower()) not in LAYERS:
            from quizzer.core.schema import closest_names

            near = closest_names(kind.lower(), [*LAYERS, *LAYER_ALIASES])
            hint = f" Did you mean: {', '.join(near)}?" if near else ""
            raise ParamsError(f"unknown layer kind {kind!r}.{hint} (kinds: {', '.join(LAYERS)})")
        return resolve(kind, given), []
    if kind is not None:
        raise ParamsError(f"unexpected extra argument {kind!r} (only `layer KIND` takes two)")
    return resolve(target, given), []


def _frozen(breakdown: Any, freeze: tuple[str, ...]) -> Any:
    if not freeze:
        return breakdown
    import dataclasses

    groups = breakdown.groups()
    for group in freeze:
        if group not in groups:
            raise ParamsError(
                f"--freeze {group}: {breakdown.label} has no such group "
                f"(groups: {', '.join(groups)})"
            )
    return dataclasses.replace(breakdown, frozen_groups=tuple(freeze))


def _cost_flops(breakdown: Any, seq: int) -> Any:
    from quizzer.core.params.cost import flops

    if breakdown.family not in _model_families():
        raise ParamsError("--flops is defined for whole models, not single layers")
    return flops(breakdown, seq)


def _cost_memory(breakdown: Any, batch: int, context: int, kv_dtype: str) -> Any:
    from quizzer.core.params.cost import kv_cache, training_memory, weight_memory

    return (
        weight_memory(breakdown)
        + training_memory(breakdown)
        + kv_cache(breakdown, batch, context, kv_dtype)
    )


def _model_families() -> set[str]:
    from quizzer.core.params.presets import MODEL_FAMILIES

    return set(MODEL_FAMILIES)
