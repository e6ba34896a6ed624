"""Benchmark of the expression engine (issue 3). Run by hand:

    .venv/bin/python benchmarks/bench_expr.py [--rounds 3] [--no-baseline] [--no-suite]

Prints one JSON document:

- `own_pairs`: ~250 pairs of `expr_pairs.py` checked through one warm SympyWorker (the path
  `quizzer answer` and the TUI take): agreement with the hand-set verdicts, the median, p95 and
  max wall time of a check (best round of `--rounds`, IPC included), and every disagreement;
- `baseline`: the same pairs decided by `simplify(a - b) == 0` in this process, capped at the
  same 2 s, measured in the same run;
- `cli`: wall time of a whole `quizzer equiv` process (start-up included), against the time
  of `python -c pass` and of `quizzer --help`;
- `pathological`: each hostile input and how long its check took (all within the cap);
- `external_suite`: the equivalence suite's `algebraic` cases (see `bench_expr_suite.py`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from expr_pairs import PAIRS  # noqa: E402

CAP = 2.0
PATHOLOGICAL = [
    ("9^9^9^9", "1"),
    ("10^10^10", "x"),
    ("2^2^2^2^2", "x"),
    ("(x+1)^100000", "x"),
    ("(" * 39 + "x" + ")" * 39, "x"),
    ("x" + "+x" * 599, "600x"),
    ("cos(exp(10^300))", "x"),
    ("sin(10^100*x)", "0"),
    ("factorial(1000)", "x"),
    ("(x+y+z+w+1)^40", "(1+w+x+y+z)^40 + 1"),
    ("x^(2^99999)", "x"),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def context_of(assume: Any) -> Any:
    from quizzer.core.expr import ExprContext

    return ExprContext.from_assume([] if assume is None else [assume])


def run_pairs(worker: Any, rounds: int) -> dict[str, Any]:
    from quizzer.core.expr import check_equivalence

    best: list[float] = [float("inf")] * len(PAIRS)
    worker_ms: list[float] = []
    verdicts: list[str] = []
    for round_index in range(rounds):
        for i, (answer, expected, assume, _) in enumerate(PAIRS):
            started = time.perf_counter()
            result = check_equivalence(
                answer, expected, context_of(assume), timeout=CAP, worker=worker
            )
            best[i] = min(best[i], (time.perf_counter() - started) * 1000)
            if round_index == 0:
                verdicts.append(result.verdict)
                worker_ms.append(result.ms or 0.0)
    wrong = [
        {"answer": a, "expected": e, "assume": s, "want": want, "got": got}
        for (a, e, s, want), got in zip(PAIRS, verdicts, strict=True)
        if got != want
    ]
    false_accepts = [w for w in wrong if w["want"] == "different" and w["got"] == "equivalent"]
    return {
        "pairs": len(PAIRS),
        "equivalent_pairs": sum(1 for p in PAIRS if p[3] == "equivalent"),
        "agreement": round(1 - len(wrong) / len(PAIRS), 4),
        "false_accepts": len(false_accepts),
        "undecided": verdicts.count("undecided"),
        "median_ms": round(statistics.median(best), 2),
        "p95_ms": round(percentile(best, 0.95), 2),
        "max_ms": round(max(best), 1),
        "worker_internal_median_ms": round(statistics.median(worker_ms), 2),
        "methods_note": "wall time per check through the warm worker, best of the rounds",
        "disagreements": wrong,
    }


def run_baseline() -> dict[str, Any]:
    """`simplify(a - b) == 0` (equations: lhs - rhs compared the same way), 2 s cap each."""
    import sympy

    from quizzer.core.expr import parse_expression
    from quizzer.core.expr.deadline import TimeLimit, time_limit
    from quizzer.errors import AnswerError

    agree, undecided, times = 0, 0, []
    for answer, expected, assume, want in PAIRS:
        context = context_of(assume)
        started = time.perf_counter()
        try:
            a, b = parse_expression(answer, context), parse_expression(expected, context)
            if isinstance(a, sympy.Equality) != isinstance(b, sympy.Equality):
                got = "different"
            else:
                if isinstance(a, sympy.Equality):
                    a, b = a.lhs - a.rhs, b.lhs - b.rhs
                with time_limit(CAP):
                    got = "equivalent" if sympy.simplify((a - b).doit()) == 0 else "different"
        except TimeLimit:
            got = "undecided"
        except (AnswerError, TypeError, ValueError):
            got = "undecided"
        times.append((time.perf_counter() - started) * 1000)
        agree += got == want
        undecided += got == "undecided"
    return {
        "method": "sympy.simplify(a - b) == 0, in-process, 2 s cap",
        "agreement": round(agree / len(PAIRS), 4),
        "undecided_or_timeout": undecided,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 1),
    }


def wall(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, cwd=ROOT, check=False)
        times.append(time.perf_counter() - started)
    return times


def run_cli(runs: int) -> dict[str, Any]:
    quizzer = [sys.executable, "-m", "quizzer"]
    equiv = wall([*quizzer, "equiv", "sigmoid(x)*(1-sigmoid(x))", "exp(-x)/(1+exp(-x))^2"], runs)
    help_ = wall([*quizzer, "--help"], runs)
    python = wall([sys.executable, "-c", "pass"], runs)
    return {
        "quizzer_equiv_median_s": round(statistics.median(equiv), 3),
        "quizzer_equiv_max_s": round(max(equiv), 3),
        "quizzer_help_median_s": round(statistics.median(help_), 3),
        "python_startup_median_s": round(statistics.median(python), 3),
        "equiv_over_help": round(statistics.median(equiv) / statistics.median(help_), 2),
        "runs": runs,
    }


def run_pathological(worker: Any) -> list[dict[str, Any]]:
    from quizzer.core.expr import check_equivalence
    from quizzer.errors import QuizzerError

    rows = []
    for answer, expected in PATHOLOGICAL:
        started = time.perf_counter()
        try:
            outcome = check_equivalence(answer, expected, timeout=CAP, worker=worker).verdict
        except QuizzerError as exc:
            outcome = f"input error: {exc.message[:60]}"
        rows.append(
            {
                "answer": answer[:40],
                "outcome": outcome,
                "s": round(time.perf_counter() - started, 3),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-suite", action="store_true")
    args = parser.parse_args()

    from quizzer.core.expr import SympyWorker

    worker = SympyWorker()
    started = time.perf_counter()
    worker.wait_ready()
    report: dict[str, Any] = {"worker_start_s": round(time.perf_counter() - started, 3)}
    report["own_pairs"] = run_pairs(worker, args.rounds)
    if not args.no_baseline:
        report["baseline"] = run_baseline()
        report["median_speedup_over_baseline"] = round(
            report["baseline"]["median_ms"] / report["own_pairs"]["median_ms"], 1
        )
    report["cli"] = run_cli(args.cli_runs)
    report["pathological"] = run_pathological(worker)
    report["pathological_max_s"] = max(r["s"] for r in report["pathological"])
    report["worker_restarts"] = worker.restarts
    if not args.no_suite:
        from bench_expr_suite import run_suite

        report["external_suite"] = run_suite("algebraic", CAP, worker)
    worker.close()
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
