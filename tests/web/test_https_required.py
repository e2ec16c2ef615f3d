"""Plain-HTTP sign-in with secure cookies (issue 20, smaller items): the browser never sends
the session cookie back over HTTP, so the form cannot pass its CSRF check. The person is
told that HTTPS is required, not that "the form expired"."""

from __future__ import annotations

import re

import pytest

from tests import factories

TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SESSION_COOKIE_SECURE": True}


def _sign_in(client, base_url: str, email: str):
    page = client.get("/login", base_url=base_url)
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    # A browser drops a Secure cookie on http://: so does this request.
    if base_url.startswith("http:"):
        client.delete_cookie("session", domain="trainhub.example.test")
    data = {"email": email, "password": factories.PASSWORD, "csrf_token": token}
    headers = {"Referer": f"{base_url}/login"}  # Flask-WTF checks it over HTTPS
    return page, client.post("/login", data=data, base_url=base_url, headers=headers)


def test_plain_http_sign_in_says_https_is_required(client, db_session):
    person = factories.make_user(db_session, "hire")
    db_session.commit()
    page, response = _sign_in(client, "http://trainhub.example.test", person.email)
    assert 'data-testid="https-required"' in page.get_data(as_text=True)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "HTTPS only" in html and "https://" in html
    assert "The form expired" not in html


def test_over_https_sign_in_works_and_shows_no_warning(client, db_session):
    person = factories.make_user(db_session, "hire")
    db_session.commit()
    page, response = _sign_in(client, "https://trainhub.example.test", person.email)
    assert 'data-testid="https-required"' not in page.get_data(as_text=True)
    assert response.status_code == 302
