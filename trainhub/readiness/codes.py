"""Readiness's words as data: a code per message, with its values (kinds, slugs, numbers).

The kept readiness (``readiness_rows``) stores ``{"code": ..., "values": {...}}`` instead of
text, so a page renders it in its reader's language when it shows it, and a translation fixed
tomorrow shows in every kept row at once. Each code names one message of ``readiness.rules``
(and the two of a hire without a track); ``tests/unit/test_readiness_codes.py`` reads the
rules' source and fails on a message without a code here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..messages import Text

MESSAGES: dict[str, str] = {
    "missing": "missing from the catalog",
    "course_missing": "course %(slug)s: not in the catalog",
    "course_lessons": "%(done)s/%(total)s lessons",
    "course_partial": "course %(slug)s: %(done)s of %(total)s lessons done",
    "course_done": "completed, %(done)s/%(total)s lessons",
    "quiz_missing": "quiz %(slug)s: not in the catalog",
    "quiz_passed": "passed %(best)s (pass %(mark)s%%)",
    "quiz_awaiting": "awaiting essay grading",
    "quiz_awaiting_reason": "quiz %(slug)s: essay answers wait for the mentor's grading",
    "quiz_best": "best %(best)s (pass %(mark)s%%)",
    "quiz_best_reason": "quiz %(slug)s: best %(best)s, needs %(mark)s%%",
    "quiz_in_progress": "attempt in progress",
    "quiz_in_progress_reason": "quiz %(slug)s: an attempt is in progress (pass %(mark)s%%)",
    "quiz_not_attempted": "not attempted",
    "quiz_not_attempted_reason": "quiz %(slug)s: not attempted yet (pass %(mark)s%%)",
    "redo": "to redo after a content change",
    "quiz_redo_reason": "quiz %(slug)s: asked to take it again after a change",
    "case_redo_reason": "case %(slug)s: asked to answer again after a change",
    "case_missing": "case %(slug)s: not in the catalog",
    "case_approved": "approved, %(score)s/4 (min %(min)s)",
    "case_draft": "draft saved",
    "case_not_submitted": "not submitted",
    "case_no_answer": "case %(slug)s: no answer submitted yet",
    "case_waiting": "version %(version)s awaiting review",
    "case_waiting_reason": "case %(slug)s: version %(version)s waits for review",
    "case_low": "approved at %(score)s/4, the track needs %(min)s",
    "case_low_reason": "case %(slug)s: approved at %(score)s/4, needs %(min)s",
    "case_sent_back_score": "sent back for more work (%(score)s/4)",
    "case_sent_back_score_reason": (
        "case %(slug)s: sent back by the mentor (%(score)s/4), needs %(min)s"
    ),
    "case_sent_back": "sent back for more work",
    "case_sent_back_reason": "case %(slug)s: sent back by the mentor, needs %(min)s",
    "signoff_missing": "not signed off",
    "signoff_missing_reason": "sign-off %(slug)s: not signed off by the mentor yet",
    "signoff_done": "signed off by %(who)s on %(day)s",
    "track_missing": "track %(slug)s: not in the catalog",
    "no_track": "no onboarding track assigned",
}
CODES: dict[str, str] = {msgid: code for code, msgid in MESSAGES.items()}


class UnknownMessage(ValueError):
    """A readiness text without a code: add it to ``MESSAGES``."""


def _value(value: Any) -> Any:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _unvalue(value: Any) -> Any:
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    return value


def encode(text: str) -> dict[str, Any]:
    """A rules' text as its code and values (a plain ``str`` has no code: refused)."""
    code = CODES.get(text.msgid) if isinstance(text, Text) else None
    if code is None or not isinstance(text, Text):
        raise UnknownMessage(text)
    return {"code": code, "values": {key: _value(v) for key, v in text.params}}


def decode(data: dict[str, Any]) -> Text:
    # Most hires share their reasons and details ("passed 85% (pass 80%)"): a team page
    # decodes thousands, so each distinct one is built once (Text is never changed).
    values = data.get("values", {})
    key = (data["code"], tuple((k, repr(v)) for k, v in values.items()))
    found = _DECODED.get(key)
    if found is None:
        if len(_DECODED) >= DECODED_MAX:
            _DECODED.clear()
        found = _DECODED[key] = Text(
            MESSAGES[data["code"]], **{k: _unvalue(v) for k, v in values.items()}
        )
    return found


DECODED_MAX = 20_000
_DECODED: dict[tuple[str, tuple[tuple[str, str], ...]], Text] = {}
