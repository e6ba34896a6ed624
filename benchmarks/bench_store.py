"""Benchmark: recording a graded answer in the progress store.

Measures, in one run and on the same disk:
- `Store.record_review` (one committed transaction) with WAL + synchronous=NORMAL (what quizzer
  uses) against SQLite's default rollback journal (journal_mode=DELETE, synchronous=FULL);
- `Session.record` (read the card, FSRS schedule, commit) with WAL + NORMAL;
- `Store.open` of a database holding 10,000 reviews (header check, quick_check, migrations).

Run by hand: `.venv/bin/python benchmarks/bench_store.py [--n 500]`; prints JSON (milliseconds).
The issue's target: recording a graded answer under 5 ms at the 95th percentile.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizzer.core.catalog import Catalog
from quizzer.core.model import Bank, Outcome, Question, Verdict
from quizzer.core.scheduler import Rating, schedule
from quizzer.core.session import Session, SessionOptions
from quizzer.core.store import Store
from quizzer.core.text import LocalizedText

START = datetime(2025, 3, 1, 9, tzinfo=UTC)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 4),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 4),
        "mean_ms": round(statistics.fmean(ordered), 4),
        "max_ms": round(ordered[-1], 4),
        "n": len(ordered),
    }


def timed(action: Callable[[int], None], n: int) -> list[float]:
    samples = []
    for i in range(n):
        began = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def open_store(path: Path, journal: str) -> Store:
    store = Store.open(path)
    if journal == "default":
        store._conn.execute("PRAGMA journal_mode = DELETE")
        store._conn.execute("PRAGMA synchronous = FULL")
    return store


def record_reviews(store: Store, n: int, prefix: str) -> list[float]:
    card = schedule(None, Rating.GOOD, START)

    def one(i: int) -> None:
        store.record_review(
            session_id=None,
            question_id=f"{prefix}-{i % 200}",
            question_type="numeric",
            answer="109482240",
            verdict="correct",
            rating=Rating.GOOD,
            duration_s=12.5,
            now=START + timedelta(seconds=i),
            card=card,
        )

    return timed(one, n)


def tiny_catalog(count: int) -> Catalog:
    text = LocalizedText("q", "问")
    questions = tuple(
        Question(
            id=f"bench-{i}",
            type="numeric",
            prompt=text,
            explanation=text,
            bank_id="bench",
            file="bench.yaml",
            answer={"value": 1},
            topic="bench",
        )
        for i in range(count)
    )
    bank = Bank(id="bench", title=text, topic="bench", file="bench.yaml", questions=questions)
    return Catalog(banks=[bank], questions={q.id: q for q in questions})


def session_records(path: Path, n: int) -> list[float]:
    catalog = tiny_catalog(n)
    clock = [START]
    with Store.open(path) as store:
        session = Session(catalog, store, SessionOptions(new_limit=n), lambda: clock[0])
        verdict = Verdict(Outcome.CORRECT)

        def one(i: int) -> None:
            clock[0] += timedelta(seconds=5)
            session.record(session.plan[i], "1", verdict, Rating.GOOD, 5.0)

        return timed(one, n)


def open_times(path: Path, reviews: int, repeats: int) -> list[float]:
    with Store.open(path) as store:
        record_reviews(store, reviews, "history")
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        Store.open(path).close()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="records per configuration")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        root = Path(tmp)
        wal = open_store(root / "wal.sqlite3", "wal")
        default = open_store(root / "default.sqlite3", "default")
        # Warm both files, then alternate blocks so disk noise hits both alike.
        record_reviews(wal, 20, "warm")
        record_reviews(default, 20, "warm")
        wal_samples: list[float] = []
        default_samples: list[float] = []
        block = max(1, args.n // 5)
        for b in range(5):
            wal_samples += record_reviews(wal, block, f"w{b}")
            default_samples += record_reviews(default, block, f"d{b}")
        wal.close()
        default.close()
        session_samples = session_records(root / "session.sqlite3", args.n)
        open_samples = open_times(root / "history.sqlite3", 10_000, 10)
    wal_stats = percentiles(wal_samples)
    default_stats = percentiles(default_samples)
    print(
        json.dumps(
            {
                "benchmark": "record a graded answer",
                "record_review_wal_normal": wal_stats,
                "record_review_default_journal": default_stats,
                "default_over_wal_p50": round(default_stats["p50_ms"] / wal_stats["p50_ms"], 1),
                "session_record_wal_normal": percentiles(session_samples),
                "store_open_10k_reviews": percentiles(open_samples),
                "target_p95_ms": 5.0,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
