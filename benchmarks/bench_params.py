"""Benchmark `quizzer params`: the formula path, `--verify` end to end, and meta-device builds.

Run by hand from the repository root:

    .venv/bin/python benchmarks/bench_params.py            # every preset
    .venv/bin/python benchmarks/bench_params.py --quick    # bert-base, llama-2-70b, llama-3-70b

Prints one JSON document:

- `formula_path`: wall time of `quizzer params bert-base` (the Rich table) and of `--json`,
  median and min of N runs, and the median CPU time (user + system: what a busy machine
  cannot inflate), against `python -c pass`, `quizzer --help` and a bare import of click and
  Rich measured in the same run;
- `verify_end_to_end`: wall time of `quizzer params PRESET --verify` per preset (one run each,
  most of it torch's import), with the 70B LLaMA configs included;
- `meta_build`: in one process, after importing torch once, the median time to build each preset
  on the meta device and compare it (`verify()` minus the import), and the torch import time.

Subprocesses run with bytecode caching on (PYTHONDONTWRITEBYTECODE removed) after a warm-up run,
as an installed quizzer would.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUICK = ("bert-base", "llama-2-70b", "llama-3-70b")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run; CPU time is what load cannot inflate."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {process.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime


def wall(argv: list[str], runs: int) -> dict[str, float]:
    """Median and min wall seconds, and median CPU seconds, of a command (after a warm-up)."""
    _run(argv)
    samples = [_run(argv) for _ in range(runs)]
    walls = [w for w, _ in samples]
    return {
        "median_ms": round(statistics.median(walls) * 1000, 1),
        "min_ms": round(min(walls) * 1000, 1),
        "cpu_median_ms": round(statistics.median(c for _, c in samples) * 1000, 1),
    }


def meta_builds(presets: list[str], repeats: int) -> dict[str, object]:
    from quizzer.core.params.presets import count
    from quizzer.core.params.verify import import_torch, verify

    _, import_seconds = import_torch()
    builds: dict[str, object] = {}
    for name in presets:
        breakdown = count(name)
        results = [verify(breakdown) for _ in range(repeats)]
        builds[name] = {
            "parameters": breakdown.total,
            "ok": all(r.ok for r in results),
            "build_median_ms": round(statistics.median(r.build_seconds for r in results) * 1000, 2),
        }
    return {"torch_import_s": round(import_seconds, 3), "presets": builds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three presets only")
    parser.add_argument("--runs", type=int, default=10, help="runs per formula-path timing")
    args = parser.parse_args()

    from quizzer.core.params.presets import PRESETS

    presets = list(QUICK) if args.quick else list(PRESETS)
    quizzer = [sys.executable, "-m", "quizzer"]
    baseline = wall([sys.executable, "-c", "pass"], args.runs)
    help_time = wall([*quizzer, "--help"], args.runs)
    libraries = wall([sys.executable, "-c", "import click, rich.console, rich.table"], args.runs)
    table = wall([*quizzer, "params", "bert-base"], args.runs)
    as_json = wall([*quizzer, "params", "bert-base", "--json"], args.runs)
    verify_times = {
        name: wall([*quizzer, "params", name, "--verify", "--json"], 1)["median_ms"]
        for name in presets
    }
    document = {
        "machine": {
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "formula_path": {
            "runs": args.runs,
            "python_-c_pass": baseline,
            "quizzer_--help": help_time,
            "import_click_and_rich": libraries,
            "quizzer_params_bert-base": table,
            "quizzer_params_bert-base_--json": as_json,
            "bert-base_over_baseline_ms": round(table["median_ms"] - baseline["median_ms"], 1),
            "bert-base_ratio_to_baseline": round(table["median_ms"] / baseline["median_ms"], 2),
            "bert-base_cpu_ratio_to_baseline": round(
                table["cpu_median_ms"] / baseline["cpu_median_ms"], 2
            ),
        },
        "verify_end_to_end_ms": {
            "per_preset": verify_times,
            "max": max(verify_times.values()),
            "median": statistics.median(verify_times.values()),
        },
        "meta_build": meta_builds(presets, repeats=5),
    }
    print(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
