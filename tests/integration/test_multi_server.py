"""Two gunicorn servers on different ports sharing one PostgreSQL database.

Nothing that matters may live in one process's memory: a sign-in made on one server is valid
on the other, the login limit counts failures made on both, a content edit reaches every
worker of both, and concurrent quiz submissions spread over both give one graded attempt.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import PG_URL, PROJECT_ROOT
from tests.integration.conftest import create_pg_database, drop_pg_database

SECRET = "multi-server-" + uuid.uuid4().hex + uuid.uuid4().hex
LOGIN_LIMIT = 5
LESSON_FILE = "content/courses/prospecting/01-target-audience-and-ideal-client.md"
LESSON_URL = "/courses/prospecting/target-audience-and-ideal-client"
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


def test_concurrent_submissions_of_one_attempt_give_one_graded_attempt(cluster):
    pytest.skip("quiz routes not built yet")


def test_the_attempts_limit_holds_across_both_servers(cluster):
    pytest.skip("quiz routes not built yet")


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
