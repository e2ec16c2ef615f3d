"""Readiness in a person's words: the reason a step is not done and its detail, with the
item's title and the reader's numbers, never its slug ("course sales-department-foundations:
1 of 5 lessons done" became "“Sales department foundations”: 1 of 5 lessons read").

The rules (``readiness.rules``) stay the source of what a reason *is*: a kind of reason and
its numbers. This module only says it. It reads a reason as a code and its values
(``reason_sentence``); today's reasons are ``messages.Text`` values whose message id names
the code (``code_of``), so a structured reason (kind, code, numbers) drops in without a
change here. The English ``str`` of a reason (the API's and the CSV's) is left as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from ..formatting import number, percent
from ..language import gettext
from ..messages import N_, Text

# The reason codes and what a person reads for them. ``%(title)s`` is the catalog's title of
# the step's item, in the reader's language when the catalog has it.
SENTENCES: Mapping[str, str] = {
    "missing": N_("“%(title)s” is no longer in the catalog: ask an admin to restore it"),
    "course_lessons": N_("“%(title)s”: %(done)s of %(total)s lessons read"),
    "quiz_grading": N_("“%(title)s”: the essay answers wait for the mentor's grading"),
    "quiz_best": N_("“%(title)s”: best score %(best)s, needs %(mark)s"),
    "quiz_in_progress": N_("“%(title)s”: an attempt is in progress, it needs %(mark)s"),
    "quiz_not_attempted": N_("“%(title)s”: not attempted yet, it needs %(mark)s"),
    "case_not_submitted": N_("“%(title)s”: no answer submitted yet"),
    "case_waiting": N_("“%(title)s”: version %(version)s waits for the mentor's review"),
    "case_below_minimum": N_("“%(title)s”: approved with %(score)s, the track needs %(min)s"),
    "case_sent_back_scored": N_(
        "“%(title)s”: sent back by the mentor with %(score)s, it needs %(min)s"
    ),
    "case_sent_back": N_("“%(title)s”: sent back by the mentor, it needs %(min)s"),
    "signoff_missing": N_("“%(title)s”: not signed off by the mentor yet"),
    "quiz_redo": N_("“%(title)s”: the mentor asked to take it again after it changed"),
    "case_redo": N_("“%(title)s”: the mentor asked to answer it again after it changed"),
}

# Today's reason message ids (``readiness.rules``) and the code each one is.
_CODES: Mapping[str, str] = {
    "course %(slug)s: not in the catalog": "missing",
    "quiz %(slug)s: not in the catalog": "missing",
    "case %(slug)s: not in the catalog": "missing",
    "course %(slug)s: %(done)s of %(total)s lessons done": "course_lessons",
    "quiz %(slug)s: essay answers wait for the mentor's grading": "quiz_grading",
    "quiz %(slug)s: best %(best)s, needs %(mark)s%%": "quiz_best",
    "quiz %(slug)s: an attempt is in progress (pass %(mark)s%%)": "quiz_in_progress",
    "quiz %(slug)s: not attempted yet (pass %(mark)s%%)": "quiz_not_attempted",
    "case %(slug)s: no answer submitted yet": "case_not_submitted",
    "case %(slug)s: version %(version)s waits for review": "case_waiting",
    "case %(slug)s: approved at %(score)s/4, needs %(min)s": "case_below_minimum",
    "case %(slug)s: sent back by the mentor (%(score)s/4), needs %(min)s": (
        "case_sent_back_scored"
    ),
    "case %(slug)s: sent back by the mentor, needs %(min)s": "case_sent_back",
    "sign-off %(slug)s: not signed off by the mentor yet": "signoff_missing",
    "quiz %(slug)s: asked to take it again after a change": "quiz_redo",
    "case %(slug)s: asked to answer again after a change": "case_redo",
}


def code_of(reason: Any) -> str | None:
    """The code of a reason made by the rules, or None for text this module does not know."""
    return _CODES.get(getattr(reason, "msgid", ""))


def _plain(value: Any) -> Any:
    """A number the rules sent as English text ("85%", "3.0") back to a number."""
    if isinstance(value, str):
        try:
            return float(value.rstrip("%"))
        except ValueError:
            return value
    return value


def _values(params: Mapping[str, Any]) -> dict[str, Any]:
    """The reason's numbers in the reader's format: pass marks and quiz scores as percents,
    rubric scores as "3.5 of 4"-style numbers with the locale's decimal sign."""
    shown: dict[str, Any] = {}
    for key, raw in params.items():
        value = _plain(raw)
        if key in {"best", "mark"} and isinstance(value, float | int):
            shown[key] = percent(value)
        elif key in {"score", "min"} and isinstance(value, float | int):
            shown[key] = gettext("%(score)s of %(max)s", score=number(value), max=number(4))
        elif isinstance(value, float):
            shown[key] = number(value)
        else:
            shown[key] = value
    return shown


def reason_sentence(code: str, title: str, params: Mapping[str, Any]) -> Markup:
    """The sentence for a reason code, its item's title and its numbers, translated and
    escaped (a title is content text, the values may carry a person's name)."""
    template = escape(gettext(SENTENCES[code]))
    values = {key: escape(str(v)) for key, v in _values(params).items()}
    values["title"] = escape(title)
    return Markup(template % values)


def step_reason(step: Any) -> Markup:
    """Why a step of a readiness result is not done, in words; empty when it is done.

    A reason this module has no sentence for is shown as the rules wrote it (translated by
    ``messages.Text``), so a new rule is never hidden, only less polished.
    """
    reason = getattr(step, "reason", None)
    if not reason:
        return Markup("")
    code = code_of(reason)
    if code is None:
        return Markup(escape(reason))
    return reason_sentence(code, step.title, dict(getattr(reason, "params", ())))


def step_detail(step: Any) -> Markup:
    """A step's detail ("passed 85% (pass 80%)", "approved, 3.5/4 (min 3.0)") with its
    numbers in the reader's format: the same message, "3,5" and "3" in Russian."""
    detail = getattr(step, "detail", "")
    msgid = getattr(detail, "msgid", None)
    if not msgid:
        return Markup(escape(detail or ""))
    params = dict(getattr(detail, "params", ()))
    values: dict[str, Any] = {}
    for key, raw in params.items():
        value = _plain(raw)
        if key == "best" and isinstance(value, float | int):
            values[key] = percent(value)
        elif key in {"score", "min"} and isinstance(value, float | int):
            values[key] = number(value)
        else:
            values[key] = raw
    # A new ``Text`` with the same message: dates and names keep its own handling (a date in
    # the reader's format, a name escaped).
    return Markup(Text(msgid, **values).__html__())


# Registered by ``create_app`` (``templating`` sits below the features and cannot import
# them): ``{{ step|reason }}`` and ``{{ step|detail }}``.
FILTERS = {"reason": step_reason, "detail": step_detail}
