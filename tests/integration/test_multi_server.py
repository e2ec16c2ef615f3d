"""Two gunicorn servers on different ports sharing one PostgreSQL database.

Nothing that matters may live in one process's memory: a sign-in made on one server is valid
on the other, the login limit counts failures made on both, a content edit reaches every
worker of both, and concurrent quiz submissions spread over both give one graded attempt.
"""

from __future__ import annotations

import functools
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, PROJECT_ROOT
from tests.integration.conftest import create_pg_database, drop_pg_database
from trainhub.auth.models import User
from trainhub.quizzes.models import QuizAttempt

SECRET = "multi-server-" + uuid.uuid4().hex + uuid.uuid4().hex
LOGIN_LIMIT = 5
LESSON_FILE = "content/courses/prospecting/01-target-audience-and-ideal-client.md"
LESSON_URL = "/courses/prospecting/target-audience-and-ideal-client"
QUIZ = "multi-server-check"
QUIZ_ATTEMPTS = 2
# A quiz of the test's own, so the attempts limit is known whatever the shipped quizzes say.
QUIZ_YAML = f"""\
title: Multi-server check
roles: [all]
pass_mark: 50
attempts: {QUIZ_ATTEMPTS}
shuffle_choices: true
questions:
  - type: single
    text: Which stage of the sales conveyor comes first?
    choices:
      - text: Prospecting
        correct: true
      - text: Closing
      - text: Account management
  - type: true_false
    text: A warm lead is handed over with the notes of the first call.
    answer: true
"""
_ATTEMPT_RE = re.compile(r"/quizzes/attempts/(\d+)$")
DEMO_PASSWORD = "demo-password"
_CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str


