"""`quizzer derive --check`: every reference derivation proven twice.

For each exercise:

1. symbolic: the reference steps, fed to the line-by-line checker, must all be valid, start at
   the start and reach the goal (so the checker and the content prove each other);
2. numeric, in torch: a deterministic derivation is re-evaluated at random points, derivatives
   by autograd; a chain of equations solved for an unknown has the goal's solution substituted
   into every line (each residual must vanish); a probabilistic one is estimated by Monte Carlo
   (`montecarlo.py`).

The two must agree; any failure, or a step torch cannot evaluate without a declared reason
(`numeric: skip`), fails the check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.core.derive.checker import DerivationChecker
from quizzer.core.derive.exercise import Exercise
from quizzer.core.derive.givens import Prepared, prepare_exercise
from quizzer.core.derive.montecarlo import CaseResult, run_monte_carlo
from quizzer.core.derive.numeric import NotEvaluable, Values, evaluate, load_torch, pick_device
from quizzer.core.derive.report import VALID, DerivationReport
from quizzer.core.model import Outcome
from quizzer.errors import Diagnostic, QuizzerError

if TYPE_CHECKING:
    import torch

POINTS = 64  # random points per numeric confirmation
MIN_COMPARABLE = 16  # points where both sides are finite, needed to call it agreement
RELATIVE = 1e-8  # float64 agreement, relative to max(1, |value|)
MIN_POWER = 3.0  # a Monte Carlo tolerance must span this many standard errors


@dataclass
class ExerciseCheck:
    """What `--check` found for one exercise."""

    exercise_id: str
    file: str
    symbolic: str = "not run"  # valid | a description of the failure
    numeric: str = "not run"  # agree | skipped (why) | a description of the disagreement
    monte_carlo: list[CaseResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    report: DerivationReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.exercise_id,
            "file": self.file,
            "ok": self.ok,
            "symbolic": self.symbolic,
            "numeric": self.numeric,
            "monte_carlo": [c.to_json() for c in self.monte_carlo],
            "problems": list(self.problems),
        }


def verify_exercise(
    exercise: Exercise,
    *,
    device: str = "auto",
    timeout: float = 2.0,
    samples: int | None = None,
    worker: Any = None,
    monte_carlo: bool = True,
) -> ExerciseCheck:
    """Check one exercise symbolically and numerically (`monte_carlo=False` skips the
    sampling of probabilistic exercises, for fast tests; `--check` never skips it)."""
    result = ExerciseCheck(exercise.id, exercise.file)
    try:
        prepared = prepare_exercise(exercise)
    except QuizzerError as exc:
        result.symbolic = "could not be read"
        result.problems.append(exc.message)
        return result
    _check_structure(prepared, result)
    _check_symbolic(prepared, result, timeout, worker)
    if not monte_carlo and exercise.monte_carlo is not None:
        result.numeric = "skipped (Monte Carlo not requested)"
        return result
    try:
        _check_numeric(prepared, result, device, samples)
    except QuizzerError as exc:
        result.numeric = f"failed: {exc.message}"
        result.problems.append(f"numeric check: {exc.message}")
    return result


def _check_structure(prepared: Prepared, result: ExerciseCheck) -> None:
    exercise = prepared.exercise
    assert exercise is not None
    first, last = prepared.steps[0], prepared.steps[-1]
    if not prepared.same_form(first, prepared.start):
        result.problems.append("the first reference step is not the start")
    if not prepared.same_form(last, prepared.goal):
        result.problems.append("the last reference step is not the goal")
    if prepared.same_form(prepared.start, prepared.goal):
        result.problems.append("the start is already the goal as written: nothing to derive")
    if prepared.equation_chain and prepared.unknown is None:
        result.problems.append("a chain of equations needs `unknown:` (the symbol solved for)")
    if exercise.random is not None and exercise.monte_carlo is None:
        result.problems.append("a probabilistic derivation needs a `monte_carlo` section")


def _check_symbolic(prepared: Prepared, result: ExerciseCheck, timeout: float, worker: Any) -> None:
    exercise = prepared.exercise
    assert exercise is not None
    checker = DerivationChecker(prepared, timeout=timeout, worker=worker)
    report = checker.check([step.line for step in exercise.steps])
    result.report = report
    bad = [r for r in report.lines if r.verdict != VALID]
    notes = [r for r in report.lines if r.feedback and r.verdict == VALID]
    if report.outcome is Outcome.CORRECT and not bad:
        result.symbolic = "valid"
    else:
        described = "; ".join(
            f"step {r.line} {r.verdict}: {' '.join(f.en for f in r.feedback)}" for r in bad
        ) or " ".join(s.en for s in report.summary)
        result.symbolic = described
        result.problems.append(f"reference steps: {described}")
    for note in notes:
        result.problems.append(
            f"reference step {note.line}: {' '.join(f.en for f in note.feedback)}"
        )


def _check_numeric(
    prepared: Prepared, result: ExerciseCheck, device: str, samples: int | None
) -> None:
    exercise = prepared.exercise
    assert exercise is not None
    if exercise.monte_carlo is not None:
        result.monte_carlo = run_monte_carlo(prepared, device=device, samples=samples)
        failed = [c for c in result.monte_carlo if not c.ok]
        weak = [
            c for c in result.monte_carlo if c.ok and c.tolerance < MIN_POWER * c.standard_error
        ]
        for case in weak:
            # A pass within a tolerance smaller than a few standard errors proves little.
            result.problems.append(
                f"Monte Carlo at {case.case}: the tolerance {case.tolerance:.3g} is under "
                f"{MIN_POWER} standard errors ({case.standard_error:.3g}): use more samples"
            )
        if failed:
            result.numeric = "disagree"
            for case in failed:
                result.problems.append(
                    f"Monte Carlo at {case.case}: estimate {case.estimate:.6g}, goal "
                    f"{case.expected:.6g} (tolerance {case.tolerance:.3g}, standard error "
                    f"{case.standard_error:.3g})"
                )
        else:
            result.numeric = f"agree (Monte Carlo, {len(result.monte_carlo)} cases)"
        return
    if exercise.numeric == "skip":
        result.numeric = "skipped (numeric: skip)"
        return
    try:
        if prepared.equation_chain:
            message = _confirm_equations(prepared, device)
        else:
            message = _confirm_expressions(prepared, device)
    except NotEvaluable as exc:
        result.numeric = f"cannot evaluate: {exc.message}"
        result.problems.append(
            f"numeric check: {exc.message} (declare `numeric: skip` with a "
            "reason if torch cannot evaluate this exercise)"
        )
        return
    if message:
        result.numeric = "disagree"
        result.problems.append(f"numeric check: {message}")
    else:
        result.numeric = "agree (torch, autograd)"


def _confirm_expressions(prepared: Prepared, device: str) -> str | None:
    """Every step equals the goal at random points (float64, derivatives by autograd)."""
    lines = [_for_torch(prepared, step) for step in prepared.steps]
    goal = _for_torch(prepared, prepared.goal)
    values = random_values(prepared, [*lines, goal], device)
    target = evaluate(goal, values)
    for number, line in enumerate(lines, 1):
        problem = compare_values(evaluate(line, values), target, values)
        if problem:
            return f"step {number} differs from the goal {problem}"
    return None


def _confirm_equations(prepared: Prepared, device: str) -> str | None:
    """Substitute the goal's solution into every line: each residual must vanish."""
    import sympy

    goal, unknown = prepared.goal, prepared.unknown
    if unknown is None or goal.lhs != unknown:
        raise NotEvaluable("the goal of a chain of equations must read `unknown = formula`")
    solution = goal.rhs
    residuals = []
    for step in prepared.steps:
        equation = _for_torch(prepared, step)
        residuals.append((equation.lhs - equation.rhs).xreplace({unknown: solution}))
    values = random_values(prepared, residuals, device)
    zero = evaluate(sympy.Integer(0), values)
    for number, residual in enumerate(residuals, 1):
        problem = compare_values(evaluate(residual, values), zero, values)
        if problem:
            return f"the goal's solution does not satisfy step {number} {problem}"
    return None


