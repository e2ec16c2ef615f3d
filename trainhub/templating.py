"""Template globals and filters shared by every page."""

from __future__ import annotations

import functools
import hashlib
import os
import time
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, url_for
from flask_babel import format_date, format_datetime, get_locale, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import clock, formatting
from .auth.models import User
from .content import read_catalog
from .extensions import db
from .language import LANGUAGES
from .language import gettext as fast_gettext
from .language import ngettext as fast_ngettext
from .permissions import PREDICATES

# Context processors that features add (e.g. the mentor's review-queue count for the nav).
NAV_BADGES: list[Any] = []


_demo_cache: dict[int, tuple[float, bool]] = {}


def demo_data_present() -> bool:
    """True while any demo account exists: the UI then shows a "demo data" banner.

    Cached per app for DEMO_BANNER_TTL seconds: it is a display hint, asked on every page,
    and a query per page for it was a sixth of a lesson page's time.
    """
    if "demo_data" in g:
        return bool(g.demo_data)
    ttl = float(current_app.config.get("DEMO_BANNER_TTL", 30.0))
    key = id(current_app._get_current_object())  # type: ignore[attr-defined]
    cached = _demo_cache.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[0] < ttl:
        g.demo_data = cached[1]
    else:
        g.demo_data = bool(
            db.session.execute(sa.select(sa.exists().where(User.is_demo.is_(True)))).scalar()
        )
        _demo_cache[key] = (now, g.demo_data)
    return bool(g.demo_data)


def waited(since: datetime | None, now: datetime | None = None) -> str:
    """'3 days', '5 hours', '12 minutes': how long something has waited."""
    if since is None:
        return ""
    seconds = max(0, int(((now or datetime.now(UTC)) - since).total_seconds()))
    if seconds >= 86400:
        days = seconds // 86400
        return str(ngettext("%(num)d day", "%(num)d days", days))
    if seconds >= 3600:
        hours = seconds // 3600
        return str(ngettext("%(num)d hour", "%(num)d hours", hours))
    minutes = max(1, seconds // 60)
    return str(ngettext("%(num)d minute", "%(num)d minutes", minutes))


def percent(value: float | None) -> str:
    """A fraction in 0-1 (track progress) as a whole percentage, in the reader's locale."""
    return formatting.fraction_percent(value)


# Codes stored in the database or content files, shown to people in their language.
LABELS = {
    "hire": _l("new hire"),
    "mentor": _l("mentor"),
    "manager": _l("manager"),
    "admin": _l("admin"),
    "introductory": _l("introductory"),
    "intermediate": _l("intermediate"),
    "advanced": _l("advanced"),
}


def label(code: str | None) -> str:
    return str(LABELS[code]) if code in LABELS else (code or "")


def track_title(key: str | None) -> str:
    """A track's title for its key ("lead-generation" -> "Lead-generation specialist"); a
    key the catalog no longer has is shown as it is rather than hidden."""
    if not key:
        return ""
    track = read_catalog().tracks.get(key)
    return track.title if track is not None else key


def isodate(value: str | None) -> date | None:
    """A date the audit log keeps as text ("2026-12-01"), back as a date to format."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


# Where a track step is done, by kind: (endpoint, name of the slug argument).
STEP_ENDPOINTS = {
    "course": ("courses.course", "course_slug"),
    "quiz": ("quizzes.take", "quiz_slug"),
    "roleplay": ("roleplays.case", "case_slug"),
}


def step_url(step: Any) -> str | None:
    target = STEP_ENDPOINTS.get(step.kind)
    if target is None or not has_endpoint(target[0]):
        return None
    return url_for(target[0], **{target[1]: step.slug})


def nav_badges() -> dict[str, Any]:
    """The counts shown in the nav (e.g. a mentor's waiting reviews), computed once a request."""
    if "nav_badges" not in g:
        badges: dict[str, Any] = {}
        if current_user.is_authenticated:
            for badge in NAV_BADGES:
                badges.update(badge(current_user))
        g.nav_badges = badges
    found: dict[str, Any] = g.nav_badges
    return found


@functools.lru_cache(maxsize=256)
def _asset_version(path: str, mtime_ns: int, size: int) -> str:
    """The first characters of a static file's SHA-256; the key changes with the file."""
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:12]


def asset_version(static_folder: str, filename: str) -> str | None:
    path = os.path.join(static_folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _asset_version(path, stat.st_mtime_ns, stat.st_size)


def register(app: Flask) -> None:
    @app.url_defaults
    def _versioned_assets(endpoint: str, values: dict[str, Any]) -> None:
        # /static/css/app.css?v=<hash>: a proxy or browser may keep assets for a long time,
        # and a new release's files get new URLs, so nobody runs old CSS with new pages.
        if endpoint == "static" and "v" not in values and app.static_folder:
            version = asset_version(app.static_folder, str(values.get("filename", "")))
            if version:
                values["v"] = version

    app.jinja_env.globals["has_endpoint"] = has_endpoint
    app.jinja_env.globals.update(PREDICATES)
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["current_locale_code"] = lambda: str(get_locale() or "en")
    app.jinja_env.globals["step_url"] = step_url
    app.jinja_env.filters["waited"] = waited
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["track_title"] = track_title
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.filters["isodate"] = isodate
    app.jinja_env.filters["date"] = lambda v: format_date(v, "medium") if v else ""
    app.jinja_env.filters["datetime"] = lambda v: format_datetime(v, "medium") if v else ""
    app.jinja_env.globals["demo_data_present"] = demo_data_present
    app.jinja_env.globals["today"] = clock.today
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _nav() -> dict[str, Any]:
        return {
            "nav_badges": nav_badges(),
            "_": fast_gettext,
            "gettext": fast_gettext,
            "ngettext": fast_ngettext,
            # The signed-in person, resolved once: every `current_user.x` in a template goes
            # through a context-local proxy, which adds up on a page with a full nav.
            "me": current_user._get_current_object(),
        }
