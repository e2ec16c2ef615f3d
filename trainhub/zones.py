"""Which time zone a page shows times in: the person's choice, else their browser's, else
the company's (``COMPANY_TIMEZONE``). Stored times stay UTC; Flask-Babel converts them when
``format_datetime`` shows them (this is its time zone selector).

The browser's zone arrives in the ``tz`` cookie, set by ``static/js/timezone.js`` (the CSP
allows no inline script). Like ``language``, this module imports no other TrainHub module.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from babel.core import Locale, get_global
from babel.dates import get_timezone, get_timezone_location
from flask import current_app, request
from flask_login import current_user

COOKIE = "tz"


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone with a region ("Europe/Kyiv"), sorted; the legacy aliases ("EST5EDT",
    "Etc/GMT+3", "US/Eastern") are left out, as a person would not look for them."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if "/" in name and not name.startswith(legacy) and name != "localtime"
        )
        + ["UTC"]
    )


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str | None) -> bool:
    return bool(name) and name in _known()


@lru_cache(maxsize=4096)
def zone_label(name: str, language: str = "en") -> str:
    """How a zone is named to a person, in their language: "Ukraine — Kyiv", "Украина — Киев",
    "Україна — Київ"; never the IANA name ("Europe/Kyiv"), which is a code.

    Babel's own ``get_timezone_location`` reads "Украина (Киев), летнее время" in Russian (CLDR's
    daylight pattern), so the label is built from the territory's and the city's names.
    """
    try:
        locale = Locale.parse(language)
        city = get_timezone_location(get_timezone(name), locale=locale, return_city=True)
    except (LookupError, ValueError):
        return name.rsplit("/", 1)[-1].replace("_", " ")
    territory = get_global("zone_territories").get(name)
    country = locale.territories.get(territory) if territory and territory != "001" else None
    if not country or country == city:
        return str(city)
    return f"{country} — {city}"


def browser_zone() -> str | None:
    name = request.cookies.get(COOKIE, "")
    return name if is_zone(name) else None


def select_timezone() -> str:
    saved = getattr(current_user, "time_zone", None) if current_user else None
    if is_zone(saved):
        return str(saved)
    return browser_zone() or str(current_app.config["COMPANY_TIMEZONE"])
