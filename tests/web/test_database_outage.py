"""While the database is out of reach every route answers 503 with a short page that needs
nothing from the database (and Retry-After), POST /login included; /healthz stays up."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import _base_config
from trainhub import create_app


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable(request, tmp_path):
    if request.param == "sqlite":
        # A folder where the database file should be: SQLite cannot open it.
        url = f"sqlite:///{tmp_path}"
    else:
        url = f"postgresql+psycopg://trainhub@127.0.0.1:{_closed_port()}/trainhub?connect_timeout=2"
    config = {**_base_config(tmp_path, url), "WTF_CSRF_ENABLED": False}
    app = create_app(config)
    client = app.test_client()
    # A signed-in browser's cookie: its pages must load the person from the database.
    cookie = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": "1:1", "_fresh": True, "_started_at": 1e12}
    )
    client.set_cookie("session", cookie)
    return client


def test_pages_answer_503_with_a_page_that_needs_no_database(unreachable):
    for method, url in [("GET", "/login"), ("POST", "/login"), ("GET", "/"), ("GET", "/team/")]:
        data = (
            {"email": "a@example.test", "password": "a-long-password"} if method == "POST" else None
        )
        response = unreachable.open(url, method=method, data=data)
        assert response.status_code == 503, (method, url)
        assert response.headers["Retry-After"] == "30"
        assert "TrainHub is unavailable for a moment" in response.get_data(as_text=True)


def test_the_page_speaks_the_browsers_language(unreachable):
    page = unreachable.get("/login", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert 'lang="uk"' in page
    assert "TrainHub is unavailable" not in page


def test_the_api_answers_503_json_and_healthz_stays_up(unreachable):
    api = unreachable.get("/api/v1/readiness", headers={"Authorization": "Bearer th_" + "x" * 43})
    assert api.status_code == 503 and api.get_json()["status"] == 503
    assert unreachable.get("/healthz").status_code == 200
    assert unreachable.get("/readyz").status_code == 503


def test_each_failing_request_logs_one_line_and_no_traceback(unreachable, capsys):
    """Finding 5: during the outage a page logged two chained tracebacks and "the error page
    failed too"; now one line a request, with its request id."""
    capsys.readouterr()
    ids = []
    for method, url in [("GET", "/"), ("POST", "/login"), ("GET", "/team/")]:
        data = {"email": "a@example.test", "password": "x" * 12} if method == "POST" else None
        ids.append(unreachable.open(url, method=method, data=data).headers["X-Request-Id"])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "failed too" not in err
    lines = [x for x in err.splitlines() if "database unavailable" in x]
    assert len(lines) == 3 and all(f"req={i}" in line for i, line in zip(ids, lines, strict=True))
