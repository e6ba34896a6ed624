"""The command-line front end.

Subcommands live in `quizzer/commands/` and are imported only when invoked, so `quizzer --help`
pays for click alone (no Textual, SymPy or torch: guarded by tests/test_startup.py).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from quizzer import __version__
from quizzer.errors import ExitCode, QuizzerError

# name -> (module:attribute, one-line help). The help is duplicated here so that listing the
# commands does not import every command module.
COMMANDS: dict[str, tuple[str, str]] = {
    "quiz": ("quizzer.commands.quiz:quiz", "Run a quiz session (the TUI, or --plain)."),
    "banks": ("quizzer.commands.banks:banks", "List, validate, check and trust question banks."),
    "show": ("quizzer.commands.show:show", "Show one question."),
    "answer": ("quizzer.commands.answer:answer", "Grade one answer to a question."),
    "equiv": ("quizzer.commands.equiv:equiv", "Decide whether two formulas are equivalent."),
    "derive": ("quizzer.commands.derive:derive", "Check derivations line by line."),
    "params": ("quizzer.commands.params:params", "Count parameters, FLOPs and memory of a model."),
    "stats": ("quizzer.commands.stats:stats", "Show review statistics."),
    "progress": ("quizzer.commands.progress:progress", "Export or import progress (JSON)."),
    "schema": ("quizzer.commands.schema:schema", "Print the JSON Schema of bank files."),
}

EXIT_CODES_HELP = """
\b
Exit codes:
  0  success; for grading commands: correct / equivalent
  1  incorrect / different, or a check failed
  2  usage or input error (unknown id, malformed file, unparsable answer)
  3  undecided (the checker could not decide within its limits)
"""


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        target, _ = COMMANDS[cmd_name]
        module_name, attr = target.split(":")
        import importlib

        module = importlib.import_module(module_name)
        command: click.Command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-"):
            import difflib

            near = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise click.UsageError(f"no such command {name!r}.{hint}", ctx)
        return super().resolve_command(ctx, args)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    epilog=EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", "-V", prog_name="quizzer")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Drill deep-learning and machine-learning interview questions, with answers checked by
    SymPy and torch and reviews scheduled by spaced repetition.

    With no command, `quizzer` opens the quiz when run in a terminal, and prints this help
    otherwise.
    """
    if ctx.invoked_subcommand is not None:
        return
    if sys.stdin.isatty() and sys.stdout.isatty():
        quiz = cli.get_command(ctx, "quiz")
        assert quiz is not None
        ctx.invoke(quiz)
    else:
        click.echo(ctx.get_help())


def report_error(error: QuizzerError) -> None:
    """Print a user-facing error to stderr: title, message, then every diagnostic."""
    if error.diagnostics and len(error.diagnostics) > 1:
        click.echo(f"quizzer: {error.title}: {error.message}", err=True)
        for diag in error.diagnostics:
            click.echo(f"  {diag}", err=True)
    elif error.diagnostics:
        click.echo(f"quizzer: {error.title}: {error.diagnostics[0]}", err=True)
    else:
        click.echo(f"quizzer: {error.title}: {error.message}", err=True)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI, turning user errors into messages and exit codes."""
    try:
        cli.main(args=argv, prog_name="quizzer", standalone_mode=False)
    except QuizzerError as error:
        report_error(error)
        sys.exit(int(error.exit_code))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.USAGE))
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)
