"""Loading and validating the banks into a `Catalog`.

Every problem in every file is collected as a `Diagnostic` (file, line, question id, what was
expected); a file with errors is skipped and reported, and never stops the others from loading.

Parsed, validated banks are cached by file content (BLAKE2 of the bytes plus the schema and
quizzer versions), so an unchanged 10,000-question bank loads without re-parsing its YAML.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizzer.core import bankcache
from quizzer.core.files import gc_paused, read_text
from quizzer.core.model import AnswerTests, Bank, Mistake, Question
from quizzer.core.qtypes import type_module
from quizzer.core.schema import Path as KeyPath
from quizzer.core.schema import closest_names, format_path
from quizzer.core.text import LocalizedText
from quizzer.errors import BankError, Diagnostic, UnknownQuestionError

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class ValidationContext:
    """What semantic checks may consult: the derivation exercises known, the file's trust."""

    exercise_ids: frozenset[str] = frozenset()
    trusted: bool = True


@dataclass
class Catalog:
    banks: list[Bank] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    exercise_files: dict[str, Path] = field(default_factory=dict)

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            near = closest_names(question_id, list(self.questions))
            hint = f" Did you mean: {', '.join(near)}?" if near else ""
            raise UnknownQuestionError(
                f"no question with id {question_id!r} in the loaded banks.{hint}"
            ) from None

    def bank(self, bank_id: str) -> Bank:
        for bank in self.banks:
            if bank.id == bank_id:
                return bank
        near = closest_names(bank_id, [b.id for b in self.banks])
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        raise UnknownQuestionError(f"no bank with id {bank_id!r}.{hint}")

    def bank_of(self, question: Question) -> Bank:
        return self.bank(question.bank_id)

    @property
    def ok(self) -> bool:
        return not self.diagnostics


def bank_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files under `paths` (files or directories), sorted for a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
            )
        else:
            found.append(path)
    return found


def default_bank_dirs() -> list[Path]:
    """Built-in banks, the user's own banks directory, and QUIZZER_BANKS (os.pathsep list)."""
    from quizzer import paths

    dirs = [paths.builtin_questions_dir()]
    user = paths.data_dir() / "banks"
    if user.is_dir():
        dirs.append(user)
    extra = os.environ.get("QUIZZER_BANKS")
    if extra:
        dirs.extend(Path(p) for p in extra.split(os.pathsep) if p)
    return dirs


def default_derivation_dirs() -> list[Path]:
    from quizzer import paths

    dirs = [paths.builtin_derivations_dir()]
    extra = os.environ.get("QUIZZER_DERIVATIONS")
    if extra:
        dirs.extend(Path(p) for p in extra.split(os.pathsep) if p)
    return dirs


def exercise_index(dirs: Sequence[Path]) -> dict[str, Path]:
    """Derivation exercise id -> file, read from each exercise file's top-level `id`.

    Ids of unchanged files come from a stat index: parsing 39 exercise files cost ~20 ms of
    every start-up.
    """
    known = bankcache.StatIndex("exercise-ids")
    index: dict[str, Path] = {}
    for file in bank_files(d for d in dirs if d.exists()):
        exercise_id = known.get(file)
        if exercise_id is None:
            from quizzer.core.yamlfile import parse_yaml

            try:
                data = parse_yaml(read_text(file), str(file))
            except BankError:
                continue  # reported by `quizzer derive --check`
            if not (isinstance(data, dict) and isinstance(data.get("id"), str)):
                continue
            exercise_id = data["id"]
            known.put(file, exercise_id)
        index[exercise_id] = file
    known.flush()
    return index


