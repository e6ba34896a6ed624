"""Benchmark of the derivation checker (issue 4). Run by hand:

    .venv/bin/python benchmarks/bench_derive.py [--rounds 7] [--no-chains] [--no-mutation]

Prints one JSON document:

- `ten_line`: a 10-line sigmoid derivation checked warm (SymPy worker started, exercise
  parsed), median of `--rounds` runs with a fresh checker each time (`warm_ms`, the target is
  under 1 s), the same with the checker's memos hot (`memo_hot_ms`, what the interactive runner
  pays per new line), and the slowest single step; `baseline_engine_ms` is the same 9 steps as
  raw text pairs sent to `check_equivalence` in the same run (the engine's own cost, without
  the givens, the expectation rules and the start/goal checks), with the ratio;
- `references`: every built-in reference derivation checked warm (median and max per exercise);
- `chains`: agreement with `../shared/reference/equivalence-suite/chains.yaml` (63 STACK
  reasoning chains; each line compared with the previous one), overall and by kind of chain,
  with the false accepts listed (a chain accepted that STACK rejects is the costly error);
- `mutation`: mutants of every reference derivation, how many the checker flags at the broken
  line or the next (the kill rate), and how many torch shows to be equivalent (not breaks).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHAINS = ROOT.parent / "shared" / "reference" / "equivalence-suite" / "chains.yaml"

TEN_LINES = [
    "diff(sigma(x), x)",
    "diff(1/(1 + exp(-x)), x)",
    "diff((1 + exp(-x))^(-1), x)",
    "-(1 + exp(-x))^(-2)*diff(1 + exp(-x), x)",
    "-(1 + exp(-x))^(-2)*(-exp(-x))",
    "exp(-x)/(1 + exp(-x))^2",
    "1/(1 + exp(-x)) * exp(-x)/(1 + exp(-x))",
    "1/(1 + exp(-x)) * ((1 + exp(-x)) - 1)/(1 + exp(-x))",
    "1/(1 + exp(-x)) * (1 - 1/(1 + exp(-x)))",
    "sigma(x)*(1 - sigma(x))",
]
# The same steps with sigma written out, as plain text pairs for the engine alone.
RAW = [line.replace("sigma(x)", "(1/(1 + exp(-x)))") for line in TEN_LINES]
EQUIVALENCE_RELATIONS = {
    "equal",
    "equivalent",
    "equivalent_over_reals",
    "start",
    "start_assume_real",
    "start_assume_positive",
}


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def bench_ten_line(worker: Any, rounds: int) -> dict[str, Any]:
    from quizzer.core.derive.checker import DerivationChecker
    from quizzer.core.derive.exercise import find_exercise
    from quizzer.core.derive.givens import prepare_exercise
    from quizzer.core.expr import ExprContext, check_equivalence
    from quizzer.core.model import Outcome

    prepared = prepare_exercise(find_exercise("sigmoid-derivative"))
    DerivationChecker(prepared, worker=worker).check(TEN_LINES)  # warm the imports
    warm, hot, steps = [], [], []
    memo = DerivationChecker(prepared, worker=worker)
    memo.check(TEN_LINES)
    for _ in range(rounds):
        checker = DerivationChecker(prepared, worker=worker)
        start = time.perf_counter()
        report = checker.check(TEN_LINES)
        warm.append(time.perf_counter() - start)
        assert report.outcome is Outcome.CORRECT, report.to_json()
        start = time.perf_counter()
        memo.check(TEN_LINES)
        hot.append(time.perf_counter() - start)
    context = ExprContext.from_assume([{"x": "real"}])
    baseline = []
    for _ in range(rounds):
        start = time.perf_counter()
        for previous, current in itertools.pairwise(RAW):
            step_start = time.perf_counter()
            result = check_equivalence(current, previous, context, worker=worker)
            steps.append(time.perf_counter() - step_start)
            assert result.verdict == "equivalent", (previous, current, result)
        baseline.append(time.perf_counter() - start)
    return {
        "lines": len(TEN_LINES),
        "warm_ms": median_ms(warm),
        "warm_max_ms": round(max(warm) * 1000, 1),
        "memo_hot_ms": median_ms(hot),
        "baseline_engine_ms": median_ms(baseline),
        "ratio_to_baseline": round(statistics.median(warm) / statistics.median(baseline), 2),
        "slowest_engine_step_ms": round(max(steps) * 1000, 1),
        "target_ms": 1000,
    }


def bench_references(worker: Any) -> dict[str, Any]:
    from quizzer.core.derive.checker import DerivationChecker
    from quizzer.core.derive.exercise import load_exercises
    from quizzer.core.derive.givens import prepare_exercise
    from quizzer.core.model import Outcome

    exercises, _ = load_exercises()
    times, wrong = {}, []
    for exercise_id, exercise in sorted(exercises.items()):
        prepared = prepare_exercise(exercise)
        start = time.perf_counter()
        report = DerivationChecker(prepared, worker=worker).check([s.line for s in exercise.steps])
        times[exercise_id] = time.perf_counter() - start
        if report.outcome is not Outcome.CORRECT:
            wrong.append(exercise_id)
    slowest = max(times, key=times.__getitem__)
    return {
        "exercises": len(times),
        "accepted": len(times) - len(wrong),
        "rejected": wrong,
        "median_ms": median_ms(list(times.values())),
        "max_ms": round(times[slowest] * 1000, 1),
        "slowest": slowest,
        "lines": sum(len(e.steps) for e in exercises.values()),
    }


def chain_lines(chain: dict[str, Any]) -> tuple[list[tuple[int, str, list[Any]]], list[str]]:
    """The chain's steps as SymPy objects, read as quizzer's parser would build them: numbers
    and operations evaluated, equations not (so `3 = 0` stays an equation), and symbols with
    the chain's assumptions (the suite is trusted data in SymPy syntax)."""
    import sympy
    from sympy.parsing.sympy_parser import parse_expr

    # STACK reasons over the complex numbers unless told "assume real" / "assume positive".
    relations = {s.get("relation_to_previous", "") for s in chain["steps"]}
    assumption: dict[str, bool] = {}
    if "start_assume_positive" in relations:
        assumption = {"positive": True}
    elif "start_assume_real" in relations:
        assumption = {"real": True}

    def rebuild(expr: Any) -> Any:
        if not expr.args:
            if expr.is_Symbol:
                return sympy.Symbol(expr.name, **assumption)
            return expr
        args = [rebuild(a) for a in expr.args]
        if isinstance(expr, sympy.Equality):
            return sympy.Eq(*args, evaluate=False)
        if isinstance(expr, sympy.core.function.AppliedUndef):
            return sympy.Function(expr.func.__name__)(*args)
        return expr.func(*args)

    lines = [
        (
            number,
            step.get("source_raw", step["expr"]),
            [rebuild(parse_expr(str(step["expr"]), evaluate=False))],
        )
        for number, step in enumerate(chain["steps"], 1)
    ]
    return lines, [next(iter(assumption), "complex")]


