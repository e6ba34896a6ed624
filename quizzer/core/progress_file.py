"""Progress export and import: one JSON document with the cards, the review log and sessions.

Import merges into the open database in one transaction: reviews already present (same
question and time) are not duplicated, and a card is replaced only by one reviewed more
recently, so importing the same file twice, or a file exported from this database, changes
nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quizzer.core.scheduler import CardState, Phase, Rating, parse_utc
from quizzer.core.store import Store, timestamp
from quizzer.errors import StoreError

FORMAT = "quizzer-progress"
VERSION = 1
VERDICTS = ("correct", "incorrect", "undecided")


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import added: new reviews, cards created or updated, sessions."""

    reviews: int
    cards: int
    sessions: int


def export_progress(store: Store, now: datetime) -> dict[str, Any]:
    """The whole progress database as a JSON-ready document."""
    types = store.card_types()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timestamp(now),
        "migrations": store.migrations(),
        "sessions": [
            {
                "id": s.id,
                "started_at": timestamp(s.started_at),
                "finished_at": timestamp(s.finished_at) if s.finished_at else None,
                "options": json.loads(s.options_json or "{}"),
                "plan": list(s.plan),
            }
            for s in store.sessions()
        ],
        "cards": {
            qid: {"question_type": types.get(qid, ""), **card.to_json()}
            for qid, card in sorted(store.cards().items())
        },
        "reviews": [
            {
                "session": r.session_id,
                "question_id": r.question_id,
                "question_type": r.question_type,
                "reviewed_at": timestamp(r.reviewed_at),
                "answer": r.answer,
                "verdict": r.verdict,
                "rating": int(r.rating),
                "duration_s": r.duration_s,
                "phase_before": None if r.phase_before is None else int(r.phase_before),
            }
            for r in store.reviews()
        ],
    }


def import_progress(store: Store, document: Any, source: str = "import") -> ImportCounts:
    """Merge an exported document into `store`; StoreError names the first malformed item."""
    sessions, cards, reviews = _validate(document, source)
    with store.transaction() as conn:
        session_ids: dict[int, int] = {}
        added_sessions = 0
        for old_id, started, finished, options, plan in sessions:
            row = conn.execute(
                "SELECT id FROM sessions WHERE started_at = ? AND options_json = ?",
                (started, options),
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO sessions (started_at, finished_at, options_json, plan_json) "
                    "VALUES (?, ?, ?, ?)",
                    (started, finished, options, plan),
                )
                row = (cursor.lastrowid,)
                added_sessions += 1
            session_ids[old_id] = int(row[0])
        added_reviews = 0
        for review in reviews:
            exists = conn.execute(
                "SELECT 1 FROM reviews WHERE question_id = ? AND reviewed_at = ?",
                (review[1], review[3]),
            ).fetchone()
            if exists:
                continue
            session = session_ids.get(review[0]) if review[0] is not None else None
            conn.execute(
                "INSERT INTO reviews (session_id, question_id, question_type, reviewed_at, "
                "answer, verdict, rating, duration_s, phase_before) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session, *review[1:]),
            )
            added_reviews += 1
        updated_cards = 0
        for qid, (qtype, card) in cards.items():
            row = conn.execute(
                "SELECT last_review FROM cards WHERE question_id = ?", (qid,)
            ).fetchone()
            if row is not None:
                mine = parse_utc(row[0]) if row[0] else None
                if card.last_review is None or (mine is not None and mine >= card.last_review):
                    continue  # ours is as recent or more
            store.put_card(conn, qid, qtype, card)
            updated_cards += 1
    return ImportCounts(reviews=added_reviews, cards=updated_cards, sessions=added_sessions)


Row = tuple[Any, ...]


def _validate(
    document: Any, source: str
) -> tuple[list[Row], dict[str, tuple[str, CardState]], list[Row]]:
    """Check the whole document before writing anything; return rows ready to insert."""

    def fail(where: str, message: str) -> StoreError:
        return StoreError(f"{source}: {where}: {message}")

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise fail("top level", f"not a quizzer progress export (expected format {FORMAT!r})")
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise fail(
            "version",
            f"version {version!r} is not supported (this quizzer reads "
            f"1-{VERSION}; a newer quizzer wrote it?)",
        )
    sessions: list[Row] = []
    for i, item in enumerate(_list(document, "sessions", fail)):
        where = f"sessions[{i}]"
        try:
            sessions.append(
                (
                    int(item["id"]),
                    timestamp(parse_utc(item["started_at"])),
                    timestamp(parse_utc(item["finished_at"])) if item.get("finished_at") else None,
                    json.dumps(item.get("options") or {}, ensure_ascii=False, sort_keys=True),
                    json.dumps([str(q) for q in item.get("plan") or []]),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise fail(where, f"malformed session ({_reason(exc)})") from None
    cards: dict[str, tuple[str, CardState]] = {}
    raw_cards = document.get("cards", {})
    if not isinstance(raw_cards, dict):
        raise fail("cards", "expected a mapping of question id to card")
    for qid, item in raw_cards.items():
        try:
            cards[str(qid)] = (str(item.get("question_type", "")), CardState.from_json(item))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise fail(f"cards[{qid!r}]", f"malformed card ({_reason(exc)})") from None
    reviews: list[Row] = []
    for i, item in enumerate(_list(document, "reviews", fail)):
        try:
            verdict = str(item["verdict"])
            if verdict not in VERDICTS:
                raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
            phase = item.get("phase_before")
            session = item.get("session")
            reviews.append(
                (
                    None if session is None else int(session),
                    str(item["question_id"]),
                    str(item.get("question_type", "")),
                    timestamp(parse_utc(item["reviewed_at"])),
                    str(item["answer"]),
                    verdict,
                    int(Rating(int(item["rating"]))),
                    float(item["duration_s"]),
                    None if phase is None else int(Phase(int(phase))),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise fail(f"reviews[{i}]", f"malformed review ({_reason(exc)})") from None
    return sessions, cards, reviews


def _list(document: dict[str, Any], key: str, fail: Any) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise fail(key, "expected a list")
    return value


def _reason(exc: Exception) -> str:
    return f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
