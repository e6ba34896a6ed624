"""SIGKILL in the middle of `quiz --plain`: every graded answer survives, and the next start
offers to continue the session."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizzer.core.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


class PlainProcess:
    """A `quiz --plain` child we type into and read from, prompt by prompt."""

    def __init__(self, bank_dir: Path) -> None:
        env = {**os.environ, "QUIZZER_BANKS": str(bank_dir), "QUIZZER_NOW": "2025-03-01T09:00:00Z"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "quizzer", "quiz", "--plain", "--bank", "tiny", "--new", "4"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.seen = b""

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        """Read output until `text` has appeared (counting from the last wait)."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        marker = text.encode()
        while marker not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {text!r}; output so far:\n{self.seen.decode()}")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise AssertionError(f"exited before {text!r}:\n{self.seen.decode()}")
                self.seen += chunk
        self.seen = self.seen[self.seen.index(marker) + len(marker) :]

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def test_sigkill_mid_session_loses_no_graded_answer(bank_dir: Path, quizzer_home: Path) -> None:
    child = PlainProcess(bank_dir)
    try:
        child.wait_for("answer> ")
        child.type("2")  # tiny-choice, correct
        child.wait_for("> ")  # the rating prompt
        child.type("h")  # override the proposal
        child.wait_for("Next review in")
        child.wait_for("answer> ")
        child.type("12")  # tiny-numeric, wrong: graded, the rating prompt is waiting
        child.wait_for("(Enter = again)> ")
    finally:
        child.kill()
    assert child.proc.returncode == -signal.SIGKILL

    with Store.open(quizzer_home / "data" / "progress.sqlite3", create=False) as store:
        answers = [(r.question_id, r.answer, r.verdict, int(r.rating)) for r in store.reviews()]
        assert answers == [
            ("tiny-choice", "2", "correct", 2),
            ("tiny-numeric", "12", "incorrect", 1),
        ]
        assert set(store.cards()) == {"tiny-choice", "tiny-numeric"}
        offered = store.unfinished_session()
        assert offered is not None and offered.answered == 2

    env = {**os.environ, "QUIZZER_BANKS": str(bank_dir), "QUIZZER_NOW": "2025-03-01T09:05:00Z"}
    again = subprocess.run(
        [sys.executable, "-m", "quizzer", "quiz", "--plain", "--bank", "tiny"],
        input="y\n:quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "has 2 question(s) left (2 answered). Continue it? [Y/n]" in again.stdout
    assert "[3/4] tiny-multi" in again.stdout
