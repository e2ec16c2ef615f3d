"""Accounts: creating people, checking passwords, throttling failed sign-ins.

Functions take the session and the time explicitly and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.service import record_event
from ..db import DbSession, insert_ignore, rowcount
from ..messages import N_
from ..refresh import refresh
from .models import ROLES, LoginFailure, LoginThrottle, Role, User
from .policy import ENGLISH, MIN_PASSWORD_LENGTH, password_problem

__all__ = ["MIN_PASSWORD_LENGTH"]

# Hashing a dummy password for unknown e-mails keeps the response time the same as for a
# wrong password, so the login form does not reveal which addresses have accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
# The hash of an invited person who has not chosen a password yet: no "$", so it matches no
# password at all (werkzeug refuses a hash without a method).
NO_PASSWORD = "!invited"


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


def check_new_password(password: str, email: str | None = None) -> None:
    """Raise AccountError (in English, for the CLI) when the password may not be chosen."""
    problem = password_problem(password, email)
    if problem is not None:
        raise AccountError(ENGLISH[problem], "password")


def authenticate(session: DbSession, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same answer for every miss)."""
    user = find_by_email(session, email)
    if user is None or not user.has_password:
        # An invited person without a password takes as long as anyone to be refused.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` failures per key within ``window`` seconds (for an address:
    failures of at most ``attempts`` distinct accounts)."""

    attempts: int
    window: int


@dataclass(frozen=True)
class Throttle:
    """Failed sign-ins are counted per account and address, per address (the distinct
    accounts that failed from it), and per account across every address (so guesses spread
    over many addresses do not multiply).

    The address counts accounts, not failures: one person's typos are one account, so they
    never lock out the colleagues who share the office's address; an address trying a
    password on many accounts (password spraying) is stopped.
    """

    account: str
    address: str

    @classmethod
    def of(cls, email: str, remote_addr: str | None) -> Throttle:
        return cls(normalize_email(email)[:254], (remote_addr or "-")[:64])

    @property
    def account_key(self) -> str:
        return f"{self.account}|{self.address}"

    @property
    def address_key(self) -> str:
        return f"address|{self.address}"

    @property
    def everywhere_key(self) -> str:
        return f"account|{self.account}"

    def limits(self, per_account: Limit, everywhere: Limit, address: Limit) -> dict[str, Limit]:
        return {
            self.account_key: per_account,
            self.address_key: address,
            self.everywhere_key: everywhere,
        }


# The address's limit when no setting says otherwise: distinct accounts failing from one
# address in RATELIMIT_LOGIN_WINDOW. Far above one person's limit, so an office behind one
# NAT is never stopped by its own typos; far below the accounts a sprayer wants to try.
ADDRESS_ACCOUNTS = 50


def configured_limits(throttle: Throttle, config: Mapping[str, Any]) -> dict[str, Limit]:
    """The three limits of an attempt, from the settings (``TRAINHUB_RATELIMIT_*``)."""
    window = int(config["RATELIMIT_LOGIN_WINDOW"])
    return throttle.limits(
        Limit(int(config["RATELIMIT_LOGIN_ATTEMPTS"]), window),
        Limit(int(config["RATELIMIT_ACCOUNT_ATTEMPTS"]), int(config["RATELIMIT_ACCOUNT_WINDOW"])),
        Limit(int(config.get("RATELIMIT_ADDRESS_ACCOUNTS") or ADDRESS_ACCOUNTS), window),
    )


def _is_refused(
    session: DbSession, throttle: Throttle, key: str, limit: Limit, now: datetime
) -> bool:
    since = now - timedelta(seconds=limit.window)
    recent = sa.and_(LoginFailure.key == key, LoginFailure.created_at >= since)
    if key != throttle.address_key:
        failures = session.scalar(
            sa.select(sa.func.count()).select_from(LoginFailure).where(recent)
        )
        return (failures or 0) >= limit.attempts
    # The address: a new account is refused once enough distinct accounts failed from it;
    # an account already among them is judged by its own limit.
    accounts = session.scalar(
        sa.select(sa.func.count(sa.distinct(LoginFailure.account))).where(recent)
    )
    if (accounts or 0) < limit.attempts:
        return False
    known = session.scalar(
        sa.select(LoginFailure.id).where(recent, LoginFailure.account == throttle.account).limit(1)
    )
    return known is None


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
        if _is_refused(session, throttle, key, limits[key], now):
            return None
    rows = [
        LoginFailure(key=key, created_at=now, account=throttle.account, address=throttle.address)
        for key in keys
    ]
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
    """A failed attempt keeps its reserved failures. A success takes them back and clears
    the account's count from this address, and the account from the address's count: the
    person proved they hold it, so their typos no longer weigh on the office. The address's
    other accounts stay counted (a success on one account must not reset a spraying
    address), and so do the account's failures from elsewhere."""
    if not succeeded:
        return
    session.execute(sa.delete(LoginFailure).where(LoginFailure.id.in_(reserved)))
    session.execute(
        sa.delete(LoginFailure).where(
            sa.or_(
                LoginFailure.key == throttle.account_key,
                sa.and_(
                    LoginFailure.key == throttle.address_key,
                    LoginFailure.account == throttle.account,
                ),
            )
        )
    )


