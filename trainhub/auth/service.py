"""Accounts: creating people, checking passwords, throttling failed sign-ins.

Functions take the session and the time explicitly and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.service import record_event
from ..db import DbSession, insert_ignore
from ..refresh import refresh
from .models import ROLES, LoginFailure, LoginThrottle, Role, User

# Hashing a dummy password for unknown e-mails keeps the response time the same as for a
# wrong password, so the login form does not reveal which addresses have accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request to change accounts that cannot be carried out; the message says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def find_by_email(session: DbSession, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(session: DbSession, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same answer for every miss)."""
    user = find_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


# One address may fail this many times the per-account limit: enough for an office behind
# one NAT, too few to try a password across every account (password spraying).
ADDRESS_FACTOR = 2


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` failures per key within ``window`` seconds."""

    attempts: int
    window: int


@dataclass(frozen=True)
class Throttle:
    """Failed sign-ins are counted per account and address, per address, and per account
    across every address (so guesses spread over many addresses do not multiply)."""

    account_key: str
    address_key: str
    everywhere_key: str

    @classmethod
    def of(cls, email: str, remote_addr: str | None) -> Throttle:
        addr = remote_addr or "-"
        account = normalize_email(email)
        return cls(f"{account}|{addr}", f"address|{addr}", f"account|{account}")

    def limits(self, per_account: Limit, everywhere: Limit) -> dict[str, Limit]:
        address = Limit(per_account.attempts * ADDRESS_FACTOR, per_account.window)
        return {
            self.account_key: per_account,
            self.address_key: address,
            self.everywhere_key: everywhere,
        }


def reserve_login_attempt(
    session: DbSession, throttle: Throttle, limits: dict[str, Limit], now: datetime
) -> list[int] | None:
    """Count this attempt as a failure in advance, unless a key is at its limit (None).

    Runs in its own short write transaction, before the password is checked: the slow hash
    never holds a lock, and each key's row lock makes parallel attempts count one after
    another. ``settle_login_attempt`` takes the reservation back after a success.
    """
    keys = sorted(limits)  # one order for every attempt: no deadlock between two of them
    for key in keys:
        insert_ignore(session, LoginThrottle, {"key": key, "touched_at": now}, ["key"])
        session.execute(
            sa.update(LoginThrottle).where(LoginThrottle.key == key).values(touched_at=now)
        )
    for key in keys:
        since = now - timedelta(seconds=limits[key].window)
        failures = session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.key == key, LoginFailure.created_at >= since)
        )
        if (failures or 0) >= limits[key].attempts:
            return None
    rows = [LoginFailure(key=key, created_at=now) for key in keys]
    session.add_all(rows)
    session.flush()
    # Old failures are of no use; trimming here keeps the table small without a cron job.
    longest = max(limit.window for limit in limits.values())
    session.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.created_at < now - timedelta(seconds=longest * 2)
        )
    )
    return [row.id for row in rows]


def settle_login_attempt(
    session: DbSession, throttle: Throttle, reserved: list[int], *, succeeded: bool
) -> None:
    """A failed attempt keeps its reserved failures. A success takes them back and clears the
    account's count from this address (not the address's: a success on one account must not
    reset a spraying address)."""
    if not succeeded:
        return
    session.execute(sa.delete(LoginFailure).where(LoginFailure.id.in_(reserved)))
    session.execute(sa.delete(LoginFailure).where(LoginFailure.key == throttle.account_key))


def end_all_sessions(user: User) -> None:
    """Every session cookie of this person stops working (sign-out, role or password change)."""
    user.session_version += 1


@dataclass(frozen=True)
class PersonData:
    email: str
    name: str
    role: str
    track: str | None = None
    mentor_id: int | None = None
    manager_id: int | None = None
    started_on: date | None = None
    is_active: bool = True
    locale: str | None = None

    @classmethod
    def of(cls, user: User) -> PersonData:
        return cls(
            email=user.email,
            name=user.name,
            role=user.role,
            track=user.track,
            mentor_id=user.mentor_id,
            manager_id=user.manager_id,
            started_on=user.started_on,
            is_active=user.is_active,
            locale=user.locale,
        )


def _check(
    session: DbSession, data: PersonData, known_tracks: set[str], current: User | None
) -> None:
    user_id = current.id if current else None
    if data.role not in ROLES:
        raise AccountError(f"unknown role '{data.role}' (one of: {', '.join(ROLES)})", "role")
    if data.role == Role.HIRE and not data.track:
        raise AccountError("a hire needs a track", "track")
    if (
        data.role == Role.HIRE
        and data.started_on is None
        and (current is None or not current.is_hire)
    ):
        # Due dates count from the start; existing hires without one stay "not scheduled".
        raise AccountError("a hire needs a start date", "started_on")
    if data.track and data.track not in known_tracks:
        raise AccountError(f"no track named '{data.track}'", "track")
    for field, person_id, wanted in (
        ("mentor_id", data.mentor_id, {"mentor"}),
        ("manager_id", data.manager_id, {"manager"}),
    ):
        if person_id is None or (current is not None and getattr(current, field) == person_id):
            continue  # unchanged links stay valid even if that person's role changed since
        if person_id == user_id:
            raise AccountError("a person cannot be their own mentor or manager", field)
        other = session.get(User, person_id)
        if other is None or other.role not in wanted:
            raise AccountError(f"that person cannot be a {field.removesuffix('_id')}", field)
    clash = find_by_email(session, data.email)
    if clash is not None and clash.id != user_id:
        raise AccountError("an account with this e-mail already exists", "email")


def create_user(
    session: DbSession,
    data: PersonData,
    password: str,
    *,
    known_tracks: set[str],
    actor: User | None,
    now: datetime,
    is_demo: bool = False,
) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters", "password"
        )
    _check(session, data, known_tracks, None)
    user = User(
        email=normalize_email(data.email),
        name=data.name.strip(),
        password_hash=hash_password(password),
        role=data.role,
        track=data.track if data.role == Role.HIRE else None,
        mentor_id=data.mentor_id if data.role == Role.HIRE else None,
        manager_id=data.manager_id if data.role == Role.HIRE else None,
        started_on=data.started_on if data.role == Role.HIRE else None,
        is_active=data.is_active,
        is_demo=is_demo,
        locale=data.locale,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.created",
        now=now,
        subject=user,
        object_type="user",
        object_id=user.id,
        data={"role": user.role},
    )
    refresh(session, [user.id], now)
    return user


def update_user(
    session: DbSession,
    user: User,
    data: PersonData,
    *,
    known_tracks: set[str],
    actor: User | None,
    now: datetime,
    password: str | None = None,
) -> User:
    _check(session, data, known_tracks, user)
    changes: dict[str, object] = {}
    is_hire = data.role == Role.HIRE
    new_values = {
        "email": normalize_email(data.email),
        "name": data.name.strip(),
        "role": data.role,
        "track": data.track if is_hire else None,
        "mentor_id": data.mentor_id if is_hire else None,
        "manager_id": data.manager_id if is_hire else None,
        "started_on": data.started_on if is_hire else None,
        "is_active": data.is_active,
        "locale": data.locale,
    }
    for name, value in new_values.items():
        old = getattr(user, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value)]
            setattr(user, name, value)
    if password:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(
                f"the password needs at least {MIN_PASSWORD_LENGTH} characters", "password"
            )
        user.password_hash = hash_password(password)
        changes["password"] = ["***", "***"]
    if {"role", "is_active", "password", "email"} & changes.keys():
        # Existing sessions and API tokens were granted under the old role or password: end
        # them. Tokens do not come back when a deactivated account is reactivated.
        end_all_sessions(user)
        user.credentials_version += 1
    if changes:
        action = "user.role_changed" if "role" in changes else "user.updated"
        record_event(
            session,
            actor=actor,
            action=action,
            now=now,
            subject=user,
            object_type="user",
            object_id=user.id,
            data=changes,
        )
    refresh(session, [user.id], now)
    return user


def list_users(session: DbSession, role: str | None = None) -> list[User]:
    query = sa.select(User).order_by(User.role, User.name)
    if role:
        query = query.where(User.role == role)
    return list(session.scalars(query))


def people_for_choice(session: DbSession, roles: set[str]) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .where(User.role.in_(roles), User.is_active.is_(True))
            .order_by(User.name)
        )
    )
