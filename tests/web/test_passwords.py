"""Passwords (issue 13, build item 5): the rules for a new one, changing it, "Forgot
password?" with a one-time link by e-mail, and admins inviting people instead of typing
their password. Mail goes through the outbox and ``trainhub notify`` to a real SMTP server
in the test. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from tests.smtp import smtp_settings
from trainhub.api.models import ApiToken
from trainhub.audit.models import AuditEvent
from trainhub.auth.models import PasswordToken, User
from trainhub.auth.policy import password_problem
from trainhub.db import utcnow
from trainhub.notifications.models import OutboundMail

NEW = "plum tractor lantern"
LINK = re.compile(r"https://trainhub\.example\.test(/passwords/set/[\w-]+)")


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp_settings(smtp[1])}


def _notify(runner) -> None:
    result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output


def _link_mails(inbox, address: str) -> list:
    """The mails with a password link (a hire also gets notices of their steps)."""
    return [m for m in inbox.to(address) if LINK.search(m.get_content())]


def _link_in(inbox, address: str) -> str:
    mails = _link_mails(inbox, address)
    assert mails, f"no mail with a link to {address}"
    return LINK.search(mails[-1].get_content()).group(1)


def _choose(client, path: str, password: str = NEW, confirm: str | None = None):
    return client.post_form(
        path, {"password": password, "confirm": confirm or password}, token_from=path
    )


def _actions(db_session, user_id: int) -> list[str]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.subject_id == user_id)
            .order_by(AuditEvent.id)
        )
    )


# --- forgot password ---------------------------------------------------------------------


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(
    client, db_session, runner, smtp
):
    inbox, _port = smtp
    person = factories.make_user(db_session, "hire", email="known@example.test")
    db_session.commit()
    assert 'href="/passwords/forgot"' in client.get("/login").get_data(as_text=True)
    known = client.post_form("/passwords/forgot", {"email": "Known@example.test"})
    unknown = client.post_form("/passwords/forgot", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200

    def page(response, address: str) -> str:
        html = response.get_data(as_text=True).replace(address, "ADDRESS")
        return re.sub(r'value="[\w.-]{40,}"', "TOKEN", html)  # the form tokens differ

    assert page(known, "Known@example.test") == page(unknown, "nobody@example.test")
    _notify(runner)
    assert _link_mails(inbox, "nobody@example.test") == []
    path = _link_in(inbox, person.email)
    # Only the hash is stored; once sent, the outbox row no longer holds the link either.
    secret = path.rsplit("/", 1)[1]
    token = db_session.scalars(sa.select(PasswordToken)).one()
    assert token.token_hash != secret and secret not in token.token_hash
    bodies = db_session.scalars(sa.select(OutboundMail.body)).all()
    assert bodies and all(secret not in body for body in bodies)
    assert token.expires_at - token.created_at <= timedelta(hours=1)


def test_the_link_sets_a_new_password_once(client, db_session, runner, smtp):
    inbox, _port = smtp
    person = factories.make_user(db_session, "hire")
    db_session.commit()
    client.post_form("/passwords/forgot", {"email": person.email})
    _notify(runner)
    path = _link_in(inbox, person.email)
    page = client.get(path)
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    assert _choose(client, path).status_code == 302
    assert client.post_form("/login", {"email": person.email, "password": NEW}).status_code == 302
    client.post_form("/logout", {}, token_from="/")
    wrong = client.post_form("/login", {"email": person.email, "password": factories.PASSWORD})
    assert wrong.status_code == 401
    # The same link again: refused with a clear page, and the password stays.
    again = client.get(path)
    assert again.status_code == 410
    assert "already used" in again.get_data(as_text=True)
    assert _choose(client, path, "another long password").status_code == 410
    assert "user.password_reset" in _actions(db_session, person.id)


def test_an_expired_or_replaced_link_says_so(client, db_session, runner, smtp):
    inbox, _port = smtp
    person = factories.make_user(db_session, "hire")
    db_session.commit()
    client.post_form("/passwords/forgot", {"email": person.email})
    _notify(runner)
    first = _link_in(inbox, person.email)
    client.post_form("/passwords/forgot", {"email": person.email})
    _notify(runner)
    second = _link_in(inbox, person.email)
    replaced = client.get(first)
    assert replaced.status_code == 410 and "newer link" in replaced.get_data(as_text=True)
    # An hour on (the stored expiry moved, never slept):
    db_session.execute(sa.update(PasswordToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    expired = client.get(second)
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)
    assert _choose(client, second).status_code == 410
    assert client.get("/passwords/set/not-a-real-link").status_code == 404


def test_forgot_password_mails_one_account_at_most_three_times_an_hour(
    client, db_session, runner, smtp
):
    inbox, _port = smtp
    person = factories.make_user(db_session, "hire")
    db_session.commit()
    for _ in range(5):
        assert client.post_form("/passwords/forgot", {"email": person.email}).status_code == 200
    _notify(runner)
    assert len(_link_mails(inbox, person.email)) == 3


def test_the_mail_is_in_the_recipients_language(client, db_session, runner, smtp):
    inbox, _port = smtp
    person = factories.make_user(db_session, "hire", locale="uk")
    db_session.commit()
    client.post_form("/passwords/forgot", {"email": person.email})
    _notify(runner)
    mail = _link_mails(inbox, person.email)[0]
    assert "пароль" in str(mail["Subject"]).lower()
    assert "Choose" not in mail.get_content()


def test_a_deactivated_account_gets_no_link(client, db_session, runner, smtp):
    inbox, _port = smtp
    person = factories.make_user(db_session, "hire", is_active=False)
    db_session.commit()
    assert client.post_form("/passwords/forgot", {"email": person.email}).status_code == 200
    _notify(runner)
    assert _link_mails(inbox, person.email) == []


def test_someone_elses_link_in_a_signed_in_browser_is_refused(client, db_session, runner, smtp):
    inbox, _port = smtp
    owner = factories.make_user(db_session, "hire")
    other = factories.make_user(db_session, "mentor")
    db_session.commit()
    client.post_form("/passwords/forgot", {"email": owner.email})
    _notify(runner)
    path = _link_in(inbox, owner.email)
    sign_in(client, other.email)
    assert client.get(path).status_code == 403
    assert _choose(client, path).status_code == 403
    db_session.expire_all()
    assert db_session.get(PasswordToken, 1).used_at is None


def test_the_forms_need_their_csrf_token(client, db_session):
    person = factories.make_user(db_session, "hire")
    db_session.commit()
    assert client.post("/passwords/forgot", data={"email": person.email}).status_code == 400
    sign_in(client, person.email)
    data = {"current": factories.PASSWORD, "password": NEW, "confirm": NEW}
    assert client.post("/passwords/change", data=data).status_code == 400


# --- the rules for a new password --------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw", "at least 12 characters"),
        ("1qaz2wsx3edc", "most common passwords"),  # on the shipped list, and 12 long
        ("1QAZ2WSX3EDC", "most common passwords"),
    ],
)
def test_short_and_common_passwords_are_refused_next_to_the_field(
    client, login_as, db_session, password, message
):
    login_as("hire")
    page = client.post_form(
        "/passwords/change",
        {"current": factories.PASSWORD, "password": password, "confirm": password},
        token_from="/passwords/change",
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="password-error"' in html and message in html


def test_the_demo_password_stays_valid(client, db_session, runner):
    assert password_problem("demo-password") is None
    assert runner.invoke(args=["demo"]).exit_code == 0
    sign_in(client, "admin@demo.local", "demo-password")


# --- changing one's password ----------------------------------------------------------------


def test_changing_the_password_ends_other_sessions_and_tokens(app, client, db_session, runner):
    person = factories.make_user(db_session, "manager")
    db_session.commit()
    created = runner.invoke(args=["api-token", "create", person.email])
    secret = re.search(r"th_[\w-]+", created.output).group(0)
    other_device = app.test_client()
    sign_in(other_device, person.email)
    sign_in(client, person.email)
    wrong = client.post_form(
        "/passwords/change",
        {"current": "not my password", "password": NEW, "confirm": NEW},
        token_from="/passwords/change",
    )
    assert wrong.status_code == 422
    assert "not your current password" in wrong.get_data(as_text=True)
    done = client.post_form(
        "/passwords/change",
        {"current": factories.PASSWORD, "password": NEW, "confirm": NEW},
        token_from="/passwords/change",
    )
    assert done.status_code == 302
    # This browser goes on; the other device is signed out; the API token is dead.
    assert client.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302
    api = app.test_client().get("/api/v1/readiness", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401
    db_session.expire_all()
    assert db_session.scalars(sa.select(ApiToken)).one() is not None
    assert "user.password_changed" in _actions(db_session, person.id)
    fresh = app.test_client()
    assert fresh.post_form("/login", {"email": person.email, "password": NEW}).status_code == 302


def test_the_change_page_needs_a_signed_in_person(client):
    response = client.get("/passwords/change")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_guessing_the_current_password_meets_the_sign_in_limit(app, client, login_as):
    app.config["RATELIMIT_LOGIN_ATTEMPTS"] = 3
    login_as("hire")
    codes = [
        client.post_form(
            "/passwords/change",
            {"current": f"guess number {n}", "password": NEW, "confirm": NEW},
            token_from="/passwords/change",
        ).status_code
        for n in range(5)
    ]
    assert codes == [422, 422, 422, 429, 429]


# --- invitations -------------------------------------------------------------------------


def _add_person(client, email: str = "new.person@example.test", **extra):
    data = {
        "name": "New Person",
        "email": email,
        "role": "mentor",
        "track": "",
        "mentor_id": "",
        "manager_id": "",
        "started_on": "",
        "locale": "",
        "is_active": "y",
        **extra,
    }
    return client.post_form("/admin/people/new", data, token_from="/admin/people/new")


def test_an_added_person_is_invited_to_choose_their_own_password(
    app, client, login_as, db_session, runner, smtp
):
    inbox, _port = smtp
    login_as("admin", name="Ada Admin")
    form = client.get("/admin/people/new").get_data(as_text=True)
    assert 'name="password"' not in form and "Leave empty to keep it" not in form
    assert _add_person(client, locale="ru").status_code == 302
    person = db_session.scalars(
        sa.select(User).where(User.email == "new.person@example.test")
    ).one()
    assert not person.has_password
    # Nobody can sign in to an invited account before the person chose a password.
    guest = app.test_client()
    assert guest.post_form("/login", {"email": person.email, "password": ""}).status_code != 302
    _notify(runner)
    mail = _link_mails(inbox, person.email)[0]
    assert "Ada Admin" in mail.get_content() and "TrainHub" in str(mail["Subject"])
    assert "Choose" not in mail.get_content()  # Russian, the person's language
    path = _link_in(inbox, person.email)
    assert "Welcome to TrainHub" in guest.get(path, headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert _choose(guest, path).status_code == 302
    assert guest.post_form("/login", {"email": person.email, "password": NEW}).status_code == 302
    assert _actions(db_session, person.id) == [
        "user.created",
        "user.invited",
        "user.invitation_accepted",
    ]
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "has chosen a password" in page


def test_an_invitation_can_be_sent_again_and_an_expired_one_says_so(
    app, client, login_as, db_session, runner, smtp
):
    inbox, _port = smtp
    login_as("admin")
    _add_person(client)
    person = db_session.scalars(
        sa.select(User).where(User.email == "new.person@example.test")
    ).one()
    db_session.commit()  # end the read: SQLite refuses to turn an old snapshot into a write
    _notify(runner)
    first = _link_in(inbox, person.email)
    db_session.execute(sa.update(PasswordToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert 'data-testid="invitation-expired"' in page and "Send the invitation again" in page
    guest = app.test_client()  # the invited person's browser
    expired = guest.get(first)
    assert expired.status_code == 410
    assert "This invitation has expired" in expired.get_data(as_text=True)
    url = f"/admin/people/{person.id}/password-link"
    assert client.post_form(url, {}, token_from=f"/admin/people/{person.id}").status_code == 302
    _notify(runner)
    second = _link_in(inbox, person.email)
    assert second != first
    assert _choose(guest, second).status_code == 302
    assert _actions(db_session, person.id).count("user.invited") == 2


def test_only_an_admin_sends_links_and_only_to_someone_who_exists(
    client, login_as, db_session, runner, smtp
):
    inbox, _port = smtp
    target = factories.make_user(db_session, "hire")
    db_session.commit()
    url = f"/admin/people/{target.id}/password-link"
    for role in ("hire", "mentor", "manager"):
        login_as(role)
        assert client.post_form(url, {}, token_from="/").status_code == 403
        client.post_form("/logout", {}, token_from="/")
    login_as("admin")
    assert (
        client.post_form("/admin/people/999999/password-link", {}, token_from="/").status_code
        == 404
    )
    assert client.post(url).status_code == 400  # no CSRF token
    assert client.post_form(url, {}, token_from="/").status_code == 302
    _notify(runner)
    # The person has a password: the admin's button mails them a reset link, never a password.
    assert "new password" in _link_mails(inbox, target.email)[0].get_content()
    assert "user.password_link_created" in _actions(db_session, target.id)


def test_two_uses_of_one_link_at_once_set_one_password(app, client, db_session, runner, smtp):
    inbox, _port = smtp
    person = factories.make_user(db_session, "mentor")
    db_session.commit()
    client.post_form("/passwords/forgot", {"email": person.email})
    _notify(runner)
    path = _link_in(inbox, person.email)
    browsers = [app.test_client() for _ in range(2)]
    tokens = [b.csrf_token(path) for b in browsers]
    start = threading.Barrier(2)
    codes: list[int] = []

    def use(browser, token: str, password: str) -> None:
        start.wait()
        data = {"csrf_token": token, "password": password, "confirm": password}
        codes.append(browser.post(path, data=data).status_code)

    threads = [
        threading.Thread(target=use, args=(b, t, p))
        for b, t, p in zip(browsers, tokens, [NEW, "orange violin harbour"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [302, 410]
    assert _actions(db_session, person.id).count("user.password_reset") == 1
