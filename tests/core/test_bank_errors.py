"""Every malformed bank gives one clear message with file and line, exit code 2, no traceback,
and never stops the other banks from loading."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizzer.core.catalog import load_catalog
from tests.conftest import run_quizzer

GOOD = textwrap.dedent(
    """\
    bank:
      id: good
      title: {en: Good, zh: 好}
      topic: test
    questions:
      - id: good-one
        type: numeric
        prompt: {en: "1 + 1?", zh: "1 + 1 等于几？"}
        explanation: {en: Two., zh: 二。}
        answer: {value: 2}
        tests: {accept: ["2"], reject: ["3"]}
    """
)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def validate(*paths: Path) -> tuple[int, str, str]:
    result = run_quizzer("banks", "validate", *map(str, paths))
    return result.returncode, result.stdout, result.stderr


def assert_clean_error(stderr: str, file: Path, line: int | None, *words: str) -> None:
    assert "Traceback" not in stderr
    where = f"{file}:{line}" if line else str(file)
    assert where in stderr, stderr
    for word in words:
        assert word in stderr, stderr


CASES = {
    "malformed": ("bank:\n  id: [unclosed\n", 3, ["malformed YAML", "starts on line 2"]),
    "tab": ("bank:\n\tid: x\n", 2, ["tab"]),
    "wrong-type": (
        GOOD.replace("answer: {value: 2}", "answer: {value: 2}\n    difficulty: hard"),
        11,
        ["difficulty", "expected an integer"],
    ),
    "unknown-key": (
        GOOD.replace("    answer:", "    promt: typo\n    answer:"),
        10,
        ["unknown key 'promt'", "prompt"],
    ),
    "missing-field": (
        GOOD.replace("    explanation: {en: Two., zh: 二。}\n", ""),
        6,
        ["missing required key 'explanation'", "good-one"],
    ),
    "unknown-type": (GOOD.replace("type: numeric", "type: essay"), 7, ["essay", "choice"]),
    "duplicate-key": (
        GOOD.replace("    answer:", "    prompt: again\n    answer:"),
        10,
        ["duplicate key 'prompt'"],
    ),
    "empty": ("", 1, ["empty"]),
    "comments-only": ("# nothing here\n", 1, ["empty"]),
    "not-a-mapping": ("- 1\n- 2\n", 1, ["expected a mapping"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_bank_gives_file_line_and_exit_2(tmp_path: Path, case: str) -> None:
    text, line, words = CASES[case]
    path = write(tmp_path, f"{case}.yaml", text)
    code, _, stderr = validate(path)
    assert code == 2
    assert_clean_error(stderr, path, line, *words)


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.yaml", GOOD.replace("好", "x").encode() + b"# caf\xe9\n")
    code, _, stderr = validate(path)
    assert code == 2
    assert_clean_error(stderr, path, 12, "not UTF-8")


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    code, _, stderr = validate(path)
    assert code == 2
    assert_clean_error(stderr, path, 1, "too large")


def test_duplicate_ids_within_and_across_banks(tmp_path: Path) -> None:
    twice = GOOD + textwrap.indent(GOOD.split("questions:\n", 1)[1], "")
    a = write(tmp_path, "a.yaml", twice)
    b = write(tmp_path, "b.yaml", GOOD.replace("id: good\n", "id: other\n"))
    code, _, stderr = validate(a, b)
    assert code == 2
    assert f"{a}:12" in stderr and "duplicate question id 'good-one'" in stderr
    # b is valid on its own but reuses a's id: reported once a is fixed.
    a.write_text(GOOD, encoding="utf-8")
    code, _, stderr = validate(a, b)
    assert code == 2
    assert f"{b}:6" in stderr and "already used in" in stderr


def test_every_error_in_every_file_is_reported(tmp_path: Path) -> None:
    bad1 = write(
        tmp_path,
        "one.yaml",
        GOOD.replace("topic: test", "topic: Test Topic").replace("difficulty", "x"),
    )
    bad2 = write(
        tmp_path,
        "two.yaml",
        GOOD.replace("answer: {value: 2}", "answer: {}")
        .replace("id: good\n", "id: two\n")
        .replace("good-one", "two-one"),
    )
    code, _, stderr = validate(bad1, bad2)
    assert code == 2
    assert f"{bad1}:4" in stderr  # topic must be kebab-case
    assert f"{bad2}:" in stderr and "exactly one of 'value'" in stderr
    assert "2 error(s) in 2 of 2 file(s)" in stderr


def test_bad_reference_to_a_missing_derivation(tmp_path: Path) -> None:
    text = GOOD.replace("type: numeric", "type: derivation").replace(
        "answer: {value: 2}", "answer: {exercise: no-such-exercise}"
    )
    path = write(tmp_path, "deriv.yaml", text)
    code, _, stderr = validate(path)
    assert code == 2
    assert_clean_error(stderr, path, 10, "no derivation exercise with id 'no-such-exercise'")


def test_bad_follow_up_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("    answer:", "    follow_ups: [nope]\n    answer:")
    path = write(tmp_path, "f.yaml", text)
    code, _, stderr = validate(path)
    assert code == 2
    assert_clean_error(stderr, path, 10, "follow-up 'nope'")


def test_a_broken_bank_does_not_stop_the_others(tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", GOOD)
    write(tmp_path, "broken.yaml", "bank: [\n")
    catalog = load_catalog([tmp_path])
    assert [b.id for b in catalog.banks] == ["good"]
    assert catalog.skipped_files == [str(tmp_path / "broken.yaml")]
    assert "good-one" in catalog.questions
    assert good.exists()


def test_hostile_strings_are_data_not_code(tmp_path: Path) -> None:
    hostile = GOOD.replace('"1 + 1?"', "\"!!python/object/apply:os.system ['echo pwned']\"")
    hostile += "  - !!python/object/apply:os.system ['echo pwned']\n"
    path = write(tmp_path, "hostile.yaml", hostile)
    code, out, stderr = validate(path)
    assert code == 2
    assert "pwned" not in out
    assert "Traceback" not in stderr
