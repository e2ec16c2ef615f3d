"""The admin's people pages: create and edit accounts, with errors next to the field."""

from __future__ import annotations

import sqlalchemy as sa

from tests import factories
from trainhub.audit.models import AuditEvent
from trainhub.auth.models import User


def _form(**overrides):
    data = {
        "name": "New Hire",
        "email": "new.hire@example.test",
        "role": "hire",
        "track": "account-manager",
        "mentor_id": "",
        "manager_id": "",
        "started_on": "2026-11-02",
        "locale": "",
        "is_active": "y",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_hire_with_mentor_and_manager(client, login_as, db_session):
    login_as("admin")
    mentor = factories.make_user(db_session, "mentor")
    manager = factories.make_user(db_session, "manager")
    db_session.commit()
    response = client.post_form(
        "/admin/people/new",
        _form(mentor_id=str(mentor.id), manager_id=str(manager.id)),
        token_from="/admin/people/new",
    )
    assert response.status_code == 302
    hire = db_session.scalars(sa.select(User).where(User.email == "new.hire@example.test")).one()
    assert (hire.mentor_id, hire.manager_id, hire.track) == (
        mentor.id,
        manager.id,
        "account-manager",
    )
    assert "New Hire" in client.get("/admin/people/").get_data(as_text=True)
    created = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.subject_id == hire.id))
    # No password typed by the admin: the person is invited to choose their own.
    assert [e.action for e in created] == ["user.created", "user.invited"]
    assert not hire.has_password


def test_bad_values_are_reported_next_to_the_field(client, login_as, db_session):
    login_as("admin")
    existing = factories.make_user(db_session, "mentor")
    db_session.commit()
    page = client.post_form(
        "/admin/people/new",
        _form(email=existing.email.upper(), track=""),
        token_from="/admin/people/new",
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="track-error"' in html or 'id="email-error"' in html
    duplicate = client.post_form(
        "/admin/people/new", _form(email=existing.email.upper()), token_from="/admin/people/new"
    )
    assert duplicate.status_code == 422
    assert "already exists" in duplicate.get_data(as_text=True)
    count = db_session.scalar(sa.select(sa.func.count()).select_from(User))
    assert count == 2  # the admin and the mentor: nothing half-created


def test_role_change_is_audited_and_signs_the_person_out(client, login_as, db_session):
    login_as("admin")
    person = factories.make_user(db_session, "mentor", name="Mo Mentor")
    db_session.commit()
    version = person.session_version
    response = client.post_form(
        f"/admin/people/{person.id}",
        _form(name="Mo Mentor", email=person.email, role="manager", track=""),
        token_from=f"/admin/people/{person.id}",
    )
    assert response.status_code == 302
    db_session.expire_all()
    person = db_session.get(User, person.id)
    assert person.role == "manager"
    assert person.session_version == version + 1
    actions = db_session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_id == person.id)
    ).all()
    assert "user.role_changed" in actions


def test_admin_cannot_demote_themselves(client, login_as, db_session):
    admin_id = login_as("admin")
    admin = db_session.get(User, admin_id)
    response = client.post_form(
        f"/admin/people/{admin_id}",
        _form(name=admin.name, email=admin.email, role="hire"),
        token_from=f"/admin/people/{admin_id}",
    )
    assert response.status_code == 422
    db_session.expire_all()
    assert db_session.get(User, admin_id).role == "admin"


def test_people_pages_escape_names(client, login_as, db_session):
    login_as("admin")
    factories.make_user(db_session, "mentor", name="<script>alert(1)</script>")
    db_session.commit()
    html = client.get("/admin/people/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_content_page_lists_problems(client, login_as):
    login_as("admin")
    page = client.get("/admin/content")
    assert page.status_code == 200
    assert "No problems" in page.get_data(as_text=True)


def test_a_new_hire_needs_a_start_date_but_a_mentor_does_not(client, login_as, db_session):
    login_as("admin")
    url = "/admin/people/new"
    refused = client.post_form(url, _form(started_on=""), token_from=url)
    assert refused.status_code == 422
    assert 'id="started_on-error">A new hire needs a start date.' in refused.get_data(as_text=True)
    mentor = client.post_form(
        url, _form(role="mentor", track="", started_on="", email="m@example.test"), token_from=url
    )
    assert mentor.status_code == 302
    assert db_session.scalars(sa.select(User).where(User.role == "hire")).all() == []
