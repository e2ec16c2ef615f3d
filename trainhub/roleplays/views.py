"""``/roleplays/``: the cases of a person's role, one case with the hire's answer, downloads."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..access import authorize, requires
from ..catalog.links import folder_rewriter
from ..catalog.markdown import render, render_user_text
from ..catalog.roleplays import RoleplayCase
from ..content import read_catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import can_submit_work, can_view_attachment, is_hire, is_signed_in, is_staff
from . import service
from .forms import AnswerForm
from .notices import ReviewNotice, review_notices
from .uploads import UploadError, clean_name, download_response, store_upload, stored_path

bp = Blueprint("roleplays", __name__, url_prefix="/roleplays")


def answer_html(text: str | None) -> Markup:
    """A hire's or mentor's Markdown as HTML, through the strict allow-list for people's text."""
    return Markup(render_user_text(text or ""))  # noqa: S704 (nh3 has cleaned it)


bp.add_app_template_filter(answer_html, "answer_html")


@functools.lru_cache(maxsize=4096)
def _case_text(text: str, url_root: str) -> str:
    html = render(text, folder_rewriter("roleplays", url_root)).html.strip()
    # One line of the page (it sits in a <p> or an <li>): paragraphs become line breaks.
    html = html.replace("</p>\n<p>", "<br><br>")
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return html


@bp.app_template_filter("case_text")
def case_text(text: str | None) -> Markup:
    """A case's situation, objectives, answer format or persona traits as inline Markdown,
    through the authors' allow-list: a link to a lesson or a file works as in the scenario
    (checked by the linter at its line). Pure per text and path prefix, hence cached."""
    return Markup(_case_text(text or "", request.script_root))  # noqa: S704 (nh3 cleaned it)


# What a file's name says it is, for the message when its contents say otherwise.
_CLAIMED = {
    "pdf": "PDF",
    "mp3": "MP3",
    "m4a": "M4A",
    "ogg": "OGG",
    "wav": "WAV",
    "webm": "WebM",
}
_WRONG_TYPE = "Attach an audio recording (mp3, m4a, ogg, wav, webm) or a PDF."


def _upload_message(exc: UploadError, filename: str | None) -> str:
    """The refusal in the hire's language. A file named like a PDF (or a recording) whose
    contents are not one is told so: repeating the field's hint made it look like the name
    was wrong, when the file itself is (a renamed document, a broken export)."""
    message = str(exc)
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if message == _WRONG_TYPE and extension in _CLAIMED:
        text = _(
            "“%(name)s” is not a real %(kind)s file: its contents are something else. "
            "Export it again as %(kind)s, or attach an audio recording or a PDF.",
            name=clean_name(filename),
            kind=_CLAIMED[extension],
        )
    elif message == _WRONG_TYPE:
        text = _(
            "“%(name)s” is neither an audio recording nor a PDF. "
            "Attach an audio recording (mp3, m4a, ogg, wav, webm) or a PDF.",
            name=clean_name(filename),
        )
    else:
        return exc.message  # a Text: shown in the reader's language
    return str(text)


@bp.app_template_global("roleplay_notices")
def roleplay_notices() -> list[tuple[ReviewNotice, RoleplayCase | None]]:
    """The hire's latest reviewed answers, for the notice block on their home page."""
    if not current_user.is_authenticated or not is_hire(current_user):
        return []
    cases = read_catalog().roleplays
    return [(n, cases.get(n.case_slug)) for n in review_notices(db.session, current_user.id)]


def _case_or_404(case_slug: str) -> RoleplayCase:
    case = read_catalog().roleplays.get(case_slug)
    if case is None:
        abort(404)
    return case


@bp.get("/")
@requires(is_signed_in)
def index() -> ResponseReturnValue:
    cases = list(read_catalog().roleplays.values())
    role = current_user.track if is_hire(current_user) else None
    mine = [c for c in cases if c.is_for(role)] if role else cases
    others = [c for c in cases if c not in mine]
    states = service.case_states(db.session, current_user.id) if is_hire(current_user) else {}
    return render_template("roleplays/index.html", mine=mine, others=others, states=states)


def _render_case(case: RoleplayCase, form: AnswerForm, status: int = 200) -> ResponseReturnValue:
    rows = (
        service.versions_of(db.session, current_user.id, case.slug) if is_hire(current_user) else []
    )
    current = service.latest(rows)
    if not form.is_submitted():
        form.text.data = service.starting_text(current)
    return render_template(
        "roleplays/case.html",
        case=case,
        form=form,
        current=current,
        draft=current if current is not None and current.status == "draft" else None,
        versions=service.history(db.session, current_user.id, case.slug)
        if is_hire(current_user)
        else [],
        can_answer=can_submit_work(current_user) and service.is_open(current),
        show_mentor_view=is_staff(current_user),
    ), status


@bp.get("/<case_slug>")
@requires(is_signed_in)
def case(case_slug: str) -> ResponseReturnValue:
    return _render_case(_case_or_404(case_slug), AnswerForm(formdata=None))


@bp.post("/<case_slug>")
@requires(can_submit_work)
def answer(case_slug: str) -> ResponseReturnValue:
    found = _case_or_404(case_slug)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_case(found, form, 422)
    upload = form.attachment.data
    stored = None
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    if upload is not None and getattr(upload, "filename", None):
        try:
            stored = store_upload(upload.stream, folder, current_app.config["UPLOAD_MAX_BYTES"])
        except UploadError as exc:
            form.attachment.errors = [_upload_message(exc, upload.filename)]
            return _render_case(found, form, 422)
    try:
        service.save_answer(
            db.session,
            current_user,
            found,
            form.text.data or "",
            submit=form.is_final,
            now=utcnow(),
            upload=stored,
            upload_name=clean_name(upload.filename) if stored else "",
        )
        db.session.commit()
    except (service.AnswerLocked, service.TooManyAttachments) as exc:
        db.session.rollback()
        if stored is not None:
            stored_path(folder, stored.stored_name).unlink(missing_ok=True)
        if isinstance(exc, service.TooManyAttachments):
            form.attachment.errors = [exc.message]
            return _render_case(found, form, 422)
        flash(_("This answer is already submitted; it waits for your mentor."), "warning")
        return redirect(url_for("roleplays.case", case_slug=found.slug))
    if form.is_final:
        flash(_("Submitted. Your mentor has been told."), "success")
    else:
        flash(_("Draft saved."), "success")
    return redirect(url_for("roleplays.case", case_slug=found.slug))


@bp.get("/attachments/<int:attachment_id>")
@requires(is_signed_in)
def attachment(attachment_id: int) -> ResponseReturnValue:
    found = service.attachment_with_owner(db.session, attachment_id)
    if found is None:
        abort(404)
    item, submission, owner = found
    authorize(can_view_attachment(current_user, owner))
    if submission.status == "draft" and current_user.id != owner.id:
        abort(404)  # a draft, and so its file, is the hire's own until submitted
    return download_response(
        Path(current_app.config["UPLOAD_FOLDER"]),
        item.stored_name,
        item.content_type,
        item.original_name,
    )
