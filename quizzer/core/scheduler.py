"""FSRS scheduling: a pure function of (card state, rating, now).

One card per question. The `fsrs` package (6.x, pinned in pyproject.toml because its Card and
Scheduler API changed between 5 and 6) does the maths; this module keeps our own frozen,
serialisable `CardState` so the store and the front ends never depend on fsrs types.

Every datetime is timezone-aware UTC; naive or non-UTC datetimes are refused, because a card
due "at 09:00" in an unknown zone is a bug that only shows up for learners far from UTC.
Interval fuzzing is off: fsrs draws the fuzz from the global `random`, which would make
`schedule` impure and the tests flaky.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from quizzer.core.model import Outcome, Question, Verdict

if TYPE_CHECKING:
    import fsrs

# A card counts as mastered once FSRS expects it to be recalled for three weeks (the
# "mature" threshold of Anki, where FSRS also reports retention).
MASTERED_STABILITY_DAYS = 21.0

# Seconds a prepared learner needs for a difficulty-2 question of each type; a correct answer in
# under half of it proposes Easy, over twice of it proposes Hard. Rough figures from timing the
# built-in banks by hand; they only propose a rating the learner can override with one key.
EXPECTED_SECONDS = {
    "choice": 20.0,
    "multi": 30.0,
    "numeric": 60.0,
    "params": 90.0,
    "expression": 90.0,
    "derivation": 300.0,
    "code": 600.0,
    "recall": 120.0,
}


class Rating(IntEnum):
    """The learner's grade of one review, as FSRS understands it."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class Phase(IntEnum):
    """FSRS learning phase; the values match `fsrs.State`."""

    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True, slots=True)
class CardState:
    """The scheduling state of one question, serialisable to JSON and SQLite.

    Attributes:
        due: when the question is next due (UTC).
        phase: the FSRS phase (learning, review, relearning).
        step: the learning or relearning step, None in the review phase.
        stability: days until recall probability falls to 90%; None before the first review.
        difficulty: FSRS difficulty, 1 (easy) to 10 (hard); None before the first review.
        last_review: when the question was last reviewed (UTC).
        reps: how many reviews so far.
        lapses: how many times a review-phase card was forgotten (rated Again).
    """

    due: datetime
    phase: Phase = Phase.LEARNING
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def mastered(self) -> bool:
        return (
            self.phase is Phase.REVIEW
            and self.stability is not None
            and self.stability >= MASTERED_STABILITY_DAYS
        )

    def is_due(self, now: datetime) -> bool:
        return self.due <= now

    def retrievability(self, now: datetime) -> float:
        """The predicted probability of recalling the answer at `now` (0 before any review)."""
        if self.last_review is None or not self.stability:
            return 0.0
        elapsed_days = max(0.0, (now - self.last_review).total_seconds() / 86400)
        decay = -_fsrs_scheduler().parameters[20]
        factor: float = 0.9 ** (1 / decay) - 1
        return float((1 + factor * elapsed_days / self.stability) ** decay)

    def to_json(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "phase": int(self.phase),
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardState:
        """Inverse of `to_json`; raises ValueError/KeyError/TypeError on malformed data."""
        last = data.get("last_review")
        stability = data.get("stability")
        difficulty = data.get("difficulty")
        step = data.get("step")
        return cls(
            due=parse_utc(str(data["due"])),
            phase=Phase(int(data["phase"])),
            step=None if step is None else int(step),
            stability=None if stability is None else float(stability),
            difficulty=None if difficulty is None else float(difficulty),
            last_review=parse_utc(str(last)) if last else None,
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
        )


def utc_now() -> datetime:
    """The real clock (UTC). Everything else takes `now` as an argument."""
    return datetime.now(UTC)


def require_utc(moment: datetime, what: str = "time") -> datetime:
    """Return `moment` unchanged if it is timezone-aware UTC, else raise ValueError."""
    if moment.tzinfo is None or moment.utcoffset() != timedelta(0):
        raise ValueError(f"{what} must be a timezone-aware UTC datetime, got {moment!r}")
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def parse_utc(text: str) -> datetime:
    """Parse an ISO-8601 timestamp; a trailing Z or +00:00 is required (no naive times)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return require_utc(moment, f"timestamp {text!r}")


def new_card(now: datetime) -> CardState:
    """The state of a question never reviewed: due now, in the first learning step."""
    return CardState(due=require_utc(now, "now"))


def schedule(card: CardState | None, rating: Rating, now: datetime) -> CardState:
    """The card after a review rated `rating` at `now`; `None` means a new question.

    Pure: the result depends only on the arguments (no clock, no randomness).
    """
    import fsrs

    now = require_utc(now, "now")
    before = card or new_card(now)
    fsrs_card = fsrs.Card(
        card_id=1,  # fsrs only uses it to pair review logs; a constant keeps this pure
        state=fsrs.State(int(before.phase)),
        step=before.step,
        stability=before.stability,
        difficulty=before.difficulty,
        due=before.due,
        last_review=before.last_review,
    )
    after, _ = _fsrs_scheduler().review_card(fsrs_card, fsrs.Rating(int(rating)), now)
    lapsed = rating is Rating.AGAIN and before.phase is Phase.REVIEW
    return replace(
        before,
        due=require_utc(after.due, "due"),
        phase=Phase(int(after.state)),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        last_review=now,
        reps=before.reps + 1,
        lapses=before.lapses + (1 if lapsed else 0),
    )


def propose_rating(verdict: Verdict, elapsed_s: float, question: Question) -> Rating | None:
    """The rating proposed for a graded answer; the learner may override it with one key.

    Incorrect answers propose Again. Correct answers propose Easy when answered in under half
    the time expected for the question's type and difficulty, Hard when over twice that time,
    else Good. Undecided verdicts (a time cap hit, and every self-rated `recall` question)
    return None: the front end must ask the learner to rate themselves.
    """
    if verdict.outcome is Outcome.INCORRECT:
        return Rating.AGAIN
    if verdict.outcome is Outcome.UNDECIDED:
        return None
    expected = expected_seconds(question)
    if elapsed_s < expected / 2:
        return Rating.EASY
    if elapsed_s > expected * 2:
        return Rating.HARD
    return Rating.GOOD


def expected_seconds(question: Question) -> float:
    """Seconds a prepared learner needs: the type's figure, scaled by difficulty (1-5)."""
    base = EXPECTED_SECONDS.get(question.type, 60.0)
    # difficulty 1 -> 0.75x, 2 -> 1x, 5 -> 1.75x
    return base * (0.5 + 0.25 * max(1, min(5, question.difficulty)))


def interval_text(delta: timedelta) -> str:
    """A short human interval: 10m, 3h, 4d, 2mo, 1.5y."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, math.ceil(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 60:
        return f"{round(days)}d"
    if days < 365:
        return f"{round(days / 30)}mo"
    return f"{days / 365:.1f}y"


@functools.cache
def _fsrs_scheduler() -> fsrs.Scheduler:
    import fsrs

    return fsrs.Scheduler(enable_fuzzing=False)
