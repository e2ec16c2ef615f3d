"""Whole rendered pages, kept per worker for the pages people re-read (a lesson).

A lesson page is the same text for everyone, framed by one person's chrome: their name, their
nav, their language, their CSRF token, which lessons of the course they have done. Rendering
it was half of the request's time, so the finished page is kept under a key that holds
*everything the page shows*: the person and their session's CSRF secret, the
language, the nav badges, the demo banner, the catalog version, and the view's own state. Any
change (a lesson marked complete, new content, another language, a review waiting in a
mentor's nav) is a different key, so an entry is never stale; old entries age out of an LRU.

Nothing is shared between workers or hosts, and nothing needs to be: each one derives the
same page from the same database and files. Not cached: a page that carries a flash message,
a session with no CSRF secret yet (rendering creates it, and the cookie must be sent), and any
page while a CSRF time limit is set.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user

from ..templating import demo_data_present, nav_badges

EXTENSION = "trainhub.pages"


class PageCache:
    """A bounded, thread-safe LRU of rendered pages."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def cache_of(app: Any) -> PageCache | None:
    size = int(app.config.get("PAGE_CACHE_SIZE", 0))
    if size <= 0:
        return None
    cache: PageCache | None = app.extensions.get(EXTENSION)
    if cache is None:
        cache = app.extensions.setdefault(EXTENSION, PageCache(size))
    return cache


def _frame_key() -> tuple[Hashable, ...] | None:
    """What base.html shows of this request and person, or None when it must be rendered."""
    if request.method != "GET" or not current_user.is_authenticated:
        return None
    if current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        # A kept page carries the CSRF token signed when it was rendered: with a time limit
        # it would expire inside the cache, and every form on the page would fail.
        return None
    secret = session.get("csrf_token")
    if not secret or "_flashes" in session:
        return None
    me = current_user._get_current_object()
    return (
        request.endpoint,
        request.script_root,
        me.id,
        me.name,
        me.role,
        str(get_locale()),
        secret,
        demo_data_present(),
        tuple(sorted(nav_badges().items())),
    )


def render_cached(template: str, state: Hashable, context: Callable[[], dict[str, Any]]) -> str:
    """``render_template(template, **context())``, or the page rendered before for the same
    person, frame and ``state``. ``state`` must name everything in the context that can vary
    for one person (done lessons, content version): the context itself is built only on a miss.
    """
    cache = cache_of(current_app)
    frame = _frame_key() if cache is not None else None
    if cache is None or frame is None:
        return render_template(template, **context())
    key = (template, frame, state)
    page = cache.get(key)
    if page is None:
        page = render_template(template, **context())
        # Rendering may have flashed or created the CSRF secret; such a page is not kept.
        if _frame_key() == frame:
            cache.put(key, page)
    return page
