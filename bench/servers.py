"""What a benchmark run needs running: a PostgreSQL server, a database, gunicorn, a session.

Everything listens on 127.0.0.1 only and is stopped when the run ends.
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
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from trainhub.config import PROJECT_ROOT

_CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_apt_package(binary: str, package: str) -> str:
    """The path of ``binary``, installing ``package`` with apt when it is missing (as root)."""
    found = shutil.which(binary)
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit(f"{binary} is missing: sudo apt-get install {package}")
    print(f"==> installing {package} with apt", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    found = shutil.which(binary)
    if not found:
        raise SystemExit(f"{binary} is still missing after installing {package}")
    return found


def _pg_bin() -> Path:
    folders = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not folders:
        ensure_apt_package("pg_ctlcluster", "postgresql")
        return _pg_bin()
    return folders[-1]


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL admin URL: TRAINHUB_BENCH_PG_ADMIN_URL if set, else a throwaway server."""
    given = os.environ.get("TRAINHUB_BENCH_PG_ADMIN_URL")
    if given:
        yield given
        return
    pgbin = _pg_bin()
    tmp = Path(tempfile.mkdtemp(prefix="trainhub-bench-pg-"))
    port = free_port()
    as_pg: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    run = {"check": True, "cwd": "/", "stdout": subprocess.DEVNULL}
    data = tmp / "data"
    subprocess.run(
        [*as_pg, str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
        + ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        **run,  # type: ignore[arg-type]
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c max_connections=100"
    subprocess.run(
        [*as_pg, str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w"]
        + ["-t", "60", "start", "-o", options],
        **run,  # type: ignore[arg-type]
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_pg, str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            cwd="/",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def quiesce(url: str) -> None:
    """Let the database settle before a measurement.

    Thousands of writes squeezed into seconds (the prepared attempts, a round of quiz
    submissions) leave work that a real day spreads out: PostgreSQL's autovacuum and
    checkpoint, SQLite's WAL checkpoint. Left alone, it lands in whichever round comes next
    and halves that round's figures. Done here, between rounds, it is not measured at all.
    """
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM ANALYZE")
            conn.exec_driver_sql("CHECKPOINT")
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@contextmanager
def fresh_database(kind: str, admin_url: str | None, folder: Path) -> Iterator[str]:
    """A new, empty database URL of ``kind``; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    assert admin_url
    name = f"trainhub_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def trainhub(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "trainhub.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def gunicorn(
    env: dict[str, str], workers: int, log: Path, app: str = "wsgi:app"
) -> Iterator[Server]:
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", str(workers)]
            + ["--bind", f"127.0.0.1:{port}", app],
            cwd=PROJECT_ROOT,
            env={**env, "GUNICORN_ACCESSLOG": "", "GUNICORN_LOGLEVEL": "warning"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Server(port, process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Reply:
    status: int
    text: str


class Session:
    """A cookie-keeping HTTP client for one person, on one server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            for value in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return Reply(raw.status, text)
        finally:
            conn.close()

    def csrf(self, path: str) -> str:
        match = _CSRF_RE.search(self.request("GET", path).text)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)

    def post_form(self, path: str, form: dict[str, str], token_from: str) -> Reply:
        return self.request("POST", path, {"csrf_token": self.csrf(token_from), **form})

    def sign_in(self, email: str, password: str) -> None:
        reply = self.post_form("/login", {"email": email, "password": password}, "/login")
        if reply.status != 302:
            raise RuntimeError(f"sign-in of {email} failed: {reply.status}")


def wait_until_up(server: Server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log.read_text()[-3000:]}")
        try:
            if Session(server.port).request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"gunicorn did not answer in {timeout} s")
