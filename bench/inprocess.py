"""Work done in this process through Flask's test client, on the benchmark's own database.

- SQL statements per page, counted with a ``before_cursor_execute`` listener.
- Quiz attempts started ahead of the submit benchmark, with the signed session cookie and form
  body that a browser would send (sessions are made directly, so 1,000 hires do not cost
  1,000 password hashes).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from trainhub import create_app
from trainhub.auth.models import User
from trainhub.content import catalog
from trainhub.extensions import db
from trainhub.sessions import STARTED

_CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
_ATTEMPT_RE = re.compile(r"/quizzes/attempts/\d+$")


def make_app(database_url: str, content_root: Path, secret: str, instance: Path) -> Flask:
    return create_app(
        {
            "DATABASE_URL": database_url,
            "CONTENT_ROOT": str(content_root),
            "SECRET_KEY": secret,
            "INSTANCE_PATH": str(instance),
            "RENDER_CACHE": str(instance / "render-cache"),
        }
    )


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A test client with ``email``'s session, as if they had signed in."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert user is not None, f"no account {email}"
        user_id = user.get_id()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
        # Signed in now: a signed-in session without its start is refused (sessions.py).
        session[STARTED] = time.time()
    return client


def cookie_of(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie"
    return f"session={cookie.value}"


@dataclass(frozen=True)
class PageQueries:
    who: str
    path: str
    status: int
    statements: int


class _Counter:
    """Counts the SQL statements an engine runs while it is attached."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            self.engine = db.engine
        self.n = 0

    def _count(self, *_args: Any) -> None:
        self.n += 1

    def __enter__(self) -> _Counter:
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def statements_per_page(app: Flask, pages: list[tuple[str, str]]) -> list[PageQueries]:
    """SQL statements one GET of each page runs (the second GET: caches warm, as in use)."""
    out = []
    with _Counter(app) as counter:
        for email, path in pages:
            client = signed_in(app, email)
            client.get(path)
            counter.n = 0
            status = client.get(path).status_code
            out.append(PageQueries(email.split("@")[0], path, status, counter.n))
    return out


def statements_per_submit(app: Flask, line: str) -> PageQueries:
    """SQL statements of one quiz submission (a line written by prepare_submissions)."""
    path, cookie, body = line.split("\t")
    client = app.test_client()
    client.set_cookie("session", cookie.partition("=")[2])
    with _Counter(app) as counter:
        status = client.post(
            path, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        ).status_code
    return PageQueries("hire", f"POST {path.rsplit('/', 1)[0]}/<id>", status, counter.n)


def prepare_submissions(app: Flask, quiz: str, emails: list[str], out: Path) -> int:
    """Start one attempt of ``quiz`` for each hire; write "path TAB cookie TAB body" lines."""
    lines = []
    for email in emails:
        client = signed_in(app, email)
        page = client.get(f"/quizzes/{quiz}").get_data(as_text=True)
        token = _CSRF_RE.search(page)
        if token is None:
            continue
        started = client.post(f"/quizzes/{quiz}/start", data={"csrf_token": token.group(1)})
        location = started.headers.get("Location", "")
        if started.status_code != 302 or not _ATTEMPT_RE.search(location):
            continue
        path = location[location.index("/quizzes/") :]
        form = client.get(path).get_data(as_text=True)
        token = _CSRF_RE.search(form)
        if token is None:
            continue
        body = urlencode({"csrf_token": token.group(1), "submit": "Submit for grading"})
        lines.append(f"{path}\t{cookie_of(client)}\t{body}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def prepare_first_views(app: Flask, emails: list[str], out: Path) -> int:
    """Write "path TAB cookie" lines: every lesson of the catalog for each hire, each pair once,
    interleaved so that neighbouring lines are other hires and other lessons. Each hire's
    session has its CSRF secret already (a page was seen), as a signed-in browser's would."""
    with app.app_context():
        paths = [
            f"/courses/{course.slug}/{lesson.slug}"
            for course in catalog().courses.values()
            for lesson in course.lessons
        ]
    cookies = []
    for email in emails:
        client = signed_in(app, email)
        client.get("/courses/")
        cookies.append(cookie_of(client))
    lines = [
        f"{paths[(n + k) % len(paths)]}\t{cookie}"
        for k in range(len(paths))
        for n, cookie in enumerate(cookies)
    ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
