"""Quality gates over the built-in banks (issue 8): they load, ids are unique, every source points
at real lines of the notes, every text has Chinese, no two prompts are near-duplicates, and every
machine-checked question's tests reject at least one wrong answer."""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations
from pathlib import Path

import pytest

from quizzer import paths
from quizzer.core.catalog import Catalog, load_catalog
from quizzer.core.model import Question
from quizzer.core.sources import notes_files, parse_sources, source_problems
from quizzer.core.text import LocalizedText


@cache
def builtin() -> Catalog:
    return load_catalog([paths.builtin_questions_dir()], use_cache=False)


def questions() -> list[Question]:
    return list(builtin().questions.values())


def test_every_builtin_bank_loads() -> None:
    catalog = builtin()
    assert catalog.ok, "\n".join(str(d) for d in catalog.diagnostics)
    assert catalog.banks


def test_every_question_names_a_wellformed_source() -> None:
    missing = [q.id for q in questions() if not q.source or not parse_sources(q.source)]
    assert missing == []


def test_every_source_range_exists_in_the_notes() -> None:
    notes_dir = paths.notes_dir()
    if notes_dir is None:
        pytest.skip("the notes are not beside the project (../shared/reference/notes)")
    notes = {
        key: p.read_text(encoding="utf-8").splitlines() for key, p in notes_files(notes_dir).items()
    }
    problems = [
        f"{q.file} [{q.id}]: {p}"
        for q in questions()
        for p in source_problems(q.source or "", notes)
    ]
    assert problems == []


def localized_texts(q: Question) -> list[tuple[str, LocalizedText]]:
    texts = [("prompt", q.prompt), ("explanation", q.explanation)]
    texts += [(f"hints[{i}]", h) for i, h in enumerate(q.hints)]
    texts += [(f"mistakes[{i}]", m.feedback) for i, m in enumerate(q.mistakes)]
    for i, choice in enumerate(
        q.answer.get("choices", []) if q.type in ("choice", "multi") else []
    ):
        texts.append((f"choices[{i}]", LocalizedText.parse(choice["text"])))
    if q.type == "recall":
        texts += [
            (f"key_points[{i}]", LocalizedText.parse(p))
            for i, p in enumerate(q.answer["key_points"])
        ]
    return texts


def test_every_learner_facing_text_has_chinese() -> None:
    missing = [
        f"{q.id}.{name}" for q in questions() for name, text in localized_texts(q) if not text.zh
    ]
    assert missing == []


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(max(len(words) - 2, 1))}


def test_no_two_prompts_are_near_duplicates() -> None:
    shingles = {q.id: _shingles(q.prompt.en) for q in questions()}
    close = []
    for a, b in combinations(shingles, 2):
        sa, sb = shingles[a], shingles[b]
        if sa and sb and len(sa & sb) / len(sa | sb) > 0.8:
            close.append((a, b))
    assert close == []


def test_machine_checked_questions_reject_a_wrong_answer() -> None:
    untested = [q.id for q in questions() if q.machine_checked and not q.tests.reject]
    assert untested == []


def test_recall_questions_list_three_to_six_key_points() -> None:
    bad = [
        q.id
        for q in questions()
        if q.type == "recall" and not 3 <= len(q.answer["key_points"]) <= 6
    ]
    assert bad == []


def test_each_bank_is_mostly_machine_checked() -> None:
    low = []
    for bank in builtin().banks:
        checked = sum(q.machine_checked for q in bank.questions)
        if checked < 0.6 * len(bank.questions):
            low.append(f"{bank.id}: {checked}/{len(bank.questions)}")
    assert low == []


def test_follow_ups_point_at_deeper_questions_that_exist() -> None:
    catalog = builtin()
    dangling = [(q.id, f) for q in questions() for f in q.follow_ups if f not in catalog.questions]
    assert dangling == []


def test_every_builtin_bank_references_the_json_schema() -> None:
    """Editors with a YAML language server then autocomplete and lint the bank."""
    modeline = "# yaml-language-server: $schema=../docs/bank.schema.json"
    missing = [
        b.file
        for b in builtin().banks
        if not Path(b.file).read_text(encoding="utf-8").startswith(modeline)
    ]
    assert missing == []
