"""The external equivalence suite (STACK, SymPy, WeBWorK cases) run through quizzer's engine.

Used by `bench_expr.py`; runnable alone while working on the engine:

    .venv/bin/python benchmarks/bench_expr_suite.py [--relation algebraic] [--show-misses]

Cases are SymPy syntax (the suite's own convention), parsed here with `parse_expr` (trusted
benchmark input, never learner text) and sent to the worker as SymPy objects.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "equivalence-suite"
POLICY_CATEGORIES = ("equation", "float_policy", "infinity")


def suite_file() -> Path:
    for candidate in (SUITE, Path("/work/shared/reference/equivalence-suite")):
        if (candidate / "cases.yaml").exists():
            return candidate / "cases.yaml"
    raise SystemExit("equivalence suite not found (expected ../shared/reference/equivalence-suite)")


def context_for(case: dict[str, Any]) -> Any:
    """The suite's assumptions and sample domains as an ExprContext."""
    from quizzer.core.expr import ExprContext

    specs: list[Any] = []
    assumption = str(case.get("assumptions") or "").strip()
    if assumption in ("real", "positive"):
        specs.append(assumption)
    domain = case.get("sample_domain") or {}
    mapping: dict[str, Any] = {}
    for name, value in domain.items():
        if isinstance(value, list) and len(value) == 2:
            mapping[name] = f"({value[0]}, {value[1]})"
        elif value == "integer":
            mapping[name] = "integer"
    if mapping:
        specs.append(mapping)
    context = ExprContext.from_assume(specs)
    if case.get("answer_test") == "Diff":
        # STACK's ATDiff refuses an equation as the answer; the engine has the same option.
        context = replace(context, allow_equations=False)
    return context


def parse(text: str) -> Any:
    from sympy.parsing.sympy_parser import parse_expr, standard_transformations

    return parse_expr(text, transformations=standard_transformations)


def run_suite(
    relation: str = "algebraic", timeout: float = 2.0, worker: Any = None, show_misses: bool = False
) -> dict[str, Any]:
    import yaml

    from quizzer.core.expr import check_equivalence
    from quizzer.errors import QuizzerError

    cases = [
        c for c in yaml.safe_load(suite_file().read_text())["cases"] if c["relation"] == relation
    ]
    if worker is None:  # time warm checks only, not the worker's start-up
        from quizzer.core.expr.worker import default_worker

        worker = default_worker()
        worker.wait_ready()
    verdicts: Counter[str] = Counter()
    by_category: dict[str, Counter[str]] = {}
    false_accepts, misses, times = [], [], []
    for case in cases:
        want = "equivalent" if case["equivalent"] else "different"
        started = time.perf_counter()
        try:
            result = check_equivalence(
                parse(case["student"]),
                parse(case["reference"]),
                context_for(case),
                timeout=timeout,
                worker=worker,
            )
            got = result.verdict
            reason = result.reason
        except QuizzerError as exc:
            got, reason = "error", exc.message
        except Exception as exc:  # a case SymPy's own parser rejects
            got, reason = "error", f"{type(exc).__name__}: {exc}"
        times.append((time.perf_counter() - started) * 1000)
        outcome = (
            "agree"
            if got == want
            else ("undecided" if got == "undecided" else "error" if got == "error" else "disagree")
        )
        verdicts[outcome] += 1
        by_category.setdefault(case["category"], Counter())[outcome] += 1
        if not case["equivalent"] and got == "equivalent":
            false_accepts.append(case["id"])
        if outcome != "agree":
            misses.append(
                {
                    "id": case["id"],
                    "want": want,
                    "got": got,
                    "reason": reason,
                    "student": case["student"][:80],
                    "reference": case["reference"][:80],
                }
            )
    core = [c for c in cases if c["category"] not in POLICY_CATEGORIES]
    core_ids = {c["id"] for c in core}
    core_missed = sum(1 for m in misses if m["id"] in core_ids)
    report = {
        "relation": relation,
        "cases": len(cases),
        "agree": verdicts["agree"],
        "agreement": round(verdicts["agree"] / len(cases), 4),
        "undecided": verdicts["undecided"],
        "disagree": verdicts["disagree"],
        "errors": verdicts["error"],
        "false_accepts": false_accepts,
        "core_cases": len(core),
        "core_agreement": round((len(core) - core_missed) / len(core), 4) if core else None,
        "by_category": {k: dict(v) for k, v in sorted(by_category.items())},
        "median_ms": round(statistics.median(times), 2),
        "max_ms": round(max(times), 1),
    }
    if show_misses:
        report["misses"] = misses
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--relation", default="algebraic")
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    json.dump(
        run_suite(args.relation, args.timeout, show_misses=args.show_misses),
        sys.stdout,
        indent=2,
        ensure_ascii=False,
    )
    print()


if __name__ == "__main__":
    main()
