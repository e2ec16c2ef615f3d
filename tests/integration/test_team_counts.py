"""The dashboard's cards and charts, read from the tallies, equal a fresh count: every hire
of the team evaluated from their records (``team_rows``) and counted in Python
(``summarize``, ``charts.funnels``, ``charts.days_to_ready``), for the unfiltered team and
each filter the tallies answer (and a name search, which counts the kept rows instead), for a
manager, a mentor and an admin. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from trainhub.auth.models import User
from trainhub.auth.scope import hires_of
from trainhub.clock import today
from trainhub.content import catalog
from trainhub.db import utcnow, write_intent
from trainhub.demo.data import load_demo
from trainhub.extensions import db
from trainhub.team import charts, counts, pages
from trainhub.team.service import (
    TeamFilters,
    clear_for_clients,
    needs_attention,
    select_rows,
    summarize,
    team_rows,
)


@pytest.fixture
def team(app):
    with app.app_context(), write_intent():
        load_demo(db.session, catalog(), now=utcnow(), hires=80)
        manager = db.session.scalar(sa.select(User).where(User.email == "manager@demo.local"))
        cat = catalog()
        # Some ready hires cleared for clients, so the funnels' last stage counts too.
        rows = team_rows(db.session, cat, hires_of(manager), today())
        for row in [r for r in rows if r.is_ready][:3]:
            hire = db.session.get(User, row.id)
            clear_for_clients(db.session, hire, row.readiness, actor=manager, now=utcnow())
        db.session.commit()
    return app


def _fresh(cat, scope, filters):
    rows = select_rows(team_rows(db.session, cat, scope, today()), filters)
    return rows


@pytest.mark.parametrize("email", ["manager@demo.local", "mentor@demo.local", "admin@demo.local"])
def test_cards_and_charts_equal_a_fresh_count(team, email):
    with team.test_request_context():
        cat = catalog()
        viewer = db.session.scalar(sa.select(User).where(User.email == email))
        scope = hires_of(viewer)
        month = today().isoformat()[:7]
        for filters in (
            TeamFilters(),
            TeamFilters(status="in_progress"),
            TeamFilters(status="ready"),
            TeamFilters(track="account-manager"),
            TeamFilters(month=month),
            TeamFilters(track="lead-generation", status="not_started", month=month),
            # A search by name is not counted in the tallies: the kept rows are counted.
            TeamFilters(query="synthetic hire 00", status="in_progress"),
            # ... and a search that matches everyone: the fallback's charts and median too.
            TeamFilters(query="@"),
            TeamFilters(query="@", track="account-manager"),
        ):
            lst = pages.listing(cat, scope, filters, today(), count_weekends=False)
            rows = _fresh(cat, scope, filters)
            cutoff = utcnow() - timedelta(hours=20)
            got, everyone, late = counts.summary(db.session, lst, overdue_cutoff=cutoff)
            assert got == summarize(rows), filters
            assert everyone == len(team_rows(db.session, cat, scope, today()))
            assert late == sum(1 for r in rows if r.waiting_since and r.waiting_since < cutoff)
            funnels, days = counts.charts_of(db.session, cat, lst)
            assert funnels == sorted(charts.funnels(rows), key=lambda f: f.title), filters
            fresh_days = charts.days_to_ready(rows)
            assert days.bars == fresh_days.bars
            assert days.count == fresh_days.count
            assert days.median_days == (
                float(fresh_days.median_days) if fresh_days.median_days is not None else None
            )
            assert [(t, float(m), n) for t, m, n in fresh_days.by_track] == list(days.by_track)
        mentors, (first, last) = counts.filter_choices(db.session, scope)
        everyone_rows = team_rows(db.session, cat, scope, today())
        assert {m for m, _name in mentors} == {r.mentor_id for r in everyone_rows if r.mentor_id}
        starts = [r.started_on for r in everyone_rows if r.started_on]
        assert (first, last) == (min(starts).replace(day=1), max(starts).replace(day=1))


def test_the_homes_attention_rows_are_the_teams_most_urgent(team):
    """The UNION ALL of three short selects finds the same hires as ranking the whole team
    in Python (``needs_attention``), in the same order of urgency, and its first ten are
    the first ten of the whole list (no branch's LIMIT drops a hire that belongs)."""
    with team.test_request_context():
        cat = catalog()
        manager = db.session.scalar(sa.select(User).where(User.email == "manager@demo.local"))
        scope = hires_of(manager)
        lst = pages.listing(cat, scope, TeamFilters(), today(), count_weekends=False)
        every = pages.attention_rows(db.session, cat, lst, 10_000)
        fresh = needs_attention(team_rows(db.session, cat, scope, today()))
        assert {r.id for r in every} == {r.id for r in fresh}

        def kind(row):
            return 0 if row.is_ready and not row.cleared_at else 1 if row.is_behind else 2

        assert [kind(r) for r in every] == sorted(kind(r) for r in every)
        assert [kind(r) for r in every] == [kind(r) for r in fresh]
        assert [r.id for r in pages.attention_rows(db.session, cat, lst, 10)] == [
            r.id for r in every[:10]
        ]


def test_a_track_whose_hires_all_left_the_team_has_no_funnel(team):
    # The tally rows of the old key stay, at zero: a chart of zeros is no chart (it showed
    # an empty "Readiness funnel: Account manager" to the manager the hires had left).
    with team.test_request_context():
        cat = catalog()
        manager = db.session.scalar(sa.select(User).where(User.email == "manager@demo.local"))
        moving = db.session.scalars(
            sa.select(User).where(User.manager_id == manager.id, User.track == "account-manager")
        ).all()
        assert moving
        for hire in moving:
            hire.manager_id = None
            hire.mentor_id = None
        db.session.commit()
        scope = hires_of(manager)
        lst = pages.listing(cat, scope, TeamFilters(), today(), count_weekends=False)
        funnels, _days = counts.charts_of(db.session, cat, lst)
        rows = _fresh(cat, scope, TeamFilters())
        assert "account-manager" not in {f.track for f in funnels}
        assert funnels == sorted(charts.funnels(rows), key=lambda f: f.title)