@dataclass
class Browser:
    """A minimal HTTP client that keeps cookies and never follows redirects."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            for value in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return Response(raw.status, dict(raw.headers.items()), text)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def csrf(self, path: str = "/login") -> str:
        match = _CSRF_RE.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post(self, path: str, form: dict[str, str], token_from: str = "/login") -> Response:
        return self.request("POST", path, {"csrf_token": self.csrf(token_from), **form})

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> Response:
        return self.post("/login", {"email": email, "password": password})

    def on(self, port: int) -> Browser:
        """The same browser (same cookies) talking to another server."""
        return Browser(port, self.cookies)


@dataclass
class Cluster:
    ports: tuple[int, int]
    content_root: Path
    database_url: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _trainhub(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "trainhub.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn on {port} exited:\n{log.read_text()[-3000:]}")
        try:
            if Browser(port).get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn on {port} did not answer /healthz:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TRAINHUB_TEST_DATABASE_URL is not set: script/test starts PostgreSQL")
        pytest.skip("no PostgreSQL server (set TRAINHUB_TEST_DATABASE_URL or run script/test)")
    tmp = tmp_path_factory.mktemp("multi-server")
    root = tmp / "content-root"
    for top in ("content", "quizzes", "roleplays"):
        if (PROJECT_ROOT / top).is_dir():
            shutil.copytree(PROJECT_ROOT / top, root / top)
    (root / "quizzes").mkdir(exist_ok=True)
    (root / "quizzes" / f"{QUIZ}.yaml").write_text(QUIZ_YAML, encoding="utf-8")
    url = create_pg_database("th_multi")
    env = {
        **os.environ,
        "TRAINHUB_ENV": "production",
        "TRAINHUB_DATABASE_URL": url,
        "TRAINHUB_SECRET_KEY": SECRET,
        "TRAINHUB_CONTENT_ROOT": str(root),
        "TRAINHUB_CONTENT_CHECK_INTERVAL": "0.5",
        "TRAINHUB_RENDER_CACHE": str(tmp / "render-cache"),
        "TRAINHUB_UPLOAD_FOLDER": str(tmp / "uploads"),
        "TRAINHUB_RATELIMIT_LOGIN_ATTEMPTS": str(LOGIN_LIMIT),
        "GUNICORN_ACCESSLOG": "",
    }
    procs: list[subprocess.Popen[bytes]] = []
    try:
        _trainhub(env, "db", "upgrade")
        _trainhub(env, "demo", "--hires", "10")
        ports = (_free_port(), _free_port())
        for port in ports:
            log = tmp / f"gunicorn-{port}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", "2"]
                    + ["--bind", f"127.0.0.1:{port}", "wsgi:app"],
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            procs.append(proc)
            _wait_healthy(port, proc, log)
        yield Cluster(ports, root, url, env)  # type: ignore[arg-type]
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        drop_pg_database(url)


def test_a_sign_in_on_one_server_is_valid_on_the_other(cluster):
    first, second = cluster.ports
    browser = Browser(first)
    assert browser.sign_in("hire@demo.local").status == 302
    home = browser.on(second).get("/")
    assert home.status == 200
    assert "Harper Hire" in home.text
    # And a form whose token came from the first server is accepted by the second.
    token = browser.csrf("/")
    out = browser.on(second).request("POST", "/logout", {"csrf_token": token})
    assert out.status == 302
    assert browser.get("/").status == 302  # signed out on the first one too


def test_deactivating_someone_ends_their_sessions_on_every_server(cluster):
    browser = Browser(cluster.ports[0])
    assert browser.sign_in("hire0007@demo.local").status == 302
    assert all(browser.on(port).get("/").status == 200 for port in cluster.ports)
    _trainhub(cluster.env, "users", "deactivate", "hire0007@demo.local")
    # No server kept the person in memory: both ask for a sign-in at once.
    assert [browser.on(port).get("/").status for port in cluster.ports] == [302, 302]


def test_the_login_limit_counts_failures_on_both_servers(cluster):
    first, second = cluster.ports
    statuses = []
    for attempt in range(LOGIN_LIMIT):
        port = cluster.ports[attempt % 2]
        bad = Browser(port).sign_in("mentor@demo.local", "wrong-password")
        statuses.append(bad.status)
    assert statuses == [401] * LOGIN_LIMIT
    # The limit is reached: both servers refuse, even the right password.
    assert Browser(first).sign_in("mentor@demo.local", "wrong-password").status == 429
    assert Browser(second).sign_in("mentor@demo.local").status == 429
    # Another person is not affected.
    assert Browser(second).sign_in("manager@demo.local").status == 302


def test_a_content_edit_reaches_every_worker_of_both_servers(cluster):
    marker = f"Multi-server marker {uuid.uuid4().hex[:8]}"
    readers = []
    for port in cluster.ports:
        browser = Browser(port)
        assert browser.sign_in("hire@demo.local").status == 302
        assert marker not in browser.get(LESSON_URL).text
        readers.append(browser)
    lesson = cluster.content_root / LESSON_FILE
    lesson.write_text(lesson.read_text(encoding="utf-8") + f"\n\n{marker}.\n", encoding="utf-8")

    deadline = time.monotonic() + 20
    while True:
        # Several requests per server, so both of its workers are asked.
        seen = [marker in b.get(LESSON_URL).text for b in readers for _ in range(6)]
        if all(seen):
            break
        assert time.monotonic() < deadline, f"some workers still serve the old text: {seen}"
        time.sleep(0.3)


def _all_at_once(calls: list[Callable[[], Response]]) -> list[Response]:
    """Run the calls in threads released together, so they really race."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Response]) -> Response:
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _attempts(cluster: Cluster, email: str) -> list[tuple[int, str]]:
    engine = sa.create_engine(cluster.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(QuizAttempt.number, QuizAttempt.status)
                .join(User, User.id == QuizAttempt.user_id)
                .where(User.email == email, QuizAttempt.quiz_slug == QUIZ)
                .order_by(QuizAttempt.number)
            )
            return [(r.number, r.status) for r in rows]
    finally:
        engine.dispose()


def _start_everywhere(cluster: Cluster, browser: Browser, count: int) -> list[Response]:
    token = browser.csrf(f"/quizzes/{QUIZ}")
    calls = [
        functools.partial(
            browser.on(cluster.ports[i % 2]).request,
            "POST",
            f"/quizzes/{QUIZ}/start",
            {"csrf_token": token},
        )
        for i in range(count)
    ]
    return _all_at_once(calls)


