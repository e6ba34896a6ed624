"""Reading YAML files safely, with errors a person can act on.

PyYAML's C loader is used when present (3-4x faster than the pure-Python one). Line numbers are
needed only when something is wrong, so documents are composed into nodes (which carry marks)
only then: see `line_of`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from quizzer.core.schema import Path as KeyPath
from quizzer.errors import BankError, Diagnostic

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The C parser (3-4x faster than pure Python) with duplicate keys made an error.

    PyYAML silently keeps the last of two equal keys, so a second `prompt:` would lose the first
    without a word. Construction runs in Python even with the C parser, so this check is cheap.
    """

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value
            if key in seen and isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} in a mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)

# A 10,000-question bank is ~6 MB; anything far larger is a mistake (or an attack).
MAX_FILE_BYTES = 16 * 1024 * 1024


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Measured: loading 10k questions took ~4 s with the collector running (it rescans the
    growing heap on every allocation burst) and ~1.4 s with it paused.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_text(path: Path) -> str:
    """The file's text, or BankError naming the file (and line, for bad encodings)."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _error(name, f"cannot read the file: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise _error(
            name,
            f"file too large ({size / 1e6:.1f} MB; a bank may be at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MiB): split it into several banks",
            line=1,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(name, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _error(
            name,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
            "save the file as UTF-8",
            line=line,
        ) from exc


def parse_yaml(text: str, name: str) -> Any:
    """Parse one YAML document; BankError with the line on malformed input."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise _error(name, "the file is empty: expected a YAML document", line=1)
    try:
        with gc_paused():
            return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise _error(name, _yaml_message(exc, text, line), line=line) from exc
    except yaml.YAMLError as exc:
        raise _error(name, f"malformed YAML: {exc}") from exc
    except RecursionError as exc:
        raise _error(name, "the YAML nests too deeply") from exc


def _yaml_message(exc: yaml.MarkedYAMLError, text: str, line: int | None) -> str:
    lines = text.splitlines()
    if line is not None and 0 < line <= len(lines):
        src = lines[line - 1]
        indent = src[: len(src) - len(src.lstrip())]
        if "\t" in indent or ("\t" in src and "'\\t'" in str(exc)):
            return "a tab in the indentation: YAML indents with spaces only"
    problem = exc.problem or "malformed YAML"
    context = ""
    if exc.context:
        started = exc.context_mark.line + 1 if exc.context_mark is not None else None
        context = f" ({exc.context}" + (
            f" that starts on line {started})" if started and started != line else ")")
    return f"malformed YAML: {problem}{context}"


def _error(name: str, message: str, line: int | None = None) -> BankError:
    diag = Diagnostic(file=name, message=message, line=line)
    return BankError(str(diag), diagnostics=[diag])


def line_of(text: str, path: KeyPath) -> int | None:
    """The 1-based line of the value at `path` (or of its nearest existing parent)."""
    return LineFinder(text)(path)


class LineFinder:
    """Caches the composed node tree of one file so many diagnostics cost one compose."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: Any = None
        self._composed = False

    def __call__(self, path: KeyPath) -> int | None:
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self._text, Loader=_Loader)
            except yaml.YAMLError:
                self._root = None
        node = self._root
        if node is None:
            return None
        best: int | None = node.start_mark.line + 1
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        best = key_node.start_mark.line + 1
                        child = value_node
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    child = node.value[part]
                    best = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return best
