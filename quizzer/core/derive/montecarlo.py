"""The Monte Carlo double check of a probabilistic derivation, in torch.

The expectation rules prove `start = goal` from the facts (`E(q_i) = 0`, `Var(q_i) = 1`); the
Monte Carlo check samples the random variables from the distributions the exercise names
(normal, uniform, Bernoulli), estimates every E/Var/Cov in the start by sample moments, and
compares with the goal at each case (e.g. d_k in {16, 64, 256}). It also tests the facts
themselves: a wrong `E(u^2) = a^2/3` would make the estimate miss.

Sampling is seeded (a torch.Generator per case) so `quizzer derive --check` is reproducible,
and chunked so 100,000 samples of a 256-dimensional q.k stay within ~100 MB.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizzer.core.derive.numeric import NotEvaluable, Values, evaluate, load_torch, pick_device
from quizzer.errors import QuizzerError

if TYPE_CHECKING:
    import torch

    from quizzer.core.derive.givens import Prepared

CHUNK_ELEMENTS = 4_000_000  # sampled values per chunk and variable (32 MB in float64)
_DISTRIBUTION = re.compile(r"\s*(normal|uniform|bernoulli)\s*\((.*)\)\s*", re.DOTALL)
_ARITY = {"normal": 2, "uniform": 2, "bernoulli": 1}


class MonteCarloError(QuizzerError):
    """The Monte Carlo section cannot be run (a bad distribution, a missing case value)."""

    title = "monte carlo"


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Mapping[str, Any]
    estimate: float
    expected: float
    standard_error: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return abs(self.estimate - self.expected) <= self.tolerance

    def to_json(self) -> dict[str, Any]:
        return {
            "case": {k: _plain(v) for k, v in self.case.items()},
            "estimate": self.estimate,
            "expected": self.expected,
            "standard_error": self.standard_error,
            "tolerance": self.tolerance,
            "ok": self.ok,
        }


def run_monte_carlo(
    prepared: Prepared, *, device: str = "auto", samples: int | None = None
) -> list[CaseResult]:
    """Estimate the start at each case and compare it with the goal."""

    exercise = prepared.exercise
    assert exercise is not None and exercise.monte_carlo is not None
    spec = exercise.monte_carlo
    total = samples or spec.samples
    chosen_device = pick_device(device)
    start = prepared.substitute(prepared.start)
    goal = prepared.normalize(prepared.goal)
    return [
        _run_case(prepared, start, goal, case, number, total, chosen_device)
        for number, case in enumerate(spec.cases)
    ]


def _run_case(
    prepared: Prepared,
    start: Any,
    goal: Any,
    case: Mapping[str, Any],
    number: int,
    total: int,
    device: str,
) -> CaseResult:
    """One case: every moment in the start estimated from `total` fresh samples.

    A start made of several moments gets their standard errors added in quadrature (exact
    for a sum of independent estimates, an approximation otherwise); the exercises' starts are
    single moments.
    """
    torch = load_torch()
    exercise = prepared.exercise
    assert exercise is not None and exercise.monte_carlo is not None
    spec = exercise.monte_carlo
    expected = float(goal.xreplace(_by_name(goal.free_symbols, case)).evalf())
    generator = torch.Generator(device=device).manual_seed(spec.seed + number)
    sampler = _Sampler(prepared, case, total, device, generator)
    errors: list[float] = []

    def moment(name: str, args: tuple[Any, ...]) -> float:
        value, error = sampler.moment(name, args)
        errors.append(error)
        return value

    scalars = {
        str(k): torch.tensor(float(v), dtype=torch.float64, device=device) for k, v in case.items()
    }
    estimate = float(evaluate(start, Values(scalars, {}, 1), moment).reshape(-1)[0])
    error = math.sqrt(sum(e * e for e in errors))
    tolerance = spec.rel_tol * abs(expected) + spec.abs_tol
    return CaseResult(dict(case), estimate, expected, error, tolerance)


class _Sampler:
    """Draws the exercise's random variables for one case and estimates moments."""

    def __init__(
        self,
        prepared: Prepared,
        case: Mapping[str, Any],
        samples: int,
        device: str,
        generator: torch.Generator,
    ) -> None:
        import sympy

        self.prepared = prepared
        self.case = case
        self.samples = samples
        self.device = device
        self.generator = generator
        exercise = prepared.exercise
        assert exercise is not None and exercise.monte_carlo is not None
        self.distributions = {
            name: self._distribution(name, text)
            for name, text in exercise.monte_carlo.sample.items()
        }
        self.family_size = 1
        if prepared.family is not None:
            index, count = prepared.family
            size = count.xreplace(_by_name(count.free_symbols, case))
            if not (size.is_Integer and size > 0):
                raise MonteCarloError(
                    f"the family size {count} is not a positive whole number in case {dict(case)}"
                )
            self.family_size = int(size)
            self.index_name = str(index)
        self.symbols = {str(s) for s in (prepared.space.variables if prepared.space else ())}
        missing = self.symbols - set(self.distributions)
        if missing:
            raise MonteCarloError(
                f"no distribution for {', '.join(sorted(missing))} in monte_carlo.sample"
            )
        del sympy

    def _distribution(self, name: str, text: str) -> tuple[str, list[float]]:
        match = _DISTRIBUTION.fullmatch(text)
        if not match:
            raise MonteCarloError(
                f"{name}: expected normal(mean, std), uniform(a, b) or bernoulli(p), got {text!r}"
            )
        kind, inner = match.group(1), match.group(2)
        from quizzer.core.derive.lines import split_arguments

        args = [self._number(a) for a in split_arguments(inner)]
        if len(args) != _ARITY[kind]:
            raise MonteCarloError(f"{name}: {kind} takes {_ARITY[kind]} argument(s)")
        return kind, args

    def _number(self, text: str) -> float:
        expr = self.prepared.substitute(self.prepared.parse(text))
        value = expr.xreplace(_by_name(expr.free_symbols, self.case)).evalf()
        if not value.is_Number:
            raise MonteCarloError(f"{text!r} has no numeric value in case {dict(self.case)}")
        return float(value)

    def _draw(self, name: str, rows: int) -> torch.Tensor:
        import torch

        kind, args = self.distributions[name]
        family = self.prepared.family is not None and name.endswith(f"_{self.index_name}")
        shape = (rows, self.family_size if family else 1)
        if kind == "normal":
            standard = torch.randn(
                shape, dtype=torch.float64, device=self.device, generator=self.generator
            )
            return args[0] + args[1] * standard
        uniform = torch.rand(
            shape, dtype=torch.float64, device=self.device, generator=self.generator
        )
        if kind == "uniform":
            return args[0] + (args[1] - args[0]) * uniform
        return (uniform < args[0]).to(torch.float64)

    def moment(self, name: str, args: tuple[Any, ...]) -> tuple[float, float]:
        """(estimate, standard error) of E(X), Var(X) or Cov(X, Y)."""
        import torch

        rows = max(1, CHUNK_ELEMENTS // self.family_size)
        count = 0
        sums = [0.0] * 7  # x, x^2, x^3, x^4, y, y^2, xy
        while count < self.samples:
            n = min(rows, self.samples - count)
            values = self._values(n)
            x = _column(evaluate(args[0], values), n)
            y = _column(evaluate(args[1], values), n) if len(args) > 1 else x
            x2 = x * x
            for i, part in enumerate((x, x2, x2 * x, x2 * x2, y, y * y, x * y)):
                sums[i] += float(torch.sum(part))
            count += n
        mx, mxx, mxxx, mxxxx, my, myy, mxy = (s / count for s in sums)
        var_x = max(mxx - mx * mx, 0.0)
        if name == "E":
            return mx, math.sqrt(var_x / count)
        if name == "Var":
            # Standard error of a sample variance: sqrt((mu_4 - var^2)/n), with the fourth
            # central moment from the raw moments (skewed Bernoulli masks need it).
            mu4 = mxxxx - 4 * mx * mxxx + 6 * mx * mx * mxx - 3 * mx**4
            return var_x, math.sqrt(max(mu4 - var_x * var_x, 0.0) / count)
        cov = mxy - mx * my
        return cov, math.sqrt(var_x * max(myy - my * my, 0.0) / count)

    def _values(self, rows: int) -> Values:
        import torch

        scalars: dict[str, Any] = {
            str(k): torch.tensor(float(v), dtype=torch.float64, device=self.device)
            for k, v in self.case.items()
        }
        families: dict[str, dict[str, Any]] = {}
        for name in self.distributions:
            drawn = self._draw(name, rows)
            if self.prepared.family is not None and name.endswith(f"_{self.index_name}"):
                families.setdefault(self.index_name, {})[name] = drawn
            else:
                scalars[name] = drawn
        return Values(scalars, families, rows)


def _column(value: torch.Tensor, rows: int) -> torch.Tensor:
    """One value per sample: constants broadcast, (rows, 1) flattened."""
    import torch

    return torch.broadcast_to(value.reshape(-1, 1) if value.dim() else value, (rows, 1))[:, 0]


def _by_name(symbols: Any, case: Mapping[str, Any]) -> dict[Any, Any]:
    import sympy

    found = {s: sympy.nsimplify(case[str(s)]) for s in symbols if str(s) in case}
    return found


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str) else str(value)


__all__ = ["CaseResult", "MonteCarloError", "NotEvaluable", "run_monte_carlo"]
