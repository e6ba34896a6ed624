"""`quizzer quiz --plain` driven from a script: what the learner sees, what lands in the
database, and how bad input is reported. Runs the real CLI in subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quizzer.core.scheduler import Phase, Rating
from quizzer.core.store import Store

DAY1 = "2025-03-01T09:00:00Z"
DAY2 = "2025-03-02T09:00:00Z"


def quiz(
    bank_dir: Path, script: str, *args: str, now: str = DAY1, db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "QUIZZER_BANKS": str(bank_dir), "QUIZZER_NOW": now}
    db_args = ["--db", str(db)] if db else []
    return subprocess.run(
        [sys.executable, "-m", "quizzer", "quiz", "--plain", "--bank", "tiny", *db_args, *args],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def default_store(home: Path) -> Store:
    return Store.open(home / "data" / "progress.sqlite3", create=False)


def test_scripted_session_shows_everything_and_records_every_answer(
    bank_dir: Path, quizzer_home: Path
) -> None:
    script = (
        "\n".join(
            [
                "1",  # tiny-choice: option 1 is tanh, wrong -> the mistake's feedback
                "",  # accept the proposed rating (Again)
                "sixteen",  # tiny-numeric: not understood, asked again
                "16",
                "h",  # override the proposed rating with Hard
                ":hint",  # tiny-multi has no hints
                ":skip",
                "it keeps the softmax from saturating",  # tiny-recall: self-rated
                "",  # no proposal for a self-rated answer: Enter asks again
                "g",
            ]
        )
        + "\n"
    )
    result = quiz(bank_dir, script, "--new", "4")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Session: 0 due review(s), 4 new question(s)" in out
    assert "[1/4] tiny-choice · choice · testing" in out
    assert "Which activation is zero for negative inputs?" in out
    assert "  2. (b) ReLU" in out
    assert "interpreted as: a" in out and "✗ incorrect" in out
    assert "tanh is negative for negative inputs." in out
    assert "expected: b" in out and "ReLU(x) = max(0, x)." in out
    assert "(Enter = again)" in out and "Next review in 1m." in out
    assert "Not understood:" in out
    assert "✓ correct" in out and "(Enter = easy)" in out  # answered at once: Easy proposed
    assert "No more hints." in out and "Skipped." in out
    assert "Key points:" in out and "- keeps softmax out of saturation" in out
    assert "Type a, h, g or e (or 1-4)." in out
    assert "answered 3: 1 correct, 1 incorrect, 1 self-rated or undecided; skipped 1" in out
    assert "Next review due 2025-03-01 09:01 UTC" in out
    with default_store(quizzer_home) as store:
        reviews = store.reviews()
        assert [(r.question_id, r.answer, r.verdict, r.rating) for r in reviews] == [
            ("tiny-choice", "1", "incorrect", Rating.AGAIN),
            ("tiny-numeric", "16", "correct", Rating.HARD),
            ("tiny-recall", "it keeps the softmax from saturating", "undecided", Rating.GOOD),
        ]
        assert all(r.reviewed_at.isoformat() == "2025-03-01T09:00:00+00:00" for r in reviews)
        assert set(store.cards()) == {"tiny-choice", "tiny-numeric", "tiny-recall"}
        assert store.unfinished_session() is None


def test_chinese_session_uses_chinese_text(bank_dir: Path) -> None:
    result = quiz(bank_dir, "2\n\n", "--new", "1", "--lang", "zh")
    assert "哪个激活函数对负输入输出为零？" in result.stdout
    assert "✓ 正确" in result.stdout and "学习小结" in result.stdout


def test_next_day_serves_the_due_reviews(bank_dir: Path, quizzer_home: Path) -> None:
    # Day 1: choice right and rated Easy (due in days), numeric wrong (due in a minute).
    quiz(bank_dir, "2\ne\n12\n\n", "--new", "2")
    result = quiz(bank_dir, "16\n\n", "--review-only", now=DAY2)
    assert result.returncode == 0, result.stderr
    assert "Session: 1 due review(s), 0 new question(s)" in result.stdout
    assert "tiny-numeric" in result.stdout and "tiny-choice" not in result.stdout
    with default_store(quizzer_home) as store:
        card = store.card("tiny-numeric")
        assert card is not None and card.reps == 2 and card.phase is not Phase.RELEARNING


def test_nothing_due_says_when_the_next_review_is(bank_dir: Path) -> None:
    quiz(bank_dir, "2\ne\n", "--new", "1")
    result = quiz(bank_dir, "", "--review-only", now="2025-03-01T10:00:00Z")
    assert "Nothing to study now." in result.stdout
    assert "Next review due 2025-03-0" in result.stdout


def test_end_of_input_keeps_the_session_to_continue(bank_dir: Path, quizzer_home: Path) -> None:
    first = quiz(bank_dir, "2\n\n", "--new", "3")
    assert "Progress saved" in first.stdout
    again = quiz(bank_dir, "y\n16\n\n", "--new", "3")
    assert (
        "An unfinished session from 2025-03-01 09:00 UTC has 2 question(s) left "
        "(1 answered). Continue it? [Y/n]" in again.stdout
    )
    assert "Continuing: 2 question(s) left." in again.stdout
    assert "[2/3] tiny-numeric" in again.stdout
    declined = quiz(bank_dir, "n\n:quit\n", "--new", "3")
    assert "Session: " in declined.stdout
    with default_store(quizzer_home) as store:
        assert [r.question_id for r in store.reviews()] == ["tiny-choice", "tiny-numeric"]


def test_unknown_bank_is_a_usage_error(bank_dir: Path) -> None:
    import os

    env = {**os.environ, "QUIZZER_BANKS": str(bank_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "quizzer", "quiz", "--plain", "--bank", "tinny"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        input="",
    )
    assert result.returncode == 2
    assert "no bank with id 'tinny'" in result.stderr and "tiny" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_quizzer_now_is_a_usage_error(bank_dir: Path) -> None:
    result = quiz(bank_dir, "", now="yesterday")
    assert result.returncode == 2 and "QUIZZER_NOW" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content", [b"not a database at all\n", b"SQLite format 3\x00" + b"\x00" * 50]
)
def test_unusable_database_is_reported_and_left_untouched(
    bank_dir: Path, tmp_path: Path, content: bytes
) -> None:
    db = tmp_path / "elsewhere.sqlite3"
    db.write_bytes(content)
    result = quiz(bank_dir, "2\n\n", db=db)
    assert result.returncode == 2
    assert "quizzer: progress database:" in result.stderr
    assert "left untouched" in result.stderr and str(db) in result.stderr
    assert "quizzer progress move-aside --db" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("elsewhere")) == [
        "elsewhere.sqlite3"
    ]


def test_plain_session_never_loads_textual(bank_dir: Path) -> None:
    import os

    code = (
        "import sys\n"
        "sys.argv = ['quizzer', 'quiz', '--plain', '--bank', 'tiny', '--new', '1']\n"
        "from quizzer.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & "
        "{'textual', 'sympy', 'torch'}))\n"
    )
    env = {**os.environ, "QUIZZER_BANKS": str(bank_dir), "QUIZZER_NOW": DAY1}
    result = subprocess.run(
        [sys.executable, "-c", code],
        input="2\n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "✓ correct" in result.stdout
    assert "LOADED []" in result.stdout


def test_daily_limits_come_from_the_config_file(bank_dir: Path, quizzer_home: Path) -> None:
    config = quizzer_home / "config" / "config.json"
    config.parent.mkdir(parents=True)
    config.write_text('{"new_per_day": 2}', encoding="utf-8")
    result = quiz(bank_dir, ":quit\n")
    assert "Session: 0 due review(s), 2 new question(s)" in result.stdout
    config.write_text('{"new_per_day": -1}', encoding="utf-8")
    bad = quiz(bank_dir, "")
    assert bad.returncode == 2 and "new_per_day must be a whole number" in bad.stderr
    assert str(config) in bad.stderr and "Traceback" not in bad.stderr


def test_without_a_terminal_quiz_falls_back_to_plain_mode(bank_dir: Path) -> None:
    import os

    env = {**os.environ, "QUIZZER_BANKS": str(bank_dir), "QUIZZER_NOW": DAY1}
    result = subprocess.run(
        [sys.executable, "-m", "quizzer", "quiz", "--bank", "tiny", "--new", "1"],
        input="2\n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0
    assert "not a terminal; running the plain line-by-line quiz" in result.stderr
    assert "✓ correct" in result.stdout
