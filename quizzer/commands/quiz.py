"""`quizzer quiz`: a session in the TUI, or line by line with --plain."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizzer.commands.common import lang_option, load_catalog_for_cli, resolve_lang
from quizzer.errors import ConfigError

if TYPE_CHECKING:
    from quizzer.core.session import SessionOptions

DB_HELP = "Use this progress database for this run (default: the one in the data directory)."


def db_option(func: Callable[..., None]) -> Callable[..., None]:
    """`--db PATH`, shared by quiz, stats and progress."""
    return click.option(
        "--db", "db_path", type=click.Path(path_type=Path), default=None, help=DB_HELP
    )(func)


def session_clock() -> Callable[[], datetime]:
    """The real UTC clock, or the fixed time in QUIZZER_NOW (ISO-8601; for tests and demos)."""
    from quizzer.core.scheduler import utc_now

    fixed = os.environ.get("QUIZZER_NOW")
    if not fixed:
        return utc_now
    from quizzer.core.session import as_utc

    try:
        moment = as_utc(datetime.fromisoformat(fixed.replace("Z", "+00:00")))
    except ValueError:
        raise ConfigError(
            f"QUIZZER_NOW={fixed!r} is not an ISO-8601 time (e.g. 2025-01-31T09:00:00Z)"
        ) from None
    return lambda: moment


@click.command()
@click.option("--bank", "banks", multiple=True, metavar="ID", help="Only this bank (repeatable).")
@click.option("--topic", "topics", multiple=True, metavar="T", help="Only this topic (repeatable).")
@click.option("--tag", "tags", multiple=True, metavar="T", help="Only questions with this tag.")
@click.option(
    "--new",
    "new_limit",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="New questions per day (default: config new_per_day, else 10).",
)
@click.option(
    "--reviews",
    "review_limit",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Reviews per day (default: config reviews_per_day, else 100).",
)
@click.option("--review-only", is_flag=True, help="Serve due reviews only, no new questions.")
@lang_option
@db_option
@click.option(
    "--plain", is_flag=True, help="Line by line on stdin/stdout, without the full-screen interface."
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    help="Where torch checks run (auto: CUDA when available).",
)
def quiz(
    banks: tuple[str, ...],
    topics: tuple[str, ...],
    tags: tuple[str, ...],
    new_limit: int | None,
    review_limit: int | None,
    review_only: bool,
    lang: str | None,
    db_path: Path | None,
    plain: bool,
    device: str,
) -> None:
    """Study: due reviews first, then new questions, each answer checked and scheduled.

    Limits count per UTC day. An unfinished session (quit, crash) is offered to continue.
    """
    from quizzer.core.session import SessionOptions, load_daily_limits

    new_default, reviews_default = load_daily_limits()
    options = SessionOptions(
        bank_ids=banks,
        topics=topics,
        tags=tags,
        new_limit=new_default if new_limit is None else new_limit,
        review_limit=reviews_default if review_limit is None else review_limit,
        review_only=review_only,
        lang=resolve_lang(lang),
    )
    if not plain:
        reason = _why_no_tui()
        if reason is None:
            from quizzer.tui.app import run_app

            # The TUI picks the torch device itself (auto); --device applies to --plain.
            run_app(options=options, db_path=db_path)
            return
        click.echo(f"quizzer: {reason}; running the plain line-by-line quiz.", err=True)
    run_plain(options, db_path, device)


def _why_no_tui() -> str | None:
    """Why the full-screen interface cannot run here, or None when it can."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return "not a terminal"
    try:
        import quizzer.tui.app as app
    except ImportError as exc:
        return f"the full-screen interface is unavailable ({exc})"
    return None if hasattr(app, "run_app") else "the full-screen interface is unavailable"


def run_plain(options: SessionOptions, db_path: Path | None, device: str) -> None:
    """The line-by-line session on stdin/stdout."""
    from quizzer.commands.quiz_plain import PlainQuiz
    from quizzer.core.store import Store

    clock = session_clock()
    catalog = load_catalog_for_cli()
    with Store.open(db_path) as store:
        PlainQuiz(catalog, store, options, clock, device=device).run()
