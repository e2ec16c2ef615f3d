"""Hostile text in answers, review comments, sign-off notes and file names comes out inert."""

from __future__ import annotations

from html.parser import HTMLParser

import sqlalchemy as sa

from tests import factories
from tests.web.roleplay_helpers import CASE_URL, CRITERIA, answer, as_user, pdf_upload
from trainhub.roleplays.models import RoleplaySubmission

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "![pic](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">link</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="background:url(javascript:alert(1))" onmouseover="alert(1)">hover</div>',
    "<details open ontoggle=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
]
HOSTILE = "MARKER-XSS\n\n" + "\n\n".join(PAYLOADS)
FILE_NAMES = ["<img src=x onerror=alert(1)>.pdf", "<svg onload=alert(1)>.pdf"]
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "base"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in DANGEROUS_TAGS and not (
            tag == "script" and (values.get("src") or "").startswith("/static/")
        ):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in URL_ATTRS and value.replace(" ", "").startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")
            if name == "style" and "javascript" in value:
                self.found.append(f"{tag} style={value}")


def executable_bits(html: str) -> list[str]:
    scan = _Scan()
    scan.feed(html)
    return scan.found


def _review_form(hostile: str) -> dict[str, str]:
    data = {"decision": "needs_work", "comment": hostile}
    for key in CRITERIA:
        data[f"level-{key}"] = "2"
        data[f"comment-{key}"] = hostile
    return data


def test_hostile_text_is_inert_on_every_page(client, db_session):
    cast = factories.make_team(db_session)
    hire = cast["hire"]
    hire.name = "<script>alert('name')</script>"
    admin = factories.make_user(db_session, "admin")
    db_session.commit()

    as_user(client, hire.email)
    answer(client, HOSTILE, submit=False, attachment=pdf_upload(FILE_NAMES[0]))
    answer(client, HOSTILE, attachment=pdf_upload(FILE_NAMES[1]))
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()

    as_user(client, cast["mentor"].email)
    review_url = f"/reviews/{sub.id}"
    hire_url = f"/reviews/hires/{hire.id}"
    before = client.get(review_url).get_data(as_text=True)
    response = client.post_form(review_url, _review_form(HOSTILE), token_from=review_url)
    assert response.status_code == 302
    client.post_form(
        f"{hire_url}/signoffs/crm-hygiene", {"crm-hygiene-note": PAYLOADS[1]}, token_from=hire_url
    )
    mentor_pages = {
        "review before": before,
        "review after": client.get(review_url).get_data(as_text=True),
        "hire page": client.get(hire_url).get_data(as_text=True),
        "queue": client.get("/reviews/").get_data(as_text=True),
    }
    as_user(client, cast["manager"].email)
    manager_pages = {"hire page (manager)": client.get(hire_url).get_data(as_text=True)}
    as_user(client, admin.email)
    admin_pages = {"audit": client.get("/audit/").get_data(as_text=True)}
    as_user(client, hire.email)
    hire_pages = {
        "case": client.get(CASE_URL).get_data(as_text=True),
        "home": client.get("/").get_data(as_text=True),
    }

    pages = {**mentor_pages, **manager_pages, **admin_pages, **hire_pages}
    for name, html in pages.items():
        assert executable_bits(html) == [], name
    # The text is there (escaped or cleaned), not silently dropped.
    for name in ("review before", "review after", "hire page", "hire page (manager)", "case"):
        assert "MARKER-XSS" in pages[name], name
        assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in pages[name], name
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in pages["hire page"]
    assert "click me" in pages["review after"]


def test_the_scanner_catches_what_it_should():
    assert executable_bits('<p><img src=x onerror="alert(1)"></p>') == ["img onerror="]
    assert executable_bits('<a href=" javascript:alert(1)">x</a>')
    assert executable_bits("<script>alert(1)</script>") == ["<script>"]
    assert executable_bits('<script src="/static/js/forms.js"></script>') == []
