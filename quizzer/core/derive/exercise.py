"""The derivation exercise format (documented in docs/derivations.md), its loader and validation.

An exercise is one YAML document in `derivations/<topic>/`:

    id, topic, title, statement, difficulty, tags, source,
    symbols, functions, given, random, start, goal, unknown, steps, hints, monte_carlo, numeric

Validation here is structural (keys, types, text in English and Chinese). Whether the formulas
parse and the reference steps are valid is decided by `verify.py` (`quizzer derive --check`),
since it needs the expression engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizzer.core.files import read_text
from quizzer.core.schema import (
    LOCALIZED_TEXT,
    AnyValue,
    Bool,
    Enum,
    Field,
    Int,
    ListOf,
    Num,
    OneOf,
    Record,
    Str,
    format_path,
    is_dict,
    is_str,
)
from quizzer.core.schema import Path as KeyPath
from quizzer.core.text import LocalizedText
from quizzer.core.yamlfile import LineFinder, parse_yaml
from quizzer.errors import BankError, Diagnostic

ID = Str(
    pattern=r"[a-z0-9][a-z0-9._-]{0,79}",
    pattern_help="an id of lowercase letters, digits, '.', '_', '-'",
)
FORMULA = Str(description="A formula in the expression engine's input language", max_length=2000)

GIVEN_ITEM = OneOf(
    alternatives=[
        (is_str, FORMULA),
        (
            is_dict,
            Record(
                fields={
                    "rule": Field(FORMULA, required=True),
                    "note": Field(LOCALIZED_TEXT),
                },
                extra_allowed=(),
            ),
        ),
    ],
    expected="an equation 'lhs = rhs', or {rule, note}",
    description="A definition or fact, used as the substitution lhs -> rhs",
)

STEP = Record(
    fields={
        "line": Field(FORMULA, required=True),
        "why": Field(LOCALIZED_TEXT, required=True),
        "hint": Field(LOCALIZED_TEXT),
    },
    extra_allowed=(),
    description="One reference line with its justification",
)

RANDOM = Record(
    fields={
        "variables": Field(
            ListOf(
                Str(),
                min_items=1,
                unique=True,
                description="Random variables; q_i is member i of the family q",
            ),
            required=True,
        ),
        "independent": Field(Bool(description="Distinct random variables are independent")),
        "index": Field(
            AnyValue(
                description="Index -> how many members, e.g. {i: d_k}: q_i, k_i for "
                "i = 1..d_k are identically distributed"
            )
        ),
    },
    extra_allowed=(),
)

MONTE_CARLO = Record(
    fields={
        "sample": Field(
            AnyValue(
                description="Random variable -> distribution: normal(mean, std), "
                "uniform(a, b) or bernoulli(p)"
            ),
            required=True,
        ),
        "cases": Field(
            ListOf(
                AnyValue(),
                min_items=1,
                description="Values of the non-random symbols, one mapping per case",
            ),
            required=True,
        ),
        "samples": Field(Int(minimum=1000, maximum=5_000_000)),
        "rel_tol": Field(Num(minimum=0)),
        "abs_tol": Field(Num(minimum=0)),
        "seed": Field(Int(minimum=0)),
    },
    extra_allowed=(),
)

EXERCISE_FILE = Record(
    fields={
        "id": Field(ID, required=True),
        "topic": Field(ID, required=True),
        "title": Field(LOCALIZED_TEXT, required=True),
        "statement": Field(LOCALIZED_TEXT, required=True),
        "difficulty": Field(Int(minimum=1, maximum=5)),
        "tags": Field(ListOf(Str(), unique=True)),
        "source": Field(Str(description="Where in the notes: a Dn.k item and/or file:lines")),
        "symbols": Field(AnyValue(description="Symbol -> assumption(s)")),
        "functions": Field(ListOf(Str(), unique=True, description="Declared function names")),
        "given": Field(ListOf(GIVEN_ITEM)),
        "random": Field(RANDOM),
        "start": Field(FORMULA, required=True),
        "goal": Field(FORMULA, required=True),
        "unknown": Field(
            Str(
                description="For a chain of equations: the symbol they are solved for; lines "
                "are then equivalent when they have the same solutions"
            )
        ),
        "steps": Field(ListOf(STEP, min_items=2), required=True),
        "hints": Field(ListOf(LOCALIZED_TEXT)),
        "monte_carlo": Field(MONTE_CARLO),
        "numeric": Field(
            Enum(
                values=("auto", "skip"),
                description="skip: the steps cannot be evaluated in torch (say why in a note)",
            )
        ),
    },
    extra_allowed=("$schema",),
    description="A derivation exercise, checked line by line",
)


def exercise_json_schema() -> dict[str, Any]:
    """The JSON Schema of an exercise file (committed as docs/derivation.schema.json, for
    editors: `# yaml-language-server: $schema=../../docs/derivation.schema.json`)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "quizzer derivation exercise",
        **EXERCISE_FILE.json_schema(),
    }