def load_catalog(
    paths: Sequence[Path] | None = None,
    *,
    derivation_dirs: Sequence[Path] | None = None,
    use_cache: bool = True,
) -> Catalog:
    """Load every bank under `paths` (default: `default_bank_dirs()`)."""
    from quizzer.core.trust import is_trusted

    catalog = Catalog()
    catalog.exercise_files = exercise_index(
        default_derivation_dirs() if derivation_dirs is None else derivation_dirs
    )
    exercise_ids = frozenset(catalog.exercise_files)
    builtin_root = _builtin_root()
    files = bank_files(default_bank_dirs() if paths is None else paths)
    digests = bankcache.StatIndex("bank-digests")
    owners: dict[str, str] = {}
    for file in files:
        builtin = _is_within(file, builtin_root)
        context = ValidationContext(exercise_ids, trusted=builtin or is_trusted(file))
        try:
            bank = load_bank_file(
                file, context, use_cache=use_cache, builtin=builtin, digests=digests
            )
        except BankError as exc:
            catalog.diagnostics.extend(exc.diagnostics)
            catalog.skipped_files.append(str(file))
            continue
        duplicates = [q for q in bank.questions if q.id in owners]
        if duplicates:
            from quizzer.core.yamlfile import LineFinder

            finder = LineFinder(read_text(file))
            for q in duplicates:
                index = bank.questions.index(q)
                catalog.diagnostics.append(
                    Diagnostic(
                        file=str(file),
                        line=finder(("questions", index, "id")),
                        question_id=q.id,
                        message=f"duplicate question id {q.id!r}: already used in "
                        f"{owners[q.id]}; ids must be unique across all banks",
                    )
                )
            catalog.skipped_files.append(str(file))
            continue
        for q in bank.questions:
            owners[q.id] = str(file)
            catalog.questions[q.id] = q
        catalog.banks.append(bank)
    digests.flush()
    _check_follow_ups(catalog, also_known=_default_ids if paths is not None else None)
    return catalog


def _default_ids() -> set[str]:
    """Question ids of the default banks (cached loads: cheap after the first)."""
    return set(load_catalog(None).questions)


def _check_follow_ups(catalog: Catalog, also_known: Callable[[], set[str]] | None = None) -> None:
    """Follow-ups must name loaded questions; when only some files were loaded (validating one
    bank), a follow-up into another default bank is fine."""
    known: set[str] | None = None
    for question in catalog.questions.values():
        for target in question.follow_ups:
            if target in catalog.questions:
                continue
            if also_known is not None:
                known = also_known() if known is None else known
                if target in known:
                    continue
            from quizzer.core.yamlfile import LineFinder

            finder = LineFinder(read_text(Path(question.file)))
            index = next(
                i
                for i, q in enumerate(catalog.bank(question.bank_id).questions)
                if q.id == question.id
            )
            catalog.diagnostics.append(
                Diagnostic(
                    file=question.file,
                    line=finder(("questions", index, "follow_ups")),
                    question_id=question.id,
                    message=f"follow-up {target!r} is not a question id in the loaded banks",
                )
            )


def _builtin_root() -> Path:
    from quizzer import paths

    return paths.builtin_questions_dir().resolve()


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def load_bank_file(
    file: Path,
    context: ValidationContext | None = None,
    *,
    use_cache: bool = True,
    builtin: bool = False,
    digests: bankcache.StatIndex | None = None,
) -> Bank:
    """Load and validate one bank file; BankError carries every diagnostic found."""
    context = context or ValidationContext()
    name = str(file)
    tag = bankcache.context_tag(context.exercise_ids, context.trusted)
    data = None
    if use_cache:
        # An unchanged file: its digest is known, so neither read nor hashed.
        known = digests.get(file) if digests is not None else None
        if known is not None:
            data = bankcache.get(f"{known}-{tag}")
    if data is None:
        text = read_text(file)
        digest = bankcache.content_digest(text)
        data = bankcache.get(f"{digest}-{tag}") if use_cache else None
        if data is None:
            data = _parse_and_validate(text, name, context)
            if use_cache:
                bankcache.put(f"{digest}-{tag}", data)
        if digests is not None:
            digests.put(file, digest)
    with gc_paused():
        return build_bank(data, name, builtin=builtin, trusted=context.trusted)


