"""Security headers on every page, and the interface language switch."""

from __future__ import annotations

from trainhub.auth.models import User


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_language_choice_is_saved_for_a_signed_in_person(client, login_as, db_session):
    user_id = login_as("hire")
    response = client.post_form("/language", {"locale": "uk"}, token_from="/")
    assert response.status_code == 302
    assert db_session.get(User, user_id).locale == "uk"
    assert '<html lang="uk">' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    response = client.post_form("/language", {"locale": "xx"})
    assert response.status_code == 400


def test_browser_language_is_used_before_any_choice(client):
    page = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in page.get_data(as_text=True)
