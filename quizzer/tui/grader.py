"""Where each check runs: pure checks in the UI process, engine checks in a grading process.

`choice`, `multi`, `recall` and literal `numeric` answers are graded by a few lines of pure
Python, so they run in a thread of the UI process. Every other check goes to one long-lived
child process (`quizzer.tui.grading_child`), because the engines import SymPy or torch in the
process that grades (the derivation checker does; importing torch in a UI thread stalled the
event loop for up to ~0.5 s, a child process start costs under 25 ms). The child is a plain
`subprocess.Popen` speaking JSON lines: `multiprocessing` failed under Textual's headless test
driver ("bad value(s) in fds_to_keep").
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from quizzer.core.catalog import Catalog
from quizzer.core.grading import GradingEnv, grade, verdict
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.errors import AnswerError

PURE_TYPES = frozenset({"choice", "multi", "recall"})
# Room for the slowest engine check (a long derivation: a 2 s cap per line) before the grading
# process is presumed stuck, killed and restarted.
REPLY_TIMEOUT_S = 60.0


def runs_in_process(question: Question) -> bool:
    """Whether `question` is checked by pure Python (no engine, no bank code)."""
    return question.type in PURE_TYPES or (
        question.type == "numeric" and "torch" not in question.answer
    )


class GradingProcess:
    """The child process that runs engine checks; thread-safe, started on first use."""

    def __init__(self, catalog: Catalog, log_file: Path | None = None) -> None:
        self.catalog = catalog
        self.log_file = log_file
        self._process: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._next_id = 0

    def _command(self) -> list[str]:
        banks = [bank.file for bank in self.catalog.banks]
        exercises = [str(path) for path in self.catalog.exercise_files.values()]
        return [
            sys.executable,
            "-m",
            "quizzer.tui.grading_child",
            *banks,
            "--derivations",
            *exercises,
        ]

    def start(self) -> None:
        """Start the child now (idempotent); it loads the banks while the learner reads."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> subprocess.Popen[str]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        log: IO[str] | int = subprocess.DEVNULL
        if self.log_file is not None:
            with contextlib.suppress(OSError):
                self.log_file.parent.mkdir(parents=True, exist_ok=True)
                log = self.log_file.open("a", encoding="utf-8")
        # The child's stderr must never reach the terminal Textual draws on.
        process = subprocess.Popen(
            self._command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
            bufsize=1,
            env={**os.environ},
        )
        if not isinstance(log, int):
            log.close()
        self._replies = queue.Queue()
        threading.Thread(target=self._read, args=(process, self._replies), daemon=True).start()
        self._process = process
        return process

    @staticmethod
    def _read(process: subprocess.Popen[str], replies: queue.Queue[dict[str, Any] | None]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with contextlib.suppress(ValueError):
                replies.put(json.loads(line))
        replies.put(None)  # the child ended

    def request(self, payload: dict[str, Any], timeout: float = REPLY_TIMEOUT_S) -> dict[str, Any]:
        """Send one request and wait for its reply; a dead or stuck child is restarted."""
        with self._lock:
            process = self._ensure_started()
            self._next_id += 1
            request_id = self._next_id
            assert process.stdin is not None
            try:
                process.stdin.write(json.dumps({**payload, "id": request_id}) + "\n")
                process.stdin.flush()
            except OSError:
                self._stop()
                return {"error": "the grading process ended; it restarts with the next check"}
            while True:
                try:
                    reply = self._replies.get(timeout=timeout)
                except queue.Empty:
                    self._stop()
                    return {"timeout": timeout}
                if reply is None:
                    self._stop()
                    return {"error": "the grading process ended; it restarts with the next check"}
                if reply.get("id") == request_id:
                    return reply

    def grade(self, question: Question, answer: Any, env: GradingEnv) -> Verdict:
        """Grade in the child; raises AnswerError like `grading.grade` for unreadable answers."""
        from quizzer.tui.grading_child import ENV_FIELDS, verdict_from_json

        settings = {name: getattr(env, name) for name in ENV_FIELDS}
        reply = self.request(
            {"op": "grade", "question": question.id, "answer": answer, "env": settings}
        )
        if "verdict" in reply:
            return verdict_from_json(reply["verdict"])
        if "answer_error" in reply:
            raise AnswerError(str(reply["answer_error"]))
        if "timeout" in reply:
            return verdict(
                Outcome.UNDECIDED,
                f"The check did not finish within {reply['timeout']:.0f} s.",
                details={"timeout": True},
            )
        raise RuntimeError(str(reply.get("error", "the check failed")))

    def warm(self, types: set[str]) -> None:
        """Ask the child to start the engine workers these question types need."""
        self.request({"op": "warm", "types": sorted(types)})

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        with self._lock:
            self._stop()


class Checker:
    """The TUI's one door to grading: pure checks here, engine checks in the grading process.

    With `process=None` every check runs in this process (what `quizzer answer` does); the app
    always passes a process, so SymPy and torch stay out of the UI.
    """

    def __init__(self, process: GradingProcess | None, services: dict[str, Any] | None = None):
        self.process = process
        self.services: dict[str, Any] = {} if services is None else services

    def check(self, question: Question, answer: Any, env: GradingEnv) -> Verdict:
        if self.process is None or runs_in_process(question):
            return grade(question, answer, env)
        return self.process.grade(question, answer, env)

    def interpret(self, question: Question, text: str) -> str | None:
        """How an expression answer is read, pretty-printed; AnswerError when it is not."""
        if self.process is None:
            from quizzer.tui.previews import interpret_expression

            return interpret_expression(question, text, self.services)
        reply = self.process.request(
            {"op": "interpret", "question": question.id, "text": text}, timeout=5.0
        )
        if "answer_error" in reply:
            raise AnswerError(str(reply["answer_error"]))
        pretty = reply.get("pretty")
        return None if pretty is None else str(pretty)

    def warm_up(self, questions: list[Question]) -> None:
        """Start the grading process and the engine workers the coming questions need."""
        from quizzer.tui.previews import type_key, warm_for_types

        types = {type_key(q) for q in questions if not runs_in_process(q)}
        if not types:
            return
        if self.process is None:
            warm_for_types(types, self.services)
        else:
            self.process.warm(types)

    def close(self) -> None:
        if self.process is not None:
            self.process.close()
        from quizzer.tui.previews import close_services

        close_services(self.services)
