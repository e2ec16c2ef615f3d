"""Loading the person a request is about, for views: 404 when there is no such hire.

The permission predicates judge people, so a view first finds the person (a hire by id, or
the hire a learner record belongs to) and then asks ``permissions`` about them. A missing
object and a missing owner are the same 404, so ids cannot be probed for existence.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from flask import abort

from ..extensions import db
from .models import User


class Owned(Protocol):
    """A learner record: it belongs to one hire."""

    @property
    def user_id(self) -> int: ...


T = TypeVar("T", bound=Owned)


def hire_or_404(user_id: int) -> User:
    """The hire with this id, or 404 for a missing account or one that is not a hire."""
    hire = db.session.get(User, user_id)
    if hire is None or not hire.is_hire:
        abort(404)
    return hire


def load_with_owner(model: type[T], object_id: int) -> tuple[T, User]:
    """A learner record and the hire it belongs to, or 404: the owner is what permission
    predicates judge (``can_review_work_of(current_user, owner)``)."""
    found = db.session.get(model, object_id)
    owner = db.session.get(User, found.user_id) if found is not None else None
    if found is None or owner is None:
        abort(404)
    return found, owner
