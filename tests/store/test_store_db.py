"""The SQLite store: durable commits, WAL, migrations, and refusing files it must not touch."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizzer.core import migrations
from quizzer.core.migrations import MIGRATIONS, Migration, migrate
from quizzer.core.scheduler import Rating, schedule
from quizzer.core.store import Store
from quizzer.errors import StoreError

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(
    store: Store,
    qid: str,
    rating: Rating,
    now: datetime,
    session: int | None = None,
    answer: str = "42",
) -> None:
    card = schedule(store.card(qid), rating, now)
    store.record_review(
        session_id=session,
        question_id=qid,
        question_type="numeric",
        answer=answer,
        verdict="correct",
        rating=rating,
        duration_s=3.5,
        now=now,
        card=card,
    )


def test_new_database_uses_wal_and_records_its_migrations(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "progress.sqlite3"
    with Store.open(path) as store:
        assert store.migrations() == [m.name for m in MIGRATIONS]
        mode = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = store._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert mode == "wal"
    assert sync == 1  # NORMAL


def test_default_path_is_under_quizzer_home(quizzer_home: Path) -> None:
    with Store.open() as store:
        assert store.path == quizzer_home / "data" / "progress.sqlite3"
    assert store.path.exists()


def test_review_log_and_card_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as store:
        session = store.start_session("{}", NOW)
        record(store, "q1", Rating.GOOD, NOW, session, answer="16")
        record(store, "q1", Rating.AGAIN, NOW + timedelta(minutes=10), session, answer="12")
        card = store.card("q1")
    with Store.open(path) as store:
        reviews = store.reviews()
        assert [(r.question_id, r.answer, r.rating) for r in reviews] == [
            ("q1", "16", Rating.GOOD),
            ("q1", "12", Rating.AGAIN),
        ]
        assert reviews[0].reviewed_at == NOW and reviews[0].duration_s == 3.5
        assert reviews[0].phase_before is None and reviews[1].phase_before is not None
        assert store.card("q1") == card
        assert store.cards() == {"q1": card}
        assert [r.answer for r in store.reviews(since=NOW + timedelta(minutes=1))] == ["12"]


def test_unfinished_session_is_offered_until_finished(store: Store) -> None:
    session = store.start_session('{"new_limit": 2}', NOW)
    store.set_session_plan(session, ["q1", "q2"])
    record(store, "q1", Rating.GOOD, NOW, session)
    offered = store.unfinished_session()
    assert offered is not None and offered.id == session
    assert offered.plan == ("q1", "q2") and offered.answered == 1
    store.finish_session(session, NOW)
    assert store.unfinished_session() is None


def test_session_with_every_question_done_is_not_offered(store: Store) -> None:
    session = store.start_session("{}", NOW)
    store.set_session_plan(session, ["q1", "q2"])
    record(store, "q1", Rating.GOOD, NOW, session)
    store.record_skip(session, "q2", NOW)
    assert store.unfinished_session() is None


def test_not_a_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_text("my shopping list\n")
    before = digest(path)
    with pytest.raises(StoreError, match=r"not a SQLite database.*untouched"):
        Store.open(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.sqlite3"]


def test_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match=r"another program.*photos"):
        Store.open(path)
    assert digest(path) == before


def test_corrupt_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as store:
        for i in range(200):
            record(store, f"q{i}", Rating.GOOD, NOW)
    data = bytearray(path.read_bytes())
    data[4096:12288] = b"\xff" * 8192  # overwrite pages 2-3 (tables and index b-trees)
    path.write_bytes(bytes(data))
    for extra in tmp_path.glob("p.sqlite3-*"):
        extra.unlink()
    before = digest(path)
    with pytest.raises(StoreError, match="corrupt"):
        Store.open(path)
    assert digest(path) == before


def test_database_from_a_newer_quizzer_is_refused_not_downgraded(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as store:
        store._conn.execute(
            "INSERT INTO schema_migrations VALUES ('0099_from_the_future', '2030-01-01')"
        )
    before = digest(path)
    with pytest.raises(StoreError, match=r"newer quizzer.*0099_from_the_future"):
        Store.open(path)
    assert digest(path) == before


def test_directory_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)


def test_read_only_commands_do_not_create_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no progress database"):
        Store.open(tmp_path / "missing.sqlite3", create=False)
    assert not (tmp_path / "missing.sqlite3").exists()


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_an_older_database_is_upgraded_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    first = Migration("0001_first", ("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",))
    second = Migration("0002_add_tag", ("ALTER TABLE notes ADD COLUMN tag TEXT",))
    conn = _connect(path)
    assert migrate(conn, NOW, [first]) == ["0001_first"]
    conn.execute("INSERT INTO notes (text) VALUES ('kept')")
    assert migrate(conn, NOW, [first, second]) == ["0002_add_tag"]
    assert migrate(conn, NOW, [first, second]) == []
    assert conn.execute("SELECT text, tag FROM notes").fetchall() == [("kept", None)]
    assert migrations.applied_migrations(conn) == ["0001_first", "0002_add_tag"]


def test_a_failing_migration_is_rolled_back_whole(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "p.sqlite3")
    good = Migration("0001_good", ("CREATE TABLE a (x)",))
    bad = Migration("0002_bad", ("CREATE TABLE b (x)", "CREATE TABLE a (x)"))
    with pytest.raises(StoreError, match=r"0002_bad.*rolled back"):
        migrate(conn, NOW, [good, bad])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "a" in tables and "b" not in tables
    assert migrations.applied_migrations(conn) == ["0001_good"]


def test_released_migrations_are_append_only() -> None:
    # Released names must never change or be reordered: databases in the field record them.
    assert [m.name for m in MIGRATIONS][:1] == ["0001_initial"]
    names = [m.name for m in MIGRATIONS]
    assert names == sorted(names) and len(set(names)) == len(names)
