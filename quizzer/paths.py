"""The one place user paths are computed.

`QUIZZER_HOME`, when set, holds everything (data, config, cache) in one directory: tests point
it at a temporary directory so they never touch a user's real progress.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "quizzer"


def _home_override() -> Path | None:
    home = os.environ.get("QUIZZER_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    """Where the progress database lives."""
    home = _home_override()
    if home is not None:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    home = _home_override()
    if home is not None:
        return home / "config"
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    home = _home_override()
    if home is not None:
        return home / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "progress.sqlite3"


def config_file() -> Path:
    return config_dir() / "config.json"


def _packaged_data() -> Path:
    return Path(__file__).resolve().parent / "_data"


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def builtin_questions_dir() -> Path:
    """The built-in banks: inside the wheel when installed, else the repository's questions/."""
    packaged = _packaged_data() / "questions"
    return packaged if packaged.is_dir() else _repo_root() / "questions"


def builtin_derivations_dir() -> Path:
    packaged = _packaged_data() / "derivations"
    return packaged if packaged.is_dir() else _repo_root() / "derivations"


def notes_dir() -> Path | None:
    """The source notes, when they sit beside the checkout (../shared/reference/notes)."""
    env = os.environ.get("QUIZZER_NOTES_DIR")
    if env:
        return Path(env)
    candidate = _repo_root().parent / "shared" / "reference" / "notes"
    return candidate if candidate.is_dir() else None
