"""The XSS corpus (xss_payloads.txt) through every field people write, inert on every page.

Fields are not listed by hand: every role opens every page the route matrix lets it open,
and every POST form found there is filled in (multi-line fields with the whole corpus, one-line
fields with one payload each, file fields with a payload as the file name) and sent. People's
names (one payload per hire) and notices that quote them are seeded. Then every role opens
every page again, its own team's and the other's, and each page is parsed: no element,
attribute or URL from a payload may be live. The CSV export is read as a spreadsheet would.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from datetime import timedelta
from pathlib import Path

from tests import factories
from tests.security.crawl import forms_of, live_markup
from tests.security.test_route_matrix import MATRIX, RULES, _url, parse_cells, takes_object
from tests.security.world import World, client_of
from trainhub.db import utcnow
from trainhub.extensions import db
from trainhub.notifications.service import notify

CORPUS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text("utf-8").splitlines()
    if line and not line.startswith("# ")
]
# Forms that end the session or only switch a setting carry no text of a person's.
SKIP_ACTIONS = ("/logout", "/language", "/login")
SIMPLE = '<img src=x onerror="alert(1)">'
FORMULA_STARTS = tuple("=+-@\t\r＝＋－＠|")


def _pages(world: World) -> list[tuple[str, str, str]]:
    """(role, owner, url) of every GET page the matrix says answers 200."""
    pages = []
    for method, endpoint, rule in RULES:
        if method != "GET" or endpoint in {"roleplays.attachment", "signoff_requests.evidence"}:
            continue
        cells = parse_cells(MATRIX[(method, endpoint)], takes_object(rule))
        for (role, owner), code in cells.items():
            if code == "2":
                pages.append((role, owner, _url(rule, world, "own" if owner == "-" else owner)))
    return pages


def _seed_names(world: World) -> None:
    now = utcnow()
    with world.app.app_context():
        s = db.session
        mentor_id = world.people["mentor"][0]
        manager_id = world.people["manager"][0]
        for i, payload in enumerate(CORPUS):
            hire = factories.make_user(
                s, "hire", name=payload[:120], mentor_id=mentor_id, manager_id=manager_id
            )
            for recipient in (mentor_id, manager_id):
                notify(
                    s, recipient=recipient, kind="hire_ready", key=f"xss:{i}",
                    data={"hire": payload}, now=now + timedelta(seconds=i),
                    endpoint="team.hire", endpoint_args={"user_id": hire.id},
                )  # fmt: skip
        s.commit()


def _fill_every_form(world: World, pages: list[tuple[str, str, str]]) -> dict[str, int]:
    """Send every form once per role with the corpus in it; the text fields that took it."""
    accepted: dict[str, int] = {}
    round_robin = iter(range(10**6))
    seen: set[tuple[str, str]] = set()
    order = ("hire", "hire2", "mentor", "mentor_b", "manager", "manager_b", "admin")
    for role in order:
        client = client_of(world, role)
        for page_role, _owner, url in pages:
            if page_role != role:
                continue
            response = client.get(url)
            body = response.get_data(as_text=True)
            response.close()  # a streamed answer (the CSV) keeps its request context until closed
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            for form in forms_of(body, url):
                key = (role, form.action)
                if key in seen or form.action.startswith(SKIP_ACTIONS):
                    continue
                seen.add(key)
                text = {}
                multi = {f.name for f in form.text_fields if f.kind == "textarea"}
                for field in form.text_fields:
                    if field.kind == "textarea":
                        text[field.name] = "\n\n".join(CORPUS)
                    else:
                        text[field.name] = CORPUS[next(round_robin) % len(CORPUS)][:100]
                name = CORPUS[next(round_robin) % len(CORPUS)][:60] + ".pdf"
                sent = client.post(form.action, data=form.data(text, name))
                sent.close()
                if sent.status_code == 422:
                    # Refused (a number field, a tab in a one-line field, a rule of the form):
                    # once more with the other choices and one plain payload in one-line fields.
                    short = "\n\n".join(CORPUS[:8])
                    plain = {k: short if k in multi else SIMPLE for k in text}
                    sent = client.post(form.action, data=form.data(plain, "plan.pdf", last=True))
                    sent.close()
                if os.environ.get("XSS_DEBUG"):
                    print(role, form.action, sent.status_code, sorted(text), file=sys.stderr)
                if sent.status_code in (200, 302) and text:
                    for field_name in text:
                        accepted[f"{form.action.split('/')[1]}:{field_name}"] = 1
    return accepted


def test_the_corpus_is_inert_everywhere(world: World) -> None:
    assert len(CORPUS) >= 40
    world.reset()
    pages = _pages(world)
    # The scanner sees nothing on the app's own pages: what it finds later came from text.
    for role, _owner, url in pages[:: max(1, len(pages) // 25)]:
        page = client_of(world, role).get(url)
        html_text = page.get_data(as_text=True)
        page.close()
        if "text/html" in page.content_type:
            assert live_markup(html_text) == [], url
    _seed_names(world)
    accepted = _fill_every_form(world, pages)
    assert len(accepted) >= 8, f"too few fields took the corpus: {sorted(accepted)}"

    showing: list[str] = []
    problems: dict[str, list[str]] = {}
    for role, owner, url in pages:
        response = client_of(world, role).get(url)
        body = response.get_data(as_text=True)
        response.close()
        if "text/html" not in response.content_type:
            continue
        found = live_markup(body)
        if found:
            problems[f"{role} {owner} {url}"] = found[:5]
        if "xss.example" in body or "alert(" in body:
            showing.append(url)
    assert problems == {}
    assert len(showing) >= 20, showing
    print(  # the figures the closing note asks for (pytest -s shows them)
        f"\nXSS: {len(CORPUS)} payloads x {len(accepted)} fields x {len(set(showing))} pages "
        f"({len(showing)} role-page views showing them, {len(pages)} views scanned)"
    )


def _csv_rows(world: World, role: str) -> list[list[str]]:
    response = client_of(world, role).get("/team/export.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_csv_export_neutralises_formulas(world: World) -> None:
    world.reset()
    _seed_names(world)
    formulas = [p for p in CORPUS if p.startswith(FORMULA_STARTS) or p.startswith("'")]
    for role in ("manager", "admin"):
        rows = _csv_rows(world, role)
        cells = [cell for row in rows[1:] for cell in row]
        live = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
        assert live == [], f"{role}: cells a spreadsheet would run: {live}"
        names = {cell for cell in cells if "calc" in cell or "SUM(" in cell or "1+1" in cell}
        assert len(names) >= len([p for p in formulas if "calc" in p or "SUM(" in p]), names
