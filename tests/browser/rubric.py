"""Scoring a role-play answer in the mentor's review form, as a mentor does it.

`locator.all()` does not wait: called right after the click that opens the form, it can
read the queue page, find no criteria and score nothing (CI once saved a decision with no
levels that way). So the form is awaited first, and an empty rubric fails loudly.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def score_every_criterion(page: Any, level: str, comment: str | None = None) -> None:
    criteria = page.locator("fieldset.rp-criterion")
    expect(criteria.first).to_be_visible()
    fieldsets = criteria.all()
    assert fieldsets, "the review form shows no rubric criteria"
    for fieldset in fieldsets:
        fieldset.locator(f"input[type=radio][value='{level}']").check()
        if comment is not None:
            fieldset.locator("textarea").fill(comment)
