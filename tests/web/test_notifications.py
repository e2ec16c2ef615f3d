"""The notification centre: the count in the nav, the list, read and unread, the links to the
thing itself, settings per kind, and nobody else's notices."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from tests.web.roleplay_helpers import answer, as_user, decide, team
from trainhub.db import utcnow
from trainhub.notifications.models import Notification, NotificationPreference, OutboundMail
from trainhub.notifications.service import notify
from trainhub.roleplays.models import RoleplaySubmission


def _give(app, db_session, recipient_id: int, count: int = 1, **data) -> list[int]:
    now = utcnow()
    with app.app_context():
        for i in range(count):
            notify(
                db_session,
                recipient=recipient_id,
                kind="hire_ready",
                key=f"test:{i}:{data}",
                data={"hire": data.get("hire", f"Person {i}")},
                now=now + timedelta(seconds=i),
                endpoint="team.hire",
                endpoint_args={"user_id": 1},
            )
        db_session.commit()
    return list(
        db_session.scalars(
            sa.select(Notification.id).where(Notification.recipient_id == recipient_id)
        )
    )


def _badge(html: str) -> str | None:
    found = re.search(r'data-testid="unread-count">(\d+)<', html)
    return found.group(1) if found else None


def test_a_submitted_answer_reaches_the_mentors_centre(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "my answer")
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()
    as_user(client, cast["mentor"].email)
    page = client.get("/notifications/").get_data(as_text=True)
    assert _badge(page) == "1"
    name = cast["hire"].name
    assert f"{name} submitted \u201cGetting past the gatekeeper\u201d (version 1)" in page
    assert f'href="/reviews/{sub.id}"' in page
    # No code on the page: no kind slug, no ISO time.
    assert "review_waiting" not in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", page)


def test_a_review_reaches_the_hire_in_their_language(client, db_session):
    cast = team(db_session)
    hire = cast["hire"]
    hire.locale = "ru"
    db_session.commit()
    as_user(client, hire.email)
    answer(client, "my answer")
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()
    as_user(client, cast["mentor"].email)
    decide(client, sub.id, 2, "needs_work")
    mail = db_session.scalars(
        sa.select(OutboundMail).where(OutboundMail.to_address == hire.email)
    ).one()
    assert "на доработку" in mail.subject
    as_user(client, hire.email)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "на доработку" in page and "/roleplays/gatekeeper-cold-call" in page


def test_mark_read_and_mark_all_read(app, client, db_session):
    hire = factories.make_user(db_session, "manager")
    db_session.commit()
    ids = _give(app, db_session, hire.id, 3)
    sign_in(client, hire.email)
    assert _badge(client.get("/").get_data(as_text=True)) == "3"
    response = client.post_form(f"/notifications/{ids[0]}/read", token_from="/notifications/")
    assert response.status_code == 302
    # A double click changes nothing more.
    client.post_form(f"/notifications/{ids[0]}/read", token_from="/notifications/")
    assert _badge(client.get("/notifications/").get_data(as_text=True)) == "2"

    page = client.get("/notifications/").get_data(as_text=True)
    up_to = re.search(r'name="up_to" type="hidden" value="(\d+)"', page).group(1)
    # A notice that arrives after the page was shown stays unread.
    later = _give(app, db_session, hire.id, 1, hire="Late Arrival")
    client.post_form("/notifications/read-all", {"up_to": up_to}, token_from="/notifications/")
    unread = db_session.scalars(
        sa.select(Notification.id).where(
            Notification.recipient_id == hire.id, Notification.read_at.is_(None)
        )
    ).all()
    assert unread == [max(later)]
    assert _badge(client.get("/notifications/").get_data(as_text=True)) == "1"


def test_anothers_notice_cannot_be_touched(app, client, db_session):
    owner = factories.make_user(db_session, "manager")
    db_session.commit()
    [theirs] = _give(app, db_session, owner.id)
    sign_in(client, factories.make_user(db_session, "admin").email)
    assert client.post_form(f"/notifications/{theirs}/read", token_from="/").status_code == 403
    assert client.post_form("/notifications/999999/read", token_from="/").status_code == 404
    assert db_session.get(Notification, theirs).read_at is None
    assert "Person 0" not in client.get("/notifications/").get_data(as_text=True)


def test_forms_need_their_csrf_token(app, client, db_session):
    person = factories.make_user(db_session, "manager")
    db_session.commit()
    [mine] = _give(app, db_session, person.id)
    sign_in(client, person.email)
    assert client.post(f"/notifications/{mine}/read").status_code == 400
    assert client.post("/notifications/read-all", data={"up_to": "99"}).status_code == 400
    assert db_session.get(Notification, mine).read_at is None


def test_text_is_escaped(app, client, db_session):
    person = factories.make_user(db_session, "manager")
    db_session.commit()
    _give(app, db_session, person.id, hire="<script>alert(1)</script>")
    sign_in(client, person.email)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_long_lists_are_paged(app, client, db_session):
    person = factories.make_user(db_session, "manager")
    db_session.commit()
    _give(app, db_session, person.id, 25)
    sign_in(client, person.email)
    first = client.get("/notifications/").get_data(as_text=True)
    assert first.count('data-testid="notice"') == 20
    assert "Person 24" in first  # newest first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert second.count('data-testid="notice"') == 5 and "Person 0" in second
    assert client.get("/notifications/?page=99").status_code == 200


def test_settings_offer_the_roles_kinds_and_save_once(client, db_session, login_as):
    user_id = login_as("hire")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "My answer was reviewed" in page and "An answer waits for my review" not in page
    assert "review_done" not in page.replace('name="kind-review_done"', "").replace(
        'id="kind-review_done', ""
    )
    data = {
        "kind-review_done": "off",
        "kind-step_due_soon": "digest",
        "kind-step_overdue": "email",
        "kind-signoff_decided": "app",
        "kind-redo_requested": "email",
    }
    for _ in range(2):  # a double click gives one row per kind
        response = client.post_form(
            "/notifications/settings", data, token_from="/notifications/settings"
        )
        assert response.status_code == 302
    rows = db_session.execute(
        sa.select(NotificationPreference.kind, NotificationPreference.channel).where(
            NotificationPreference.user_id == user_id
        )
    ).all()
    assert sorted(rows) == sorted(data_item for data_item in [(k[5:], v) for k, v in data.items()])


def test_a_bad_choice_is_told_next_to_the_field(client, login_as):
    login_as("hire")
    response = client.post_form(
        "/notifications/settings",
        {"kind-review_done": "telepathy", "kind-step_due_soon": "app", "kind-step_overdue": "app"},
        token_from="/notifications/settings",
    )
    assert response.status_code == 422
    assert 'id="kind-review_done-error"' in response.get_data(as_text=True)


def test_a_kind_turned_off_writes_no_notice(client, db_session):
    cast = team(db_session)
    db_session.add(
        NotificationPreference(user_id=cast["mentor"].id, kind="review_waiting", channel="off")
    )
    db_session.commit()
    as_user(client, cast["hire"].email)
    answer(client, "my answer")
    assert db_session.scalars(sa.select(Notification)).all() == []
    assert db_session.scalars(sa.select(OutboundMail)).all() == []


def test_a_resubmitted_double_click_gives_one_notice(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "my answer")
    answer(client, "my answer")  # the second "Submit" finds the version frozen
    assert len(db_session.scalars(sa.select(Notification)).all()) == 1
