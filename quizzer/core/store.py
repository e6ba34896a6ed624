"""The progress store: SQLite, keyed by question id.

WAL journal with `synchronous=NORMAL`: every graded answer is its own committed transaction, so
killing the process (even SIGKILL) loses nothing already answered, at ~0.03 ms a commit
(measured by benchmarks/bench_store.py). A file that is not a quizzer database, is corrupt, or
was written by a newer quizzer is refused with a StoreError and left exactly as it was.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from quizzer.core.migrations import applied_migrations, inspect_existing, migrate
from quizzer.core.scheduler import CardState, Phase, Rating, parse_utc, require_utc, utc_now
from quizzer.errors import StoreError

CARD_COLUMNS = "due, phase, step, stability, difficulty, last_review, reps, lapses"
REVIEW_COLUMNS = (
    "id, session_id, question_id, question_type, reviewed_at, answer, verdict, rating, "
    "duration_s, phase_before"
)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A quiz session as stored: what was asked for, the planned questions, and progress."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    options_json: str
    plan: tuple[str, ...]
    answered: int  # reviews recorded in this session


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One graded answer from the review log."""

    id: int
    session_id: int | None
    question_id: str
    question_type: str
    reviewed_at: datetime
    answer: str
    verdict: str  # an Outcome value: correct, incorrect, undecided
    rating: Rating
    duration_s: float
    phase_before: Phase | None  # None: the question was new


def timestamp(moment: datetime) -> str:
    """The stored form of a UTC datetime: fixed-width ISO-8601, so text order is time order."""
    return require_utc(moment).isoformat(timespec="microseconds")


