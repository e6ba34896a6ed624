"""The SymPy worker: a warm child process that checks formulas, killed when it overruns.

A SymPy call cannot be interrupted from another thread, so every check runs in a child process
(`python -m quizzer.core.expr.worker_main`) spoken to with JSON lines over pipes. The child
enforces a soft limit itself (SIGALRM, see `deadline.py`); if no reply arrives within the cap,
the parent kills it and starts a fresh one in the background. Plain `subprocess.Popen` is used
because Python multiprocessing breaks under Textual's test driver, and this module imports
neither SymPy nor Textual: the TUI keeps a worker in `GradingEnv.services["sympy"]` and asks it
for live previews (`interpret`).
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, MutableMapping
from typing import IO, Any

from quizzer.errors import AnswerError, QuizzerError

SERVICE_KEY = "sympy"
# Starting the child costs one Python start and `import sympy` (~0.5 s idle, several seconds on
# a loaded machine); that wait is not part of a check's time cap.
STARTUP_TIMEOUT = 60.0


class SympyWorker:
    """A warm SymPy process answering one request at a time (thread-safe)."""

    def __init__(self, startup_timeout: float = STARTUP_TIMEOUT, *, warm: bool = True) -> None:
        """`warm=False` skips the child's warm-up check: right for a one-shot command, whose
        single check pays SymPy's first-call costs once instead of twice (~0.1 s)."""
        self.startup_timeout = startup_timeout
        self.warm = warm
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._ready = threading.Event()
        self._ids = itertools.count(1)
        self.restarts = 0

    # -- process management -------------------------------------------------------------

    def start(self) -> None:
        """Start the child if it is not running; returns at once (it warms up on its own)."""
        if self._proc is not None and self._proc.poll() is None:
            return
        stderr = None if os.environ.get("QUIZZER_DEBUG") else subprocess.DEVNULL
        self._replies = queue.Queue()
        self._ready = threading.Event()
        env = {**os.environ, "QUIZZER_SYMPY_WARMUP": "1" if self.warm else "0"}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "quizzer.core.expr.worker_main"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
        reader = threading.Thread(
            target=_read_replies,
            args=(self._proc.stdout, self._replies, self._ready),
            name="sympy-worker-reader",
            daemon=True,
        )
        reader.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        self.start()
        return self._ready.wait(self.startup_timeout if timeout is None else timeout)

    def close(self) -> None:
        """Stop the child (it also exits by itself when our end of its stdin closes)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()

    def _kill_and_restart(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
        self.restarts += 1
        self.start()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    # -- requests -------------------------------------------------------------------------

    def request(self, payload: Mapping[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request and wait at most `timeout` seconds (once the child is ready).

        Returns the reply, or an `undecided` reply saying the time limit was reached (the
        child is then killed and restarted).
        """
        with self._lock:
            if not self.wait_ready():
                self._kill_and_restart()
                return _undecided("the SymPy worker did not start", "worker")
            assert self._proc is not None and self._proc.stdin is not None
            request_id = next(self._ids)
            line = json.dumps({**payload, "id": request_id, "timeout": timeout}) + "\n"
            try:
                self._proc.stdin.write(line.encode())
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError):
                self._kill_and_restart()
                return _undecided("the SymPy worker stopped unexpectedly", "worker")
            end = time.monotonic() + timeout
            while True:
                try:
                    reply = self._replies.get(timeout=max(0.0, end - time.monotonic()))
                except queue.Empty:
                    self._kill_and_restart()
                    return _undecided(f"time limit of {timeout:g} s reached", "timeout")
                if reply is None:  # the child died (memory limit, crash)
                    self._kill_and_restart()
                    return _undecided("the SymPy worker stopped unexpectedly", "worker")
                if reply.get("id") == request_id:
                    reply.pop("id", None)
                    return reply


def _undecided(reason: str, method: str) -> dict[str, Any]:
    return {"verdict": "undecided", "reason": reason, "method": method, "counterexample": None}


def _read_replies(
    stream: IO[bytes] | None, replies: queue.Queue[dict[str, Any] | None], ready: threading.Event
) -> None:
    """Reader thread: parse reply lines into `replies`; None marks the end of the child."""
    assert stream is not None
    for raw in stream:
        try:
            message = json.loads(raw)
        except ValueError:
            continue
        if message.get("ready"):
            ready.set()
        else:
            replies.put(message)
    replies.put(None)
    ready.set()


_default: SympyWorker | None = None
_default_lock = threading.Lock()


def default_worker() -> SympyWorker:
    """The process-wide worker used when a caller passes none (started on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SympyWorker()
            atexit.register(_default.close)
        _default.start()
        return _default


def warm_sympy_worker(services: MutableMapping[str, Any]) -> SympyWorker:
    """Start the worker kept in `services["sympy"]` in the background (idempotent)."""
    worker = services.get(SERVICE_KEY)
    if not isinstance(worker, SympyWorker):
        worker = SympyWorker()
        services[SERVICE_KEY] = worker
    worker.start()
    return worker


def worker_from(services: MutableMapping[str, Any] | None) -> SympyWorker:
    if services is None:
        return default_worker()
    return warm_sympy_worker(services)


def raise_for_error(reply: Mapping[str, Any]) -> None:
    """Turn an error reply into the matching QuizzerError."""
    error = reply.get("error")
    if not error:
        return
    message = str(error.get("message", "error"))
    side = error.get("side")
    if error.get("type") == "AnswerError":
        raise AnswerError(f"{side}: {message}" if side and side != "answer" else message)
    raise QuizzerError(message)