def _answers(browser: Browser, attempt_path: str) -> dict[str, str]:
    """The form of the attempt page, answered right. Choice values are places on the page,
    which say nothing of the key, so the right one is found by its label, as a person would."""
    page = browser.get(attempt_path).text
    match = _CSRF_RE.search(page)
    assert match, "no form on the attempt page"
    form = {"csrf_token": match.group(1), "submit": "Submit for grading"}
    names = set(re.findall(r'name="(q\d+)"', page))
    assert names == {"q0", "q1"}, names
    label = re.search(r'<label for="(q0-\d+)">\s*Prospecting\s*</label>', page)
    assert label, "no 'Prospecting' choice on the attempt page"
    value = re.search(rf'<input[^>]*id="{label.group(1)}"[^>]*value="(\d+)"', page) or re.search(
        rf'<input[^>]*value="(\d+)"[^>]*id="{label.group(1)}"', page
    )
    assert value, "no input for the 'Prospecting' label"
    form["q0"], form["q1"] = value.group(1), "true"
    return form


def test_concurrent_submissions_of_one_attempt_give_one_graded_attempt(cluster):
    email = "hire0004@demo.local"
    browser = Browser(cluster.ports[0])
    assert browser.sign_in(email).status == 302
    started = _start_everywhere(cluster, browser, 1)[0]
    assert started.status == 302
    attempt_path = urlsplit(started.headers["Location"]).path
    assert _ATTEMPT_RE.search(attempt_path), attempt_path
    form = _answers(browser, attempt_path)

    calls = [
        functools.partial(browser.on(cluster.ports[i % 2]).request, "POST", attempt_path, form)
        for i in range(50)
    ]
    replies = _all_at_once(calls)
    statuses = sorted({r.status for r in replies})
    assert all(r.status < 500 for r in replies), statuses
    assert statuses == [302], statuses  # every click lands on the result page
    assert _attempts(cluster, email) == [(1, "graded")]
    result = browser.on(cluster.ports[1]).get(attempt_path)
    assert result.status == 200
    assert "100" in result.text  # both answers right


def _submit_open_attempts(cluster: Cluster, browser: Browser, replies: list[Response]) -> int:
    paths = {
        urlsplit(r.headers["Location"]).path
        for r in replies
        if _ATTEMPT_RE.search(r.headers.get("Location", ""))
    }
    for n, path in enumerate(sorted(paths)):
        submitted = browser.on(cluster.ports[n % 2]).request("POST", path, _answers(browser, path))
        assert submitted.status == 302
    return len(paths)


def test_the_attempts_limit_holds_across_both_servers(cluster):
    email = "hire0005@demo.local"
    browser = Browser(cluster.ports[1])
    assert browser.sign_in(email).status == 302
    for _round in range(QUIZ_ATTEMPTS + 1):
        replies = _start_everywhere(cluster, browser, 20)
        assert all(r.status == 302 for r in replies), sorted({r.status for r in replies})
        attempts = _attempts(cluster, email)
        assert len(attempts) <= QUIZ_ATTEMPTS, attempts
        if not _submit_open_attempts(cluster, browser, replies):
            break
    assert _attempts(cluster, email) == [(n, "graded") for n in range(1, QUIZ_ATTEMPTS + 1)]
    # Used up: a start on either server opens nothing and says why.
    replies = _start_everywhere(cluster, browser, 4)
    assert not any(_ATTEMPT_RE.search(r.headers.get("Location", "")) for r in replies)
    page = browser.on(cluster.ports[0]).get(f"/quizzes/{QUIZ}").text
    assert "used all your attempts" in page
    assert len(_attempts(cluster, email)) == QUIZ_ATTEMPTS


def test_racing_starts_open_one_attempt(cluster):
    """A double click on Start, or two tabs on two servers, use one attempt, not two."""
    email = "hire0006@demo.local"
    browser = Browser(cluster.ports[0])
    assert browser.sign_in(email).status == 302
    replies = _start_everywhere(cluster, browser, 20)
    assert all(r.status == 302 for r in replies)
    assert _attempts(cluster, email) == [(1, "in_progress")]


def test_ci_without_a_postgresql_server_fails_loudly():
    """Under CI a missing server is an error, never a quiet skip of half the suite."""
    env = {k: v for k, v in os.environ.items() if k != "TRAINHUB_TEST_DATABASE_URL"}
    env["CI"] = "true"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["tests/web/test_auth.py::test_logout_is_post_only"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0
    assert "TRAINHUB_TEST_DATABASE_URL is not set" in run.stdout
