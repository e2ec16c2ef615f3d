"""The cast of the adversarial suite and a database that can be put back between tests.

Two teams: team A (the hire, a second hire, their mentor and manager) and team B (another
hire with their own mentor and manager), and an admin. Every kind of object a route takes by
id exists twice: the hire's ("own") and team B's hire's ("other"). Ids are the same after
every ``reset`` (SQLite: the migrated template copied back; PostgreSQL: TRUNCATE ... RESTART
IDENTITY), so session cookies signed in once stay valid from one reset to the next.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from tests import factories
from tests.conftest import _CSRF_RE, _base_config, _truncate_postgres, share_catalog
from trainhub import create_app
from trainhub.calendar.tokens import create_feed_token
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.extensions import db
from trainhub.notifications.models import Notification
from trainhub.notifications.service import notify
from trainhub.quizzes.service import start_attempt
from trainhub.roleplays.models import Attachment
from trainhub.signoffs.models import SignOffRequest

# The signed-in people of the matrix, in the order of its columns (anonymous first).
ROLES = ("anon", "hire", "hire2", "mentor", "manager", "mentor_b", "manager_b", "admin")
OWNERS = ("own", "other")  # the hire's object, and team B's hire's
CASE = "gatekeeper-cold-call"
QUIZ = "prospecting-basics"
ITEM = "crm-hygiene"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    app: Flask
    backend: str
    db_path: Path | None
    template: Path | None
    people: dict[str, Any] = field(default_factory=dict)  # role -> (id, email)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # arg -> owner -> value
    cookies: dict[str, str] = field(default_factory=dict)  # role -> signed-in session cookie
    tokens: dict[str, str] = field(default_factory=dict)  # role -> CSRF token of that session
    dirty: bool = True  # whether anything was written since the last reset

    def watch_writes(self) -> None:
        with self.app.app_context():
            engine = db.engine

        def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            if statement.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}:
                self.dirty = True

        sa.event.listen(engine, "before_cursor_execute", seen)

    def reset_if_written(self) -> None:
        """A reset only when something was written (most GET routes write nothing)."""
        if self.dirty:
            self.reset()

    def reset(self) -> None:
        """Back to the seeded cast, whatever the last test did."""
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        if self.backend == "sqlite":
            assert self.db_path is not None and self.template is not None
            for suffix in ("-wal", "-shm"):
                Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.template, self.db_path)
        else:
            _truncate_postgres(self.app)
        self._seed()

    def _seed(self) -> None:
        now = utcnow()
        with self.app.app_context():
            s = db.session
            cat = catalog()
            a = factories.make_team(s, hires=2)
            b = factories.make_team(s)
            admin = factories.make_user(s, "admin")
            cast = {
                "hire": a["hires"][0], "hire2": a["hires"][1], "mentor": a["mentor"],
                "manager": a["manager"], "mentor_b": b["mentor"], "manager_b": b["manager"],
                "admin": admin,
            }  # fmt: skip
            self.people = {role: (u.id, u.email) for role, u in cast.items()}
            owners = {"own": cast["hire"], "other": b["hire"]}
            folder = Path(self.app.config["UPLOAD_FOLDER"])
            folder.mkdir(parents=True, exist_ok=True)
            objects: dict[str, dict[str, Any]] = {}
            for owner, hire in owners.items():
                sub = factories.make_submission(s, hire, cat.roleplays[CASE])
                stored = f"{owner}-attachment".ljust(32, "0")
                (folder / stored).write_bytes(PDF)
                attachment = Attachment(
                    submission_id=sub.id, original_name="plan.pdf", stored_name=stored,
                    content_type="application/pdf", size=len(PDF), sha256="0" * 64,
                )  # fmt: skip
                evidence = f"{owner}-evidence".ljust(32, "0")
                (folder / evidence).write_bytes(PDF)
                track = cat.tracks[hire.track]
                request = SignOffRequest(
                    user_id=hire.id, track=track.role, item_key=ITEM,
                    track_hash=track.content_hash, note="Checked with Olena.",
                    file_name="crm.pdf", stored_name=evidence, content_type="application/pdf",
                    size=len(PDF), sha256="0" * 64,
                )  # fmt: skip
                s.add_all([attachment, request])
                attempt = start_attempt(s, hire, cat.quizzes[QUIZ], now, random.Random(7))
                notify(
                    s, recipient=hire, kind="hire_ready", key=f"matrix:{owner}",
                    data={"hire": hire.name}, now=now, endpoint="team.hire",
                    endpoint_args={"user_id": hire.id},
                )  # fmt: skip
                s.flush()
                feed = create_feed_token(s, hire, actor=hire, now=now)
                objects.setdefault("user_id", {})[owner] = hire.id
                objects.setdefault("submission_id", {})[owner] = sub.id
                objects.setdefault("attachment_id", {})[owner] = attachment.id
                objects.setdefault("request_id", {})[owner] = request.id
                objects.setdefault("attempt_id", {})[owner] = attempt.id
                objects.setdefault("token", {})[owner] = feed
            for owner, hire in owners.items():
                objects.setdefault("notification_id", {})[owner] = s.scalar(
                    sa.select(Notification.id).where(Notification.recipient_id == hire.id)
                )
            s.commit()
            self.objects = objects
        self.dirty = False


def make_world(tmp: Path, database_url: str, template: Path | None, **config: Any) -> World:
    settings = {**_base_config(tmp, database_url), **config}
    app = create_app(settings)
    share_catalog(app)
    path = Path(database_url.removeprefix("sqlite:///")) if template else None
    world = World(app, "sqlite" if template else "postgresql", path, template)
    world.watch_writes()
    world.reset()
    return world


def sign_in_everyone(world: World) -> None:
    """A real sign-in per role, once: the cookies are reused after every reset."""
    for role, (_id, email) in world.people.items():
        client = world.app.test_client()
        page = client.get("/login").get_data(as_text=True)
        found = _CSRF_RE.search(page)
        assert found is not None
        response = client.post(
            "/login",
            data={"email": email, "password": factories.PASSWORD, "csrf_token": found.group(1)},
        )
        assert response.status_code == 302, role
        page = client.get("/account/").get_data(as_text=True)
        token = _CSRF_RE.search(page)
        assert token is not None, role
        cookie = client.get_cookie("session")
        assert cookie is not None
        world.cookies[role], world.tokens[role] = cookie.value, token.group(1)
    anonymous = world.app.test_client()
    page = anonymous.get("/login").get_data(as_text=True)
    found = _CSRF_RE.search(page)
    cookie = anonymous.get_cookie("session")
    assert found is not None and cookie is not None
    world.cookies["anon"], world.tokens["anon"] = cookie.value, found.group(1)


def client_of(world: World, role: str) -> Any:
    client = world.app.test_client()
    client.set_cookie("session", world.cookies[role])
    return client
