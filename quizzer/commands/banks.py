"""`quizzer banks`: list, validate, check and trust question banks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from quizzer.commands.common import (
    emit_json,
    json_option,
    lang_option,
    resolve_lang,
    stdout_console,
)
from quizzer.errors import ExitCode

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@click.group()
def banks() -> None:
    """List, validate, check and trust question banks."""


@banks.command("list")
@json_option
@lang_option
def list_banks(as_json: bool, lang: str | None) -> None:
    """List the banks: id, title, topic, question count per type, languages."""
    from quizzer.commands.common import load_catalog_for_cli

    catalog = load_catalog_for_cli()
    lang = resolve_lang(lang)
    if as_json:
        emit_json(
            {
                "banks": [
                    {
                        "id": b.id,
                        "title": b.title.get(lang),
                        "topic": b.topic,
                        "file": b.file,
                        "questions": len(b.questions),
                        "by_type": b.count_by_type(),
                        "languages": list(b.languages),
                        "zh_coverage": sum("zh" in q.languages for q in b.questions),
                    }
                    for b in catalog.banks
                ],
                "total_questions": len(catalog.questions),
                "topics": sorted({b.topic for b in catalog.banks}),
                "skipped": catalog.skipped_files,
            }
        )
        return
    from rich.table import Table

    table = Table(
        title=f"{len(catalog.banks)} banks, {len(catalog.questions)} questions, "
        f"{len({b.topic for b in catalog.banks})} topics"
    )
    for col in ("bank", "title", "topic", "questions", "by type", "languages"):
        table.add_column(col, overflow="fold")
    for b in sorted(catalog.banks, key=lambda b: (b.topic, b.id)):
        by_type = " ".join(f"{t}:{n}" for t, n in sorted(b.count_by_type().items()))
        table.add_row(
            b.id, b.title.get(lang), b.topic, str(len(b.questions)), by_type, "+".join(b.languages)
        )
    stdout_console().print(table)


@banks.command("validate")
@PATHS
@json_option
def validate(paths: tuple[Path, ...], as_json: bool) -> None:
    """Validate bank files (default: all loaded banks); report every error in every file."""
    from quizzer.core.catalog import load_catalog

    catalog = load_catalog(list(paths) or None, use_cache=False)
    files = len(catalog.banks) + len(catalog.skipped_files)
    if as_json:
        emit_json(
            {
                "ok": catalog.ok,
                "files": files,
                "questions": len(catalog.questions),
                "errors": [d.to_json() for d in catalog.diagnostics],
            }
        )
    else:
        for diag in catalog.diagnostics:
            click.echo(str(diag), err=True)
        if catalog.ok:
            click.echo(f"{files} file(s), {len(catalog.questions)} questions: all valid.")
        else:
            click.echo(
                f"{len(catalog.diagnostics)} error(s) in {len(catalog.skipped_files)} of "
                f"{files} file(s).",
                err=True,
            )
    if not catalog.ok:
        sys.exit(int(ExitCode.USAGE))


@banks.command("check")
@PATHS
@json_option
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    help="Where torch checks run.",
)
@click.option("--question", "question_ids", multiple=True, help="Only these question ids.")
def check(
    paths: tuple[Path, ...], as_json: bool, device: str, question_ids: tuple[str, ...]
) -> None:
    """Run every question's tests: accepted answers must pass, rejected ones must fail."""
    from quizzer.commands.common import load_catalog_for_cli
    from quizzer.core.grading import GradingEnv
    from quizzer.core.selftest import TestResult, check_questions

    catalog = load_catalog_for_cli(list(paths) or None)
    questions = [catalog.question(q) for q in question_ids] or list(catalog.questions.values())
    failures: list[dict[str, object]] = []
    passed = 0
    with _services() as services:
        for q in questions:
            bank = catalog.bank(q.bank_id)
            env = GradingEnv(
                catalog=catalog,
                device=device,
                services=services,
                trusted_code=bank.trusted,
            )
            for item in check_questions([q], env):
                if isinstance(item, TestResult):
                    if item.ok:
                        passed += 1
                    else:
                        failures.append(item.to_json())
                        if not as_json:
                            click.echo(
                                f"FAIL {q.file} [{q.id}] {item.case.origin} "
                                f"{_short(item.case.answer)}: {item.message}",
                                err=True,
                            )
                else:
                    question, problem = item
                    failures.append(
                        {
                            "question": question.id,
                            "file": question.file,
                            "ok": False,
                            "message": problem,
                        }
                    )
                    if not as_json:
                        click.echo(f"FAIL {question.file} [{question.id}]: {problem}", err=True)
    ok = not failures and catalog.ok
    if as_json:
        emit_json(
            {
                "ok": ok,
                "passed": passed,
                "failed": len(failures),
                "failures": failures,
                "skipped_files": catalog.skipped_files,
            }
        )
    else:
        click.echo(f"{passed} passed, {len(failures)} failed ({len(questions)} questions)")
    if not ok:
        sys.exit(int(ExitCode.INCORRECT))


def _short(answer: object) -> str:
    text = repr(answer)
    return text if len(text) <= 60 else text[:57] + "..."


class _services:
    """Long-lived checker services (torch worker, SymPy worker) shared by a whole check run."""

    def __enter__(self) -> dict[str, object]:
        self.services: dict[str, object] = {}
        return self.services

    def __exit__(self, *exc: object) -> None:
        for service in self.services.values():
            close = getattr(service, "close", None)
            if callable(close):
                close()


@banks.command("trust")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def trust_bank(path: Path) -> None:
    """Allow a bank file (or a directory of banks) to run its own code."""
    from quizzer.core.trust import trust

    resolved = trust(path)
    click.echo(f"trusted: {resolved}")


@banks.command("untrust")
@click.argument("path", type=click.Path(path_type=Path))
def untrust_bank(path: Path) -> None:
    """Stop trusting a bank path."""
    from quizzer.core.trust import untrust

    if untrust(path):
        click.echo(f"no longer trusted: {path.resolve()}")
    else:
        click.echo(f"{path.resolve()} was not trusted", err=True)
