"""Start-up and bank-loading figures (issue 2).

Prints JSON: wall time of `quizzer --help` against bare `python -c pass` (median of 10, both
measured in this run), and load+validate time for generated banks of 1,000 and 10,000 questions,
first (empty cache) and again (cache hit). Each load runs in a fresh interpreter, as a real
start-up would.

    python benchmarks/bench_foundation.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = """\
  - id: gen-{i}
    type: {qtype}
    difficulty: {d}
    tags: [generated, t{t}]
    source: "004:L{l}-{l2}"
    prompt:
      en: "Generated question number {i}: what is {i} plus one?"
      zh: "生成的第 {i} 题：{i} 加一等于几？"
    explanation:
      en: "It is {j}, because adding one to {i} gives {j}."
      zh: "答案是 {j}，因为 {i} 加一等于 {j}。"
    hints:
      - {{en: "Count up by one.", zh: "往上数一。"}}
{answer}
"""
NUMERIC = """\
    answer: {{value: {j}, tolerance: {{rel: 0, abs: 0}}}}
    tests: {{accept: ["{j}"], reject: ["{i}"]}}"""
CHOICE = """\
    answer:
      choices:
        - {{id: a, text: {{en: "{j}", zh: "{j}"}}}}
        - {{id: b, text: {{en: "{i}", zh: "{i}"}}}}
      correct: a
    tests: {{accept: [a], reject: [b]}}"""


def generate_bank(path: Path, n: int) -> None:
    parts = [
        "bank:\n  id: generated\n  title: {en: Generated, zh: 生成}\n  topic: generated\n"
        "questions:\n"
    ]
    for i in range(n):
        qtype = "numeric" if i % 2 else "choice"
        template = NUMERIC if qtype == "numeric" else CHOICE
        answer = template.format(i=i, j=i + 1)
        parts.append(
            QUESTION.format(
                i=i,
                j=i + 1,
                qtype=qtype,
                d=1 + i % 5,
                t=i % 7,
                l=i % 900 + 1,
                l2=i % 900 + 5,
                answer=answer,
            )
        )
    path.write_text("".join(parts), encoding="utf-8")


def wall(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def load_seconds(bank: Path, home: Path) -> float:
    """Time load_catalog inside a fresh interpreter (import time excluded)."""
    code = (
        "import time, sys\n"
        "from pathlib import Path\n"
        "from quizzer.core.catalog import load_catalog\n"
        "t = time.perf_counter()\n"
        f"c = load_catalog([Path({str(bank)!r})], derivation_dirs=[])\n"
        "dt = time.perf_counter() - t\n"
        "assert c.ok and len(c.questions) > 0, c.diagnostics[:3]\n"
        "print(dt)\n"
    )
    env = {**os.environ, "QUIZZER_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    quizzer = [sys.executable, "-m", "quizzer", "--help"]
    bare = [sys.executable, "-c", "pass"]
    wall(quizzer)  # warm the OS file cache
    help_times, bare_times = [], []
    for _ in range(args.runs):
        bare_times.append(wall(bare))
        help_times.append(wall(quizzer))
    results: dict[str, object] = {
        "python_c_pass_ms": round(statistics.median(bare_times) * 1000, 1),
        "quizzer_help_ms": round(statistics.median(help_times) * 1000, 1),
    }
    results["help_over_bare_ratio"] = round(
        statistics.median(help_times) / statistics.median(bare_times), 2
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1_000, 10_000):
            bank = Path(tmp) / f"bank{n}.yaml"
            generate_bank(bank, n)
            first, cached = [], []
            for run in range(3):
                home = Path(tmp) / f"home{n}-{run}"  # empty cache: the first load parses YAML
                first.append(load_seconds(bank, home))
                cached.append(load_seconds(bank, home))
            results[f"load_{n}_first_s"] = round(statistics.median(first), 3)
            results[f"load_{n}_cached_s"] = round(statistics.median(cached), 3)
            results[f"bank_{n}_mb"] = round(bank.stat().st_size / 1e6, 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