def _for_torch(prepared: Prepared, expr: Any) -> Any:
    """Givens substituted but derivatives left to autograd; when an abstract function would
    remain (diff(l(w), w) = g is a fact about the derivative), derivatives are evaluated first
    so the fact applies."""
    from sympy.core.function import AppliedUndef

    current = expr
    for _ in range(8):
        updated = prepared.substitute(current)
        if updated == current:
            break
        current = updated
    if current.atoms(AppliedUndef):
        current = prepared.normalize(current)
    return current


def random_values(prepared: Prepared, exprs: Sequence[Any], device: str) -> Values:
    from quizzer.core.expr.context import domain_of

    torch = load_torch()

    chosen = pick_device(device)
    generator = torch.Generator(device=chosen).manual_seed(1234)
    names = sorted({str(s) for e in exprs for s in e.free_symbols})
    scalars: dict[str, Any] = {}
    for name in names:
        domain = domain_of(prepared.context.assumptions_of(name))
        scalars[name] = _sample(domain, generator, chosen)
    return Values(scalars, {}, POINTS)


def _sample(domain: Any, generator: torch.Generator, device: str) -> torch.Tensor:
    import torch

    shape = (POINTS, 1)
    options: dict[str, Any] = {"generator": generator, "device": device}

    def uniform(low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand(shape, dtype=torch.float64, **options)

    def integers(low: int, high: int) -> torch.Tensor:
        return torch.randint(low, high + 1, shape, **options).to(torch.float64)

    kind = domain.kind
    if kind == "complex":
        raise NotEvaluable("a complex symbol cannot be sampled in torch")
    if kind == "interval":
        low, high = float(domain.low), float(domain.high)
        return integers(int(low), int(high)) if domain.integer else uniform(low, high)
    if kind == "probability":
        return uniform(0.05, 0.95)
    if domain.integer:
        ranges = {
            "positive": (1, 12),
            "nonnegative": (0, 10),
            "negative": (-12, -1),
            "nonpositive": (-10, 0),
        }
        return integers(*ranges.get(kind, (-6, 6)))
    if kind in ("positive", "nonnegative"):
        return uniform(0.25, 3.0)
    if kind in ("negative", "nonpositive"):
        return -uniform(0.25, 3.0)
    return uniform(-3.0, 3.0)


def compare_values(values: torch.Tensor, target: torch.Tensor, points: Values) -> str | None:
    """None when the two agree at enough points; else where they differ."""
    import torch

    a = torch.broadcast_to(values.detach(), (points.points, 1))
    b = torch.broadcast_to(target.detach(), (points.points, 1))
    finite = torch.isfinite(a) & torch.isfinite(b)
    if int(finite.sum()) < MIN_COMPARABLE:
        return f"(only {int(finite.sum())} of {points.points} points could be evaluated)"
    scale = torch.clamp(torch.maximum(a.abs(), b.abs()), min=1.0)
    bad = finite & ((a - b).abs() > RELATIVE * scale)
    if bool(bad.any()):
        index = int(torch.nonzero(bad)[0, 0])
        at = ", ".join(
            f"{k} = {float(v.reshape(-1)[index]):.4g}" for k, v in points.scalars.items()
        )
        return f"at {at}: {float(a[index, 0]):.8g} vs {float(b[index, 0]):.8g}"
    return None


def verify_paths(
    paths: Sequence[Path] | None = None,
    *,
    device: str = "auto",
    timeout: float = 2.0,
    samples: int | None = None,
    worker: Any = None,
) -> tuple[list[ExerciseCheck], list[Diagnostic]]:
    """Check every exercise under `paths` (default: the built-in and QUIZZER_DERIVATIONS)."""
    from quizzer.core.derive.exercise import load_exercises

    exercises, diagnostics = load_exercises(paths)
    checks = [
        verify_exercise(exercise, device=device, timeout=timeout, samples=samples, worker=worker)
        for _, exercise in sorted(exercises.items())
    ]
    return checks, diagnostics
