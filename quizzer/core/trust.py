"""Which bank files may run their own code (torch references, code-question variants).

Built-in banks are trusted. Other banks run code only after `quizzer banks trust PATH`, which
records the resolved path in the user's config file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from quizzer.errors import ConfigError


def _read_config() -> dict[str, Any]:
    from quizzer import paths

    file = paths.config_file()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{file}: cannot read the config file ({exc}); fix or delete it") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: expected a JSON object")
    return data


def _write_config(data: dict[str, Any]) -> None:
    from quizzer import paths

    file = paths.config_file()
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(file)


def trusted_paths() -> list[Path]:
    return [Path(p) for p in _read_config().get("trusted_banks", [])]


def is_trusted(path: Path) -> bool:
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in trusted_paths())


def trust(path: Path) -> Path:
    """Record `path` (a bank file or a directory of banks) as trusted; return it resolved."""
    resolved = path.resolve()
    if not resolved.exists():
        raise ConfigError(f"{path}: no such file or directory")
    data = _read_config()
    current = [str(p) for p in data.get("trusted_banks", [])]
    if str(resolved) not in current:
        current.append(str(resolved))
    data["trusted_banks"] = current
    _write_config(data)
    return resolved


def untrust(path: Path) -> bool:
    data = _read_config()
    current = [str(p) for p in data.get("trusted_banks", [])]
    resolved = str(path.resolve())
    if resolved not in current:
        return False
    data["trusted_banks"] = [p for p in current if p != resolved]
    _write_config(data)
    return True
