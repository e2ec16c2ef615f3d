"""F1: ids are bounded to 2**63-1 (trainhub/routing.py:12) but the id columns are 32-bit
INTEGER on PostgreSQL, so 2**31 .. 2**63-1 still reach the driver and give a 500; the
audit log's ?before= is not bounded at all (500 on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

JUST_OVER_INT4 = str(2**31)
HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/team/{JUST_OVER_INT4}",
        f"/team/{JUST_OVER_INT4}/certificate",
        f"/reviews/{JUST_OVER_INT4}",
        f"/reviews/hires/{JUST_OVER_INT4}",
        f"/quizzes/attempts/{JUST_OVER_INT4}",
        f"/quizzes/attempts/{JUST_OVER_INT4}/grade",
        f"/roleplays/attachments/{JUST_OVER_INT4}",
        f"/admin/people/{JUST_OVER_INT4}",
        f"/audit/?before={JUST_OVER_INT4}",
        f"/audit/?before={HUGE}",
    ],
)
def test_an_out_of_range_id_is_a_404_not_a_500(client, login_as, url):
    login_as("admin")
    assert client.get(url).status_code in (200, 404)
