"""The quiz app: a thin wiring layer from screens to `quizzer.core.session`.

`create_app` builds the app for both the CLI (`run_app`) and the tests, with the clock, the
catalog, the store and the worker services injectable. The session flow is
home -> question -> feedback -> (next question | summary) -> home; every rated answer is
committed by `Session.record` before the next screen shows.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from quizzer.core.catalog import Catalog
from quizzer.core.grading import GradingEnv
from quizzer.core.model import Question, Verdict
from quizzer.core.scheduler import Rating, propose_rating, utc_now
from quizzer.core.session import Session, SessionOptions
from quizzer.core.store import Store
from quizzer.tui.grader import Checker, GradingProcess
from quizzer.tui.screens.home import HomeScreen

# The other screens are imported where they are first shown: Markdown (markdown-it), TextArea
# and their widgets cost ~100 ms of start-up (python -X importtime) that the home screen, the
# first thing drawn, does not need.
from quizzer.tui.strings import tr

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class QuizApp(App[None]):
    """The terminal quiz."""

    CSS_PATH = "quizzer.tcss"
    TITLE = "quizzer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Every key on this screen"),
        Binding(
            "ctrl+l",
            "toggle_language",
            "中文/EN",
            id="app.language",
            tooltip="Switch between English and Chinese",
        ),
        Binding(
            "ctrl+t",
            "toggle_theme",
            "Theme",
            id="app.theme",
            show=False,
            tooltip="Switch between the light and dark theme",
        ),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    lang = reactive("en")

    def __init__(
        self,
        *,
        catalog: Catalog,
        store: Store,
        options: SessionOptions,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        checker: Checker | None = None,
        cursor_blink: bool = True,
        theme: str = DARK_THEME,
        keymap: dict[str, str] | None = None,
        device: str = "auto",
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.store = store
        self.options = options
        self.clock = clock
        self.monotonic = monotonic
        self.checker = checker or Checker(GradingProcess(catalog, log_file=grading_log()))
        self.cursor_blink = cursor_blink
        self.device = device
        self.session: Session | None = None
        self._initial_theme = theme
        self._keymap = keymap or {}
        self.set_reactive(QuizApp.lang, options.lang if options.lang in ("en", "zh") else "en")

    def now(self) -> datetime:
        return self.clock()

    def get_default_screen(self) -> Screen[Any]:
        return HomeScreen()

    def on_mount(self) -> None:
        self.theme = self._initial_theme
        if self._keymap:
            self.set_keymap(self._keymap)

    # -- the session flow ---------------------------------------------------------------------

    def start_session(self, options: SessionOptions) -> None:
        session = Session(self.catalog, self.store, options, clock=self.clock)
        if not session.plan:
            session.finish()
            self.notify(tr("nothing_due", self.lang), severity="warning")
            return
        self._begin(session)

    def continue_session(self) -> None:
        record = self.store.unfinished_session()
        if record is None:
            return
        options = SessionOptions.from_json(record.options_json)
        self._begin(
            Session(self.catalog, self.store, options, clock=self.clock, session_id=record.id)
        )

    def _begin(self, session: Session) -> None:
        self.session = session
        for notice in session.notices:
            self.notify(notice.get(self.lang), severity="warning", timeout=8)
        self.warm_up(session.plan)
        self.show_next_question(first=True)

    def warm_up(self, questions: Iterable[Question]) -> None:
        """Start the grading process and the SymPy/torch workers the plan needs, in the
        background, while the learner reads the first question."""
        planned = list(questions)
        self.run_worker(
            lambda: self.checker.warm_up(planned),
            thread=True,
            group="warm-up",
            exit_on_error=False,
        )

    def grading_env(self, question: Question) -> GradingEnv:
        """The env for one question: a per-question seed (params draws) and the bank's trust."""
        assert self.session is not None
        seed = zlib.crc32(f"{self.session.session_id}:{question.id}".encode())
        return GradingEnv(
            lang=self.lang,
            catalog=self.catalog,
            device=self.device,
            trusted_code=self.catalog.bank(question.bank_id).trusted,
            seed=seed,
            services=self.checker.services,
        )

    def show_next_question(self, *, first: bool = False) -> None:
        session = self.session
        assert session is not None
        question = session.next_question()
        if question is None:
            session.finish()
            self._show_summary()
            return
        from quizzer.tui.screens.question import QuestionScreen

        screen = QuestionScreen(
            question,
            position=session.answered_count + 1,
            total=len(session.plan),
            env=self.grading_env(question),
        )
        if first:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def show_feedback(
        self,
        question: Question,
        answer_text: str,
        verdict: Verdict,
        elapsed_s: float,
        env: GradingEnv,
    ) -> None:
        """Commit the graded answer at once with the proposed rating (so a crash while the
        learner reads the feedback loses nothing), then show the feedback. A self-rated answer
        has no proposal: it is committed when the learner rates it."""
        assert self.session is not None
        from quizzer.tui.screens.feedback import FeedbackScreen

        proposed = propose_rating(verdict, elapsed_s, question)
        if proposed is not None:
            self.session.record(question, answer_text, verdict, proposed, elapsed_s)
        self.switch_screen(
            FeedbackScreen(
                question, answer_text, verdict, elapsed_s=elapsed_s, proposed=proposed, env=env
            )
        )

    def rate_answer(
        self,
        question: Question,
        answer_text: str,
        verdict: Verdict,
        rating: Rating,
        elapsed_s: float,
        proposed: Rating | None,
    ) -> None:
        """Apply the learner's rating: amend the committed review if it differs from the
        proposal, or commit the self-rated answer now."""
        assert self.session is not None
        if proposed is None:
            self.session.record(question, answer_text, verdict, rating, elapsed_s)
        elif rating != proposed:
            self.session.rerate(question, rating)

    def skip_question(self, question: Question) -> None:
        assert self.session is not None
        self.session.skip(question)
        self.show_next_question()

    def end_session(self) -> None:
        """Stop here: the session stays unfinished if questions remain, so Home offers to
        continue it."""
        if self.session is None:
            return
        if self.session.remaining() == 0:
            self.session.finish()
        self._show_summary()

    def _show_summary(self) -> None:
        assert self.session is not None
        notices = tuple(n.get(self.lang) for n in self.session.notices)
        from quizzer.tui.screens.summary import SummaryScreen

        self.switch_screen(SummaryScreen(self.session.summary(), notices))
        self.session = None

    def pop_to_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    # -- app actions --------------------------------------------------------------------------

    def action_help(self) -> None:
        from quizzer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_stats(self) -> None:
        from quizzer.tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_toggle_language(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        home = screen if isinstance(screen, HomeScreen) else None
        if home is not None:
            yield SystemCommand(
                tr("start", self.lang),
                "Start a session in the highlighted scope",
                home.action_start,
            )
            if self.store.unfinished_session() is not None:
                yield SystemCommand(
                    tr("continue", self.lang),
                    "Continue the unfinished session",
                    self.continue_session,
                )
        if self.session is not None:
            yield SystemCommand(
                "End session", "End the session and see the summary", self.end_session
            )
        yield SystemCommand(
            tr("stats", self.lang), "Reviews per day, retention, mastery", self.action_stats
        )
        yield SystemCommand("Help", "Every key on this screen", self.action_help)
        yield SystemCommand(
            "Language: English / 中文", "Switch the language", self.action_toggle_language
        )
        yield SystemCommand("Theme: light / dark", "Switch the theme", self.action_toggle_theme)
        yield from super().get_system_commands(screen)


def grading_log() -> Path:
    """Where the grading process writes its stderr (never to the terminal Textual draws on)."""
    from quizzer import paths

    return paths.cache_dir() / "grading.log"


def load_keymap() -> dict[str, str]:
    """`"keymap": {binding id: key}` from config.json (absent or unreadable: no remapping)."""
    from quizzer import paths

    try:
        data = json.loads(paths.config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    keymap = data.get("keymap") if isinstance(data, dict) else None
    if not isinstance(keymap, dict):
        return {}
    return {str(k): str(v) for k, v in keymap.items()}


def create_app(
    options: SessionOptions,
    *,
    catalog: Catalog,
    store: Store,
    clock: Callable[[], datetime] = utc_now,
    **kwargs: Any,
) -> QuizApp:
    """The app as both the CLI and the tests build it (tests freeze the clock, stop blinking)."""
    return QuizApp(catalog=catalog, store=store, options=options, clock=clock, **kwargs)


def run_app(options: SessionOptions, db_path: Path | None) -> None:
    """Open the quiz in this terminal. Raises StoreError for an unusable database, before any
    screen is drawn, so the CLI can print it like any other error."""
    from quizzer.core.catalog import load_catalog

    store = Store.open(db_path)
    try:
        catalog = load_catalog()
        app = create_app(replace(options), catalog=catalog, store=store, keymap=load_keymap())
        try:
            app.run()
        finally:
            app.checker.close()
    finally:
        store.close()
