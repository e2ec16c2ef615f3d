"""Whose records a person looks after: the one rule that scopes every list of hires.

Team dashboards, CSV, the API, the review queue and the essay-grading queue all ask these
queries, so "a mentor sees their hires, a manager theirs, an admin everyone" is written once.
Which roles exist and what they may do is ``permissions.py``'s to say; this module turns that
into SQL.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..db import DbSession
from ..permissions import Person, can_review, is_admin, is_manager, is_mentor
from .models import Role, User


def hires_of(user: Person) -> sa.ColumnElement[bool]:
    """Which users are the active hires a person looks after: a mentor's, a manager's, or
    everyone's for an admin; nobody's for anyone else."""
    base = sa.and_(User.role == Role.HIRE.value, User.is_active.is_(True))
    if is_admin(user):
        return base
    if is_mentor(user):
        return sa.and_(base, User.mentor_id == user.id)
    if is_manager(user):
        return sa.and_(base, User.manager_id == user.id)
    return sa.false()


def hires_of_query(user: Person) -> sa.Select[User]:
    return sa.select(User).where(hires_of(user)).order_by(User.name)


def hire_ids_of(user: Person) -> sa.Select[int]:
    """The same hires as a subquery, for ``gather_facts``: one statement whatever their number."""
    return sa.select(User.id).where(hires_of(user))


def people_of(session: DbSession, user: Person) -> list[User]:
    return list(session.scalars(hires_of_query(user)))


def reviewees_of(user: Person) -> sa.Select[int]:
    """Whose work reaches this person's review queues (role-play answers, quiz essays): the
    hires they look after, if they review at all. A manager looks after hires but does not
    score their work, so their queue is empty."""
    if not can_review(user):
        return sa.select(User.id).where(sa.false())
    return hire_ids_of(user)


def reviewees_query(user: Person) -> sa.Select[User]:
    """The people behind ``reviewees_of``, by name."""
    return sa.select(User).where(User.id.in_(reviewees_of(user))).order_by(User.name)
