"""`quizzer quiz --plain`: the whole session line by line on stdin/stdout.

For pipes, ssh without a full terminal and screen readers, and how tests drive a session from a
script. It calls the same core as the TUI: `Session` plans and records, `grade` checks,
`propose_rating` proposes. Every answer is committed before the next question is shown.
"""

from __future__ import annotations

import contextlib
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from quizzer.commands.quiz_plain_text import RATING_NAMES, TEXT
from quizzer.core.catalog import Catalog
from quizzer.core.grading import GradingEnv, grade, render_prompt
from quizzer.core.model import Outcome, Question, Verdict
from quizzer.core.scheduler import Rating, interval_text, propose_rating
from quizzer.core.session import Session, SessionOptions, SessionSummary
from quizzer.core.store import Store
from quizzer.core.text import LocalizedText
from quizzer.errors import AnswerError, QuizzerError

YES = frozenset({"", "y", "yes", "是", "继续"})
NO = frozenset({"n", "no", "否", "不"})
MULTILINE_TYPES = frozenset({"code", "derivation"})
RATING_KEYS = {
    "a": Rating.AGAIN,
    "h": Rating.HARD,
    "g": Rating.GOOD,
    "e": Rating.EASY,
    "1": Rating.AGAIN,
    "2": Rating.HARD,
    "3": Rating.GOOD,
    "4": Rating.EASY,
}


class QuitSession(Exception):
    """The learner typed :quit or input ended: stop, leaving the session to continue later."""


