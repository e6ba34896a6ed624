"""Typed errors and exit codes.

Every failure a user can cause (a malformed bank, an unknown id, an unparsable answer) is a
`QuizzerError` with a short title and a message a person can act on; the CLI prints it without
a traceback and exits with its `exit_code`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes shared by every command (documented in `quizzer --help`)."""

    OK = 0  # success; for grading commands: the answer is correct / equivalent
    INCORRECT = 1  # the answer is wrong, or a check (validate, banks check, derive --check) failed
    USAGE = 2  # bad usage or bad input: unknown id, malformed file, unparsable answer
    UNDECIDED = 3  # the checker could not decide (time cap, undecidable form)
    INTERRUPTED = 130  # Ctrl-C


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a file, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    question_id: str | None = None
    path: str | None = None  # the key path inside the document, e.g. questions[3].answer.value

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        qid = f" [{self.question_id}]" if self.question_id else ""
        at = f" ({self.path})" if self.path else ""
        return f"{where}{qid}{at}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "question": self.question_id,
            "path": self.path,
            "message": self.message,
        }


class QuizzerError(Exception):
    """A failure with a message meant for the user."""

    title = "error"
    exit_code = ExitCode.USAGE

    def __init__(self, message: str, *, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []


class BankError(QuizzerError):
    """A bank or derivation file cannot be loaded."""

    title = "invalid bank"


class UnknownQuestionError(QuizzerError):
    title = "unknown question"


class AnswerError(QuizzerError):
    """The learner's answer cannot be understood (not: the answer is wrong)."""

    title = "answer not understood"


class StoreError(QuizzerError):
    """The progress database is unusable (corrupt, foreign, or from a newer quizzer)."""

    title = "progress database"


class ConfigError(QuizzerError):
    title = "configuration"
