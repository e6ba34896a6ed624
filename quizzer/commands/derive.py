"""`quizzer derive`: check derivations line by line.

quizzer derive --check [PATH...]            every reference derivation, proven twice
quizzer derive EXERCISE_ID --steps FILE     grade a derivation (one step a line)
quizzer derive --steps FILE [--assume ...]  a free chain: each line equals the previous
quizzer derive EXERCISE_ID                  work the exercise at a prompt
quizzer derive --list                       the exercises
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from quizzer.commands.common import (
    emit_json,
    exit_for_outcome,
    json_option,
    lang_option,
    read_answer_file,
    resolve_lang,
    stdout_console,
)
from quizzer.errors import ExitCode

if TYPE_CHECKING:
    from quizzer.core.derive.report import DerivationReport

MARKS = {"valid": "[green]✓[/green]", "invalid": "[red]✗[/red]", "undecided": "[yellow]?[/yellow]"}
OUTCOMES = {
    "correct": "[green]✓ correct[/green]",
    "incorrect": "[red]✗ incorrect[/red]",
    "undecided": "[yellow]? undecided[/yellow]",
}


@click.command()
@click.argument("args", nargs=-1, metavar="[EXERCISE_ID | PATH...]")
@click.option(
    "--check",
    "check_all",
    is_flag=True,
    help="Verify every reference derivation (or those under PATH...): all steps "
    "valid, and torch agrees (autograd or Monte Carlo). Exit 1 on any failure.",
)
@click.option(
    "--steps",
    "steps_file",
    metavar="FILE",
    help="Grade the derivation in FILE ('-' for stdin), one step a line.",
)
@click.option(
    "--assume",
    "assume",
    multiple=True,
    metavar="SPEC",
    help="For a free chain: 'positive' (every symbol), 'x=positive', "
    "'n=integer,positive', 'f=function' or a JSON mapping (as in `quizzer equiv`).",
)
@click.option(
    "--equations",
    is_flag=True,
    help="For a free chain: each line is an equation (x^2 = 9, then x = 3), not "
    "a chain of equal expressions (a = b = c).",
)
@click.option("--list", "list_all", is_flag=True, help="List the exercises.")
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    help="Where the torch checks run (auto: CUDA when available).",
)
@click.option(
    "--samples",
    type=click.IntRange(1000, 5_000_000),
    default=None,
    help="Monte Carlo samples per case for --check (default: each exercise's own).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 60),
    default=2.0,
    show_default=True,
    help="Time cap per step, in seconds.",
)
@json_option
@lang_option
def derive(
    args: tuple[str, ...],
    check_all: bool,
    steps_file: str | None,
    assume: tuple[str, ...],
    equations: bool,
    list_all: bool,
    device: str,
    samples: int | None,
    timeout: float,
    as_json: bool,
    lang: str | None,
) -> None:
    """Check derivations line by line: each line must follow from the previous one.

    Lines are formulas in the language of `quizzer equiv` plus diff(f, x); in a chain of
    expressions a line may be `a = b = c` or continue with `= c`. Exit codes: 0 correct (or
    all checks passed), 1 incorrect (or a check failed), 3 undecided, 2 bad input.
    """
    lang = resolve_lang(lang)
    if list_all:
        _list(as_json, lang)
        return
    if check_all:
        if steps_file or assume or equations:
            raise click.UsageError("--check takes paths, not --steps, --assume or --equations")
        _check(args, device, samples, timeout, as_json)
        return
    if len(args) > 1:
        raise click.UsageError("give one EXERCISE_ID (paths go with --check)")
    exercise_id = args[0] if args else None
    if exercise_id is None and steps_file is None:
        raise click.UsageError(
            "give an EXERCISE_ID, --steps FILE, --check or --list (see quizzer derive --help)"
        )
    if exercise_id is not None and (assume or equations):
        raise click.UsageError(
            "--assume and --equations are for a free chain; an exercise declares its own"
        )
    if steps_file is None:
        assert exercise_id is not None
        _interactive(exercise_id, lang, timeout)
        return
    text = read_answer_file(steps_file)
    if exercise_id is None:
        _free_chain(text, assume, equations, timeout, as_json, lang)
    else:
        _exercise(exercise_id, text, timeout, as_json, lang)


def _list(as_json: bool, lang: str) -> None:
    from quizzer.core.derive.exercise import load_exercises

    exercises, diagnostics = load_exercises()
    for diag in diagnostics:
        click.echo(f"quizzer: skipped: {diag}", err=True)
    ordered = sorted(exercises.values(), key=lambda e: (e.topic, e.id))
    if as_json:
        emit_json(
            {
                "exercises": [
                    {
                        "id": e.id,
                        "topic": e.topic,
                        "title": e.title.get(lang),
                        "file": e.file,
                        "difficulty": e.difficulty,
                        "steps": len(e.steps),
                        "monte_carlo": e.monte_carlo is not None,
                    }
                    for e in ordered
                ]
            }
        )
        return
    from rich.table import Table

    table = Table(title=f"{len(ordered)} derivation exercises")
    for column in ("id", "topic", "title", "steps"):
        table.add_column(column, overflow="fold")
    for e in ordered:
        table.add_row(e.id, e.topic, e.title.get(lang), str(len(e.steps)))
    stdout_console().print(table)


def _check(
    paths: tuple[str, ...], device: str, samples: int | None, timeout: float, as_json: bool
) -> None:
    from quizzer.core.derive.verify import verify_paths

    checks, diagnostics = verify_paths(
        [Path(p) for p in paths] or None, device=device, timeout=timeout, samples=samples
    )
    failed = [c for c in checks if not c.ok]
    if as_json:
        emit_json(
            {
                "exercises": [c.to_json() for c in checks],
                "passed": len(checks) - len(failed),
                "failed": len(failed),
                "diagnostics": [d.to_json() for d in diagnostics],
            }
        )
    else:
        console = stdout_console()
        for check in checks:
            mark = "[green]✓[/green]" if check.ok else "[red]✗[/red]"
            console.print(
                f"{mark} {check.exercise_id}  symbolic: "
                f"{'valid' if check.symbolic == 'valid' else 'FAILED'}  numeric: "
                f"{check.numeric}"
            )
            for problem in check.problems:
                console.print(f"    {check.file}: {problem}", markup=False)
        for diag in diagnostics:
            click.echo(f"quizzer: {diag}", err=True)
        console.print(
            f"{len(checks)} exercise(s): {len(checks) - len(failed)} passed, "
            f"{len(failed)} failed"
            + (f", {len(diagnostics)} file problem(s)" if diagnostics else "")
        )
    if failed or diagnostics or not checks:
        sys.exit(int(ExitCode.INCORRECT))


def _exercise(exercise_id: str, text: str, timeout: float, as_json: bool, lang: str) -> None:
    from quizzer.core.derive.exercise import find_exercise
    from quizzer.core.derive.grading import check_answer
    from quizzer.core.grading import GradingEnv

    exercise = find_exercise(exercise_id)
    report = check_answer(exercise, text, GradingEnv(lang=lang, expression_timeout=timeout))
    _emit(report, as_json, lang, exercise.id, f"{exercise.id}: {exercise.title.get(lang)}")


def _free_chain(
    text: str,
    assume: tuple[str, ...],
    equations: bool,
    timeout: float,
    as_json: bool,
    lang: str,
) -> None:
    from quizzer.commands.equiv import parse_assume_spec
    from quizzer.core.derive.checker import DerivationChecker
    from quizzer.core.derive.givens import prepare_free_chain

    # Parsed as `quizzer equiv` does, so a JSON mapping works here too.
    prepared = prepare_free_chain([parse_assume_spec(a) for a in assume], equations)
    report = DerivationChecker(prepared, timeout=timeout).check(text)
    _emit(report, as_json, lang, None, "free chain")


def _emit(
    report: DerivationReport, as_json: bool, lang: str, exercise_id: str | None, title: str
) -> None:
    if as_json:
        emit_json({"exercise": exercise_id, **report.to_json(lang)})
    else:
        console = stdout_console()
        console.print(title, markup=False)
        for line in report.lines:
            console.print(f"{line.line:>3} {MARKS[line.verdict]} ", end="")
            console.print(line.text, markup=False)
            for item in line.feedback:
                console.print(f"      {item.get(lang)}", markup=False)
        summary = " ".join(s.get(lang) for s in report.summary)
        console.print(f"{OUTCOMES[report.outcome.value]}: ", end="")
        console.print(summary, markup=False)
        if report.hint is not None and report.first_invalid is None and not report.reached_goal:
            console.print(f"Hint: {report.hint.get(lang)}", markup=False)
    exit_for_outcome(report.outcome)


def _interactive(exercise_id: str, lang: str, timeout: float) -> None:
    from quizzer.core.derive.checker import DerivationChecker
    from quizzer.core.derive.exercise import find_exercise
    from quizzer.core.derive.grading import prepared_exercise
    from quizzer.core.derive.interactive import run_session
    from quizzer.core.model import Outcome

    exercise = find_exercise(exercise_id)
    checker = DerivationChecker(prepared_exercise(exercise), timeout=timeout)
    interactive = sys.stdin.isatty()

    def read_line(prompt: str) -> str | None:
        try:
            if interactive:
                return input(prompt)
            line = sys.stdin.readline()
            if not line:
                return None
            click.echo(f"{prompt}{line.rstrip()}")
            return line
        except EOFError:
            return None

    def write(text: str) -> None:
        click.echo(text)

    result = run_session(exercise, checker, read_line, write, lang)
    outcome: Any = result.outcome
    if outcome is Outcome.CORRECT:
        sys.exit(int(ExitCode.OK))
    if outcome is Outcome.UNDECIDED:
        sys.exit(int(ExitCode.UNDECIDED))
    sys.exit(int(ExitCode.INCORRECT))


__all__ = ["derive"]
