"""`quizzer progress export/import/reset/move-aside` and `quizzer stats`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizzer.core.store import Store


def run(
    *args: str, bank_dir: Path, input: str = "", now: str = "2025-03-01T09:00:00Z"
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QUIZZER_BANKS": str(bank_dir), "QUIZZER_NOW": now}
    return subprocess.run(
        [sys.executable, "-m", "quizzer", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def studied(bank_dir: Path, quizzer_home: Path) -> Path:
    """A database with one finished session: choice right (Easy), numeric wrong (Again)."""
    result = run(
        "quiz", "--plain", "--bank", "tiny", "--new", "2", input="2\ne\n12\n\n", bank_dir=bank_dir
    )
    assert result.returncode == 0, result.stderr
    return quizzer_home / "data" / "progress.sqlite3"


def test_export_import_round_trip(studied: Path, bank_dir: Path, tmp_path: Path) -> None:
    exported = tmp_path / "progress.json"
    result = run("progress", "export", str(exported), bank_dir=bank_dir)
    assert result.returncode == 0, result.stderr
    assert "exported 2 reviews and 2 cards" in result.stderr
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["format"] == "quizzer-progress"
    assert [r["answer"] for r in document["reviews"]] == ["2", "12"]

    fresh = tmp_path / "fresh.sqlite3"
    imported = run("progress", "import", str(exported), "--db", str(fresh), bank_dir=bank_dir)
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 new reviews, 2 cards, 1 sessions" in imported.stderr
    again = run("progress", "export", "-", "--db", str(fresh), bank_dir=bank_dir)
    round_trip = json.loads(again.stdout)
    for doc in (document, round_trip):
        doc.pop("exported_at")
    assert round_trip == document
    with Store.open(fresh) as a, Store.open(studied) as b:
        assert a.cards() == b.cards() and a.reviews() == b.reviews()


def test_importing_twice_adds_nothing(studied: Path, bank_dir: Path, tmp_path: Path) -> None:
    exported = tmp_path / "p.json"
    run("progress", "export", str(exported), bank_dir=bank_dir)
    result = run("progress", "import", str(exported), bank_dir=bank_dir)
    assert "imported 0 new reviews, 0 cards, 0 sessions" in result.stderr
    with Store.open(studied) as store:
        assert len(store.reviews()) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else"}', "not a quizzer progress export"),
        ('{"format": "quizzer-progress", "version": 99}', "version 99 is not supported"),
        (
            '{"format": "quizzer-progress", "version": 1, "reviews": [{"question_id": "q", '
            '"reviewed_at": "2025-03-01T09:00:00Z", "answer": "1", "verdict": "correct", '
            '"rating": 7, "duration_s": 1}]}',
            "reviews[0]: malformed review",
        ),
        (
            '{"format": "quizzer-progress", "version": 1, "reviews": [{"question_id": "q", '
            '"reviewed_at": "2025-03-01T09:00:00", "answer": "1", "verdict": "correct", '
            '"rating": 3, "duration_s": 1}]}',
            "UTC",
        ),
    ],
)
def test_bad_import_file_is_refused_and_changes_nothing(
    studied: Path, bank_dir: Path, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run("progress", "import", str(bad), bank_dir=bank_dir)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    with Store.open(studied) as store:
        assert len(store.reviews()) == 2


def test_import_of_a_missing_file_is_a_usage_error(bank_dir: Path) -> None:
    result = run("progress", "import", "nowhere.json", bank_dir=bank_dir)
    assert result.returncode == 2 and "nowhere.json: no such file" in result.stderr


def test_export_without_a_database_does_not_create_one(
    bank_dir: Path, quizzer_home: Path, tmp_path: Path
) -> None:
    result = run("progress", "export", str(tmp_path / "x.json"), bank_dir=bank_dir)
    assert result.returncode == 2 and "no progress database" in result.stderr
    assert not (quizzer_home / "data" / "progress.sqlite3").exists()


def test_reset_serves_the_question_as_new_and_keeps_its_log(studied: Path, bank_dir: Path) -> None:
    result = run("progress", "reset", "tiny-numeric", bank_dir=bank_dir)
    assert result.returncode == 0 and "reset tiny-numeric" in result.stderr
    with Store.open(studied) as store:
        assert store.card("tiny-numeric") is None
        assert [r.question_id for r in store.reviews()] == ["tiny-choice", "tiny-numeric"]
    missing = run("progress", "reset", "tiny-numeric", bank_dir=bank_dir)
    assert missing.returncode == 2 and "nothing to reset" in missing.stderr


def test_move_aside_renames_a_corrupt_database_and_the_next_run_starts_fresh(
    bank_dir: Path, quizzer_home: Path
) -> None:
    db = quizzer_home / "data" / "progress.sqlite3"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"garbage" * 100)
    refused = run("quiz", "--plain", "--bank", "tiny", input="", bank_dir=bank_dir)
    assert refused.returncode == 2 and "quizzer progress move-aside" in refused.stderr
    moved = run("progress", "move-aside", bank_dir=bank_dir)
    assert moved.returncode == 0, moved.stderr
    [aside] = [p for p in db.parent.iterdir() if ".moved-" in p.name]
    assert aside.read_bytes() == b"garbage" * 100
    fresh = run("quiz", "--plain", "--bank", "tiny", "--new", "1", input="2\n\n", bank_dir=bank_dir)
    assert fresh.returncode == 0 and "✓ correct" in fresh.stdout


def test_stats_json_reports_reviews_retention_forecast_and_topics(
    studied: Path, bank_dir: Path
) -> None:
    # The next day the numeric question (rated Again) is overdue; the choice one (Easy) is not.
    result = run("stats", "--json", "--days", "3", bank_dir=bank_dir, now="2025-03-02T12:00:00Z")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["reviews"] == 2 and stats["reviewed_questions"] == 2
    assert [d["reviews"] for d in stats["reviews_per_day"]] == [0, 2, 0]
    assert [d["correct"] for d in stats["reviews_per_day"]] == [0, 1, 0]
    assert stats["retention"] is None  # no review of a learned question yet
    assert stats["due_forecast"][0] == {"date": "2025-03-02", "due": 1}  # numeric, overdue
    assert stats["topics"]["testing"] == {
        "questions": 4,
        "due": 1,
        "new": 2,
        "mastered": 0,
        "mastered_pct": 0.0,
    }


def test_stats_text_output(studied: Path, bank_dir: Path) -> None:
    result = run("stats", bank_dir=bank_dir)
    assert result.returncode == 0, result.stderr
    assert "2 reviews of 2 / " in result.stdout
    assert "Reviews per day" in result.stdout and "Mastery per topic" in result.stdout
    assert "testing" in result.stdout
