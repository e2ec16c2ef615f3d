"""Security headers on every page, and the interface language switch."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

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


def test_asset_urls_carry_their_content_hash(client, app):
    page = client.get("/login").get_data(as_text=True)
    found = re.search(r'href="/static/css/app\.css\?v=([0-9a-f]{12})"', page)
    assert found is not None
    css = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    assert found.group(1) == hashlib.sha256(css).hexdigest()[:12]
    served = client.get(f"/static/css/app.css?v={found.group(1)}")
    assert served.status_code == 200
    served.close()
