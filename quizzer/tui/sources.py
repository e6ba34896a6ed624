"""The source section of the notes a question comes from, for the feedback screen."""

from __future__ import annotations

import functools
from pathlib import Path

# A long range (some questions cite 50+ lines) is cut: the excerpt is a pointer, not a reader.
MAX_LINES_PER_RANGE = 24


def source_excerpt(source: str) -> str | None:
    """The cited lines of the notes, when the notes sit beside the checkout; else None."""
    from quizzer import paths

    notes_dir = paths.notes_dir()
    if notes_dir is None:
        return None
    try:
        from quizzer.core.sources import notes_files, parse_sources
    except ImportError:
        return None
    files = notes_files(notes_dir)
    blocks: list[str] = []
    for source_range in parse_sources(source):
        file = files.get(source_range.file_key)
        if file is None:
            continue
        lines = _lines(file)
        end = min(source_range.end, source_range.start + MAX_LINES_PER_RANGE - 1)
        chosen = lines[source_range.start - 1 : end]
        more = " …" if end < source_range.end else ""
        blocks.append(f"[{source_range}]{more}\n" + "\n".join(chosen))
    return "\n\n".join(blocks) or None


@functools.lru_cache(maxsize=8)
def _lines(file: Path) -> list[str]:
    try:
        return file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
