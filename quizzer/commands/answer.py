"""`quizzer answer QUESTION_ID ANSWER`: grade one answer without the TUI."""

from __future__ import annotations

import click

from quizzer.commands.common import (
    FormulaCommand,
    emit_json,
    exit_for_outcome,
    json_option,
    lang_option,
    load_catalog_for_cli,
    read_answer_file,
    resolve_lang,
    stdout_console,
)
from quizzer.errors import AnswerError

MARKS = {
    "correct": "[green]✓ correct[/green]",
    "incorrect": "[red]✗ incorrect[/red]",
    "undecided": "[yellow]? undecided[/yellow]",
}


@click.command(cls=FormulaCommand)
@click.argument("question_id")
@click.argument("answer_text", metavar="ANSWER", required=False)
@click.option(
    "--file",
    "answer_file",
    metavar="FILE",
    help="Read the answer from FILE ('-' for stdin): code, derivation steps.",
)
@json_option
@lang_option
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    help="Where torch checks run (auto: CUDA when available).",
)
@click.option("--seed", type=int, default=None, help="Seed for questions drawn at random.")
def answer(
    question_id: str,
    answer_text: str | None,
    answer_file: str | None,
    as_json: bool,
    lang: str | None,
    device: str,
    seed: int | None,
) -> None:
    """Grade ANSWER to QUESTION_ID; exit 0 correct, 1 incorrect, 3 undecided, 2 bad input."""
    from quizzer.core.grading import GradingEnv, grade

    if (answer_text is None) == (answer_file is None):
        raise AnswerError("give the answer as an argument or with --file (not both)")
    text = answer_text if answer_text is not None else read_answer_file(answer_file or "-")
    catalog = load_catalog_for_cli()
    question = catalog.question(question_id)
    bank = catalog.bank(question.bank_id)
    lang = resolve_lang(lang)
    env = GradingEnv(
        lang=lang,
        catalog=catalog,
        device=device,
        seed=seed,
        trusted_code=bank.trusted,
    )
    verdict = grade(question, text, env)
    if as_json:
        emit_json({"question": question.id, "type": question.type, **verdict.to_json(lang)})
    else:
        console = stdout_console()
        if verdict.interpreted:
            console.print(f"interpreted as: {verdict.interpreted}", markup=False)
        console.print(MARKS[verdict.outcome.value])
        for item in verdict.feedback:
            console.print(f"  {item.get(lang)}", markup=False)
        if verdict.expected is not None and not verdict.correct:
            console.print(f"expected: {verdict.expected}", markup=False)
    exit_for_outcome(verdict.outcome)
