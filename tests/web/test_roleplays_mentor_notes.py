"""Mentor notes and rubric level descriptors never reach a hire's browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import PROJECT_ROOT
from tests.web.roleplay_helpers import as_user
from trainhub.content import catalog
from trainhub.roleplays.models import RoleplaySubmission

SLUG = "sentinel-case"
URL = f"/roleplays/{SLUG}"
SENTINELS = ["SENTINEL-NOTES-7f3a", "SENTINEL-NOTES-MD-9c1e"] + [
    f"SENTINEL-LEVEL-{key}-{n}" for key in ("alpha", "beta") for n in range(1, 5)
]
CASE_FILE = f"""\
---
title: Sentinel case
roles: [lead-generation]
difficulty: introductory
persona:
  name: Sam Sentinel
  role: Buyer
situation: A visible situation.
objectives: [Be visible]
rubric:
  - key: alpha
    title: Alpha criterion
    description: Visible description.
    weight: 1
    levels:
{"".join(f"      {n}: SENTINEL-LEVEL-alpha-{n}{chr(10)}" for n in range(1, 5))}\
  - key: beta
    title: Beta criterion
    weight: 2
    levels:
{"".join(f"      {n}: SENTINEL-LEVEL-beta-{n}{chr(10)}" for n in range(1, 5))}\
passing_score: 2.5
mentor_notes: |
  SENTINEL-NOTES-7f3a
  **SENTINEL-NOTES-MD-9c1e**
---
The visible scenario.
"""


@pytest.fixture
def app_config(app_config, tmp_path: Path):
    root = tmp_path / "content-root"
    for folder in ("content", "quizzes", "roleplays"):
        if (PROJECT_ROOT / folder).is_dir():
            shutil.copytree(PROJECT_ROOT / folder, root / folder)
    (root / "roleplays" / f"{SLUG}.md").write_text(CASE_FILE, encoding="utf-8")
    return {**app_config, "CONTENT_ROOT": str(root)}


def _assert_clean(html: str, where: str, extra: list[str] = ()) -> None:
    for secret in [*SENTINELS, *extra]:
        assert secret not in html, f"{secret!r} leaked on {where}"


def _real_secrets(app) -> list[str]:
    """Distinctive lines of the shipped cases' mentor notes and level descriptors."""
    with app.app_context():
        cases = [c for c in catalog().roleplays.values() if c.slug != SLUG]
    found: list[str] = []
    for case in cases:
        found += [line.strip() for line in case.mentor_notes.splitlines() if len(line.strip()) > 40]
        found += [text for c in case.rubric for text in c.levels]
    return found


def test_sentinels_are_in_the_catalog_and_on_the_mentors_pages(client, db_session, app):
    with app.app_context():
        case = catalog().roleplays[SLUG]
    assert "SENTINEL-NOTES-7f3a" in case.mentor_notes
    cast = factories.make_team(db_session)
    db_session.commit()
    as_user(client, cast["mentor"].email)
    page = client.get(URL).get_data(as_text=True)
    assert all(s in page for s in SENTINELS)  # the test would notice a broken sentinel


def test_no_page_a_hire_reaches_shows_mentor_material(client, db_session, app):
    cast = factories.make_team(db_session)
    db_session.commit()
    hire, mentor = cast["hire"], cast["mentor"]
    real = _real_secrets(app)
    seen: dict[str, str] = {}

    as_user(client, hire.email)
    seen["case (empty)"] = client.get(URL).get_data(as_text=True)
    token = client.csrf_token(URL)
    seen["422"] = client.post(URL, data={"csrf_token": token, "text": "", "submit": "1"}).get_data(
        as_text=True
    )
    seen["save draft"] = client.post(
        URL, data={"csrf_token": token, "text": "draft", "save": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    seen["submit"] = client.post(
        URL, data={"csrf_token": token, "text": "my answer", "submit": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()

    as_user(client, mentor.email)
    review = f"/reviews/{sub.id}"
    client.post_form(
        review,
        {
            "level-alpha": "1",
            "level-beta": "2",
            "comment-alpha": "try again",
            "comment": "more please",
            "decision": "needs_work",
        },
        token_from=review,
    )

    as_user(client, hire.email)
    seen["history"] = client.get(URL).get_data(as_text=True)
    seen["home"] = client.get("/").get_data(as_text=True)
    seen["index"] = client.get("/roleplays/").get_data(as_text=True)
    for case_slug in ("gatekeeper-cold-call", "price-objection", "warm-lead-handover"):
        seen[case_slug] = client.get(f"/roleplays/{case_slug}").get_data(as_text=True)
    seen["review page (403)"] = client.get(review).get_data(as_text=True)
    seen["hire page (403)"] = client.get(f"/reviews/hires/{hire.id}").get_data(as_text=True)

    assert "try again" in seen["history"] and "more please" in seen["history"]
    assert "Alpha criterion" in seen["history"] and "1\u00a0/ 4" in seen["history"]
    for where, html in seen.items():
        _assert_clean(html, where, real)
