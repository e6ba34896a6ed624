"""References into the source notes: `004:L364-414` means file key 004, lines 364 to 414.

The notes (../shared/reference/notes/NNN_<hash>.txt) sit beside the project in development and CI,
not inside the package: checks against them run only where they are present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_RANGE = re.compile(r"(\d{3}):L(\d+)(?:-(\d+))?")


@dataclass(frozen=True, slots=True)
class SourceRange:
    file_key: str
    start: int
    end: int

    def overlaps(self, other: SourceRange) -> bool:
        return (
            self.file_key == other.file_key and self.start <= other.end and other.start <= self.end
        )

    def substantially_overlaps(self, other: SourceRange) -> bool:
        """Overlapping over at least half of the shorter range (not merely touching)."""
        if self.file_key != other.file_key:
            return False
        shared = min(self.end, other.end) - max(self.start, other.start) + 1
        shorter = min(self.end - self.start, other.end - other.start) + 1
        return shared > 0 and 2 * shared >= shorter

    def __str__(self) -> str:
        tail = f"-{self.end}" if self.end != self.start else ""
        return f"{self.file_key}:L{self.start}{tail}"


def parse_sources(text: str) -> list[SourceRange]:
    """All ranges in a `source` string such as '004:L364-414, 003:L120'."""
    ranges = []
    for key, start, end in _RANGE.findall(text):
        ranges.append(SourceRange(key, int(start), int(end) if end else int(start)))
    return ranges


def parse_catalogue_refs(text: str) -> list[SourceRange]:
    """Ranges in the catalogue's citation style: '[000:L1474-1504, L1790-2002; 003:L2815]'."""
    ranges: list[SourceRange] = []
    key = None
    for token in re.findall(r"(\d{3}):L(\d+)(?:-(\d+))?|(?<![\d:])L(\d+)(?:-(\d+))?", text):
        file_key, start, end, bare_start, bare_end = token
        if file_key:
            key = file_key
            ranges.append(SourceRange(key, int(start), int(end) if end else int(start)))
        elif key is not None and bare_start:
            s = int(bare_start)
            ranges.append(SourceRange(key, s, int(bare_end) if bare_end else s))
    return ranges


def notes_files(notes_dir: Path) -> dict[str, Path]:
    """File key ('000'..'004') -> the notes file."""
    return {p.name[:3]: p for p in sorted(notes_dir.glob("[0-9][0-9][0-9]_*.txt"))}


def source_problems(source: str, notes: dict[str, list[str]]) -> list[str]:
    """What is wrong with a `source` given the notes' lines (key -> lines); [] when fine."""
    ranges = parse_sources(source)
    if not ranges:
        return [f"{source!r} names no range like 004:L364-414"]
    problems = []
    for r in ranges:
        lines = notes.get(r.file_key)
        if lines is None:
            problems.append(f"{r}: no notes file with key {r.file_key}")
        elif r.end < r.start:
            problems.append(f"{r}: the range ends before it starts")
        elif r.end > len(lines):
            problems.append(f"{r}: the notes file has only {len(lines)} lines")
        elif not any(line.strip() for line in lines[r.start - 1 : r.end]):
            problems.append(f"{r}: those lines are empty")
    return problems
