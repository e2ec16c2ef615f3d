"""The iCalendar writer: RFC 5545 escaping, folding at 75 octets, CRLF, all-day events."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
from hypothesis import given
from hypothesis import strategies as st

from trainhub.calendar.ics import AllDayEvent, calendar_text, escape_text, fold

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_text_is_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "Україна, " * 30
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line


@given(st.text(min_size=0, max_size=300))
def test_any_summary_survives_a_strict_parser(summary):
    body = calendar_text("Feed", [AllDayEvent("u1@x", date(2026, 12, 3), summary)], NOW)
    assert all(line.endswith("\r") or line == "" for line in body.split("\n"))
    cal = icalendar.Calendar.from_ical(body)
    (event,) = cal.walk("VEVENT")
    # Line breaks are kept as \n escapes; a lone CR is one too.
    assert str(event["SUMMARY"]) == summary.replace("\r\n", "\n").replace("\r", "\n")


def test_an_all_day_event_has_a_date_start_and_the_next_day_as_end():
    body = calendar_text("Feed", [AllDayEvent("hire-1-quiz-kpi@x", date(2026, 12, 31), "Due")], NOW)
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 31)
    assert event.decoded("DTEND") == date(2027, 1, 1)
    assert str(event["UID"]) == "hire-1-quiz-kpi@x"
    assert "DTSTAMP:20261201T093000Z\r\n" in body
