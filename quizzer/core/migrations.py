"""Schema migrations of the progress database: named, append-only, each in one transaction.

A migration, once released, is never edited or removed; a schema change is a new entry at the
end of `MIGRATIONS`. The names applied are recorded in `schema_migrations`, so a database
written by a newer quizzer (one that names a migration we do not know) is recognised and
refused instead of being silently downgraded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quizzer.errors import StoreError

# PRAGMA application_id marks a file as ours ("QZZR" in ASCII), so a foreign SQLite file that
# happens to sit at the database path is told apart from a quizzer database.
APPLICATION_ID = 0x515A5A52
SQLITE_HEADER = b"SQLite format 3\x00"

MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change: a unique name and the SQL statements that make it."""

    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0001_initial",
        (
            f"PRAGMA application_id = {APPLICATION_ID}",
            """
            CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                options_json TEXT NOT NULL DEFAULT '{}',
                plan_json TEXT NOT NULL DEFAULT '[]'
            )
            """,
            # One row per question ever reviewed: the current FSRS state. `question_type` is
            # the type when last reviewed, so a question whose type changed is noticed.
            """
            CREATE TABLE cards (
                question_id TEXT PRIMARY KEY,
                question_type TEXT NOT NULL,
                due TEXT NOT NULL,
                phase INTEGER NOT NULL,
                step INTEGER,
                stability REAL,
                difficulty REAL,
                last_review TEXT,
                reps INTEGER NOT NULL DEFAULT 0,
                lapses INTEGER NOT NULL DEFAULT 0
            )
            """,
            # The full review log, kept for fitting FSRS parameters later: never updated.
            """
            CREATE TABLE reviews (
                id INTEGER PRIMARY KEY,
                session_id INTEGER REFERENCES sessions(id),
                question_id TEXT NOT NULL,
                question_type TEXT NOT NULL,
                reviewed_at TEXT NOT NULL,
                answer TEXT NOT NULL,
                verdict TEXT NOT NULL,
                rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
                duration_s REAL NOT NULL,
                phase_before INTEGER
            )
            """,
            "CREATE INDEX reviews_by_question ON reviews(question_id, reviewed_at)",
            "CREATE INDEX reviews_by_time ON reviews(reviewed_at)",
            "CREATE INDEX reviews_by_session ON reviews(session_id)",
            """
            CREATE TABLE skips (
                session_id INTEGER NOT NULL REFERENCES sessions(id),
                question_id TEXT NOT NULL,
                skipped_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX skips_by_session ON skips(session_id)",
        ),
    ),
)


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations recorded in the database, oldest first ([] for a new one)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return []
    rows = conn.execute("SELECT name FROM schema_migrations ORDER BY rowid").fetchall()
    return [str(name) for (name,) in rows]


def unknown_migrations(
    applied: Sequence[str], known: Sequence[Migration] = MIGRATIONS
) -> list[str]:
    """Applied migrations this quizzer does not know: the database comes from a newer one."""
    names = {m.name for m in known}
    return [name for name in applied if name not in names]


def pending_migrations(
    applied: Sequence[str], known: Sequence[Migration] = MIGRATIONS
) -> list[Migration]:
    done = set(applied)
    return [m for m in known if m.name not in done]


def migrate(
    conn: sqlite3.Connection,
    now: datetime,
    known: Sequence[Migration] = MIGRATIONS,
) -> list[str]:
    """Apply every pending migration, each in its own transaction; return the names applied.

    `conn` must be in autocommit mode (isolation_level=None) so the transactions here are the
    only ones. A failing migration is rolled back whole and reported as a StoreError; the ones
    before it stay applied.
    """
    conn.execute(MIGRATIONS_TABLE)
    done: list[str] = []
    for migration in known:
        # BEGIN IMMEDIATE takes the write lock first, so two quizzer processes starting at once
        # cannot both apply the same migration: the second re-reads the list inside the lock.
        conn.execute("BEGIN IMMEDIATE")
        try:
            if migration.name in applied_migrations(conn):
                conn.execute("ROLLBACK")
                continue
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                (migration.name, now.isoformat(timespec="microseconds")),
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(
                f"migration {migration.name} failed and was rolled back: {exc}"
            ) from exc
        done.append(migration.name)
    return done


def inspect_existing(path: Path) -> None:
    """Refuse a file that is not a usable quizzer database, without writing to it.

    Reads the header bytes, then opens the file read-only to check its application id,
    integrity and migrations.
    """
    advice = (
        "The file was left untouched. Use --db PATH to keep your progress elsewhere, or move "
        f"it aside with `quizzer progress move-aside{_db_flag(path)}`."
    )
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from exc
    if header != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a SQLite database (not a quizzer progress file). " + advice
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        if app_id != APPLICATION_ID and tables:
            listed = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise StoreError(
                f"{path} is a SQLite database of another program (tables: {listed}),"
                " not a quizzer progress database. " + advice
            )
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise StoreError(f"{path} is corrupt ({check}). " + advice)
        newer = unknown_migrations(applied_migrations(conn))
        if newer:
            raise StoreError(
                f"{path} was written by a newer quizzer (it has migrations this version does not "
                f"know: {', '.join(newer)}). Upgrade quizzer to use it; the file was left "
                "untouched and will not be downgraded."
            )
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is corrupt or not a database ({exc}). " + advice) from exc
    finally:
        conn.close()


def _db_flag(path: Path) -> str:
    from quizzer import paths

    return "" if path == paths.default_db_path() else f" --db {path}"
