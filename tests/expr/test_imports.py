"""The engine's front half stays light: importing the API, building a context or reading a
formula's syntax loads no SymPy (the TUI asks the worker instead)."""

from __future__ import annotations

import subprocess
import sys


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys; print('\\n'.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return {line.split(".")[0] for line in done.stdout.splitlines()}


def test_api_context_and_syntax_import_no_sympy() -> None:
    code = (
        "import quizzer.core.expr as expr\n"
        "from quizzer.core.expr.syntax import parse_tree\n"
        "import quizzer.core.qtypes.expression, quizzer.commands.equiv\n"
        "ctx = expr.ExprContext.from_answer({'symbols': {'x': 'positive'}})\n"
        "parse_tree('sigmoid(x)^2 + |x|', ctx)\n"
        "expr.SympyWorker\n"
    )
    loaded = loaded_after(code)
    assert "sympy" not in loaded and "mpmath" not in loaded and "textual" not in loaded


def test_interpret_answers_from_the_worker_without_sympy_here() -> None:
    code = (
        "from quizzer.core.expr import interpret\n"
        "services = {}\n"
        "assert interpret('1/sqrt(d_k)', {'symbols': {'d_k': 'positive'}},"
        " services=services) == '1/√d_k'\n"
        "services['sympy'].close()\n"
    )
    assert "sympy" not in loaded_after(code)