class Store:
    """The progress database. Open with `Store.open()`; safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        # The TUI records from its event loop while workers may read; one lock keeps each
        # multi-statement transaction whole.
        self._lock = threading.RLock()

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, create: bool = True) -> Store:
        """Open (creating and migrating as needed) the database at `path`.

        `None` means `paths.default_db_path()`. Raises StoreError for a path that is a
        directory, a file that is not a quizzer database, a corrupt database, or one written by
        a newer quizzer; the file is not modified in any of those cases. With `create=False`
        a missing file is an error too (commands that only read should not leave one behind).
        """
        if path is None:
            from quizzer import paths

            path = paths.default_db_path()
        path = Path(path).expanduser()
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a progress database file")
        if path.exists() and path.stat().st_size > 0:
            inspect_existing(path)
        elif not create and not path.exists():
            raise StoreError(f"{path}: no progress database there yet (answer a question first)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open {path}: {exc}") from exc
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, utc_now())
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot use {path}: {exc}") from exc
        except StoreError:
            conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed on exit (rolled back on an exception)."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot write: {exc}") from exc
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot commit: {exc}") from exc

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: {exc}") from exc

    # -- reviews and cards ----------------------------------------------------------------------

    def record_review(
        self,
        *,
        session_id: int | None,
        question_id: str,
        answer: str,
        verdict: str,
        rating: Rating,
        duration_s: float,
        now: datetime,
        card: CardState,
        question_type: str = "",
    ) -> int:
        """Append one graded answer to the log and store the card's new state; commits at once.

        Returns the review's id (for `amend_rating`).
        """
        when = timestamp(now)
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT phase FROM cards WHERE question_id = ?", (question_id,)
            ).fetchone()
            cursor = conn.execute(
                f"INSERT INTO reviews ({REVIEW_COLUMNS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    question_id,
                    question_type,
                    when,
                    answer,
                    verdict,
                    int(rating),
                    float(duration_s),
                    row[0] if row else None,
                ),
            )
            self.put_card(conn, question_id, question_type, card)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def amend_rating(
        self, review_id: int, rating: Rating, card: CardState, question_type: str = ""
    ) -> None:
        """Change the rating of a review just recorded (the learner overrode the proposal)."""
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT question_id FROM reviews WHERE id = ?", (review_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no review {review_id} to amend")
            conn.execute("UPDATE reviews SET rating = ? WHERE id = ?", (int(rating), review_id))
            self.put_card(conn, row[0], question_type, card)

    def put_card(
        self, conn: sqlite3.Connection, question_id: str, question_type: str, card: CardState
    ) -> None:
        """Store a card's state inside the transaction `conn` belongs to."""
        conn.execute(
            f"INSERT OR REPLACE INTO cards (question_id, question_type, {CARD_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                question_id,
                question_type,
                timestamp(card.due),
                int(card.phase),
                card.step,
                card.stability,
                card.difficulty,
                timestamp(card.last_review) if card.last_review else None,
                card.reps,
                card.lapses,
            ),
        )

    def card(self, question_id: str) -> CardState | None:
        rows = self._query(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE question_id = ?", (question_id,)
        )
        return _card(rows[0]) if rows else None

    def cards(self) -> dict[str, CardState]:
        rows = self._query(f"SELECT question_id, {CARD_COLUMNS} FROM cards")
        return {row[0]: _card(row[1:]) for row in rows}

    def card_types(self) -> dict[str, str]:
        """Question id -> the question's type when it was last reviewed."""
        return dict(self._query("SELECT question_id, question_type FROM cards"))

    def reset_card(self, question_id: str) -> bool:
        """Forget a question's scheduling state (its review log stays); True if it had one."""
        with self.transaction() as conn:
            cursor = conn.execute("DELETE FROM cards WHERE question_id = ?", (question_id,))
            return cursor.rowcount > 0

    def reviews(
        self, since: datetime | None = None, *, session_id: int | None = None
    ) -> list[ReviewRecord]:
        """The review log, oldest first; optionally from `since` on, or of one session."""
        clauses, params = [], []
        if since is not None:
            clauses.append("reviewed_at >= ?")
            params.append(timestamp(since))
        if session_id is not None:
            clauses.append("session_id = ?")
            params.append(str(session_id))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._query(
            f"SELECT {REVIEW_COLUMNS} FROM reviews{where} ORDER BY reviewed_at, id", params
        )
        return [_review(row) for row in rows]

    def first_review_times(self) -> dict[str, datetime]:
        """Question id -> when it was first reviewed (new questions per day, daily limits)."""
        rows = self._query("SELECT question_id, MIN(reviewed_at) FROM reviews GROUP BY question_id")
        return {qid: parse_utc(at) for qid, at in rows}

    # -- sessions -------------------------------------------------------------------------------

    def start_session(self, options_json: str, now: datetime) -> int:
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (started_at, options_json) VALUES (?, ?)",
                (timestamp(now), options_json),
            )
            session_id = cursor.lastrowid
        assert session_id is not None
        return session_id

    def set_session_plan(self, session_id: int, question_ids: Sequence[str]) -> None:
        """Store the planned question order, so a continued session serves the same questions."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sessions SET plan_json = ? WHERE id = ?",
                (json.dumps(list(question_ids)), session_id),
            )

    def finish_session(self, session_id: int, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (timestamp(now), session_id),
            )

    def session(self, session_id: int) -> SessionRecord | None:
        rows = self._query(_SESSION_SELECT + " WHERE s.id = ?", (session_id,))
        return _session(rows[0]) if rows else None

    def unfinished_session(self) -> SessionRecord | None:
        """The latest session not finished that still has planned questions left, if any."""
        rows = self._query(_SESSION_SELECT + " WHERE s.finished_at IS NULL ORDER BY s.id DESC")
        for row in rows:
            record = _session(row)
            done = set(self.session_question_ids(record.id))
            if any(qid not in done for qid in record.plan):
                return record
        return None

    def record_skip(self, session_id: int, question_id: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO skips (session_id, question_id, skipped_at) VALUES (?, ?, ?)",
                (session_id, question_id, timestamp(now)),
            )

    def skipped(self, session_id: int) -> list[str]:
        rows = self._query(
            "SELECT question_id FROM skips WHERE session_id = ? ORDER BY rowid", (session_id,)
        )
        return [qid for (qid,) in rows]

    def session_question_ids(self, session_id: int) -> list[str]:
        """Questions answered or skipped in a session (in that order, answered first)."""
        answered = self._query(
            "SELECT question_id FROM reviews WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [qid for (qid,) in answered] + self.skipped(session_id)

    def sessions(self) -> list[SessionRecord]:
        return [_session(row) for row in self._query(_SESSION_SELECT + " ORDER BY s.id")]

    def migrations(self) -> list[str]:
        with self._lock:
            return applied_migrations(self._conn)


_SESSION_SELECT = (
    "SELECT s.id, s.started_at, s.finished_at, s.options_json, s.plan_json, "
    "(SELECT COUNT(*) FROM reviews r WHERE r.session_id = s.id) FROM sessions s"
)


def _card(row: Sequence[Any]) -> CardState:
    due, phase, step, stability, difficulty, last_review, reps, lapses = row
    return CardState(
        due=parse_utc(due),
        phase=Phase(phase),
        step=step,
        stability=stability,
        difficulty=difficulty,
        last_review=parse_utc(last_review) if last_review else None,
        reps=reps,
        lapses=lapses,
    )


def _review(row: Sequence[Any]) -> ReviewRecord:
    rid, session_id, qid, qtype, at, answer, verdict, rating, duration, phase_before = row
    return ReviewRecord(
        id=rid,
        session_id=session_id,
        question_id=qid,
        question_type=qtype,
        reviewed_at=parse_utc(at),
        answer=answer,
        verdict=verdict,
        rating=Rating(rating),
        duration_s=duration,
        phase_before=None if phase_before is None else Phase(phase_before),
    )


def _session(row: Sequence[Any]) -> SessionRecord:
    sid, started, finished, options_json, plan_json, answered = row
    try:
        plan = tuple(str(q) for q in json.loads(plan_json))
    except (ValueError, TypeError):
        plan = ()
    return SessionRecord(
        id=sid,
        started_at=parse_utc(started),
        finished_at=parse_utc(finished) if finished else None,
        options_json=options_json,
        plan=plan,
        answered=answered,
    )
