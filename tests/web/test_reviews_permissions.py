"""Who may see and decide what, for answers, reviews, attachments and sign-offs.

The matrix (decided here and in reviews/views.py):
- the hire's mentor: queue, review page, decision, attachments, hire page, sign-offs;
- an admin: the same for every hire;
- the hire's manager: hire page (answers, reviews, attachments) and sign-offs, but no review
  queue and no scoring (403);
- another mentor or manager: 403 everywhere for this hire, and the queue does not list them;
- the hire: their own case page only; no queue, no review page, no hire page, no sign-offs;
- another hire: 403 on the attachment and the review page, and their case page shows only
  their own work;
- anonymous: the login page.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories
from tests.web.roleplay_helpers import CASE_URL, answer, as_user, decide, pdf_upload
from trainhub.access import policy_of
from trainhub.roleplays.models import Attachment, RoleplaySubmission


@pytest.fixture
def world(client, db_session) -> dict[str, Any]:
    a = factories.make_team(db_session, hires=2)
    b = factories.make_team(db_session)
    admin = factories.make_user(db_session, "admin")
    db_session.commit()
    hire = a["hires"][0]
    as_user(client, hire.email)
    answer(client, "SECRET-ANSWER-OF-HIRE-A", attachment=pdf_upload())
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()
    att = db_session.scalars(sa.select(Attachment)).one()
    return {
        "a": a,
        "b": b,
        "admin": admin,
        "hire": hire,
        "other_hire": a["hires"][1],
        "sub": sub.id,
        "urls": {
            "queue": "/reviews/",
            "review": f"/reviews/{sub.id}",
            "hire_page": f"/reviews/hires/{hire.id}",
            "attachment": f"/roleplays/attachments/{att.id}",
        },
    }


def _status(client, url):
    response = client.get(url)
    response.close()  # a download holds its file open until closed
    return response.status_code


def test_anonymous_gets_the_login_page(client, world):
    client.post_form("/logout", token_from="/")
    for url in [*world["urls"].values(), CASE_URL, "/roleplays/", "/audit/"]:
        response = client.get(url)
        response.close()
        assert response.status_code == 302 and "/login" in response.location, url


@pytest.mark.parametrize(
    "who, expected",
    [
        ("mentor_a", {"queue": 200, "review": 200, "hire_page": 200, "attachment": 200}),
        ("admin", {"queue": 200, "review": 200, "hire_page": 200, "attachment": 200}),
        ("manager_a", {"queue": 403, "review": 403, "hire_page": 200, "attachment": 200}),
        ("mentor_b", {"queue": 200, "review": 403, "hire_page": 403, "attachment": 403}),
        ("manager_b", {"queue": 403, "review": 403, "hire_page": 403, "attachment": 403}),
        ("hire", {"queue": 403, "review": 403, "hire_page": 403, "attachment": 200}),
        ("other_hire", {"queue": 403, "review": 403, "hire_page": 403, "attachment": 403}),
    ],
)
def test_page_access_matrix(client, world, who, expected):
    people = {
        "mentor_a": world["a"]["mentor"],
        "manager_a": world["a"]["manager"],
        "mentor_b": world["b"]["mentor"],
        "manager_b": world["b"]["manager"],
        "admin": world["admin"],
        "hire": world["hire"],
        "other_hire": world["other_hire"],
    }
    as_user(client, people[who].email)
    got = {name: _status(client, world["urls"][name]) for name in expected}
    assert got == expected


def test_other_mentor_neither_sees_nor_decides(client, world, db_session):
    as_user(client, world["b"]["mentor"].email)
    assert "SECRET-ANSWER-OF-HIRE-A" not in client.get("/reviews/").get_data(as_text=True)
    token = client.csrf_token("/reviews/")
    response = client.post(
        world["urls"]["review"], data={"csrf_token": token, "decision": "approved"}
    )
    assert response.status_code == 403
    response = client.post(
        f"{world['urls']['hire_page']}/signoffs/crm-hygiene",
        data={"csrf_token": token, "crm-hygiene-note": "sneaky"},
    )
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.get(RoleplaySubmission, world["sub"]).status == "submitted"


def test_manager_sees_the_answer_and_signs_off_but_cannot_score(client, world, db_session):
    as_user(client, world["a"]["manager"].email)
    page = client.get(world["urls"]["hire_page"]).get_data(as_text=True)
    assert "SECRET-ANSWER-OF-HIRE-A" in page and "plan.pdf" in page
    token = client.csrf_token(world["urls"]["hire_page"])
    response = client.post(
        world["urls"]["review"],
        data={"csrf_token": token, "decision": "approved", "comment": "x"},
    )
    assert response.status_code == 403
    response = client.post(
        f"{world['urls']['hire_page']}/signoffs/crm-hygiene",
        data={"csrf_token": token, "crm-hygiene-note": "checked"},
    )
    assert response.status_code == 302


def test_hire_cannot_review_or_sign_off_their_own_work(client, world, db_session):
    as_user(client, world["hire"].email)
    token = client.csrf_token(CASE_URL)
    response = client.post(
        world["urls"]["review"],
        data={"csrf_token": token, "decision": "approved", "comment": "me"},
    )
    assert response.status_code == 403
    response = client.post(
        f"{world['urls']['hire_page']}/signoffs/crm-hygiene",
        data={"csrf_token": token, "crm-hygiene-note": "me"},
    )
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.get(RoleplaySubmission, world["sub"]).status == "submitted"


def test_another_hire_sees_only_their_own_case_page(client, world):
    as_user(client, world["other_hire"].email)
    page = client.get(CASE_URL).get_data(as_text=True)
    assert "SECRET-ANSWER-OF-HIRE-A" not in page and "plan.pdf" not in page


def test_staff_cannot_submit_answers(client, world):
    as_user(client, world["a"]["mentor"].email)
    assert "Your answer" not in client.get(CASE_URL).get_data(as_text=True)
    response = answer(client, "mentor writing")
    assert response.status_code == 403


def test_admin_may_review_anyone(client, world):
    as_user(client, world["admin"].email)
    assert decide(client, world["sub"], 3, "approved").status_code == 302


def test_drafts_are_private_to_the_hire(client, world, db_session):
    other = world["other_hire"]
    as_user(client, other.email)
    answer(client, "half-written", submit=False)
    draft = db_session.scalars(
        sa.select(RoleplaySubmission).where(RoleplaySubmission.user_id == other.id)
    ).one()
    as_user(client, world["a"]["mentor"].email)
    assert client.get(f"/reviews/{draft.id}").status_code == 404
    assert "half-written" not in client.get(f"/reviews/hires/{other.id}").get_data(as_text=True)


def test_every_route_of_these_features_declares_a_policy(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in {"roleplays", "reviews", "audit"}:
            assert policy_of(app.view_functions[rule.endpoint]), rule.endpoint
