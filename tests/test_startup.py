"""Start-up stays fast: `quizzer --help` imports none of textual/sympy/torch, and the headless
core never imports textual. Checked in fresh subprocesses, where sys.modules is honest."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("textual", "sympy", "torch")


def modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return {line.split(".")[0] for line in out.stdout.splitlines()}


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["banks", "--help"]])
def test_help_imports_no_heavy_module(argv: list[str]) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['quizzer', *{argv!r}]\n"
        "from quizzer.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    loaded = modules_after(code)
    assert not loaded & set(HEAVY), f"--help loaded {sorted(loaded & set(HEAVY))}"


def test_core_imports_no_textual() -> None:
    code = (
        "import quizzer.core.catalog, quizzer.core.grading, quizzer.core.selftest\n"
        "import quizzer.core.bank_schema\n"
        "from quizzer.core.qtypes import type_module\n"
        "from quizzer.core.model import QUESTION_TYPES\n"
        "[type_module(t) for t in QUESTION_TYPES]\n"
        "import pkgutil, importlib, quizzer.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'quizzer.core.'):\n"
        "    importlib.import_module(m.name)\n"
    )
    loaded = modules_after(code)
    assert "textual" not in loaded


def test_loading_and_grading_a_numeric_question_needs_neither_sympy_nor_torch() -> None:
    code = (
        "from quizzer.core.catalog import load_catalog\n"
        "from quizzer.core.grading import grade\n"
        "c = load_catalog()\n"
        "v = grade(c.question('bert-base-total'), '109,482,240')\n"
        "assert v.correct\n"
    )
    loaded = modules_after(code)
    assert not loaded & set(HEAVY)


def test_no_textual_import_outside_tui() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "quizzer"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "tui" not in p.relative_to(root).parts
        and any(
            line.lstrip().startswith(("import textual", "from textual"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []
