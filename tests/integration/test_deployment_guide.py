"""docs/deployment.md, run as written: the blocks marked ``<!-- tested: NAME -->``.

A non-root service user, the PostgreSQL role and database made as the guide says (OWNER, a
password with special characters, percent-encoded), the env file, migrate, the first admin,
two gunicorn hosts, nginx from apt in front of them over TLS; sign in through nginx, upload
on one host and download on the other, back up while serving, restore into a fresh database,
upgrade to a new release with a migration. If the guide and TrainHub disagree, this fails.

The guide's fixed places are mapped into a sandbox (``SANDBOXED`` below, the only edits made
to its text): the machine's /srv, /etc/trainhub and /etc/nginx, the proxy's ports and the app
hosts' addresses are left alone. Everything else runs verbatim, as root, under ``bash -e``.
"""

from __future__ import annotations

import http.client
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from tests.conftest import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "docs" / "deployment.md"
BLOCK = re.compile(r"<!-- tested: ([\w-]+) -->\n```(\w+)\n(.*?)\n```", re.S)
ADMIN_URL = os.environ.get("TRAINHUB_TEST_PG_ADMIN_URL", "")
USER = "trainhub"
ADMIN_EMAIL = "you@example.com"
PASSWORD = "a-long-admin-password"
HOST = "training.example.com"
_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
NEW_MIGRATION = '''"""a release after this one (the deployment test's)"""
import sqlalchemy as sa
from alembic import op

revision = "d3p10y7e5700"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("deploy_checks", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("deploy_checks")
'''

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="the guide's steps need root (a service user, runuser, nginx); CI runs as root",
)


def blocks() -> dict[str, str]:
    found = {name: body for name, _lang, body in BLOCK.findall(GUIDE.read_text("utf-8"))}
    expected = {"install", "database", "settings", "first-start", "serve", "nginx", "upgrade"}
    assert expected | {"backup", "restore"} <= set(found), sorted(found)
    return found


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Sandbox:
    def __init__(self, root: Path, pg: sa.engine.URL) -> None:
        self.root = root
        self.pg = pg
        self.ports = {name: _port() for name in ("a", "b", "http", "https")}
        nginx_conf = root / "nginx" / "nginx.conf"
        self.nginx = ["nginx", "-c", str(nginx_conf)]
        self.logs: list[Any] = []
        self.hosts: list[subprocess.Popen[bytes]] = []
        self.map = {
            "/srv/trainhub": f"{root}/srv",
            "/etc/trainhub": f"{root}/etc-trainhub",
            "/etc/nginx": f"{root}/nginx",
            f"/etc/letsencrypt/live/{HOST}": f"{root}/tls",
            "https://example.org/your/trainhub.git": f"file://{root}/upstream",
            "db.internal:5432": f"127.0.0.1:{pg.port}",
            "10.0.0.11:5000": f"127.0.0.1:{self.ports['a']}",
            "10.0.0.12:5000": f"127.0.0.1:{self.ports['b']}",
            "FORWARDED_ALLOW_IPS=10.0.0.10": "FORWARDED_ALLOW_IPS=127.0.0.1",
            "listen 80;": f"listen 127.0.0.1:{self.ports['http']};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.ports['https']} ssl http2;",
            "nginx -t": " ".join([*self.nginx, "-t", "-q"]),
            "systemctl reload nginx": " ".join(self.nginx),
            "systemctl reload trainhub": (
                f"kill -HUP $(cat {root}/run/host-a.pid) $(cat {root}/run/host-b.pid)"
            ),
        }
        self.env = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": "/root",
            "LANG": "C.UTF-8",
            # The machine's own default is /etc/trainhub/trainhub.env; the sandbox's file here.
            "TRAINHUB_CONFIG": f"{root}/etc-trainhub/trainhub.env",
            "TRAINHUB_PGBIN": os.environ.get("TRAINHUB_PGBIN", ""),
            "PGHOST": pg.host or "127.0.0.1",
            "PGPORT": str(pg.port),
            "PGUSER": pg.username or "postgres",
            "ADMIN_PASSWORD": PASSWORD,
            "GUNICORN_ACCESSLOG": "-",
            # The upstream repository belongs to root; the service user clones and pulls it.
            # (git honours safe.directory only in a global or system file.)
            "GIT_CONFIG_GLOBAL": f"{root}/gitconfig",
            **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},
        }

    def text(self, block: str) -> str:
        for old, new in self.map.items():
            block = block.replace(old, new)
        return block

    def run(self, script: str, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", self.text(script)],
            capture_output=True,
            text=True,
            env={**self.env, **env},
            cwd="/",
            timeout=600,
        )
        assert done.returncode == 0, f"guide step failed:\n{done.stdout}\n{done.stderr}"
        return done


