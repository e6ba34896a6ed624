"""The `params` question type: the calculator is the checker.

A question names an architecture (`bert-base`, or a mapping with `preset`/`family`/`layer` and
hyperparameters), optional `ranges` that draw hyperparameters per attempt (seeded by
`GradingEnv.seed`; without a seed each range takes its first value, so `quizzer show` and
`quizzer answer` agree), what to `count` (see `quantity.py`), an optional `compare` with a
second architecture (`minus` or `ratio`) and a `tolerance` (default: exact for counts, 1% for
FLOPs and bytes). Prompts may use `{hidden}`, `{vocab:,}`, ... for the drawn values.

An answer is a number, a breakdown `a + b + c` (see `answers.py`), or, in a bank's tests, a
mapping `{seed: N, answer: ...}` that grades with that seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from quizzer.core.grading import GradingEnv, mistake_feedback, verdict
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.params.answers import ParsedAnswer, find_divergence, parse_answer
from quizzer.core.params.hparams import ArchitectureSpec, ParamsError
from quizzer.core.params.mistakes import matching_variants
from quizzer.core.params.presets import family_of, resolve
from quizzer.core.params.quantity import (
    BYTE_UNITS,
    FLOP_UNITS,
    SETTINGS,
    UNITS,
    Quantity,
    Result,
    evaluate,
)
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError

DEFAULT_REL = 0.01  # FLOPs and bytes: the conventions behind them differ by about this much
MAX_DRAWS = 200


@dataclass(frozen=True)
class Drill:
    """One attempt: the architecture(s) with drawn values, what to count, and the tolerance."""

    spec: ArchitectureSpec
    quantity: Quantity
    other: tuple[str, ArchitectureSpec, Quantity] | None
    drawn: Mapping[str, Any]
    rel: float
    abs: float

    def result(self) -> Result:
        main = evaluate(self.spec.family.build(self.spec), self.quantity)
        if self.other is None:
            return main
        op, spec, quantity = self.other
        second = evaluate(spec.family.build(spec), quantity).value
        value = main.value - second if op == "minus" else main.value / second
        return Result(value, main.unit, ())

    def placeholders(self) -> dict[str, Any]:
        q = self.quantity
        return {
            **self.spec.values,
            **self.drawn,
            "seq": q.seq,
            "batch": q.batch,
            "context": q.context,
            "dtype": q.dtype,
            "unit": q.unit,
        }

    def close(self, got: float, want: float) -> bool:
        return abs(got - want) <= max(self.abs, self.rel * abs(want))


def parse_architecture(value: Any, drawn: Mapping[str, Any], where: str) -> ArchitectureSpec:
    """`bert-base`, or {preset|family|layer: name, <hyperparameter>: value, ...}."""
    if isinstance(value, str):
        name, given = value, {}
    elif isinstance(value, Mapping):
        kinds = [k for k in ("preset", "family", "layer") if k in value]
        if len(kinds) != 1:
            raise ParamsError(f"{where} needs exactly one of preset, family or layer")
        name = str(value[kinds[0]])
        given = {k: v for k, v in value.items() if k != kinds[0]}
    else:
        raise ParamsError(f"{where} must be a model name or a mapping, got {value!r}")
    family = family_of(name)
    usable = {k: v for k, v in drawn.items() if family and family.param(k) is not None}
    return resolve(name, {**given, **usable}, where=f"{where}.")


def draw(ranges: Mapping[str, Any], rng: random.Random | None) -> dict[str, Any]:
    """One value per range: a list is a choice, {min, max, step} an integer range.

    Without a random generator (no seed) every range gives its first value (the first choice,
    or `min`), so an attempt without a seed is predictable.
    """
    values: dict[str, Any] = {}
    for name in sorted(ranges):
        spec = ranges[name]
        if isinstance(spec, list) and spec:
            values[name] = spec[0] if rng is None else rng.choice(spec)
        elif isinstance(spec, Mapping) and {"min", "max"} <= set(spec):
            step = int(spec.get("step", 1))
            low, high = int(spec["min"]), int(spec["max"])
            values[name] = low if rng is None else rng.randrange(low, high + 1, step)
        else:
            raise ParamsError(f"ranges.{name} must be a list of values or {{min, max, step}}")
    return values


def make_drill(answer: Mapping[str, Any], question_id: str, seed: int | None) -> Drill:
    """The attempt for `seed` (None: every range at its first value)."""
    ranges = answer.get("ranges") or {}
    rng = None if seed is None else random.Random(f"{question_id}:{seed}")
    last_error: ParamsError | None = None
    for _ in range(MAX_DRAWS if ranges and rng is not None else 1):
        drawn = draw(ranges, rng)
        try:
            return _build_drill(answer, drawn)
        except ParamsError as error:  # an inconsistent draw (hidden % heads): draw again
            last_error = error
    assert last_error is not None
    raise last_error


def _build_drill(answer: Mapping[str, Any], drawn: Mapping[str, Any]) -> Drill:
    spec = parse_architecture(answer["architecture"], drawn, "architecture")
    quantity = Quantity.parse(answer.get("count", "total"), drawn)
    other = None
    compare = answer.get("compare")
    if compare is not None:
        other_spec = parse_architecture(
            compare.get("architecture", answer["architecture"]), drawn, "compare.architecture"
        )
        other_quantity = Quantity.parse(compare.get("count", answer.get("count", "total")), drawn)
        other = (str(compare.get("op", "minus")), other_spec, other_quantity)
    families = [spec.family] + ([other[1].family] if other else [])
    for name in drawn:
        if name not in SETTINGS and not any(f.param(name) for f in families):
            raise ParamsError(
                f"ranges.{name} is neither a hyperparameter of "
                f"{spec.family.name} nor one of {', '.join(SETTINGS)}"
            )
    tolerance = answer.get("tolerance") or {}
    exact = quantity.exact and (other is None or other[0] == "minus")
    rel = float(tolerance.get("rel", 0.0 if exact else DEFAULT_REL))
    return Drill(spec, quantity, other, drawn, rel, float(tolerance.get("abs", 0.0)))


def _seed_and_answer(answer: Any, env: GradingEnv) -> tuple[int | None, Any]:
    if isinstance(answer, Mapping) and "answer" in answer:
        seed = answer.get("seed", env.seed)
        return (int(seed) if seed is not None else None), answer["answer"]
    return env.seed, answer


def written_units(drill: Drill) -> dict[str, Fraction]:
    """Units a learner may write after a number, with the factor to the question's unit."""
    unit = drill.quantity.unit
    if drill.other is not None and drill.other[0] == "ratio":
        return {"x": Fraction(1), "×": Fraction(1), "times": Fraction(1)}
    for family in (BYTE_UNITS, FLOP_UNITS):
        if unit in family:
            words = {word: Fraction(UNITS[word]) / Fraction(UNITS[unit]) for word in family}
            return {**words, "FLOP": words["FLOPs"]} if family is FLOP_UNITS else words
    return {"parameters": Fraction(1), "params": Fraction(1)}


