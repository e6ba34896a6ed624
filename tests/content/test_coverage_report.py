"""docs/coverage.md is generated, never hand-edited: it must match what the script produces."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import REPO


def test_coverage_report_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_coverage", REPO / "docs" / "gen_coverage.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.DEFAULT_CATALOGUE.exists():
        pytest.skip("the notes catalogue is not beside the project")
    expected = module.render(module.DEFAULT_CATALOGUE)
    actual = (REPO / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/coverage.md is stale: run `python docs/gen_coverage.py`"
