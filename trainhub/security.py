"""Response headers that make every page harder to abuse.

The Content-Security-Policy allows scripts only from our own /static files: even if some
user-written text slipped through escaping, an injected ``<script>`` or ``onerror=`` would not
run. Inline ``style`` attributes stay allowed (progress bars set their width that way).
"""

from __future__ import annotations

from flask import Flask, Response, current_app

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _headers(response: Response) -> Response:
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        # Production runs over HTTPS only (secure cookies); tell browsers to never try HTTP.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        # Pages hold personal data: never serve them from a shared cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register(app: Flask) -> None:
    app.after_request(_headers)