def grade_params_question(question: Question, answer: Any, env: GradingEnv) -> Verdict:
    seed, given = _seed_and_answer(answer, env)
    drill = make_drill(question.answer, question.id, seed)
    result = drill.result()
    allow_suffix = drill.quantity.unit in ("parameters", "FLOPs", "bytes") and (
        drill.rel > 0 or drill.abs > 0
    )
    if isinstance(given, int | float) and not isinstance(given, bool):
        parsed = ParsedAnswer(Fraction(given))
    else:
        parsed = parse_answer(str(given), allow_suffix=allow_suffix, units=written_units(drill))
    got = float(parsed.value)
    ok = _equal(parsed.value, result.value, drill)
    feedback: list[LocalizedText] = []
    details: dict[str, Any] = {
        "got": got,
        "expected": result.value,
        "unit": result.unit,
        "seed": seed,
        "hyperparameters": dict(drill.spec.values),
        "drawn": dict(drill.drawn),
        "lines": [
            {"name": x.name, "formula": x.formula, "value": x.value}
            for x in (result.coarse or result.fine)
        ],
    }
    if parsed.claimed_total and not drill.close(float(parsed.breakdown_sum), got):
        feedback.append(
            LocalizedText(
                f"Your terms add up to {_fmt(float(parsed.breakdown_sum))}, not {_fmt(got)}.",
                f"你的各项之和是 {_fmt(float(parsed.breakdown_sum))}，不是 {_fmt(got)}。",
            )
        )
    if not ok:
        feedback.extend(mistake_feedback(question, lambda m: _matches(m, got, drill)))
        variants = (
            [] if drill.other else matching_variants(drill.spec, drill.quantity, got, drill.close)
        )
        feedback.extend(v.feedback for v in variants)
        details["mistakes"] = [v.id for v in variants]
        if len(parsed.terms) > 1:
            divergence = find_divergence(parsed.terms, result.fine, result.coarse, drill.close)
            if divergence is not None:
                feedback.append(divergence.feedback)
                details["diverged"] = {
                    "line": divergence.line.name,
                    "formula": divergence.line.formula,
                    "expected": divergence.line.value,
                    "got": None if divergence.got is None else float(divergence.got),
                }
    return verdict(
        Outcome.CORRECT if ok else Outcome.INCORRECT,
        *feedback,
        interpreted=_interpretation(parsed, drill),
        expected=_expected_text(result, drill),
        details=details,
    )


