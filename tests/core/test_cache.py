"""The parsed-bank cache is keyed by content: a changed file is never served stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.core.catalog import load_catalog
from tests.core.test_bank_errors import GOOD


def cache_entries(home: Path) -> list[Path]:
    return sorted((home / "cache" / "banks").glob("*.marshal"))


def test_cache_is_used_and_invalidated_by_content(tmp_path: Path, quizzer_home: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text(GOOD, encoding="utf-8")
    first = load_catalog([bank], derivation_dirs=[])
    assert first.question("good-one").prompt.en == "1 + 1?"
    assert len(cache_entries(quizzer_home)) == 1

    again = load_catalog([bank], derivation_dirs=[])
    assert again.question("good-one").prompt.en == "1 + 1?"
    assert len(cache_entries(quizzer_home)) == 1  # a hit: nothing new written

    bank.write_text(GOOD.replace("1 + 1?", "One plus one?"), encoding="utf-8")
    changed = load_catalog([bank], derivation_dirs=[])
    assert changed.question("good-one").prompt.en == "One plus one?"


def test_a_corrupt_cache_entry_is_ignored(tmp_path: Path, quizzer_home: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text(GOOD, encoding="utf-8")
    load_catalog([bank], derivation_dirs=[])
    for entry in cache_entries(quizzer_home):
        entry.write_bytes(b"\x00garbage")
    catalog = load_catalog([bank], derivation_dirs=[])
    assert catalog.ok and "good-one" in catalog.questions


def test_invalid_banks_are_never_cached(tmp_path: Path, quizzer_home: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text(GOOD.replace("answer: {value: 2}", "answer: {}"), encoding="utf-8")
    assert not load_catalog([bank], derivation_dirs=[]).ok
    assert not load_catalog([bank], derivation_dirs=[]).ok
    assert cache_entries(quizzer_home) == []


def test_an_unchanged_file_is_not_even_read(
    tmp_path: Path, quizzer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import quizzer.core.catalog as catalog_module

    bank = tmp_path / "b.yaml"
    bank.write_text(GOOD, encoding="utf-8")
    old = 1_600_000_000
    os.utime(bank, (old, old))  # older than the 2 s "racy" window
    load_catalog([bank], derivation_dirs=[])

    def no_reading(path: Path) -> str:
        raise AssertionError(f"{path} was read although unchanged")

    monkeypatch.setattr(catalog_module, "read_text", no_reading)
    assert "good-one" in load_catalog([bank], derivation_dirs=[]).questions

    monkeypatch.undo()
    bank.write_text(GOOD.replace("1 + 1?", "Two plus two minus two?"), encoding="utf-8")
    os.utime(bank, (old + 10, old + 10))
    reloaded = load_catalog([bank], derivation_dirs=[])
    assert reloaded.question("good-one").prompt.en == "Two plus two minus two?"
