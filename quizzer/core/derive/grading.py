"""The `derivation` question type: grade a learner's lines against the question's exercise.

`details["lines"]` is a list of `{line, text, verdict, feedback}` (feedback in the learner's
language): the TUI renders it, and `quizzer answer --json` prints it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.core.model import Question, Verdict
from quizzer.errors import AnswerError

if TYPE_CHECKING:
    from quizzer.core.derive.exercise import Exercise
    from quizzer.core.derive.givens import Prepared
    from quizzer.core.derive.report import DerivationReport
    from quizzer.core.grading import GradingEnv

# Prepared exercises by (file, modification time, size): parsing the givens and steps once
# makes a warm check of a 10-line derivation ~10x cheaper. A changed file is re-read.
_PREPARED: dict[tuple[str, int, int], Prepared] = {}
_LOCK = threading.Lock()


def exercise_for(question: Question, env: GradingEnv) -> Exercise:
    """The exercise a derivation question refers to (UnknownQuestionError if missing)."""
    from quizzer.core.derive.exercise import find_exercise

    files = env.catalog.exercise_files if env.catalog is not None else None
    return find_exercise(str(question.answer["exercise"]), files or None)


def prepared_exercise(exercise: Exercise) -> Prepared:
    """The exercise parsed and ready, from the cache when its file is unchanged."""
    from quizzer.core.derive.givens import prepare_exercise

    try:
        stat = Path(exercise.file).stat()
        key = (exercise.file, stat.st_mtime_ns, stat.st_size)
    except OSError:
        return prepare_exercise(exercise)
    with _LOCK:
        cached = _PREPARED.get(key)
    if cached is not None and cached.exercise == exercise:
        return cached
    prepared = prepare_exercise(exercise)
    with _LOCK:
        _PREPARED[key] = prepared
    return prepared


def sympy_worker(env: GradingEnv) -> Any:
    """The SymPy worker the front end keeps warm, if any (None: the process default)."""
    from quizzer.core.expr import SympyWorker

    worker = env.services.get("sympy")
    return worker if isinstance(worker, SympyWorker) else None


def check_answer(exercise: Exercise, answer: Any, env: GradingEnv) -> DerivationReport:
    """Check a learner's derivation (text with one step a line, or a list of lines)."""
    from quizzer.core.derive.checker import DerivationChecker

    if not isinstance(answer, str | list | tuple) or (
        not isinstance(answer, str) and not all(isinstance(a, str) for a in answer)
    ):
        raise AnswerError("a derivation is text with one step a line, or a list of lines")
    checker = DerivationChecker(
        prepared_exercise(exercise), timeout=env.expression_timeout, worker=sympy_worker(env)
    )
    return checker.check(answer)


def grade_derivation_question(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    exercise = exercise_for(question, env)
    report = check_answer(exercise, answer, env)
    return report_verdict(report, exercise, env.lang)


def report_verdict(report: DerivationReport, exercise: Exercise, lang: str) -> Verdict:
    """A Verdict carrying the per-line report in `details`."""
    from quizzer.core.text import LocalizedText

    feedback: list[LocalizedText] = list(report.summary)
    first = report.first_invalid
    if first is not None:
        feedback.extend(f for f in first.feedback if not f.en.startswith("Hint: "))
    if report.hint is not None:
        feedback.append(
            LocalizedText(en=f"Hint: {report.hint.en}", zh=f"提示：{report.hint.get('zh')}")
        )
    details = {"exercise": exercise.id, **report.to_json(lang)}
    details.pop("verdict", None)
    return Verdict(
        outcome=report.outcome,
        feedback=tuple(feedback),
        interpreted=None,
        expected=reference_text(exercise),
        details=details,
    )


def reference_text(exercise: Exercise) -> str:
    """The reference derivation, one step a line, in the input language."""
    return "\n".join(step.line for step in exercise.steps)


def reference_steps_text(question: Question, env: GradingEnv) -> str | None:
    return reference_text(exercise_for(question, env))
