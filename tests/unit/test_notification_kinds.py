"""Every notice kind renders in each language from its stored values, with dates in the
reader's format, and a notice whose kind or values no longer fit still says something."""

from __future__ import annotations

import re

import pytest

from trainhub.language import LANGUAGES
from trainhub.notifications.kinds import KINDS, title_of
from trainhub.notifications.models import CHANNELS

VALUES = {
    "hire": "Olena Koval",
    "case": "Getting past the gatekeeper",
    "version": 2,
    "step": "Prospecting",
    "due_on": "2026-11-04",
    "since": "2026-11-02",
    "item": "Shadowed five calls",
    "address": "x@example.test",
    "reason": "550 no such mailbox",
}


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
@pytest.mark.parametrize("slug", sorted(KINDS))
def test_each_kind_and_variant_renders_in_each_language(slug, locale):
    for variant in KINDS[slug].titles:
        text = title_of(slug, {**VALUES, "variant": variant}, locale)
        assert "%(" not in text and "_" not in text.replace("x@example.test", "")
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # dates in the reader's format
        if locale != "en":
            assert text != title_of(slug, {**VALUES, "variant": variant}, "en")


def test_dates_follow_the_language():
    assert "4 нояб. 2026" in title_of("step_due_soon", VALUES, "ru")
    assert "Nov 4, 2026" in title_of("step_due_soon", VALUES, "en")


def test_an_unknown_kind_or_missing_values_still_say_something():
    assert title_of("gone_kind", {}, "en") == "A notice"
    assert title_of("review_waiting", {}, "uk") == "Сповіщення"


def test_defaults_are_known_channels():
    assert {k.default for k in KINDS.values()} <= set(CHANNELS)
    assert KINDS["review_waiting"].default == "email"
