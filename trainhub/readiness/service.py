"""Readiness of hires against the current catalog."""

from __future__ import annotations

from ..auth.models import User
from ..catalog import Catalog
from ..catalog.tracks import Track
from ..db import DbSession
from .gather import RawFacts, facts_for
from .results import Readiness
from .rules import Items, evaluate

# Readiness is a pure function of the catalog and a hire's rows, so a result can be reused
# while both are unchanged: the key holds the catalog's fingerprint and every row. A cache
# miss only costs the evaluation; nothing here can go stale. Bounded by clearing when full.
_MEMO: dict[tuple[str, str, str, RawFacts], Readiness] = {}
MEMO_SIZE = 20_000


def evaluate_raw(catalog: Catalog, track: Track, items: Items, raw: RawFacts) -> Readiness:
    """``evaluate`` for rows as ``gather_raw`` read them, reusing an earlier equal result."""
    key = (catalog.fingerprint, track.role, track.content_hash, raw)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        found = _MEMO[key] = evaluate(track, items, raw.facts())
    return found


def items_of(catalog: Catalog) -> Items:
    return Items(courses=catalog.courses, quizzes=catalog.quizzes, roleplays=catalog.roleplays)


def readiness_of(
    session: DbSession, catalog: Catalog, hire: User
) -> tuple[Track, Readiness] | None:
    track = catalog.track_of(hire)
    if track is None:
        return None
    return track, evaluate(track, items_of(catalog), facts_for(session, hire))
