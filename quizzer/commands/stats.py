"""`quizzer stats`: reviews per day, retention, the due forecast and per-topic mastery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from quizzer.commands.common import emit_json, json_option, load_catalog_for_cli, stdout_console
from quizzer.commands.quiz import db_option, session_clock


@click.command()
@json_option
@db_option
@click.option(
    "--days",
    type=click.IntRange(1, 365),
    default=14,
    show_default=True,
    help="Days of history and of forecast shown.",
)
def stats(as_json: bool, db_path: Path | None, days: int) -> None:
    """Show review statistics: reviews per day, retention, due forecast, mastery per topic."""
    from quizzer.core.stats import progress_stats
    from quizzer.core.store import Store

    catalog = load_catalog_for_cli()
    with Store.open(db_path) as store:
        document = progress_stats(catalog, store, session_clock()(), days=days)
    if as_json:
        emit_json(document)
    else:
        print_stats(document)


def print_stats(document: dict[str, Any]) -> None:
    """The statistics as text: a bar per day, then the topics table."""
    from rich.table import Table

    console = stdout_console()
    retention = document["retention"]
    console.print(
        f"{document['reviews']} reviews of {document['reviewed_questions']} / "
        f"{document['questions']} questions; {document['mastered']} mastered; "
        f"{document['due_now']} due now; retention "
        + ("n/a" if retention is None else f"{retention:.0%}"),
        markup=False,
    )
    most = max([d["reviews"] for d in document["reviews_per_day"]] + [1])
    console.print("\nReviews per day (█ reviews, correct in brackets)", markup=False)
    for day in document["reviews_per_day"]:
        bar = "█" * round(30 * day["reviews"] / most)
        console.print(f"  {day['date']}  {bar} {day['reviews']} ({day['correct']})", markup=False)
    console.print("\nDue forecast", markup=False)
    for day in document["due_forecast"]:
        console.print(f"  {day['date']}  {day['due']}", markup=False)
    table = Table(title="Mastery per topic", title_justify="left")
    for column in ("topic", "questions", "new", "due", "mastered"):
        table.add_column(column, justify="left" if column == "topic" else "right")
    for topic, counts in document["topics"].items():
        table.add_row(
            topic,
            str(counts["questions"]),
            str(counts["new"]),
            str(counts["due"]),
            f"{counts['mastered']} ({counts['mastered_pct']:.0f}%)",
        )
    console.print()
    console.print(table)
