"""`quizzer equiv ANSWER EXPECTED`: decide whether two formulas are equivalent.

The check runs in the SymPy worker process under a hard time cap; this process never imports
SymPy. `--batch FILE` reads JSON lines and answers each in the same warm worker.
"""

from __future__ import annotations

import json
import math
import sys
import time
from typing import Any

import click

from quizzer.commands.common import (
    FormulaCommand,
    emit_json,
    json_option,
    read_answer_file,
    stdout_console,
)
from quizzer.errors import AnswerError, ExitCode, QuizzerError

EXIT = {"equivalent": ExitCode.OK, "different": ExitCode.INCORRECT, "undecided": ExitCode.UNDECIDED}
MARKS = {
    "equivalent": "[green]✓ equivalent[/green]",
    "different": "[red]✗ different[/red]",
    "undecided": "[yellow]? undecided[/yellow]",
}


def parse_assume_spec(text: str) -> Any:
    """`positive`, `x=positive`, `n=integer,positive`, or a JSON mapping."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            return json.loads(stripped)
        except ValueError as exc:
            raise AnswerError(f"--assume {text!r}: not valid JSON ({exc})") from None
    return stripped


def _context(specs: list[Any]) -> Any:
    from quizzer.core.expr.context import ExprContext

    return ExprContext.from_assume(specs)


@click.command(cls=FormulaCommand)
@click.argument("answer", required=False)
@click.argument("expected", required=False)
@click.option(
    "--assume",
    "assume",
    multiple=True,
    metavar="SPEC",
    help="Domain of the symbols: 'positive' (all symbols), 'x=positive', "
    "'n=integer,positive', 'sigma=logistic', 'f=function' or a JSON mapping. "
    "Undeclared symbols are real.",
)
@click.option(
    "--batch",
    "batch_file",
    metavar="FILE",
    help="Check JSON lines {id, answer, expected, assume} from FILE ('-': stdin); "
    "print one JSON line per case.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 60),
    default=2.0,
    show_default=True,
    help="Hard wall-clock cap per check, in seconds.",
)
@json_option
def equiv(
    answer: str | None,
    expected: str | None,
    assume: tuple[str, ...],
    batch_file: str | None,
    timeout: float,
    as_json: bool,
) -> None:
    """Decide whether ANSWER and EXPECTED are equivalent formulas.

    Exit 0 equivalent, 1 different, 3 undecided, 2 input error.

    \b
    Examples:
      quizzer equiv "sigmoid(x)*(1-sigmoid(x))" "exp(-x)/(1+exp(-x))^2"
      quizzer equiv "sqrt(x^2)" "x" --assume positive
      quizzer equiv --batch cases.jsonl --json
    """
    if batch_file is not None:
        if answer is not None or expected is not None:
            raise AnswerError("give either ANSWER EXPECTED or --batch FILE, not both")
        run_batch(batch_file, [parse_assume_spec(a) for a in assume], timeout)
        return
    if answer is None or expected is None:
        raise AnswerError("give two formulas: quizzer equiv ANSWER EXPECTED")
    from quizzer.core.expr.api import check_equivalence
    from quizzer.core.expr.worker import SympyWorker

    context = _context([parse_assume_spec(a) for a in assume])
    started = time.perf_counter()
    worker = SympyWorker(warm=False)  # one check: no warm-up run (saves ~0.1 s of start-up)
    try:
        result = check_equivalence(answer, expected, context, timeout=timeout, worker=worker)
    finally:
        worker.close()
    elapsed = (time.perf_counter() - started) * 1000
    if as_json:
        emit_json({**result.to_json(), "ms": round(elapsed, 1)})
    else:
        console = stdout_console()
        console.print(f"answer:   {result.answer_pretty}", markup=False)
        console.print(f"expected: {result.expected_pretty}", markup=False)
        console.print(
            f"{MARKS[result.verdict]} ({result.method}): {result.reason}", highlight=False
        )
        cx = result.counterexample
        if cx:
            point = ", ".join(f"{k} = {v}" for k, v in cx.get("point", {}).items())
            console.print(
                f"  at {point or 'the value'}: answer = {cx['answer']}, "
                f"expected = {cx['expected']}",
                markup=False,
            )
    sys.exit(int(EXIT[result.verdict]))


def run_batch(path: str, base_assume: list[Any], timeout: float) -> None:
    """One JSON line out per JSON line in: {id, verdict, ms, reason, method, ...} or error."""
    from quizzer.core.expr.api import check_equivalence

    text = read_answer_file(path)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record: dict[str, Any] = {"id": None, "verdict": None}
        started = time.perf_counter()
        try:
            try:
                case = json.loads(line)
            except RecursionError:  # `[[[[...` 100,000 deep: Python's parser gives up
                raise ValueError("nested too deeply") from None
            if not isinstance(case, dict):
                raise AnswerError(f"line {number}: expected a JSON object")
            record["id"] = case.get("id", number)
            assume = case.get("assume")
            specs = base_assume + ([] if assume is None else [assume])
            result = check_equivalence(
                _required(case, "answer"),
                _required(case, "expected"),
                _context(specs),
                timeout=timeout,
            )
            record.update(result.to_json())
        except ValueError as exc:
            record["error"] = f"line {number}: not JSON ({exc})"
        except QuizzerError as exc:
            record["error"] = exc.message
        record["ms"] = round((time.perf_counter() - started) * 1000, 2)
        click.echo(json.dumps(record, ensure_ascii=False))


def _required(case: dict[str, Any], key: str) -> str:
    value = case.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)  # {"answer": 0.25}: a number is a formula too
    if value is not None and not isinstance(value, str):
        raise AnswerError(f"{key!r} must be a formula as text, got {type(value).__name__}")
    if value is None or not value.strip():
        raise AnswerError(f"missing {key!r} (a formula as text)")
    return value
