"""Readiness of hires against the current catalog."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..auth.models import User
from ..catalog import Catalog
from ..catalog.tracks import Track
from .facts import RawFacts, facts_for
from .rules import Items, Readiness, evaluate

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


def track_of(catalog: Catalog, hire: User) -> Track | None:
    return catalog.tracks.get(hire.track or "")


def readiness_of(session: Session, catalog: Catalog, hire: User) -> tuple[Track, Readiness] | None:
    track = track_of(catalog, hire)
    if track is None:
        return None
    return track, evaluate(track, items_of(catalog), facts_for(session, hire))


def hires_of(user: User) -> sa.ColumnElement[bool]:
    """Which users are the active hires a person looks after: a mentor's, a manager's, or
    everyone's for an admin. The one place that scopes every team list, CSV and API answer."""
    base = sa.and_(User.role == "hire", User.is_active.is_(True))
    if user.role == "mentor":
        return sa.and_(base, User.mentor_id == user.id)
    if user.role == "manager":
        return sa.and_(base, User.manager_id == user.id)
    if user.role == "admin":
        return base
    return sa.false()


def hires_of_query(user: User) -> sa.Select[tuple[User]]:
    return sa.select(User).where(hires_of(user)).order_by(User.name)


def hire_ids_of(user: User) -> sa.Select[tuple[int]]:
    """The same hires as a subquery, for ``gather_facts``: one statement whatever their number."""
    return sa.select(User.id).where(hires_of(user))


def people_of(session: Session, user: User) -> list[User]:
    return list(session.scalars(hires_of_query(user)))
