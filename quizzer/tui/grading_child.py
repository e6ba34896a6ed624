"""The grading process: `python -m quizzer.tui.grading_child BANK... --derivations FILE...`.

Engine checks (derivations, params drills, torch references, code) may import SymPy or torch
in the process that calls `grade`; importing either in a thread of the UI process stalls the
event loop (torch: up to ~0.5 s measured). The TUI therefore sends those checks here, one JSON
line per request on stdin, one JSON line per reply on stdout. This module never imports textual.

Request:  {"id": 1, "op": "grade", "question": ID, "answer": ..., "env": {lang, seed, ...}}
          {"id": 2, "op": "interpret", "question": ID, "text": "sigma(x)^2"}
          {"id": 3, "op": "warm", "types": ["derivation", "code"]}
Reply:    {"id": 1, "verdict": {...}} | {"id": 2, "pretty": "σ(x)²"} | {"id": 3, "started": [...]}
          | {"id": N, "answer_error": MSG} | {"id": N, "error": MSG}
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from quizzer.core.model import Verdict

# GradingEnv fields a request may set; the rest (catalog, services) belong to this process.
ENV_FIELDS = ("lang", "device", "trusted_code", "seed", "expression_timeout", "code_timeout")


def verdict_to_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "outcome": verdict.outcome.value,
        "feedback": [f.to_json() for f in verdict.feedback],
        "interpreted": verdict.interpreted,
        "expected": verdict.expected,
        "details": dict(verdict.details),
    }


def verdict_from_json(data: dict[str, Any]) -> Verdict:
    from quizzer.core.model import Outcome
    from quizzer.core.text import LocalizedText

    return Verdict(
        outcome=Outcome(data["outcome"]),
        feedback=tuple(LocalizedText.parse(f) for f in data.get("feedback", [])),
        interpreted=data.get("interpreted"),
        expected=data.get("expected"),
        details=data.get("details") or {},
    )


def handle(request: dict[str, Any], catalog: Any, services: dict[str, Any]) -> dict[str, Any]:
    from quizzer.core.grading import GradingEnv, grade
    from quizzer.errors import AnswerError

    reply: dict[str, Any] = {"id": request.get("id")}
    if request.get("op") == "warm":
        from quizzer.tui.previews import warm_for_types

        reply["started"] = warm_for_types(set(request.get("types", ())), services)
        return reply
    question = catalog.questions.get(request.get("question"))
    if question is None:
        reply["error"] = f"no question {request.get('question')!r} in the grading process"
        return reply
    if request.get("op") == "interpret":
        from quizzer.tui.previews import interpret_expression

        try:
            reply["pretty"] = interpret_expression(question, str(request.get("text")), services)
        except AnswerError as exc:
            reply["answer_error"] = exc.message
        except Exception as exc:  # a preview is advisory
            reply["error"] = f"{type(exc).__name__}: {exc}"
        return reply
    settings = {k: v for k, v in (request.get("env") or {}).items() if k in ENV_FIELDS}
    env = GradingEnv(catalog=catalog, services=services, **settings)
    try:
        reply["verdict"] = verdict_to_json(grade(question, request.get("answer"), env))
    except AnswerError as exc:
        reply["answer_error"] = exc.message
    except Exception as exc:  # reported to the learner as a failed check, never a crash
        reply["error"] = f"{type(exc).__name__}: {exc}"
    return reply


def serve(requests: TextIO, replies: TextIO, catalog: Any) -> None:
    services: dict[str, Any] = {}
    try:
        for line in requests:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError:
                continue
            reply = handle(request, catalog, services)
            replies.write(json.dumps(reply, ensure_ascii=False, default=str) + "\n")
            replies.flush()
    finally:
        from quizzer.tui.previews import close_services

        close_services(services)


def main(argv: list[str]) -> None:
    from quizzer.core.catalog import load_catalog

    # Replies go to a private copy of stdout; anything an engine prints lands on stderr (a log
    # file), never in the middle of a reply.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    split = argv.index("--derivations") if "--derivations" in argv else len(argv)
    banks = [Path(p) for p in argv[:split]]
    exercises = [Path(p) for p in argv[split + 1 :]]
    catalog = load_catalog(banks, derivation_dirs=exercises)
    serve(sys.stdin, replies, catalog)


if __name__ == "__main__":
    main(sys.argv[1:])
