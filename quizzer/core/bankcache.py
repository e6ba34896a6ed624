"""The cache of parsed, validated banks, keyed by file content.

Two levels. Entries (`<digest>-<context>.marshal`) hold the validated data of one file and are
keyed by a BLAKE2 digest of its bytes, so a changed file is never served stale. In front of them,
a stat index (path -> size, mtime, digest) lets an unchanged file skip reading and hashing, and
with it the imports of `hashlib` (~13 ms: it loads OpenSSL) and of the YAML parser: start-up
counts for the TUI, whose home screen must draw within 1.5x a bare Textual app.

A file modified within the last two seconds is not entered in the stat index, so two edits
inside one tick of a coarse file-system clock cannot leave a stale entry (git's "racy" rule).
"""

from __future__ import annotations

import json
import marshal
import os
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from quizzer import __version__
from quizzer.core.files import gc_paused

# Bump when the meaning of cached data changes (the schema, or what validation normalizes).
CACHE_FORMAT = 2
_RACY_SECONDS = 2.0


def _cache_root() -> Path:
    from quizzer import paths

    return paths.cache_dir()


def content_digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


def context_tag(exercise_ids: Iterable[str], trusted: bool) -> str:
    """What else validation depended on: which derivation exercises exist, and trust."""
    context = f"{CACHE_FORMAT}|{__version__}|{trusted}|" + "|".join(sorted(exercise_ids))
    return f"{zlib.crc32(context.encode()):08x}"


class StatIndex:
    """path -> (size, mtime_ns, value), persisted as JSON in the cache directory."""

    def __init__(self, name: str) -> None:
        self._file = _cache_root() / f"{name}.json"
        self._entries: dict[str, list[Any]] | None = None
        self._dirty = False

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is None:
            try:
                loaded = json.loads(self._file.read_text(encoding="utf-8"))
                self._entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._entries = {}
        return self._entries

    def get(self, path: Path) -> Any:
        """The value recorded for `path`, if the file has not changed since."""
        try:
            st = path.stat()
        except OSError:
            return None
        entry = self._load().get(str(path.resolve()))
        if entry and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
            return entry[2]
        return None

    def put(self, path: Path, value: Any) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        if time.time() - st.st_mtime_ns / 1e9 < _RACY_SECONDS:
            return
        entries = self._load()
        entry = [st.st_size, st.st_mtime_ns, value]
        key = str(path.resolve())
        if entries.get(key) != entry:
            entries[key] = entry
            self._dirty = True

    def flush(self) -> None:
        if not self._dirty or self._entries is None:
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self._entries), encoding="utf-8")
            tmp.replace(self._file)
            self._dirty = False
        except OSError:
            pass  # a read-only cache directory only costs speed


def _entry_file(key: str) -> Path:
    return _cache_root() / "banks" / f"{key}.marshal"


def get(key: str) -> Any:
    try:
        raw = _entry_file(key).read_bytes()
    except OSError:
        return None
    try:
        with gc_paused():
            return marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return None  # a truncated or foreign cache entry: re-parse


def put(key: str, data: Any) -> None:
    try:
        payload = marshal.dumps(data)
    except ValueError:
        return  # YAML produced a type marshal cannot store (a date): just don't cache
    target = _entry_file(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(payload)
        tmp.replace(target)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass
