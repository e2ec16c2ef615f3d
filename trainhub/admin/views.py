"""Admin pages: people and the content problem list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import requires
from ..auth import service as accounts
from ..auth.forms import PasswordLinkForm, PersonForm
from ..auth.links import latest_link, state_of
from ..auth.models import User
from ..content import catalog, read_catalog
from ..db import utcnow
from ..extensions import db
from ..passwords.service import send_invitation, send_reset
from ..permissions import can_manage_content, can_manage_people

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _fill_choices(form: PersonForm) -> None:
    tracks = read_catalog().tracks  # the keys are the same in every language
    form.track.choices = [SelectChoice("", "—")] + [
        SelectChoice(t.role, t.title) for t in tracks.values()
    ]
    mentors = accounts.people_for_choice(db.session, {"mentor"})
    managers = accounts.people_for_choice(db.session, {"manager"})
    form.mentor_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(p.id), f"{p.name} <{p.email}>") for p in mentors
    ]
    form.manager_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(p.id), f"{p.name} <{p.email}>") for p in managers
    ]


def _data(form: PersonForm) -> accounts.PersonData:
    return accounts.PersonData(
        email=form.email.data or "",
        name=form.name.data or "",
        role=form.role.data or "hire",
        track=form.track.data or None,
        mentor_id=form.mentor_id.data,
        manager_id=form.manager_id.data,
        started_on=form.started_on.data,
        is_active=bool(form.is_active.data),
        locale=form.locale.data or None,
    )


def _attach_error(form: PersonForm, error: accounts.AccountError) -> None:
    # The message itself, not str(): a ``messages.Text`` is shown in the reader's language.
    message = error.args[0] if error.args else str(error)
    field = getattr(form, error.field or "", None)
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


@bp.get("/people/")
@requires(can_manage_people)
def people() -> ResponseReturnValue:
    users = accounts.list_users(db.session)
    names = {u.id: u.name for u in users}
    return render_template("admin/people.html", users=users, names=names)


@bp.route("/people/new", methods=["GET", "POST"])
@requires(can_manage_people)
def new_person() -> ResponseReturnValue:
    form = PersonForm()
    _fill_choices(form)
    if form.validate_on_submit():
        now = utcnow()
        try:
            # No password: the person chooses their own through the invitation's link.
            user = accounts.create_user(
                db.session,
                _data(form),
                None,
                known_tracks=set(catalog().tracks),
                actor=current_user,
                now=now,
            )
            send_invitation(db.session, user, actor=current_user, now=now)
        except accounts.AccountError as error:
            db.session.rollback()
            _attach_error(form, error)
        else:
            db.session.commit()
            flash(
                _("Account created for %(email)s. An invitation to choose a password was sent "
                  "to that address.", email=user.email),
                "success",
            )  # fmt: skip
            return redirect(url_for("admin.people"))
    return render_template("admin/person.html", form=form, person=None), (
        422 if form.is_submitted() else 200
    )


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@requires(can_manage_people)
def edit_person(user_id: int) -> ResponseReturnValue:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    form = PersonForm(obj=person)
    _fill_choices(form)
    if form.validate_on_submit():
        if person.id == current_user.id and (form.role.data != "admin" or not form.is_active.data):
            form.role.errors = [*form.role.errors, _("You cannot demote or deactivate yourself.")]
        else:
            try:
                accounts.update_user(
                    db.session,
                    person,
                    _data(form),
                    known_tracks=set(catalog().tracks),
                    actor=current_user,
                    now=utcnow(),
                )
            except accounts.AccountError as error:
                db.session.rollback()
                _attach_error(form, error)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("admin.people"))
    status = 422 if form.is_submitted() else 200
    return _person_page(form, person, status)


def _person_page(form: PersonForm, person: User, status: int = 200) -> ResponseReturnValue:
    invitation = None if person.has_password else latest_link(db.session, person, "invitation")
    return render_template(
        "admin/person.html",
        form=form,
        person=person,
        link_form=PasswordLinkForm(),
        invitation=invitation,
        invitation_state=state_of(invitation, utcnow()).value if invitation else None,
    ), status


@bp.post("/people/<int:user_id>/password-link")
@requires(can_manage_people)
def send_password_link(user_id: int) -> ResponseReturnValue:
    """The invitation again for a person who has not chosen a password yet; for anyone
    else, a mail with a link to choose a new one (the admin never types it for them)."""
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    if not PasswordLinkForm().validate_on_submit():
        abort(400)
    if not person.is_active:
        flash(_("%(name)s is deactivated: activate the account first.", name=person.name), "error")
        return redirect(url_for("admin.edit_person", user_id=person.id))
    now = utcnow()
    if person.has_password:
        sent = send_reset(db.session, person, actor=current_user, now=now, audit=True)
        message = _("A link to choose a new password was sent to %(email)s.", email=person.email)
    else:
        send_invitation(db.session, person, actor=current_user, now=now)
        sent = True
        message = _("The invitation was sent again to %(email)s.", email=person.email)
    db.session.commit()
    if not sent:
        message = _("%(email)s was sent several links within the hour already: wait a while.",
                    email=person.email)  # fmt: skip
    flash(message, "success" if sent else "error")
    return redirect(url_for("admin.edit_person", user_id=person.id))


@bp.get("/content")
@requires(can_manage_content)
def content() -> ResponseReturnValue:
    cat = catalog()
    counts = {
        "courses": len(cat.courses),
        "lessons": sum(len(c.lessons) for c in cat.courses.values()),
        "tracks": len(cat.tracks),
        "quizzes": len(cat.quizzes),
        "roleplays": len(cat.roleplays),
    }
    return render_template("admin/content.html", catalog=cat, counts=counts)
