"""Errors of torch checking: untrusted bank code, and a worker that could not answer."""

from __future__ import annotations

from typing import Any

from quizzer.errors import ExitCode, QuizzerError


class UntrustedCodeError(QuizzerError):
    """A bank's own code was about to run, but the bank is neither built in nor trusted."""

    title = "untrusted bank code"


class WorkerError(QuizzerError):
    """The torch worker did not answer a request; `progress` is the last case it announced."""

    title = "torch worker"
    exit_code = ExitCode.UNDECIDED

    def __init__(self, message: str, *, progress: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.progress = progress or {}


class WorkerUnavailable(WorkerError):
    """The worker could not start (torch missing, CUDA requested but absent, start too slow)."""


class CheckTimeout(WorkerError):
    """A check overran its time limit; the worker was killed and is being restarted."""


class CheckOutOfMemory(WorkerError):
    """The worker went over its memory cap; it was killed and is being restarted."""


class WorkerCrashed(WorkerError):
    """The worker process died during a check (os._exit, a segfault, the OOM killer)."""

    def __init__(
        self,
        message: str,
        *,
        returncode: int | None,
        stderr_tail: str,
        progress: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, progress=progress)
        self.returncode = returncode
        self.stderr_tail = stderr_tail
