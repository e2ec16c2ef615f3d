"""Template globals and filters shared by every page."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, url_for
from flask_babel import format_date, format_datetime, get_locale, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .auth.models import User
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
    return "" if value is None else f"{round(value * 100)}%"


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


def register(app: Flask) -> None:
    app.jinja_env.globals["has_endpoint"] = has_endpoint
    app.jinja_env.globals.update(PREDICATES)
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["current_locale_code"] = lambda: str(get_locale() or "en")
    app.jinja_env.globals["step_url"] = step_url
    app.jinja_env.filters["waited"] = waited
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["date"] = lambda v: format_date(v, "medium") if v else ""
    app.jinja_env.filters["datetime"] = lambda v: format_datetime(v, "medium") if v else ""
    app.jinja_env.globals["demo_data_present"] = demo_data_present
    app.jinja_env.globals["today"] = date.today
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
