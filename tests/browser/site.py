"""Helpers of the accessibility, keyboard and journey tests: one live demo site per test
module, signed-in browser contexts at both sizes and in both languages, axe-core, the
horizontal-overflow check and screenshots.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import PROJECT_ROOT, _base_config, share_catalog
from trainhub import create_app
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo.data import load_demo
from trainhub.extensions import db

AXE = (PROJECT_ROOT / "tests" / "axe" / "axe.min.js").read_text(encoding="utf-8")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SIZES = {"desk": DESK, "phone": PHONE}
LOCALES = {"en": "en-US", "ru": "ru-RU"}
PASSWORD = "demo-password"


@dataclass
class Site:
    app: Flask
    url: str


@contextmanager
def demo_site(tmp: Path, database_url: str, synthetic_hires: int = 0) -> Iterator[Site]:
    """The demo data on a fresh database, served from a thread until the block ends."""
    app = create_app({**_base_config(tmp, database_url), "WTF_CSRF_TIME_LIMIT": None})
    share_catalog(app)
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow(), hires=synthetic_hires)
    # Every request of every page would otherwise be logged: hundreds of lines a test.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def sqlite_copy(template: Path, tmp: Path) -> str:
    path = tmp / "trainhub.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def sign_in(page: Any, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def new_context(browser: Any, size: str, lang: str = "en", state: Any = None) -> Any:
    # bypass_csp: the app's CSP (script-src 'self') would refuse the injected axe script.
    return browser.new_context(
        viewport=SIZES[size],
        locale=LOCALES[lang],
        storage_state=state,
        bypass_csp=True,
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: '
                                                       + n.html.slice(0, 160))}))"""
    )
    return found


_OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text(encoding="utf-8")


def overflow(page: Any) -> list[str]:
    """What sticks out sideways at this viewport: the page's scroll width, and elements."""
    found: list[str] = page.evaluate(_OVERFLOW_JS)
    return found


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
