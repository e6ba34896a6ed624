"""The parent side of the torch worker: start it early, send checks, enforce time and memory.

The worker is a plain `subprocess.Popen` child speaking JSON lines over pipes. Python's
`multiprocessing` fails under Textual's headless test driver ("bad value(s) in fds_to_keep"),
and importing torch in a thread of the UI process froze the UI for up to half a second, so the
child does the import. It runs in its own session, so a timeout kills its whole process group
(and anything learner code spawned); a fresh worker is started at once in the background.

This module imports neither torch nor textual.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import MutableMapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from quizzer.core.torchcheck.errors import (
    CheckOutOfMemory,
    CheckTimeout,
    WorkerCrashed,
    WorkerUnavailable,
)

if TYPE_CHECKING:
    from quizzer.core.grading import GradingEnv

SERVICE_KEY = "torch"
# Python start + `import torch` takes ~2 s idle and much longer on a loaded machine; that wait
# is not part of any check's time limit.
STARTUP_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 2048
# How often the parent looks at the worker's resident memory while it waits for an answer.
WATCH_INTERVAL = 0.05
STDERR_TAIL_CHARS = 2000

_LIVE: weakref.WeakSet[TorchWorker] = weakref.WeakSet()


class TorchWorker:
    """A warm torch process answering one request at a time (thread-safe)."""

    def __init__(
        self,
        device: str = "auto",
        *,
        memory_mb: int = DEFAULT_MEMORY_MB,
        startup_timeout: float = STARTUP_TIMEOUT,
    ) -> None:
        self.device = device
        self.memory_mb = memory_mb
        self.startup_timeout = startup_timeout
        self.restarts = 0
        self.closed = False
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._proc: subprocess.Popen[bytes] | None = None
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._info: dict[str, Any] | None = None
        self._stderr: IO[bytes] | None = None
        self._scratch = tempfile.mkdtemp(prefix="quizzer-torch-")
        _LIVE.add(self)

    # -- process management -------------------------------------------------------------------

    def start(self) -> None:
        """Start the child if it is not running; returns at once (torch imports in the child)."""
        with self._lock:
            self.closed = False
            if self._proc is None or self._proc.poll() is not None:
                self._spawn()

    def _spawn(self) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _kill
        self._messages = queue.Queue()
        self._info = None
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-P",
                "-m",
                "quizzer.core.torchcheck.worker",
                "--device",
                self.device,
                "--memory-mb",
                str(self.memory_mb),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=self._scratch if os.path.isdir(self._scratch) else None,
            env=_child_environment(),
            start_new_session=True,  # its own process group: one killpg ends everything
        )
        threading.Thread(
            target=_read_messages,
            args=(self._proc.stdout, self._messages),
            name="torch-worker-reader",
            daemon=True,
        ).start()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            killpg = getattr(os, "killpg", None)  # POSIX; elsewhere proc.kill() below
            if killpg is not None:
                with contextlib.suppress(OSError):
                    killpg(proc.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
            with contextlib.suppress(OSError):
                proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._info = None

    def _restart(self) -> None:
        """Replace a worker that overran or died; the new one warms up in the background."""
        self._kill()
        self.restarts += 1
        self._spawn()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._kill()
        shutil.rmtree(self._scratch, ignore_errors=True)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def info(self) -> dict[str, Any] | None:
        """The worker's `ready` announcement (device, torch version), once it has started."""
        return self._info

    def wait_ready(self) -> dict[str, Any]:
        """Block until the worker has imported torch; raise WorkerUnavailable if it cannot."""
        with self._lock:
            self.start()
            if self._info is not None:
                return self._info
            try:
                message = self._messages.get(timeout=self.startup_timeout)
            except queue.Empty:
                self._kill()
                raise WorkerUnavailable(
                    f"the torch worker did not start within {self.startup_timeout:g} s"
                ) from None
            if message is None or not message.get("ready"):
                tail = self._stderr_tail()
                self._kill()
                why = (message or {}).get("error") or tail or "it exited during start-up"
                raise WorkerUnavailable(f"the torch worker could not start: {why}")
            self._info = message
            return message

    # -- requests -----------------------------------------------------------------------------

    def request(self, op: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request; wait at most `timeout` seconds once the worker is ready.

        Raises CheckTimeout, CheckOutOfMemory or WorkerCrashed (the worker is then restarted in
        the background) or WorkerUnavailable.
        """
        with self._lock:
            info = self.wait_ready()
            assert self._proc is not None and self._proc.stdin is not None
            request_id = next(self._ids)
            progress: dict[str, Any] = {}
            try:
                line = json.dumps({"id": request_id, "op": op, "payload": payload}) + "\n"
                self._proc.stdin.write(line.encode("utf-8"))
                self._proc.stdin.flush()
            except OSError:
                self._crashed(progress)
            memory_limit = int(info.get("rss", 0)) + self.memory_mb * 2**20
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._restart()
                    raise CheckTimeout(f"no answer within {timeout:g} s", progress=progress)
                try:
                    message = self._messages.get(timeout=min(remaining, WATCH_INTERVAL))
                except queue.Empty:
                    if self._resident_bytes() > memory_limit:
                        self._restart()
                        raise CheckOutOfMemory(
                            f"the check used more than {self.memory_mb} MB", progress=progress
                        ) from None
                    continue
                if message is None:
                    self._crashed(progress)
                if message.get("id") != request_id:
                    continue  # a line from an earlier, abandoned request
                if "progress" in message:
                    progress = message["progress"]
                    continue
                result: dict[str, Any] = message.get("result") or {}
                return result

    def _crashed(self, progress: dict[str, Any]) -> NoReturn:
        proc = self._proc
        returncode = proc.wait() if proc is not None else None
        tail = self._stderr_tail()
        self._restart()
        raise WorkerCrashed(
            f"the torch worker stopped (exit code {returncode})",
            returncode=returncode,
            stderr_tail=tail,
            progress=progress,
        )

    def _resident_bytes(self) -> int:
        if self._proc is None:
            return 0
        try:
            fields = Path(f"/proc/{self._proc.pid}/statm").read_text(encoding="ascii").split()
            return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0  # not Linux, or already gone: RLIMIT_AS in the child still applies

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - STDERR_TAIL_CHARS))
            return self._stderr.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""


def _read_messages(stream: IO[bytes] | None, messages: queue.Queue[dict[str, Any] | None]) -> None:
    """Reader thread: parse the child's lines into `messages`; None marks its end."""
    assert stream is not None
    with contextlib.suppress(OSError, ValueError):
        for raw in stream:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if isinstance(message, dict):
                messages.put(message)
    messages.put(None)


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    # `-P` keeps the working directory off sys.path; make quizzer importable from a checkout too.
    package_root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.setdefault("OMP_NUM_THREADS", "1")  # the worker uses one thread; skip the pool start-up
    return env


@atexit.register
def _close_all() -> None:
    for worker in list(_LIVE):
        with contextlib.suppress(Exception):
            worker.close()


def warm_torch_worker(services: MutableMapping[str, Any], device: str = "auto") -> TorchWorker:
    """Start the worker kept in `services["torch"]` in the background (idempotent)."""
    worker = services.get(SERVICE_KEY)
    if not isinstance(worker, TorchWorker) or worker.device != device:
        if isinstance(worker, TorchWorker):
            worker.close()
        worker = TorchWorker(device)
        services[SERVICE_KEY] = worker
    worker.start()
    return worker


def torch_worker(env: GradingEnv) -> TorchWorker:
    """The worker for `env` (its device), created and kept in `env.services` when absent."""
    return warm_torch_worker(env.services, env.device)