@dataclass(frozen=True, slots=True)
class Given:
    """A definition or fact `lhs = rhs`; lines are compared after substituting lhs by rhs."""

    rule: str
    note: LocalizedText | None = None


@dataclass(frozen=True, slots=True)
class Step:
    line: str
    why: LocalizedText
    hint: LocalizedText | None = None


@dataclass(frozen=True, slots=True)
class RandomModel:
    """Which symbols are random, whether they are independent, and their index families."""

    variables: tuple[str, ...]
    independent: bool = True
    index: Mapping[str, str] = field(default_factory=dict)  # index name -> count formula


@dataclass(frozen=True, slots=True)
class MonteCarloSpec:
    sample: Mapping[str, str]  # random variable -> "normal(0, 1)"
    cases: tuple[Mapping[str, Any], ...]
    samples: int = 100_000
    rel_tol: float = 0.03
    abs_tol: float = 0.0
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    topic: str
    title: LocalizedText
    statement: LocalizedText
    start: str
    goal: str
    steps: tuple[Step, ...]
    file: str
    symbols: Mapping[str, Any] = field(default_factory=dict)
    functions: tuple[str, ...] = ()
    given: tuple[Given, ...] = ()
    random: RandomModel | None = None
    unknown: str | None = None
    hints: tuple[LocalizedText, ...] = ()
    monte_carlo: MonteCarloSpec | None = None
    numeric: str = "auto"
    difficulty: int = 3
    tags: tuple[str, ...] = ()
    source: str | None = None

    def hint_for_line(self, line_index: int) -> LocalizedText | None:
        """The hint for a learner stuck at line `line_index` (0-based), by position.

        Used when the learner's last good line matches no reference step: the hint of the
        reference step at that position (or later), else the exercise's first general hint.
        """
        return self.hint_after(line_index - 1)

    def hint_after(self, step_index: int) -> LocalizedText | None:
        """The next hint once reference step `step_index` (0-based) has been reached."""
        for step in self.steps[max(0, step_index + 1) :]:
            if step.hint is not None:
                return step.hint
        return self.hints[0] if self.hints else None


def load_exercise(file: Path) -> Exercise:
    """Load and validate one exercise file; BankError carries every problem with its line."""
    name = str(file)
    text = read_text(file)
    data = parse_yaml(text, name)
    problems = validate_exercise_data(data)
    if problems:
        finder = LineFinder(text)
        exercise_id = data.get("id") if isinstance(data, dict) else None
        diags = [
            Diagnostic(
                file=name,
                line=finder(path),
                question_id=exercise_id if isinstance(exercise_id, str) else None,
                path=format_path(path) or None,
                message=message,
            )
            for path, message in problems
        ]
        raise BankError(f"{name}: {len(diags)} problem(s)", diagnostics=diags)
    return build_exercise(data, name)


def validate_exercise_data(data: Any) -> list[tuple[KeyPath, str]]:
    """Every structural problem in one parsed exercise document."""
    problems: list[tuple[KeyPath, str]] = []

    def report(path: KeyPath, message: str) -> None:
        problems.append((path, message))

    if not isinstance(data, dict):
        report((), "expected a mapping with id, title, statement, start, goal and steps")
        return problems
    EXERCISE_FILE.validate(data, (), report)
    for key in ("title", "statement"):
        _require_chinese(data.get(key), (key,), report)
    for i, step in enumerate(data.get("steps") or []):
        if isinstance(step, dict):
            _require_chinese(step.get("why"), ("steps", i, "why"), report)
            if "hint" in step:
                _require_chinese(step.get("hint"), ("steps", i, "hint"), report)
    for i, hint in enumerate(data.get("hints") or []):
        _require_chinese(hint, ("hints", i), report)
    symbols = data.get("symbols")
    if symbols is not None and not isinstance(symbols, dict):
        report(("symbols",), "expected a mapping from symbol to assumption(s)")
    random = data.get("random")
    if isinstance(random, dict):
        index = random.get("index")
        if index is not None and not (
            isinstance(index, dict) and all(isinstance(v, str | int) for v in index.values())
        ):
            report(
                ("random", "index"), "expected a mapping from index name to a count, e.g. {i: d_k}"
            )
    monte_carlo = data.get("monte_carlo")
    if isinstance(monte_carlo, dict):
        if not isinstance(random, dict):
            report(("monte_carlo",), "a Monte Carlo check needs a `random` section")
        sample = monte_carlo.get("sample")
        if not isinstance(sample, dict) or not all(isinstance(v, str) for v in sample.values()):
            report(
                ("monte_carlo", "sample"),
                "expected a mapping from random variable to 'normal(mean, std)', "
                "'uniform(a, b)' or 'bernoulli(p)'",
            )
        for i, case in enumerate(monte_carlo.get("cases") or []):
            if not isinstance(case, dict):
                report(("monte_carlo", "cases", i), "expected a mapping of symbol values")
    return problems