@dataclass
class PlainIO:
    """Where the plain front end reads and writes (stdin/stdout unless a test swaps them)."""

    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)

    def write(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str | None:
        """One line of input without its newline; None at end of input.

        When input is not a terminal (a script, a pipe) the line read is echoed after the
        prompt, so the transcript reads like the session a person would have seen.
        """
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if line == "":
            self.stdout.write("\n")
            return None
        answer = line.rstrip("\r\n")
        if not _isatty(self.stdin):
            self.stdout.write(answer + "\n")
        return answer


@dataclass
class PlainQuiz:
    """One run of the plain front end."""

    catalog: Catalog
    store: Store
    options: SessionOptions
    clock: Callable[[], datetime]
    io: PlainIO = field(default_factory=PlainIO)
    device: str = "auto"
    timer: Callable[[], float] = time.monotonic
    services: dict[str, Any] = field(default_factory=dict)

    def say(self, key: str, **values: Any) -> str:
        return TEXT[key].get(self.options.lang).format(**values)

    def run(self) -> SessionSummary | None:
        """Run a session (continuing an unfinished one if the learner agrees)."""
        session = self._open_session()
        if session is None:
            return None
        for notice in session.notices:
            self.io.write(notice.get(self.options.lang))
        if session.next_question() is None:
            self.io.write(self.say("nothing"))
            self._write_next_due(session.next_due())
            session.finish()
            return None
        if session.answered_count:
            self.io.write(self.say("continuing", left=session.remaining()))
        else:
            due = sum(1 for q in session.plan if self.store.card(q.id) is not None)
            self.io.write(self.say("plan", due=due, new=len(session.plan) - due))
        self._warm_up(session.plan)
        try:
            while (question := session.next_question()) is not None:
                self._ask(session, question)
        except QuitSession:
            self.io.write()
            self.io.write(self.say("saved"))
            summary = session.summary()
            self._write_summary(summary)
            return summary
        finally:
            self._close_services()
        session.finish()
        summary = session.summary()
        self._write_summary(summary)
        return summary

    def _open_session(self) -> Session | None:
        unfinished = self.store.unfinished_session()
        if unfinished is not None:
            left = len(unfinished.plan) - len(
                set(self.store.session_question_ids(unfinished.id)) & set(unfinished.plan)
            )
            question = self.say(
                "continue", when=_when(unfinished.started_at), left=left, done=unfinished.answered
            )
            while True:
                reply = self.io.ask(question)
                choice = None if reply is None else reply.strip().lower()
                if choice is None or choice == ":quit":
                    return None
                if choice in YES or choice in NO:
                    break
            if choice in YES:
                stored = SessionOptions.from_json(unfinished.options_json)
                stored.lang = self.options.lang
                self.options = stored
                return Session(
                    self.catalog, self.store, stored, self.clock, session_id=unfinished.id
                )
            self.store.finish_session(unfinished.id, self.clock())
        return Session(self.catalog, self.store, self.options, self.clock)

    def _ask(self, session: Session, question: Question) -> None:
        lang = self.options.lang
        env = self._env(question)
        number = session.answered_count + 1
        self.io.write()
        self.io.write(
            f"[{number}/{len(session.plan)}] {question.id} · {question.type} · "
            f"{question.topic} · difficulty {question.difficulty}"
        )
        self.io.write(render_prompt(question, env).rstrip())
        order = self._show_choices(session, question)
        if question.type == "recall":
            self.io.write(self.say("recall"))
        started = self.timer()
        hints = list(question.hints)
        while True:
            answer = self._read_answer(question)
            command = answer.strip().lower()
            if command == ":quit":
                raise QuitSession
            if command == ":skip":
                session.skip(question)
                self.io.write(self.say("skipped"))
                return
            if command == ":help":
                self.io.write(self.say("help"))
                continue
            if command == ":hint":
                self.io.write(
                    self.say("hint", text=hints.pop(0).get(lang)) if hints else self.say("no_hint")
                )
                continue
            try:
                verdict = grade(question, _translate_choice_numbers(question, answer, order), env)
            except AnswerError as exc:
                self.io.write(self.say("not_understood", message=exc.message))
                continue
            except QuizzerError as exc:
                self.io.write(self.say("check_failed", message=exc.message))
                continue
            except Exception as exc:
                # A checker bug must not end the session: what is answered is saved already,
                # and the learner can retry or skip this question.
                self.io.write(self.say("check_failed", message=f"{type(exc).__name__}: {exc}"))
                continue
            break
        elapsed = self.timer() - started
        proposed = propose_rating(verdict, elapsed, question)
        if proposed is not None:
            # Commit now with the proposed rating: killing the process at the rating prompt
            # must not lose the answer. An override amends it.
            card = session.record(question, answer, verdict, proposed, elapsed)
        self._show_verdict(question, verdict)
        rating = self._ask_rating(proposed)
        if proposed is None:
            card = session.record(question, answer, verdict, rating, elapsed)
        elif rating is not proposed:
            card = session.rerate(question, rating)
        self.io.write(self.say("scheduled", delta=interval_text(card.due - self.clock())))

    def _env(self, question: Question) -> GradingEnv:
        return GradingEnv(
            lang=self.options.lang,
            catalog=self.catalog,
            device=self.device,
            trusted_code=self.catalog.bank(question.bank_id).trusted,
            services=self.services,
        )

    def _show_choices(self, session: Session, question: Question) -> list[str]:
        """Print the options (shuffled unless the bank says not to); return ids in shown order."""
        if question.type not in ("choice", "multi"):
            return []
        choices = list(question.answer["choices"])
        if question.answer.get("shuffle", True):
            # Seeded by session and question: a continued session shows the same order.
            random.Random(f"{session.session_id}:{question.id}").shuffle(choices)
        for number, choice in enumerate(choices, 1):
            text = LocalizedText.parse(choice["text"]).get(self.options.lang)
            self.io.write(f"  {number}. ({choice['id']}) {text}")
        return [str(c["id"]) for c in choices]

    def _read_answer(self, question: Question) -> str:
        if question.type not in MULTILINE_TYPES:
            line = self.io.ask(self.say("answer"))
            if line is None:
                raise QuitSession
            return line
        self.io.write(self.say("multiline"))
        lines: list[str] = []
        while True:
            line = self.io.ask("... " if lines else self.say("answer"))
            if line is None:
                if not lines:
                    raise QuitSession
                break
            if line.strip() == "." or (not lines and line.strip().startswith(":")):
                if line.strip() != ".":
                    return line
                break
            lines.append(line)
        return "\n".join(lines)

    def _show_verdict(self, question: Question, verdict: Verdict) -> None:
        lang = self.options.lang
        self_rated = bool(verdict.details.get("self_rated"))
        if verdict.interpreted and not self_rated:
            self.io.write(self.say("interpreted", text=verdict.interpreted))
        if not self_rated:
            self.io.write(self.say(verdict.outcome.value))
        if not self_rated:  # a self-rated verdict's only feedback is "compare with the key points"
            for item in verdict.feedback:
                self.io.write(f"  {item.get(lang)}")
        if self_rated and verdict.expected:
            self.io.write(self.say("self_rated"))
            self.io.write(verdict.expected)
        elif verdict.expected is not None and verdict.outcome is not Outcome.CORRECT:
            self.io.write(self.say("expected", text=verdict.expected))
        explanation = question.explanation.get(lang).strip()
        if explanation:
            self.io.write(self.say("explanation"))
            self.io.write(explanation)
        if question.source:
            self.io.write(self.say("source", text=question.source))

    def _ask_rating(self, proposed: Rating | None) -> Rating:
        lang = self.options.lang
        default = (
            self.say("rate_default", name=RATING_NAMES[proposed].get(lang))
            if proposed is not None
            else ""
        )
        while True:
            reply = self.io.ask(self.say("rate", default=default))
            if reply is None:
                if proposed is None:
                    raise QuitSession
                return proposed
            key = reply.strip().lower()
            if not key and proposed is not None:
                return proposed
            if key[:1] in RATING_KEYS:
                return RATING_KEYS[key[:1]]
            self.io.write(self.say("rate_again"))

    def _write_summary(self, summary: SessionSummary) -> None:
        self.io.write()
        self.io.write(self.say("summary"))
        self.io.write(
            self.say(
                "answered",
                n=summary.answered,
                correct=summary.correct,
                incorrect=summary.incorrect,
                undecided=summary.undecided,
                skipped=summary.skipped,
            )
        )
        self.io.write(self.say("score", score=summary.score, time=_duration(summary.duration_s)))
        for topic, score in summary.per_topic.items():
            self.io.write(
                self.say("topic", topic=topic, correct=score.correct, answered=score.answered)
            )
        if summary.weakest_topics:
            self.io.write(self.say("weakest", topics=", ".join(summary.weakest_topics)))
        self._write_next_due(summary.next_due)

    def _write_next_due(self, due: datetime | None) -> None:
        if due is not None:
            self.io.write(
                self.say("next_due", when=_when(due), delta=interval_text(due - self.clock()))
            )

    def _warm_up(self, plan: list[Question]) -> None:
        """Start the torch / SymPy workers early when the plan needs them (if available)."""
        types = {q.type for q in plan}
        hooks = []
        if types & {"code", "params", "numeric"}:
            hooks.append(("quizzer.core.torchcheck", "warm_torch_worker"))
        if types & {"expression", "derivation"}:
            hooks.append(("quizzer.core.expr", "warm_sympy_worker"))
        for module_name, name in hooks:
            try:
                import importlib

                getattr(importlib.import_module(module_name), name)(self.services)
            except Exception:
                continue  # warming is an optimisation: grading starts the worker when needed

    def _close_services(self) -> None:
        for service in list(self.services.values()):
            close = getattr(service, "close", None)
            if callable(close):
                with contextlib.suppress(Exception):  # shutting down: nothing useful to report
                    close()


def _translate_choice_numbers(question: Question, answer: str, order: list[str]) -> str:
    """Map option numbers as shown (after shuffling) to choice ids; other text passes through."""
    if not order:
        return answer
    tokens = [t for t in re.split(r"[\s,;，、]+", answer.strip()) if t]
    if not tokens or not all(t.isdigit() for t in tokens):
        return answer  # ids or option text: the checker resolves them itself
    ids: list[str] = []
    for token in tokens:
        if 1 <= int(token) <= len(order):
            ids.append(order[int(token) - 1])
        elif question.type == "multi" and all(1 <= int(d) <= len(order) for d in token):
            ids.extend(order[int(d) - 1] for d in token)  # "13" means options 1 and 3
        else:
            ids.append(token)  # out of range: let the checker say so
    return ", ".join(ids)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
