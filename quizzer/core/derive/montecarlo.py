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

from quizzer.core.derive.numeric import NotEvaluable, Values, evaluate, pick_device
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
    import sympy
    import torch

    exercise = prepared.exercise
    assert exercise is not None and exercise.monte_carlo is not None
    spec = exercise.monte_carlo
    total = samples or spec.samples
    chosen_device = pick_device(device)
    start = prepared.substitute(prepared.start)
    goal = prepared.normalize(prepared.goal)
    results = []
    for number, case in enumerate(spec.cases):
        values = {sympy.Symbol(str(k)): v for k, v in case.items()}
        point = _by_name(start.free_symbols | goal.free_symbols, case)
        expected = float(goal.xreplace(point).evalf())
        generator = torch.Generator(device=chosen_device).manual_seed(spec.seed + number)
        sampler = _Sampler(prepared, case, total, chosen_device, generator)
        moments: list[float] = []

        def moment(name: str, args: tuple[Any, ...], sampler: _Sampler = sampler) -> float:
            value, error = sampler.moment(name, args)
            moments.append(error)
            return value

        scalars = {str(k): torch.tensor(float(v), dtype=torch.float64, device=chosen_device)
                   for k, v in values.items()}
        estimate = float(evaluate(start, Values(scalars, {}, 1), moment).reshape(-1)[0])
        error = math.sqrt(sum(e * e for e in moments))
        tolerance = spec.rel_tol * abs(expected) + spec.abs_tol
        results.append(CaseResult(dict(case), estimate, expected, error, tolerance))
    return results


class _Sampler:
    """Draws the exercise's random variables for one case and estimates moments."""

    def __init__(self, prepared: Prepared, case: Mapping[str, Any], samples: int, device: str,
                 generator: torch.Generator) -> None:
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
                raise MonteCarloError(f"the family size {count} is not a positive whole number "
                                      f"in case {dict(case)}")
            self.family_size = int(size)
            self.index_name = str(index)
        self.symbols = {str(s) for s in (prepared.space.variables if prepared.space else ())}
        missing = self.symbols - set(self.distributions)
        if missing:
            raise MonteCarloError(f"no distribution for {', '.join(sorted(missing))} in "
                                  "monte_carlo.sample")
        del sympy

    def _distribution(self, name: str, text: str) -> tuple[str, list[float]]:
        match = _DISTRIBUTION.fullmatch(text)
        if not match:
            raise MonteCarloError(f"{name}: expected normal(mean, std), uniform(a, b) or "
                                  f"bernoulli(p), got {text!r}")
        kind, inner = match.group(1), match.group(2)
        from quizzer.core.derive.checker import split_arguments

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
        options = {"dtype": torch.float64, "device": self.device, "generator": self.generator}
        if kind == "normal":
            return args[0] + args[1] * torch.randn(shape, **options)  # type: ignore[arg-type]
        if kind == "uniform":
            return args[0] + (args[1] - args[0]) * torch.rand(shape, **options)  # type: ignore[arg-type]
        return (torch.rand(shape, **options) < args[0]).to(torch.float64)  # type: ignore[arg-type]

    def moment(self, name: str, args: tuple[Any, ...]) -> tuple[float, float]:
        """(estimate, standard error) of E(X), Var(X) or Cov(X, Y)."""
        import torch

        rows = max(1, CHUNK_ELEMENTS // self.family_size)
        count, sums = 0, [0.0] * 5  # x, x^2, y, y^2, xy
        done = 0
        while done < self.samples:
            n = min(rows, self.samples - done)
            values = self._values(n)
            x = _column(evaluate(args[0], values), n)
            y = _column(evaluate(args[1], values), n) if len(args) > 1 else x
            for i, part in enumerate((x, x * x, y, y * y, x * y)):
                sums[i] += float(torch.sum(part))
            count += n
            done += n
        mx, mxx, my, myy, mxy = (s / count for s in sums)
        var_x = max(mxx - mx * mx, 0.0)
        if name == "E":
            return mx, math.sqrt(var_x / count)
        if name == "Var":
            # The standard error of a variance estimate is about var * sqrt(2/n) for
            # near-normal data; heavier tails are covered by the exercise's tolerance.
            return var_x, var_x * math.sqrt(2 / count)
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
