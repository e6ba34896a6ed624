"""What every screen of the quiz shares: typed access to the app, and the learner's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import ModalScreen, Screen

from quizzer.tui.strings import tr

if TYPE_CHECKING:
    from quizzer.tui.app import QuizApp


class QuizScreen(Screen[Any]):
    """A full screen of the quiz; `relabel()` redraws its words when the language changes."""

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    @property
    def lang(self) -> str:
        return self.quiz.lang

    def t(self, key: str, **values: object) -> str:
        return tr(key, self.lang, **values)

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._language_changed, init=False)

    def _language_changed(self) -> None:
        self.call_later(self.relabel)

    async def relabel(self) -> None:
        """Redraw every text that depends on the language (default: compose the screen anew)."""
        await self.recompose()
        self.after_relabel()

    def after_relabel(self) -> None:
        """Fill the freshly composed widgets (what `on_mount` does the first time)."""


class QuizModal(ModalScreen[Any]):
    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def t(self, key: str, **values: object) -> str:
        return tr(key, self.quiz.lang, **values)
