"""A soft time limit inside the SymPy worker: SIGALRM interrupts a long SymPy call.

The worker's parent enforces the hard cap by killing the process; this soft limit lets the worker
answer "undecided (time limit)" itself in the common case, so it need not be restarted. The
exception derives from BaseException so SymPy's `except Exception` blocks cannot swallow it.
Outside the main thread, or where SIGALRM does not exist (Windows), it only checks the clock
between stages.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimit(BaseException):
    """Raised when a check runs past its time limit."""


class Deadline:
    """An absolute point in time (time.monotonic) by which a check must finish."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def check(self) -> None:
        if self.expired():
            raise TimeLimit


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise TimeLimit


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the body after `seconds` (nested limits keep the earlier end)."""
    if seconds <= 0:
        raise TimeLimit
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _alarm)
    limit = min(seconds, outer_left) if outer_left > 0 else seconds
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left > 0:
            left = outer_left - (time.monotonic() - started)
            if left <= 0:
                raise TimeLimit
            signal.setitimer(signal.ITIMER_REAL, left)
