"""Grading an `expression` question: one request to the SymPy worker, turned into a Verdict.

The worker checks the answer against the question's `expected` formula, matches the authored
`mistakes` (each `match` is a formula) and finds generic near-misses; this module only maps
its reply to an Outcome and localized feedback. It never imports SymPy.
"""

from __future__ import annotations

from typing import Any

from quizzer.core.grading import GradingEnv, verdict
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError, BankError

OUTCOMES = {
    "equivalent": Outcome.CORRECT,
    "different": Outcome.INCORRECT,
    "undecided": Outcome.UNDECIDED,
}


def context_spec(question: Question) -> dict[str, Any]:
    from quizzer.core.expr.context import ExprContext

    return ExprContext.from_answer(question.answer).to_spec()


def grade_expression_question(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    """Grade `answer` (text) against the question's expected formula.

    Raises:
        AnswerError: when the answer cannot be read (the message says which name or character).
        BankError: when the question's own formulas cannot be read.
    """
    from quizzer.core.expr.worker import SERVICE_KEY, SympyWorker

    if not isinstance(answer, str):
        answer = str(answer)
    reveal = bool(question.answer.get("reveal", False))
    mistakes = [m.match for m in question.mistakes]
    worker = env.services.get(SERVICE_KEY)
    if not isinstance(worker, SympyWorker):
        # Nobody warmed one up (a one-shot `quizzer answer`): skip the warm-up run, the first
        # check pays SymPy's first-call costs once. Later grades in this env reuse it.
        worker = env.services[SERVICE_KEY] = SympyWorker(warm=False)
    reply = worker.request(
        {
            "op": "grade",
            "answer": answer,
            "expected": str(question.answer["expected"]),
            "context": context_spec(question),
            "mistakes": [str(m) for m in mistakes],
            "forbid": list(question.answer.get("forbid") or ()),
            "reveal": reveal,
        },
        env.expression_timeout,
    )
    error = reply.get("error")
    if error and error.get("type") == "InternalError":
        # A SymPy failure on this pair is neither the learner's fault nor the bank's: report
        # it as undecided, never as "the question's formula cannot be read".
        reply = {"verdict": "undecided", "reason": str(error.get("message"))}
        error = None
    if error:
        side = error.get("side")
        if error.get("type") == "AnswerError" and side in (None, "answer"):
            raise AnswerError(str(error.get("message")))
        raise BankError(
            f"question {question.id}: its {side or 'formula'} cannot be read: "
            f"{error.get('message')}"
        )
    outcome = OUTCOMES.get(str(reply.get("verdict")), Outcome.UNDECIDED)
    feedback: list[LocalizedText | str] = []
    for index in reply.get("mistakes", []):
        feedback.append(question.mistakes[int(index)].feedback)
    for message in reply.get("feedback", []):
        feedback.append(LocalizedText(en=message["en"], zh=message.get("zh")))
    if outcome is Outcome.UNDECIDED:
        feedback.append(
            LocalizedText(
                en=f"Could not decide: {reply.get('reason', 'no reason given')}.",
                zh=f"无法判定：{reply.get('reason', '')}。",
            )
        )
    counterexample = reply.get("counterexample")
    if outcome is Outcome.INCORRECT and counterexample and not feedback:
        feedback.append(_counterexample_text(counterexample))
    details = {
        "method": reply.get("method"),
        "reason": reply.get("reason"),
        # The value at one point does not give the formula away; it makes the mistake concrete.
        "counterexample": counterexample,
    }
    return verdict(
        outcome,
        *feedback,
        interpreted=reply.get("answer_pretty"),
        expected=reply.get("expected_pretty") if reveal else None,
        details=details,
    )


def _counterexample_text(counterexample: dict[str, Any]) -> LocalizedText:
    point = ", ".join(f"{k} = {v}" for k, v in counterexample.get("point", {}).items())
    got, want = counterexample.get("answer"), counterexample.get("expected")
    if not point:
        return LocalizedText(
            en=f"Your answer is {got}, but it should be {want}.",
            zh=f"你的答案等于 {got}，正确值应为 {want}。",
        )
    return LocalizedText(
        en=f"At {point}, your answer is {got}, but it should be {want}.",
        zh=f"在 {point} 处，你的答案等于 {got}，正确值应为 {want}。",
    )


def reference_text(question: Question) -> str:
    return str(question.answer["expected"])
