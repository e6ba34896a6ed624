"""Reading YAML files safely, with errors a person can act on.

PyYAML's C loader is used when present (3-4x faster than the pure-Python one). Line numbers are
needed only when something is wrong, so documents are composed into nodes (which carry marks)
only then: see `LineFinder`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from quizzer.core.files import error, gc_paused
from quizzer.core.schema import Path as KeyPath


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser (3-4x faster than PyYAML's) with YAML 1.2 floats.

    YAML 1.1, which PyYAML follows, reads `1e-9` (no dot) as a *string*, so a bank's
    `tolerance: {abs: 1e-9}` would fail validation for a reason no author expects.
    """


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$"),
    list("-+0123456789."),
)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


def _to_python(node: Any, constructor: Any) -> Any:
    """Nodes (composed by libyaml) to plain Python, with duplicate keys made an error.

    PyYAML constructs objects in Python even with the C parser, through generators and
    per-node bookkeeping: 10,000 questions took ~4.7 s that way (profiled). Strings are ~75% of
    the scalars in a bank, so this converter returns them directly and hands other scalars to
    the safe constructor: ~4x faster. PyYAML also silently keeps the last of two equal keys, so
    a second `prompt:` would lose the first without a word; here it is an error.
    """
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        return constructor.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(child, constructor) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                return constructor.construct_object(node, deep=True)  # `<<:` merges: rare
            key = _to_python(key_node, constructor)
            if isinstance(key, list | dict):
                raise _DuplicateKey("a list or mapping used as a key", key_node.start_mark.line + 1)
            if key in result:
                raise _DuplicateKey(
                    f"duplicate key {key!r} in a mapping", key_node.start_mark.line + 1
                )
            result[key] = _to_python(value_node, constructor)
        return result
    return constructor.construct_object(node, deep=True)


def parse_yaml(text: str, name: str) -> Any:
    """Parse one YAML document; BankError with the line on malformed input."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise error(name, "the file is empty: expected a YAML document", line=1)
    loader = _Loader(text)
    try:
        with gc_paused():
            node = loader.get_single_node()
            return None if node is None else _to_python(node, loader)
    except _DuplicateKey as exc:
        raise error(name, exc.key, line=exc.line) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise error(name, _yaml_message(exc, text, line), line=line) from exc
    except yaml.YAMLError as exc:
        raise error(name, f"malformed YAML: {exc}") from exc
    except RecursionError as exc:
        raise error(name, "the YAML nests too deeply") from exc
    finally:
        loader.dispose()


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
            f" that starts on line {started})" if started and started != line else ")"
        )
    return f"malformed YAML: {problem}{context}"


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
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                child = node.value[part]
                best = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return best
