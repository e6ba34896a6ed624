"""`quizzer show QUESTION_ID`: print one question as the learner sees it."""

from __future__ import annotations

from typing import Any

import click

from quizzer.commands.common import (
    emit_json,
    json_option,
    lang_option,
    load_catalog_for_cli,
    resolve_lang,
    stdout_console,
)


@click.command()
@click.argument("question_id")
@lang_option
@json_option
@click.option("--seed", type=int, default=None, help="Seed for questions drawn at random.")
@click.option("--reveal", is_flag=True, help="Also show the reference answer and explanation.")
def show(question_id: str, lang: str | None, as_json: bool, seed: int | None, reveal: bool) -> None:
    """Show one question (prompt, choices, hints; --reveal adds the answer)."""
    from quizzer.core.grading import GradingEnv, reference_answer, render_prompt

    catalog = load_catalog_for_cli()
    question = catalog.question(question_id)
    lang = resolve_lang(lang)
    env = GradingEnv(lang=lang, catalog=catalog, seed=seed)
    prompt = render_prompt(question, env)
    choices = (
        [
            {"id": c["id"], "text": _text(c["text"], lang)}
            for c in question.answer.get("choices", [])
        ]
        if question.type in ("choice", "multi")
        else []
    )
    hints = [h.get(lang) for h in question.hints]
    document: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "bank": question.bank_id,
        "topic": question.topic,
        "difficulty": question.difficulty,
        "tags": list(question.tags),
        "source": question.source,
        "prompt": prompt,
        "choices": choices,
        "hints": hints,
        "follow_ups": list(question.follow_ups),
    }
    if reveal:
        document["expected"] = reference_answer(question, env)
        document["explanation"] = question.explanation.get(lang)
    if as_json:
        emit_json(document)
        return
    from rich.markdown import Markdown
    from rich.panel import Panel

    console = stdout_console()
    title = f"{question.id} · {question.type} · difficulty {question.difficulty}"
    console.print(Panel(Markdown(prompt), title=title, subtitle=question.source or ""))
    for i, c in enumerate(choices, 1):
        console.print(f"  {i}. ({c['id']}) {c['text']}")
    for hint in hints:
        console.print(f"[dim]hint: {hint}[/dim]")
    if reveal:
        console.print(f"[bold]answer:[/bold] {document['expected']}")
        console.print(Markdown(document["explanation"]))


def _text(value: object, lang: str) -> str:
    from quizzer.core.text import LocalizedText

    return LocalizedText.parse(value).get(lang)  # type: ignore[arg-type]