def unlock_account(session: DbSession, email: str) -> int:
    """Forget every failed sign-in of this account, from every address (its rows in the
    addresses' counts too); returns how many rows went."""
    account = normalize_email(email)
    result = session.execute(
        sa.delete(LoginFailure).where(
            sa.or_(
                LoginFailure.account == account,
                LoginFailure.key == f"account|{account}",
                # Rows written before the account column existed carry it only in the key.
                sa.and_(
                    LoginFailure.account.is_(None),
                    LoginFailure.key.startswith(f"{account}|", autoescape=True),
                ),
            )
        )
    )
    return rowcount(result)


def clear_address(session: DbSession, address: str) -> int:
    """Forget every failed sign-in from this client address (of every account), so the
    address and the accounts tried from it start afresh; returns how many rows went."""
    address = address.strip()
    result = session.execute(
        sa.delete(LoginFailure).where(
            sa.or_(
                LoginFailure.address == address,
                LoginFailure.key == f"address|{address}",
                sa.and_(
                    LoginFailure.address.is_(None),
                    LoginFailure.key.endswith(f"|{address}", autoescape=True),
                ),
            )
        )
    )
    return rowcount(result)


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
        raise AccountError(
            N_(
                "unknown role '%(role)s' (one of: %(roles)s)",
                role=data.role,
                roles=", ".join(ROLES),
            ),
            "role",
        )
    if data.role == Role.HIRE and not data.track:
        raise AccountError(N_("A new hire needs a track: choose one."), "track")
    if (
        data.role == Role.HIRE
        and data.started_on is None
        and (current is None or not current.is_hire)
    ):
        # Due dates count from the start; existing hires without one stay "not scheduled".
        raise AccountError(N_("A new hire needs a start date."), "started_on")
    if data.track and data.track not in known_tracks:
        raise AccountError(N_("no track named '%(track)s'", track=data.track), "track")
    for field, person_id, wanted in (
        ("mentor_id", data.mentor_id, {"mentor"}),
        ("manager_id", data.manager_id, {"manager"}),
    ):
        if person_id is None or (current is not None and getattr(current, field) == person_id):
            continue  # unchanged links stay valid even if that person's role changed since
        if person_id == user_id:
            raise AccountError(N_("A person cannot be their own mentor or manager."), field)
        other = session.get(User, person_id)
        if other is None or other.role not in wanted:
            # Two messages, not one with the role's code in it, so each reads naturally.
            raise AccountError(
                N_("that person cannot be a mentor")
                if field == "mentor_id"
                else N_("that person cannot be a manager"),
                field,
            )
    clash = find_by_email(session, data.email)
    if clash is not None and clash.id != user_id:
        raise AccountError(N_("An account with this e-mail already exists."), "email")


def create_user(
    session: DbSession,
    data: PersonData,
    password: str | None,
    *,
    known_tracks: set[str],
    actor: User | None,
    now: datetime,
    is_demo: bool = False,
) -> User:
    """A new account. Without a password (None) the person is invited: they choose one
    through a link (``auth.links``) and cannot sign in before."""
    if password is not None:
        check_new_password(password, data.email)
    _check(session, data, known_tracks, None)
    user = User(
        email=normalize_email(data.email),
        name=data.name.strip(),
        password_hash=hash_password(password) if password is not None else NO_PASSWORD,
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
        data={"role": user.role, "password": "set" if password is not None else "invited"},
    )
    refresh(session, [user.id], now)
    return user


def set_password(
    session: DbSession,
    user: User,
    password_hash: str,
    *,
    actor: User | None,
    action: str,
    now: datetime,
) -> None:
    """A new password (hashed by the caller, outside any write transaction): every session
    and API token of the person ends, and the change is audited (``action`` says how:
    changed, reset, invitation accepted)."""
    user.password_hash = password_hash
    end_all_sessions(user)
    user.credentials_version += 1
    record_event(
        session,
        actor=actor,
        action=action,
        now=now,
        subject=user,
        object_type="user",
        object_id=user.id,
        data={},
    )


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
        check_new_password(password, data.email)
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
