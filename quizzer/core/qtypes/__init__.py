"""Question types: one module per type, loaded on first use.

Each module provides:

- `SPEC: Schema`, the schema of the question's `answer` mapping (used by validation and the
  exported JSON Schema);
- `check_spec(answer, report, context)`, semantic checks the schema cannot express (the correct
  choice exists, a referenced exercise exists, a bank's code may run);
- `grade(question, answer, env) -> Verdict`, a pure function: it never prints, never reads the
  clock and never touches the database;
- `reference_answer(question, env) -> str | None`, the answer shown after grading.

Modules must import SymPy and torch inside functions only.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from quizzer.core.model import QUESTION_TYPES

_MODULES = {name: f"quizzer.core.qtypes.{name}" for name in QUESTION_TYPES}


def type_module(name: str) -> ModuleType:
    """The module implementing question type `name` (imported on first use)."""
    return importlib.import_module(_MODULES[name])