def bench_chains(worker: Any) -> dict[str, Any]:
    import yaml

    from quizzer.core.derive.checker import DerivationChecker
    from quizzer.core.derive.givens import prepare_free_chain
    from quizzer.core.model import Outcome

    if not CHAINS.exists():
        return {"skipped": f"{CHAINS} not found"}
    data = yaml.safe_load(CHAINS.read_text(encoding="utf-8"))
    rows = []
    for chain in data["derivations"]:
        relations = {s.get("relation_to_previous", "") for s in chain["steps"]}
        kind = "equivalence" if relations <= EQUIVALENCE_RELATIONS else "other"
        start = time.perf_counter()
        try:
            lines, assume = chain_lines(chain)
            checker = DerivationChecker(prepare_free_chain(assume), worker=worker)
            report = checker.check_parsed(lines)
            predicted: str = report.outcome.value
        except Exception as exc:
            predicted = f"error: {type(exc).__name__}: {str(exc)[:80]}"
        valid = predicted == Outcome.CORRECT.value
        rows.append(
            {
                "id": chain["id"],
                "kind": kind,
                "expected_valid": bool(chain["valid"]),
                "predicted": predicted,
                "agree": valid == bool(chain["valid"]),
                "ms": round((time.perf_counter() - start) * 1000, 1),
                "relations": sorted(
                    relations - {"start", "start_assume_real", "start_assume_positive"}
                ),
            }
        )

    def summary(selected: list[dict[str, Any]]) -> dict[str, Any]:
        agree = sum(r["agree"] for r in selected)
        return {
            "chains": len(selected),
            "agree": agree,
            "agreement": round(agree / len(selected), 3) if selected else None,
        }

    return {
        "all": summary(rows),
        "equivalence_only": summary([r for r in rows if r["kind"] == "equivalence"]),
        "other_relations": summary([r for r in rows if r["kind"] == "other"]),
        "false_accepts": [
            r for r in rows if r["predicted"] == "correct" and not r["expected_valid"]
        ],
        "false_rejects": [
            {k: r[k] for k in ("id", "kind", "predicted", "relations")}
            for r in rows
            if r["expected_valid"] and r["predicted"] != "correct"
        ],
        "median_ms": median_ms([r["ms"] / 1000 for r in rows]),
        "max_ms": max(r["ms"] for r in rows),
    }