def _equal(got: Fraction, want: float, drill: Drill) -> bool:
    if drill.rel == 0 and drill.abs == 0:
        return got == Fraction(want)
    return drill.close(float(got), want)


def _matches(match: Any, got: float, drill: Drill) -> bool:
    """An authored `mistakes` rule: a number, for questions with fixed hyperparameters."""
    if isinstance(match, bool) or not isinstance(match, int | float | str):
        return False
    try:
        value = float(str(match).replace(",", "").replace("_", ""))
    except ValueError:
        return False
    return drill.close(got, value) if (drill.rel or drill.abs) else got == value


def _fmt(value: float, drill: Drill | None = None) -> str:
    if float(value).is_integer() and abs(value) < 1e18:
        return f"{int(value):,}"
    if drill is None:
        return f"{value:.6g}"
    for digits in range(3, 13):  # as few digits as the tolerance allows
        text = f"{value:.{digits}g}"
        if (
            drill.close(float(text), value)
            and abs(float(text) - value) <= drill.rel * abs(value) / 10 + drill.abs / 10
        ):
            return text
    return f"{value:.12g}"


def _unit_suffix(unit: str) -> str:
    return "" if unit == "parameters" else f" {unit}"


def _interpretation(parsed: ParsedAnswer, drill: Drill) -> str:
    unit = _unit_suffix(drill.quantity.unit)
    if len(parsed.terms) > 1:
        terms = " + ".join(_fmt(float(t)) for t in parsed.terms)
        return f"{terms} = {_fmt(float(parsed.value), drill)}{unit}"
    return f"{_fmt(float(parsed.value), drill)}{unit}"


def _expected_text(result: Result, drill: Drill) -> str:
    unit = "" if drill.other and drill.other[0] == "ratio" else _unit_suffix(result.unit)
    value = _fmt(result.value, drill)
    lines = result.coarse or result.fine
    if len(lines) > 1 and drill.quantity.unit not in FLOP_UNITS:
        return f"{value}{unit} = " + " + ".join(_fmt(x.value, drill) for x in lines)
    return f"{value}{unit}"


def params_reference_answer(question: Question, env: GradingEnv) -> str:
    drill = make_drill(question.answer, question.id, env.seed)
    return _expected_text(drill.result(), drill)


_PLACEHOLDER = re.compile(r"\{(\w+)(:,)?\}")


def render_params_prompt(question: Question, env: GradingEnv) -> str:
    """The prompt with `{name}` / `{name:,}` replaced by this attempt's values."""
    text = question.prompt.get(env.lang)
    try:
        values = make_drill(question.answer, question.id, env.seed).placeholders()
    except ParamsError:
        return text

    def fill(match: re.Match[str]) -> str:
        name, grouped = match.group(1), match.group(2)
        if name not in values or values[name] is None:
            return match.group(0)
        value = values[name]
        if grouped and isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return "×".join(map(str, value)) if isinstance(value, tuple) else str(value)

    return _PLACEHOLDER.sub(fill, text)


def check_params_spec(answer: Mapping[str, Any], report: Any, path: tuple[Any, ...]) -> None:
    """Load-time checks: the architecture resolves, the count exists, every draw works."""
    seeds: list[int | None] = [None, *range(8)] if answer.get("ranges") else [None]
    for seed in seeds:
        try:
            drill = make_drill(answer, "check", seed)
            drill.result()
        except (ParamsError, AnswerError) as error:
            report(path, error.message)
            return
        except ZeroDivisionError:
            report(path, "the compared quantity is zero, so a ratio is undefined")
            return
