"""`quizzer progress`: export, import, reset one question, or move an unusable database aside."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from quizzer.commands.quiz import db_option, session_clock
from quizzer.errors import StoreError


@click.group()
def progress() -> None:
    """Export or import progress (JSON), reset a question, move a bad database aside."""


@progress.command("export")
@click.argument("file", metavar="FILE")
@db_option
def export_command(file: str, db_path: Path | None) -> None:
    """Write all progress (cards, review log, sessions) to FILE as JSON ('-' for stdout)."""
    from quizzer.core.progress_file import export_progress
    from quizzer.core.store import Store

    with Store.open(db_path, create=False) as store:
        document = export_progress(store, session_clock()())
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if file == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(file).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"cannot write {file}: {exc.strerror}") from None
    click.echo(
        f"exported {len(document['reviews'])} reviews and {len(document['cards'])} cards to {file}",
        err=True,
    )


@progress.command("import")
@click.argument("file", metavar="FILE")
@db_option
def import_command(file: str, db_path: Path | None) -> None:
    """Merge progress from FILE (a JSON export; '-' for stdin) into the database."""
    from quizzer.core.progress_file import import_progress
    from quizzer.core.store import Store

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read {file}: {exc}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise StoreError(f"{file}: not valid JSON ({exc})") from None
    with Store.open(db_path) as store:
        counts = import_progress(store, document, source=file)
    click.echo(
        f"imported {counts.reviews} new reviews, {counts.cards} cards, "
        f"{counts.sessions} sessions from {file}",
        err=True,
    )


@progress.command("reset")
@click.argument("question_id")
@db_option
def reset_command(question_id: str, db_path: Path | None) -> None:
    """Forget QUESTION_ID's schedule (its review log stays); it comes back as new."""
    from quizzer.core.store import Store

    with Store.open(db_path, create=False) as store:
        found = store.reset_card(question_id)
    if not found:
        raise StoreError(f"no progress for {question_id!r}: nothing to reset")
    click.echo(f"reset {question_id}: it will be served as a new question", err=True)


@progress.command("move-aside")
@db_option
def move_aside_command(db_path: Path | None) -> None:
    """Rename the database (e.g. a corrupt one) so the next run starts a new one.

    Nothing is deleted: the file and its -wal/-shm companions get a timestamped suffix.
    """
    from quizzer import paths
    from quizzer.core.scheduler import utc_now

    path = Path(db_path or paths.default_db_path()).expanduser()
    if not path.exists():
        raise StoreError(f"{path}: no such file; nothing to move")
    suffix = ".moved-" + utc_now().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(path.name + suffix)
    try:
        for companion in ("-wal", "-shm"):
            extra = path.with_name(path.name + companion)
            if extra.exists():
                extra.rename(path.with_name(path.name + suffix + companion))
        path.rename(target)
    except OSError as exc:
        raise StoreError(f"cannot move {path}: {exc.strerror}") from None
    click.echo(f"moved {path} to {target}; the next run starts a new progress database", err=True)
