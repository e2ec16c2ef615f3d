"""Numbers, scores and counts in the reader's language: one place for every page.

Scores were written four ways ("4.3333 of 9 points", "0.3333/1", "2.44 of 4" beside
"(2.4/4)"), always with a decimal point. Every page now goes through these functions, which
use Babel with the request's locale: "4.3 of 9" in English, "4,3 из 9" in Russian. At most one
decimal is shown for a score (two for a tolerance, which is small by nature), trailing zeros
are dropped ("9", not "9.0"), and counts go through ``ngettext`` so that Russian and Ukrainian
get their three plural forms.

Outside a request (the CLI, the API) the functions fall back to English, so they never fail.
"""

from __future__ import annotations

import re
from typing import Any

from babel.numbers import format_decimal
from flask import has_request_context
from flask_babel import get_locale
from markupsafe import Markup, escape

from .language import gettext, ngettext


def _locale() -> str:
    if not has_request_context():
        return "en"
    return str(get_locale() or "en")


def _as_float(value: Any) -> float | None:
    """Scores reach the pages as floats, ints, Decimals or the English text of a number
    ("3.0", from a readiness detail); anything else is shown as it is."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def number(value: Any, digits: int = 1) -> str:
    """A number with at most ``digits`` decimals, in the reader's locale: 4.3333 → "4.3",
    9.0 → "9", 2.5 → "2,5" in Russian. Not a number: shown as given."""
    found = _as_float(value)
    if found is None:
        return "" if value is None else str(value)
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    text = str(format_decimal(round(found, digits), format=pattern, locale=_locale()))
    # Babel groups thousands with a no-break space in ru/uk; "-0" is never a score.
    return "0" if text in {"-0", "−0"} else text


def score_of(value: Any, maximum: Any, digits: int = 1) -> str:
    """A score out of its maximum, in words: "4.3 of 9"."""
    return gettext("%(score)s of %(max)s", score=number(value, digits), max=number(maximum, digits))


def ratio(value: Any, maximum: Any, digits: int = 1) -> str:
    """A score beside its scale, compact: "2.4 / 4" (a rubric's levels, a question's points)."""
    return f"{number(value, digits)}\u00a0/ {number(maximum, digits)}"


def percent(value: Any, digits: int = 0) -> str:
    """A percentage already in 0-100 (quiz scores): 85.0 → "85%", in Russian "85 %"."""
    found = _as_float(value)
    if found is None:
        return ""
    return gettext("%(n)s%%", n=number(found, digits))


def fraction_percent(value: Any) -> str:
    """A fraction in 0-1 (track progress) as a whole percentage: 0.094 → "9%"."""
    found = _as_float(value)
    return "" if found is None else percent(found * 100)


def plus_minus(value: Any, tolerance: Any) -> str:
    """A numeric answer with its tolerance: "20 ± 0.05" ("20 ± 0,05" in Russian)."""
    return f"{number(value, 6)} ± {number(tolerance, 6)}"


def days(count: int) -> str:
    """ "1 day", "5 days"; "1 день", "2 дня", "5 дней"."""
    return ngettext("%(num)d day", "%(num)d days", int(count))


def hires(count: int) -> str:
    """ "1 hire", "5 hires", with the three forms of Russian and Ukrainian."""
    return ngettext("%(num)d hire", "%(num)d hires", int(count))


def took(count: int) -> str:
    """How long a hire took to be ready: "took 5 days" (it read "ready in 5 days", which
    sounded like a forecast)."""
    return ngettext("took %(num)d day", "took %(num)d days", int(count))


def median_days(median: Any, count: int) -> str:
    """ "median 5 days over 1 hire": the plural of each number follows the number."""
    value = _as_float(median) or 0.0
    return gettext(
        "median %(days)s over %(hires)s",
        days=ngettext("%(n)s day", "%(n)s days", round(value), n=number(value)),
        hires=hires(count),
    )


_CODE = re.compile(r"`([^`\n]+)`")


def inline_code(text: Any) -> Markup:
    """Text with Markdown's `backticks` shown as code (the content linter's messages name
    keys and paths that way), escaped everywhere else."""
    escaped = str(escape("" if text is None else text))
    return Markup(_CODE.sub(r"<code>\1</code>", escaped))


FILTERS = {
    "number": number,
    "score_of": score_of,
    "ratio": ratio,
    "pct": percent,
    "plus_minus": plus_minus,
    "days": days,
    "hires": hires,
    "took": took,
    "median_days": median_days,
    "inline_code": inline_code,
}
