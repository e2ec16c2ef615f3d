"""Admin pages: people and the content problem list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import requires
from ..auth import service as accounts
from ..auth.forms import PersonForm
from ..auth.models import User
from ..content import catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import can_manage_content, can_manage_people

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _fill_choices(form: PersonForm) -> None:
    tracks = catalog().tracks
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
        if not form.password.data:
            form.password.errors = [*form.password.errors, _("A new account needs a password.")]
        else:
            try:
                user = accounts.create_user(
                    db.session,
                    _data(form),
                    form.password.data,
                    known_tracks=set(catalog().tracks),
                    actor=current_user,
                    now=utcnow(),
                )
            except accounts.AccountError as error:
                db.session.rollback()
                _attach_error(form, error)
            else:
                db.session.commit()
                flash(_("Account created for %(email)s.", email=user.email), "success")
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
                    password=form.password.data or None,
                )
            except accounts.AccountError as error:
                db.session.rollback()
                _attach_error(form, error)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("admin.people"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/person.html", form=form, person=person), status


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