def bench_mutation(worker: Any) -> dict[str, Any]:
    from quizzer.core.derive.checker import DerivationChecker
    from quizzer.core.derive.exercise import load_exercises
    from quizzer.core.derive.givens import prepare_exercise
    from quizzer.core.derive.mutation import (
        equivalent_in_torch,
        how_caught,
        mutants,
        mutated_lines,
    )

    exercises, _ = load_exercises()
    counts = {"mutants": 0, "equivalent": 0, "killed": 0, "undecided": 0, "survived": 0}
    by_operator: dict[str, dict[str, int]] = {}
    survivors = []
    start = time.perf_counter()
    for exercise in exercises.values():
        prepared = prepare_exercise(exercise)
        checker = DerivationChecker(prepared, worker=worker, near_misses=False)
        for mutant in mutants(prepared):
            counts["mutants"] += 1
            tally = by_operator.setdefault(mutant.operator, {"killed": 0, "tried": 0})
            if equivalent_in_torch(prepared, mutant):
                counts["equivalent"] += 1
                continue
            tally["tried"] += 1
            caught = how_caught(checker.check_parsed(mutated_lines(prepared, mutant)), mutant)
            if caught == "invalid":
                counts["killed"] += 1
                tally["killed"] += 1
            elif caught == "undecided":  # flagged undecided at the line, never accepted
                counts["undecided"] += 1
            else:
                counts["survived"] += 1
                survivors.append(f"{exercise.id} step {mutant.step + 1} {mutant.operator}")
    tried = counts["killed"] + counts["undecided"] + counts["survived"]
    return {
        **counts,
        "kill_rate": round(counts["killed"] / tried, 4) if tried else None,
        "caught_rate": round((counts["killed"] + counts["undecided"]) / tried, 4)
        if tried
        else None,
        "by_operator": by_operator,
        "survivors": survivors,
        "seconds": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-chains", action="store_true")
    parser.add_argument("--no-mutation", action="store_true")
    args = parser.parse_args()

    from quizzer.core.expr import SympyWorker

    worker = SympyWorker()
    started = time.perf_counter()
    if not worker.wait_ready():
        sys.exit("the SymPy worker did not start")
    report: dict[str, Any] = {"worker_start_s": round(time.perf_counter() - started, 2)}
    report["ten_line"] = bench_ten_line(worker, args.rounds)
    report["references"] = bench_references(worker)
    if not args.no_chains:
        report["chains"] = bench_chains(worker)
    if not args.no_mutation:
        report["mutation"] = bench_mutation(worker)
    worker.close()
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
