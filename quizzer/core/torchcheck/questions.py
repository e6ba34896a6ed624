"""Grading `code` questions: syntax in this process, everything else in the torch worker.

What runs where: the learner's source is parsed here (a syntax error or a missing function is
an `AnswerError`, exit code 2, without starting torch). The bank's reference, input generator,
variants and the learner's function run in the worker, and only for trusted banks (built in, or
`quizzer banks trust PATH`): an untrusted bank's code question is undecided and runs nothing.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
from typing import Any

from quizzer.core.grading import GradingEnv, mistake_feedback, verdict
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.qtypes.code import entry_name
from quizzer.core.text import LocalizedText
from quizzer.core.torchcheck import feedback
from quizzer.core.torchcheck.client import torch_worker
from quizzer.core.torchcheck.errors import (
    CheckOutOfMemory,
    CheckTimeout,
    WorkerCrashed,
    WorkerUnavailable,
)
from quizzer.errors import AnswerError, BankError

MAX_SOURCE_CHARS = 100_000
# Random inputs are the same for every attempt unless the caller seeds otherwise.
DEFAULT_SEED = 0

NEEDS_TRUST = LocalizedText(
    en="This code exercise comes from a bank you have not trusted, so its code is not run; "
    "run `quizzer banks trust PATH` to allow it.",
    zh="这道代码题来自你尚未信任的题库，因此不会运行其中的代码；"
    "运行 `quizzer banks trust PATH` 后即可作答。",
)


def learner_source(answer: Any) -> str:
    if not isinstance(answer, str):
        raise AnswerError("a code answer is Python source text (use --file answer.py)")
    if not answer.strip():
        raise AnswerError("empty answer: write the function in a file and pass --file FILE")
    if len(answer) > MAX_SOURCE_CHARS:
        raise AnswerError(f"answer too long ({len(answer)} characters, at most {MAX_SOURCE_CHARS})")
    return answer


def check_learner_source(source: str, entry: str, signature: str) -> None:
    """Raise AnswerError for a syntax error or when the function is not defined at top level."""
    try:
        tree = ast.parse(source, "<answer>")
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        text = f" `{exc.text.strip()}`" if exc.text and exc.text.strip() else ""
        raise AnswerError(f"{where}{exc.msg}{text}") from None
    except ValueError as exc:  # e.g. a NUL byte in the source
        raise AnswerError(f"cannot read the answer as Python: {exc}") from None
    defined = {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    } | {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    if entry not in defined:
        raise AnswerError(
            f"define the function `{signature}` at the top level of your answer "
            f"(no top-level `def {entry}` found)"
        )


def spec_key(spec: Any) -> str:
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def grade_code_question(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    if not env.trusted_code:
        return verdict(Outcome.UNDECIDED, NEEDS_TRUST, details={"needs_trust": True})
    spec = dict(question.answer)
    signature = str(spec["signature"])
    entry = entry_name(signature)
    source = learner_source(answer)
    check_learner_source(source, entry, signature)
    payload = {
        "question_id": question.id,
        "spec": spec,
        "spec_key": spec_key(spec),
        "entry": entry,
        "source": source,
        "seed": env.seed if env.seed is not None else DEFAULT_SEED,
    }
    try:
        result = torch_worker(env).request("code", payload, timeout=env.code_timeout)
    except CheckTimeout as exc:
        result = {"status": "fail", "reason": "timeout", **exc.progress}
    except CheckOutOfMemory as exc:
        result = {"status": "fail", "reason": "out of memory", **exc.progress}
    except WorkerCrashed as exc:
        result = {
            "status": "fail",
            "reason": "crash",
            "returncode": exc.returncode,
            "stderr_tail": exc.stderr_tail[-500:],
            **exc.progress,
        }
    except WorkerUnavailable as exc:
        return verdict(
            Outcome.UNDECIDED,
            LocalizedText(
                en=f"This answer cannot be checked now: {exc.message}",
                zh=f"暂时无法检查这个答案：{exc.message}",
            ),
            details={"reason": "worker"},
        )
    return verdict_from_result(question, env, result, entry)


def verdict_from_result(
    question: Question, env: GradingEnv, result: dict[str, Any], entry: str
) -> Verdict:
    status = result.get("status")
    details = {"function": entry, **sanitize(result)}
    details.pop("status", None)
    interpreted = f"{entry}(...)"
    if status == "pass":
        return verdict(
            Outcome.CORRECT,
            feedback.pass_feedback(result),
            interpreted=interpreted,
            details=details,
        )
    if status == "bank-error":
        raise BankError(
            f"{question.file} [{question.id}]: the bank's own code failed: {result.get('message')}"
        )
    if status != "fail":
        return verdict(
            Outcome.UNDECIDED,
            LocalizedText(
                en=f"The checker failed: {result.get('message')}",
                zh=f"检查程序出错：{result.get('message')}",
            ),
            details=details,
        )
    reason = str(result.get("reason"))
    details["failure"] = reason
    lines: list[LocalizedText | str] = [
        feedback.headline(result, timeout=env.code_timeout, returncode=result.get("returncode"))
    ]
    shown_inputs = feedback.inputs_line(result)
    if shown_inputs is not None:
        lines.append(shown_inputs)
    lines.extend(feedback.detail_lines(result))
    lines.extend(variant_feedback(question, result.get("variant")))
    return verdict(Outcome.INCORRECT, *lines, interpreted=interpreted, details=details)


def variant_feedback(question: Question, name: Any) -> list[LocalizedText]:
    """The bank's explanation of a recognized wrong variant (and any `mistakes` naming it)."""
    if not name:
        return []
    found = [
        LocalizedText.parse(v["feedback"])
        for v in question.answer.get("variants") or ()
        if v.get("name") == name and v.get("feedback")
    ]
    return [*found, *mistake_feedback(question, lambda match: match == name)]


def sanitize(value: Any) -> Any:
    """JSON-safe details: NaN and infinities become strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    return value


def code_reference_answer(question: Question) -> str:
    return str(question.answer["reference"]).rstrip() + "\n"
