"""Plain builders for test data. They flush but never commit; tests decide."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from trainhub.auth.models import User

PASSWORD = "correct-horse-battery"
# Hashing once keeps a test that makes twenty people from spending seconds in scrypt.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")
_numbers = itertools.count(1)


def make_user(session: Session, role: str = "hire", **fields: Any) -> User:
    n = next(_numbers)
    defaults: dict[str, Any] = {
        "email": f"{role}{n}@example.test",
        "name": f"{role.title()} {n}",
        "role": role,
        "password_hash": PASSWORD_HASH,
    }
    if role == "hire":
        defaults.update(track="lead-generation", started_on=date(2026, 11, 1))
    user = User(**{**defaults, **fields})
    session.add(user)
    session.flush()
    return user


def make_team(session: Session, track: str = "lead-generation", hires: int = 1) -> dict[str, Any]:
    """A manager, a mentor and their hires; the usual cast of a permission test."""
    manager = make_user(session, "manager")
    mentor = make_user(session, "mentor")
    people = [
        make_user(session, "hire", track=track, mentor_id=mentor.id, manager_id=manager.id)
        for _ in range(hires)
    ]
    return {"manager": manager, "mentor": mentor, "hires": people, "hire": people[0]}
