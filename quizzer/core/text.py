"""Localized text: every string a learner reads exists in English and may exist in Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGES = ("en", "zh")
DEFAULT_LANG = "en"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """A text in several languages; `get(lang)` falls back to English."""

    en: str
    zh: str | None = None

    @classmethod
    def parse(cls, value: str | Mapping[str, str]) -> LocalizedText:
        """Build from the bank form: a plain string (English) or a mapping {en:, zh:}."""
        if isinstance(value, str):
            return cls(en=value)
        return cls(en=value["en"], zh=value.get("zh"))

    @classmethod
    def english(cls, text: str) -> LocalizedText:
        return cls(en=text)

    def get(self, lang: str = DEFAULT_LANG) -> str:
        if lang == "zh" and self.zh:
            return self.zh
        return self.en

    @property
    def languages(self) -> tuple[str, ...]:
        return ("en", "zh") if self.zh else ("en",)

    def to_json(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh} if self.zh else {"en": self.en}

    def __str__(self) -> str:
        return self.en
