"""``/notifications/``: the signed-in person's notices, newest first, and their settings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.models import User
from ..db import utcnow
from ..extensions import db
from ..permissions import can_read_notification, is_signed_in
from ..templating import NAV_BADGES
from . import service
from .forms import MarkAllReadForm, MarkReadForm, settings_form_for
from .kinds import KINDS, title_of
from .models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def unread_badge(user: User) -> dict[str, int]:
    return {"notifications": service.unread_count(db.session, user.id)}


if unread_badge not in NAV_BADGES:
    NAV_BADGES.append(unread_badge)


def _locale() -> str:
    return str(get_locale() or "en")


def _shown(notification: Notification, locale: str) -> dict[str, Any]:
    return {
        "id": notification.id,
        "title": title_of(notification.kind, notification.data, locale),
        "url": service.link_of(notification.endpoint, notification.endpoint_args),
        "created_at": notification.created_at,
        "is_unread": notification.read_at is None,
    }


@bp.get("/")
@requires(is_signed_in)
def index() -> ResponseReturnValue:
    page = service.inbox(db.session, current_user.id, request.args.get("page", 1, type=int) or 1)
    locale = _locale()
    items = [_shown(n, locale) for n in page.items]
    newest = max((n.id for n in page.items), default=0)
    all_form = MarkAllReadForm(formdata=None, up_to=str(newest))
    return render_template(
        "notifications/index.html",
        items=items,
        page=page,
        read_form=MarkReadForm(formdata=None),
        all_form=all_form,
    )


def _own_or_404(notification_id: int) -> Notification:
    found = db.session.get(Notification, notification_id)
    if found is None:
        abort(404)
    authorize(can_read_notification(current_user, found.recipient_id))
    return found


@bp.post("/<int:notification_id>/read")
@requires(is_signed_in)
def mark_read(notification_id: int) -> ResponseReturnValue:
    notification = _own_or_404(notification_id)
    if not MarkReadForm().validate_on_submit():
        abort(400)
    service.mark_read(db.session, notification, actor=current_user, now=utcnow())
    db.session.commit()
    return redirect(url_for("notifications.index", page=request.args.get("page", 1, type=int)))


@bp.post("/read-all")
@requires(is_signed_in)
def mark_all_read() -> ResponseReturnValue:
    form = MarkAllReadForm()
    if not form.validate_on_submit():
        abort(400)
    count = service.mark_all_read(
        db.session, actor=current_user, up_to_id=int(form.up_to.data or 0), now=utcnow()
    )
    db.session.commit()
    if count:
        flash(_("All notices are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@requires(is_signed_in)
def settings() -> ResponseReturnValue:
    kinds = service.kinds_for(current_user)
    form = settings_form_for(kinds, service.channels_of(db.session, current_user))
    if form.validate_on_submit():
        service.set_channels(db.session, actor=current_user, choices=form.choices(), now=utcnow())
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    status = 422 if form.is_submitted() else 200
    rows = [(KINDS[slug], form[f"kind-{slug}"]) for slug in kinds]
    return render_template("notifications/settings.html", form=form, rows=rows), status
