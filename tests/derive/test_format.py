"""The exercise format: malformed files give one clear message with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.core.derive.exercise import load_exercise, load_exercises
from quizzer.errors import BankError
from tests.derive.conftest import minimal_exercise, write_exercise


def test_a_minimal_exercise_loads(tmp_path: Path) -> None:
    exercise = load_exercise(write_exercise(tmp_path, "ok.yaml", minimal_exercise()))
    assert exercise.id == "product-rule"
    assert [s.line for s in exercise.steps][-1] == "(x^2 + 2*x)*exp(x)"
    assert exercise.title.get("zh") == "乘积法则"


@pytest.mark.parametrize(
    ("edit", "message", "line"),
    [
        (
            lambda t: t.replace(
                "title: {en: A product rule, zh: 乘积法则}", "title: A product rule"
            ),
            "expected both `en` and `zh`",
            3,
        ),
        (
            lambda t: t.replace("start: diff(x^2*exp(x), x)\n", ""),
            "missing required key 'start'",
            1,
        ),
        (lambda t: t.replace("goal:", "gaol:"), "did you mean 'goal'", 7),
        (
            lambda t: t.replace("    why: {en: Start., zh: 起点。}\n", "", 1),
            "missing required key 'why'",
            9,
        ),
    ],
)
def test_a_malformed_exercise_names_file_line_and_problem(
    tmp_path: Path, edit: object, message: str, line: int
) -> None:
    path = write_exercise(tmp_path, "bad.yaml", edit(minimal_exercise()))  # type: ignore[operator]
    with pytest.raises(BankError) as caught:
        load_exercise(path)
    diagnostic = next(d for d in caught.value.diagnostics if message in d.message)
    assert diagnostic.file == str(path)
    assert diagnostic.line == line
    assert diagnostic.question_id in (None, "product-rule")


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write_exercise(tmp_path, "a.yaml", minimal_exercise("first"))
    write_exercise(tmp_path, "b.yaml", "id: [unclosed\n")
    write_exercise(tmp_path, "c.yaml", minimal_exercise("first"))
    found, diagnostics = load_exercises([tmp_path])
    assert list(found) == ["first"]
    messages = " | ".join(str(d) for d in diagnostics)
    assert "b.yaml" in messages and "malformed YAML" in messages
    assert "duplicate exercise id 'first'" in messages


def test_builtin_exercises_are_many_bilingual_and_sourced(exercises: dict) -> None:  # type: ignore[type-arg]
    assert len(exercises) >= 25
    for exercise in exercises.values():
        assert exercise.title.zh and exercise.statement.zh, exercise.id
        assert all(step.why.zh for step in exercise.steps), exercise.id
        assert exercise.source, exercise.id
        assert exercise.hints or any(s.hint for s in exercise.steps), exercise.id


def test_the_laplace_exercise_does_not_copy_the_notes_coefficient(exercises: dict) -> None:  # type: ignore[type-arg]
    laplace = exercises["map-laplace-prior-l1"]
    assert laplace.goal == "(abs(w_1) + abs(w_2))/a + 2*log(2*a)"
    assert "2*a)" in laplace.start and "sqrt(2*a)" not in laplace.start


def test_the_committed_json_schema_is_up_to_date() -> None:
    import json

    from quizzer.core.derive.exercise import exercise_json_schema
    from tests.conftest import REPO

    committed = json.loads((REPO / "docs" / "derivation.schema.json").read_text(encoding="utf-8"))
    assert committed == exercise_json_schema(), (
        "docs/derivation.schema.json is stale: write exercise_json_schema() to it"
    )
