"""Options and output helpers shared by every command.

Results go to stdout (Rich when a person reads them, JSON with --json); diagnostics to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from quizzer.errors import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from quizzer.core.catalog import Catalog
    from quizzer.core.model import Outcome

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print a JSON document for scripts."
    )(func)


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        default=None,
        help="Language of the text shown (default: QUIZZER_LANG, else en).",
    )(func)


def resolve_lang(lang: str | None) -> str:
    import os

    chosen = lang or os.environ.get("QUIZZER_LANG", "en")
    return chosen if chosen in ("en", "zh") else "en"


def emit_json(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def load_catalog_for_cli(paths: Sequence[Path] | None = None) -> Catalog:
    """Load banks; report skipped files on stderr but keep going with the others."""
    from quizzer.core.catalog import load_catalog

    catalog = load_catalog(list(paths) if paths else None)
    for diag in catalog.diagnostics:
        click.echo(f"quizzer: skipped: {diag}", err=True)
    return catalog


def exit_for_outcome(outcome: Outcome) -> None:
    from quizzer.core.model import Outcome

    code = {
        Outcome.CORRECT: ExitCode.OK,
        Outcome.INCORRECT: ExitCode.INCORRECT,
        Outcome.UNDECIDED: ExitCode.UNDECIDED,
    }[outcome]
    sys.exit(int(code))


def read_answer_file(path: str) -> str:
    """An answer from a file, or '-' for stdin (code answers, derivation steps)."""
    if path == "-":
        return sys.stdin.read()
    from quizzer.errors import AnswerError

    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswerError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise AnswerError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise AnswerError(f"{path}: cannot read ({exc.strerror})") from None


class FormulaCommand(click.Command):
    """A command whose positional arguments may be formulas starting with '-'.

    Click reads `quizzer answer Q -log(p_t)` as the short options -l -o -g ... and fails with
    "No such option '-l'". Here an argument starting with a single '-' that is not one of the
    command's options is passed on as a positional (`--typo` is still an unknown option).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known: set[str] = set()
        takes_value: set[str] = set()
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                known.update(param.opts, param.secondary_opts)
                if not param.is_flag and not param.count:
                    takes_value.update(param.opts)
        options: list[str] = []
        positionals: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            name = arg.split("=", 1)[0]
            if arg == "--":
                positionals.extend(args[i + 1 :])
                break
            if name in known or arg.startswith("--"):
                options.append(arg)
                if name in takes_value and "=" not in arg and i + 1 < len(args):
                    options.append(args[i + 1])
                    i += 1
            else:
                positionals.append(arg)
            i += 1
        return super().parse_args(ctx, [*options, "--", *positionals])
