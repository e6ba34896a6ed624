"""`derivation`: the learner works an exercise from derivations/ line by line.

The question names the exercise; `quizzer.core.derive` checks each line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question, Verdict
from quizzer.core.schema import Field, Path, Record, Report, Str
from quizzer.errors import QuizzerError

SPEC = Record(
    fields={
        "exercise": Field(Str(description="The id of an exercise in derivations/"), required=True),
    },
    description="A derivation exercise, checked line by line",
)


def check_spec(answer: Mapping[str, Any], report: Report, path: Path, context: Any) -> None:
    exercise = answer.get("exercise")
    known: frozenset[str] = getattr(context, "exercise_ids", frozenset())
    if isinstance(exercise, str) and exercise not in known:
        from quizzer.core.schema import closest_names

        near = closest_names(exercise, sorted(known))
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        report((*path, "exercise"), f"no derivation exercise with id {exercise!r}{hint}")


def grade(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    """`answer` is the learner's lines: a list of strings, or one string with one step a line."""
    from quizzer.core.derive.grading import grade_derivation_question

    return grade_derivation_question(question, answer, env)


def reference_answer(question: Question, env: GradingEnv) -> str | None:
    from quizzer.core.derive.grading import reference_steps_text

    return reference_steps_text(question, env)


def render_prompt(question: Question, env: GradingEnv) -> str:
    """The prompt, then the exercise's start and goal (as typed) and how to answer."""
    from quizzer.core.derive.grading import exercise_for

    prompt = question.prompt.get(env.lang)
    try:
        exercise = exercise_for(question, env)
    except QuizzerError:
        return prompt  # reported by validation; the prompt alone is still readable
    if env.lang == "zh":
        tail = f"起点：{exercise.start}\n目标：{exercise.goal}\n每行写一步。"
    else:
        tail = f"Start: {exercise.start}\nGoal: {exercise.goal}\nWrite one step per line."
    return f"{prompt.rstrip()}\n\n{tail}"