def _as_service_user(box: Sandbox, *args: str, stdin: str = "", **env: str) -> str:
    done = subprocess.run(
        ["runuser", "-u", USER, "--", ".venv/bin/trainhub", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=box.root / "srv" / "app",
        env={**box.env, **env},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def box() -> Iterator[Sandbox]:
    if not ADMIN_URL:
        pytest.fail("TRAINHUB_TEST_PG_ADMIN_URL is not set: run the tests with script/test")
    if shutil.which("nginx") is None:
        pytest.fail("nginx is missing: script/test installs it with apt")
    try:
        home = pwd.getpwnam(USER).pw_dir
    except KeyError:
        home = None
    if home is not None:
        # Only a user this test made before (in a sandbox) is removed; a real one is not.
        assert home.startswith("/tmp/trainhub-deploy-"), f"a real {USER} user exists ({home})"
        subprocess.run(["userdel", USER], check=True)
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    drop = [
        "DROP DATABASE IF EXISTS trainhub WITH (FORCE)",
        "DROP DATABASE IF EXISTS trainhub_restored WITH (FORCE)",
        "DROP ROLE IF EXISTS trainhub",
    ]
    with admin.connect() as conn:
        for statement in drop:
            conn.exec_driver_sql(statement)
    root = Path(tempfile.mkdtemp(prefix="trainhub-deploy-", dir="/tmp"))
    root.chmod(0o755)
    box = Sandbox(root, admin.url)
    _prepare(box)
    try:
        yield box
    finally:
        subprocess.run([*box.nginx, "-s", "quit"], capture_output=True)
        for proc in box.hosts:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for handle in box.logs:
            handle.close()
        for host in ("a", "b"):
            pid_file = root / "run" / f"host-{host}.pid"
            if pid_file.is_file():
                pid = int(pid_file.read_text().strip())
                subprocess.run(["kill", str(pid)], capture_output=True)
                deadline = time.monotonic() + 30
                while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                    time.sleep(0.2)  # noqa: TID251 - gunicorn's shutdown, not the app's clock
        subprocess.run(["userdel", USER], capture_output=True)
        with admin.connect() as conn:
            for statement in drop:
                conn.exec_driver_sql(statement)
        admin.dispose()
        shutil.rmtree(root, ignore_errors=True)


def _prepare(box: Sandbox) -> None:
    """What the machine has before the guide starts: a release to clone, nginx's main
    configuration as Debian ships it (sites-enabled/ with a default site), a TLS certificate."""
    (box.root / "gitconfig").write_text("[safe]\n\tdirectory = *\n")
    upstream = box.root / "upstream"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        source = PROJECT_ROOT / name
        if source.is_file():
            (upstream / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, upstream / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.test"]
    subprocess.run([*git, "init", "-q"], cwd=upstream, check=True)
    subprocess.run([*git, "add", "-A"], cwd=upstream, check=True)
    subprocess.run([*git, "commit", "-qm", "release"], cwd=upstream, check=True)
    nginx = box.root / "nginx"
    for folder in ("sites-available", "sites-enabled"):
        (nginx / folder).mkdir(parents=True)
    (nginx / "sites-enabled" / "default").write_text(
        f"server {{ listen 127.0.0.1:{box.ports['http']} default_server; return 200 'welcome'; }}\n"
    )
    logs = box.root / "nginx-logs"
    logs.mkdir()
    (nginx / "nginx.conf").write_text(
        f"pid {box.root}/nginx.pid;\nerror_log {logs}/error.log;\nevents {{}}\nhttp {{\n"
        f"  access_log {logs}/access.log;\n  client_body_temp_path {logs}/body;\n"
        f"  proxy_temp_path {logs}/proxy;\n  include /etc/nginx/mime.types;\n"
        f"  include {nginx}/sites-enabled/*;\n}}\n"
    )
    tls = box.root / "tls"
    tls.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         f"/CN={HOST}", "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
        capture_output=True, check=True,
    )  # fmt: skip


class Client:
    """Keeps cookies, never follows redirects; talks HTTPS to nginx or HTTP to one host."""

    def __init__(self, port: int, tls: bool) -> None:
        self.port, self.tls, self.cookies = port, tls, {}

    def on(self, port: int) -> Client:
        other = Client(port, tls=False)
        other.cookies = self.cookies
        return other

    def request(
        self, method: str, path: str, body: bytes | None = None, ctype: str = ""
    ) -> tuple[int, dict[str, str], bytes]:  # noqa: E501
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, context=context, timeout=60
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        # A browser's Referer: over HTTPS, Flask-WTF checks that a form comes from this site.
        headers = {"Host": HOST, "Accept": "text/html", "Referer": f"https://{HOST}{path}"}
        if not self.tls:  # straight to a host: say what nginx would
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if ctype:
            headers["Content-Type"] = ctype
        conn.request(method, path, body=body, headers=headers)
        raw = conn.getresponse()
        data = raw.read()
        for value in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        conn.close()
        return raw.status, dict(raw.headers.items()), data

    def csrf(self, path: str) -> str:
        match = _CSRF.search(self.request("GET", path)[2].decode())
        assert match, path
        return match.group(1)

    def sign_in(self, email: str) -> int:
        form = urlencode({"csrf_token": self.csrf("/login"), "email": email, "password": PASSWORD})
        return self.request("POST", "/login", form.encode(), "application/x-www-form-urlencoded")[0]


def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/readyz")
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.3)  # noqa: TID251 - waiting for a real server to start
    raise AssertionError(f"host on {port} never became ready")


def _multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="{name}"'
        f"\r\nContent-Type: application/pdf\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_the_deployment_guide_runs_as_written(box: Sandbox) -> None:
    steps = blocks()
    root = box.root
    app = root / "srv" / "app"

    # Sections 1-3: install, the database, the env file, the first start.
    prepared = box.run(
        "\n".join(steps[s] for s in ("install", "database", "settings", "first-start"))
    )
    assert "[env file" in prepared.stdout and "********" in prepared.stdout
    assert "Ch@nge/me" not in prepared.stdout  # the password is masked by config show
    env_file = root / "etc-trainhub" / "trainhub.env"
    assert env_file.stat().st_mode & 0o777 == 0o600 and env_file.owner() == USER
    url = next(x for x in env_file.read_text().splitlines() if "DATABASE_URL" in x)
    assert sa.engine.make_url(url.split("=", 1)[1]).password == "Ch@nge/me:to#your%own"
    assert not (app / "instance" / "trainhub.db").exists()  # no development database
    # Finding 1: without the file's settings a production command refuses, it does not
    # migrate a new SQLite file and exit 0.
    refused = subprocess.run(
        ["runuser", "-u", USER, "--", ".venv/bin/trainhub", "db", "upgrade"],
        cwd=app, capture_output=True, text=True,
        env={**box.env, "TRAINHUB_CONFIG": str(root / "empty.env"), "TRAINHUB_ENV": "production",
             "TRAINHUB_SECRET_KEY": "k" + uuid.uuid4().hex + uuid.uuid4().hex},
    )  # fmt: skip
    assert refused.returncode == 2 and "no such file" in refused.stderr
    assert not (app / "instance" / "trainhub.db").exists()
    run = root / "run"  # the gunicorn masters' pid files
    run.mkdir()
    shutil.chown(run, USER, USER)

    # Two app hosts, as section 3's "serve" block, each with its own GUNICORN_BIND.
    host_b_file = root / "etc-trainhub" / "host-b.env"
    host_b_file.write_text(
        env_file.read_text().replace(f"127.0.0.1:{box.ports['a']}", f"127.0.0.1:{box.ports['b']}")
    )
    shutil.chown(host_b_file, USER, USER)
    host_b_file.chmod(0o600)
    logs = {}
    for host, config in (("a", env_file), ("b", host_b_file)):
        logs[host] = open(root / f"host-{host}.log", "w")  # noqa: SIM115 - closed by box
        box.logs.append(logs[host])
        box.hosts.append(subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", box.text(steps["serve"])],
            env={**box.env, "TRAINHUB_CONFIG": str(config),
                 "GUNICORN_CMD_ARGS": f"--pid {root}/run/host-{host}.pid", "GUNICORN_WORKERS": "2"},
            stdout=logs[host], stderr=subprocess.STDOUT, cwd="/",
        ))  # fmt: skip
    for host in ("a", "b"):
        _wait_ready(box.ports[host])

    # Section 4: nginx in front, the default site disabled.
    box.run(steps["nginx"])
    assert not (root / "nginx" / "sites-enabled" / "default").exists()
    browser = Client(box.ports["https"], tls=True)
    assert browser.sign_in(ADMIN_EMAIL) == 302
    status, headers, page = browser.request("GET", "/")
    assert status == 200 and "X-Request-Id" in headers
    assert len([h for h in headers if h.lower() == "strict-transport-security"]) == 1
    plain = http.client.HTTPConnection("127.0.0.1", box.ports["http"], timeout=10)
    plain.request("GET", "/login", headers={"Host": HOST})
    redirect = plain.getresponse()
    redirect.read()
    plain.close()
    assert redirect.status == 301  # not Debian's welcome page

    # Upload on host A, download on host B (the shared uploads folder).
    _as_service_user(box, "users", "create", "--email", "hire@example.com", "--name", "Hal",
                     "--role", "hire", "--track", "lead-generation",
                     stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    hire = Client(box.ports["https"], tls=True)
    assert hire.sign_in("hire@example.com") == 302
    on_a, on_b = hire.on(box.ports["a"]), hire.on(box.ports["b"])
    case = "/roleplays/gatekeeper-cold-call"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + os.urandom(64)
    body, ctype = _multipart(
        {"csrf_token": on_a.csrf(case), "text": "My call script.", "submit": "1"}, "s.pdf", pdf
    )
    assert on_a.request("POST", case, body, ctype)[0] == 302
    link = re.search(r"/roleplays/attachments/\d+", on_b.request("GET", case)[2].decode())
    assert link, "no attachment link"
    status, _headers, got = on_b.request("GET", link.group())
    assert status == 200 and got == pdf

    # Section 9: a backup while both hosts serve, restored into a fresh database.
    box.run(steps["backup"])
    assert browser.request("GET", "/")[0] == 200
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE DATABASE trainhub_restored OWNER trainhub")
    admin.dispose()
    restored_url = re.sub(r"/trainhub$", "/trainhub_restored", url.split("=", 1)[1])
    # The environment wins over the env file (section 2): the restore goes to the new one.
    box.run(steps["restore"], TRAINHUB_DATABASE_URL=restored_url)
    people = _as_service_user(box, "users", "list", TRAINHUB_DATABASE_URL=restored_url)
    assert ADMIN_EMAIL in people and "hire@example.com" in people

    # Section 6: a new release with a migration, pulled, migrated, reloaded on both hosts.
    head = _as_service_user(box, "db", "heads").split()[0]
    migration = root / "upstream" / "migrations" / "versions" / "20991231_d3p10y7e5700_next.py"
    migration.write_text(NEW_MIGRATION.format(head=head))
    subprocess.run(["git", "add", "-A"], cwd=root / "upstream", check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.test", "commit",
                    "-qm", "migration"], cwd=root / "upstream", check=True)  # fmt: skip
    box.run(steps["upgrade"])
    assert "d3p10y7e5700" in _as_service_user(box, "db", "current")
    for host in ("a", "b"):
        _wait_ready(box.ports[host])
    assert browser.request("GET", "/")[0] == 200
    for handle in logs.values():
        handle.flush()
    log_a = (root / "host-a.log").read_text()
    # The access log: a timestamp, and the address nginx saw, not a client-supplied one.
    assert re.search(r"\[\d\d/\w+/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] 127\.0\.0\.1 \S+ \"GET /", log_a)