def _parse_and_validate(text: str, name: str, context: ValidationContext) -> Any:
    from quizzer.core.yamlfile import LineFinder, parse_yaml

    data = parse_yaml(text, name)
    problems = validate_bank_data(data, context)
    if problems:
        finder = LineFinder(text)
        diags = [
            Diagnostic(
                file=name,
                line=finder(path),
                question_id=_question_id_at(data, path),
                path=format_path(path) or None,
                message=message,
            )
            for path, message in problems
        ]
        raise BankError(f"{name}: {len(diags)} problem(s)", diagnostics=diags)
    return data


def validate_bank_data(data: Any, context: ValidationContext) -> list[tuple[KeyPath, str]]:
    """Every schema and semantic problem in one parsed bank document."""
    from quizzer.core.bank_schema import BANK_FILE, QUESTION, TEST_REJECT_ITEM

    problems: list[tuple[KeyPath, str]] = []

    def report(path: KeyPath, message: str) -> None:
        problems.append((path, message))

    if not isinstance(data, dict):
        report((), "expected a mapping with 'bank' and 'questions' at the top level")
        return problems
    BANK_FILE.validate(data, (), report)
    questions = data.get("questions")
    if not isinstance(questions, list):
        return problems
    seen: dict[str, int] = {}
    for index, qdata in enumerate(questions):
        path: KeyPath = ("questions", index)
        QUESTION.validate(qdata, path, report)
        if not isinstance(qdata, dict):
            continue
        qid = qdata.get("id")
        if isinstance(qid, str):
            if qid in seen:
                report(
                    (*path, "id"),
                    f"duplicate question id {qid!r} (first at question "
                    f"#{seen[qid] + 1} of this bank)",
                )
            else:
                seen[qid] = index
        qtype = qdata.get("type")
        if not isinstance(qtype, str):
            continue
        try:
            module = type_module(qtype)
        except KeyError:
            continue  # the Enum check above already reported the unknown type
        answer = qdata.get("answer")
        if answer is not None:
            before = len(problems)
            module.SPEC.validate(answer, (*path, "answer"), report)
            if len(problems) == before and isinstance(answer, dict):
                module.check_spec(answer, report, (*path, "answer"), context)
        tests = qdata.get("tests")
        if isinstance(tests, dict) and qtype != "recall":
            for i, item in enumerate(tests.get("reject") or []):
                TEST_REJECT_ITEM.validate(item, (*path, "tests", "reject", i), report)
    return problems


def _question_id_at(data: Any, path: KeyPath) -> str | None:
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        try:
            qid = data["questions"][path[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
        return qid if isinstance(qid, str) else None
    return None


def build_bank(
    data: dict[str, Any], file: str, *, builtin: bool = False, trusted: bool = False
) -> Bank:
    """Model objects from validated bank data."""
    header = data["bank"]
    bank_id = header["id"]
    topic = header["topic"]
    questions = tuple(_build_question(q, bank_id, topic, file) for q in data["questions"])
    return Bank(
        id=bank_id,
        title=LocalizedText.parse(header["title"]),
        topic=topic,
        file=file,
        questions=questions,
        tags=tuple(header.get("tags") or ()),
        description=(
            LocalizedText.parse(header["description"]) if "description" in header else None
        ),
        builtin=builtin,
        trusted=builtin or trusted,
    )


def _build_question(q: dict[str, Any], bank_id: str, topic: str, file: str) -> Question:
    tests = q.get("tests") or {}
    return Question(
        id=q["id"],
        type=q["type"],
        prompt=LocalizedText.parse(q["prompt"]),
        explanation=LocalizedText.parse(q["explanation"]),
        bank_id=bank_id,
        file=file,
        answer=q["answer"],
        hints=tuple(LocalizedText.parse(h) for h in q.get("hints") or ()),
        difficulty=q.get("difficulty", 2),
        tags=tuple(q.get("tags") or ()),
        source=q.get("source"),
        mistakes=tuple(
            Mistake(match=m["match"], feedback=LocalizedText.parse(m["feedback"]))
            for m in q.get("mistakes") or ()
        ),
        tests=AnswerTests(
            accept=tuple(tests.get("accept") or ()), reject=tuple(tests.get("reject") or ())
        ),
        follow_ups=tuple(q.get("follow_ups") or ()),
        topic=topic,
    )
