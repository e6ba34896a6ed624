"""Entry point of the SymPy worker process: JSON requests on stdin, JSON replies on stdout.

Run as `python -m quizzer.core.expr.worker_main` by `SympyWorker`; exits when stdin closes.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

# The worker's address space is capped so a formula that explodes in memory kills only the
# worker (the parent restarts it) instead of the machine: SymPy plus a check needs ~200 MB.
MEMORY_LIMIT = 2 * 1024**3


def limit_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main() -> None:
    limit_memory()
    import sympy  # noqa: F401  (imported before "ready", so no check's time cap pays for it)

    from quizzer.core.expr.service import handle

    # Warm SymPy's caches and our own imports so the first real check is fast.
    if os.environ.get("QUIZZER_SYMPY_WARMUP", "1") != "0":
        handle(
            {
                "op": "check",
                "answer": "sigmoid(x)*(1 - sigmoid(x))",
                "expected": "exp(-x)/(1 + exp(-x))^2",
                "timeout": 5,
            }
        )
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError:
            reply: dict[str, object] = {
                "error": {"type": "UsageError", "message": "request is not JSON"}
            }
        else:
            reply = handle(request)
            reply["id"] = request.get("id")
        out.write(json.dumps(reply) + "\n")
        out.flush()
    # Our end of stdin closed: leave at once. A normal interpreter exit tears down SymPy's
    # objects (~0.35 s), which a one-shot `quizzer equiv` would otherwise wait for.
    out.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
