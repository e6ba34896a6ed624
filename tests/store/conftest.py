"""Fixtures for the store, scheduler and session tests: a small bank of four questions (choice,
numeric, multi, recall: none needs SymPy or torch), a clock the test moves by hand, and a fresh
store in the temporary QUIZZER_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_helpers import BANK, Clock

from quizzer.core.catalog import Catalog, load_catalog
from quizzer.core.store import Store


@pytest.fixture
def bank_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "banks"
    directory.mkdir()
    (directory / "tiny.yaml").write_text(BANK, encoding="utf-8")
    return directory


@pytest.fixture
def catalog(bank_dir: Path) -> Catalog:
    loaded = load_catalog([bank_dir], derivation_dirs=[], use_cache=False)
    assert loaded.ok, loaded.diagnostics
    return loaded


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "progress.sqlite3")
    yield opened
    opened.close()