def _require_chinese(value: Any, path: KeyPath, report: Any) -> None:
    """Every text a learner reads exists in English and Chinese (house rule)."""
    if isinstance(value, str) or (isinstance(value, dict) and not value.get("zh")):
        report(path, "expected both `en` and `zh` text")


def build_exercise(data: Mapping[str, Any], file: str) -> Exercise:
    """Model objects from validated exercise data."""
    random = data.get("random")
    monte_carlo = data.get("monte_carlo")
    return Exercise(
        id=data["id"],
        topic=data["topic"],
        title=LocalizedText.parse(data["title"]),
        statement=LocalizedText.parse(data["statement"]),
        start=data["start"],
        goal=data["goal"],
        steps=tuple(
            Step(
                line=s["line"],
                why=LocalizedText.parse(s["why"]),
                hint=LocalizedText.parse(s["hint"]) if "hint" in s else None,
            )
            for s in data["steps"]
        ),
        file=file,
        symbols=dict(data.get("symbols") or {}),
        functions=tuple(data.get("functions") or ()),
        given=tuple(_build_given(g) for g in data.get("given") or ()),
        random=(
            RandomModel(
                variables=tuple(random["variables"]),
                independent=random.get("independent", True),
                index={str(k): str(v) for k, v in (random.get("index") or {}).items()},
            )
            if random
            else None
        ),
        unknown=data.get("unknown"),
        hints=tuple(LocalizedText.parse(h) for h in data.get("hints") or ()),
        monte_carlo=(
            MonteCarloSpec(
                sample=dict(monte_carlo["sample"]),
                cases=tuple(dict(c) for c in monte_carlo["cases"]),
                samples=monte_carlo.get("samples", 100_000),
                rel_tol=float(monte_carlo.get("rel_tol", 0.03)),
                abs_tol=float(monte_carlo.get("abs_tol", 0.0)),
                seed=monte_carlo.get("seed", 0),
            )
            if monte_carlo
            else None
        ),
        numeric=data.get("numeric", "auto"),
        difficulty=data.get("difficulty", 3),
        tags=tuple(data.get("tags") or ()),
        source=data.get("source"),
    )


def _build_given(item: str | Mapping[str, Any]) -> Given:
    if isinstance(item, str):
        return Given(rule=item)
    note = item.get("note")
    return Given(rule=item["rule"], note=LocalizedText.parse(note) if note else None)


def load_exercises(
    paths: Sequence[Path] | None = None,
) -> tuple[dict[str, Exercise], list[Diagnostic]]:
    """Every exercise under `paths` (default: the built-in and QUIZZER_DERIVATIONS dirs).

    Returns the exercises by id and the diagnostics of the files that could not be loaded
    (a broken file never stops the others).
    """
    from quizzer.core.catalog import bank_files, default_derivation_dirs

    dirs = list(paths) if paths else default_derivation_dirs()
    exercises: dict[str, Exercise] = {}
    diagnostics: list[Diagnostic] = []
    for file in bank_files(p for p in dirs if p.exists()):
        try:
            exercise = load_exercise(file)
        except BankError as exc:
            diagnostics.extend(exc.diagnostics or [Diagnostic(file=str(file), message=exc.message)])
            continue
        if exercise.id in exercises:
            diagnostics.append(
                Diagnostic(
                    file=str(file),
                    line=LineFinder(read_text(file))(("id",)),
                    question_id=exercise.id,
                    message=f"duplicate exercise id {exercise.id!r}: already used in "
                    f"{exercises[exercise.id].file}",
                )
            )
            continue
        exercises[exercise.id] = exercise
    for path in dirs:
        if not path.exists():
            diagnostics.append(Diagnostic(file=str(path), message="no such file or directory"))
    return exercises, diagnostics


def find_exercise(exercise_id: str, files: Mapping[str, Path] | None = None) -> Exercise:
    """The exercise with this id (from the catalog's index when given); UnknownQuestionError
    with suggestions when there is none."""
    from quizzer.core.catalog import default_derivation_dirs, exercise_index
    from quizzer.core.schema import closest_names
    from quizzer.errors import UnknownQuestionError

    index = dict(files) if files is not None else exercise_index(default_derivation_dirs())
    if exercise_id not in index:
        near = closest_names(exercise_id, sorted(index))
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        raise UnknownQuestionError(f"no derivation exercise with id {exercise_id!r}.{hint}")
    return load_exercise(index[exercise_id])
