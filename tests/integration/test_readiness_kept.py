"""The kept readiness always equals a fresh evaluation of the same hire.

A hypothesis test drives random sequences of the events that change a hire's facts, each
through its real service (a lesson read, a quiz attempt started and submitted, essays graded,
an answer saved and decided, a sign-off and its revoking, a moved start, a pause and a
resume, a change of track), and of catalog changes (a new content version of a quiz, a case
or the track). After every committed step, a kept row that is not stale equals what
``evaluate`` says now; a catalog change makes the row stale at once, and the rebuild brings it
back. After every step the tallies (``readiness.tallies``) equal the counts made again from
the kept rows, whatever was added and taken off on the way. A second test rebuilds 10,000
hires.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from trainhub.auth.models import User
from trainhub.auth.service import PersonData, update_user
from trainhub.content import catalog, store
from trainhub.courses.service import complete_lesson
from trainhub.db import utcnow, write_intent
from trainhub.extensions import db
from trainhub.quizzes.model_answers import demo_answers
from trainhub.quizzes.models import QuizAttempt
from trainhub.quizzes.service import grade_essays, layout_of, start_attempt, submit_attempt
from trainhub.readiness import tallies
from trainhub.readiness.gather import facts_for
from trainhub.readiness.kept import (
    current_fingerprints,
    evaluate_hires,
    read_kept,
    rebuild,
    stale_ids,
)
from trainhub.readiness.models import KeptReadiness, ReadinessDayTally, ReadinessTally
from trainhub.readiness.rules import Items, evaluate
from trainhub.roleplays.decisions import decide_submission
from trainhub.roleplays.models import RoleplaySubmission
from trainhub.roleplays.service import save_answer
from trainhub.schedule.service import ScheduleError, move_start, pause_hire, resume_hire
from trainhub.signoffs.service import SignOffConflict, revoke_signoff, sign_off_item
from trainhub.team.service import clear_for_clients, row_of

EVENTS = (
    "lesson",
    "quiz_pass",
    "quiz_fail",
    "quiz_start",
    "essays",
    "answer",
    "approve",
    "send_back",
    "signoff",
    "revoke",
    "move_start",
    "pause",
    "resume",
    "track",
    "mentor",
    "deactivate",
    "clear",
    "catalog_quiz",
    "catalog_case",
    "catalog_track",
    "rebuild",
)


class Run:
    def __init__(self, cast: dict[str, Any], rng: random.Random, now: datetime) -> None:
        self.hire: User = cast["hire"]
        self.mentor: User = cast["mentor"]
        self.manager: User = cast["manager"]
        self.rng = rng
        self.now = now

    def tick(self) -> datetime:
        self.now += timedelta(minutes=self.rng.randint(1, 600))
        return self.now

    def steps(self, kind: str) -> list[Any]:
        track = catalog().track_of(self.hire)
        return [s for s in track.steps if s.kind == kind] if track else []


def _swap_catalog(change: str, rng: random.Random) -> None:
    """A new content version of one item, as a content edit would make (the store keeps it:
    no file is touched)."""
    cat = catalog()
    if change == "catalog_quiz" and cat.quizzes:
        slug = rng.choice(sorted(cat.quizzes))
        quiz = cat.quizzes[slug]
        new = replace(
            quiz, pass_mark=rng.choice([40, 60, 90, 100]), content_hash=f"q{rng.random()}"
        )
        cat = replace(cat, quizzes={**cat.quizzes, slug: new})
    elif change == "catalog_case" and cat.roleplays:
        slug = rng.choice(sorted(cat.roleplays))
        case = cat.roleplays[slug]
        new_case = replace(
            case, passing_score=rng.choice([2.0, 3.0, 3.5]), content_hash=f"c{rng.random()}"
        )
        cat = replace(cat, roleplays={**cat.roleplays, slug: new_case})
    elif change == "catalog_track":
        role = rng.choice(sorted(cat.tracks))
        track = cat.tracks[role]
        steps = track.steps[:-1] if len(track.steps) > 2 else track.steps
        cat = replace(
            cat,
            tracks={
                **cat.tracks,
                role: replace(track, steps=steps, content_hash=f"t{rng.random()}"),
            },
        )
    kept = store()
    kept._catalog = cat
    kept._checked_at = time.monotonic()


def _apply(run: Run, event: str) -> None:
    session = db.session
    hire, rng = run.hire, run.rng
    now = run.tick()
    cat = catalog()
    if event == "lesson":
        courses = [cat.courses[s.slug] for s in run.steps("course") if s.slug in cat.courses]
        if courses:
            course = rng.choice(courses)
            complete_lesson(session, hire, rng.choice(course.lessons), now)
    elif event in {"quiz_pass", "quiz_fail", "quiz_start"}:
        quizzes = [cat.quizzes[s.slug] for s in run.steps("quiz") if s.slug in cat.quizzes]
        if not quizzes:
            return
        quiz = rng.choice(quizzes)
        try:
            attempt = start_attempt(session, hire, quiz, now, rng)
        except Exception:  # every attempt used: nothing changes
            session.rollback()
            return
        if event == "quiz_start":
            return
        answers: dict[str, Any] = {}
        if event == "quiz_pass":
            answers, _outcome, _essays = demo_answers(layout_of(attempt), quiz.pass_mark, rng)
        submit_attempt(session, attempt, answers, now)
    elif event == "essays":
        waiting = session.scalars(
            sa.select(QuizAttempt).where(
                QuizAttempt.user_id == hire.id, QuizAttempt.status == "awaiting_grading"
            )
        ).all()
        for attempt in waiting[:1]:
            marks = {q.id: (float(rng.randint(0, 5)), "") for q in layout_of(attempt).essays}
            grade_essays(session, attempt, marks, run.mentor, hire, now)
    elif event == "answer":
        cases = [cat.roleplays[s.slug] for s in run.steps("roleplay") if s.slug in cat.roleplays]
        if cases:
            try:
                save_answer(
                    session,
                    hire,
                    rng.choice(cases),
                    "My answer.",
                    submit=rng.random() < 0.8,
                    now=now,
                )
            except Exception:  # waiting for review: nothing to edit
                session.rollback()
    elif event in {"approve", "send_back"}:
        waiting = session.scalars(
            sa.select(RoleplaySubmission).where(
                RoleplaySubmission.user_id == hire.id, RoleplaySubmission.status == "submitted"
            )
        ).all()
        for submission in waiting[:1]:
            case = cat.roleplays.get(submission.case_slug)
            if case is None:
                return
            # An approval must reach the case's passing score (3.2 or 3.5 takes 4s).
            high = [4] if case.passing_score > 3 else [3, 4]
            level = rng.choice(high) if event == "approve" else rng.choice([1, 2])
            decide_submission(
                session,
                submission,
                case,
                levels={c.key: level for c in case.rubric},
                comments={},
                comment="Reviewed.",
                decision="approved" if event == "approve" else "needs_work",
                actor=run.mentor,
                now=now,
            )
    elif event in {"signoff", "revoke"}:
        track = cat.track_of(hire)
        steps = run.steps("signoff")
        if track is None or not steps:
            return
        step = rng.choice(steps)
        try:
            if event == "signoff":
                sign_off_item(session, hire, track, step, note="", actor=run.mentor, now=now)
            else:
                revoke_signoff(session, hire, step.slug, note="again", actor=run.mentor, now=now)
        except SignOffConflict:
            session.rollback()
    elif event in {"move_start", "pause", "resume"}:
        day = date(2026, 11, 1) + timedelta(days=rng.randint(-20, 40))
        try:
            if event == "move_start":
                move_start(session, hire, day, "moved", actor=run.manager, now=now)
            elif event == "pause":
                pause_hire(
                    session,
                    hire,
                    day,
                    rng.choice([None, day + timedelta(days=5)]),
                    "leave",
                    actor=run.manager,
                    now=now,
                )
            else:
                resume_hire(session, hire, day, "", today=day, actor=run.manager, now=now)
        except ScheduleError:
            session.rollback()
    elif event == "track":
        role = rng.choice(sorted(cat.tracks))
        data = replace(PersonData.of(hire), track=role)
        update_user(session, hire, data, known_tracks=set(cat.tracks), actor=run.manager, now=now)
    elif event in {"mentor", "deactivate"}:
        data = PersonData.of(hire)
        if event == "mentor":
            other = run.manager.id if hire.mentor_id == run.mentor.id else run.mentor.id
            hire.mentor_id = other  # through the ORM: the safety net refreshes the row
        else:
            data = replace(data, is_active=not hire.is_active)
            update_user(
                session, hire, data, known_tracks=set(cat.tracks), actor=run.manager, now=now
            )
    elif event == "clear":
        row = row_of(session, cat, hire, now.date(), count_weekends=False)
        if row.readiness.status == "ready":
            clear_for_clients(session, hire, row.readiness, actor=run.manager, now=now)
    elif event.startswith("catalog_"):
        _swap_catalog(event, rng)
    elif event == "rebuild":
        rebuild(session, now)
    session.commit()


def tallies_recounted(session: Any) -> tuple[dict[str, tuple[int, int]], dict[str, int]]:
    """The tallies as stored (zeros left out), and as counted again from every kept row
    and its person now."""
    kept = KeptReadiness.__table__
    rows = session.execute(
        sa.select(kept, *tallies.person_columns()).join(User, User.id == kept.c.user_id)
    ).all()
    again = tallies.Changes.empty()
    for row in rows:
        again.add(tallies.contribution(tallies.person_of(row), row._mapping), 1)
    counted = {k: (h, w) for k, (_key, h, w) in again.tallies.items() if h or w}
    counted_days = {k: n for k, (*_rest, n) in again.days.items() if n}
    stored = {
        t.key: (t.hires, t.waiting_reviews)
        for t in session.scalars(sa.select(ReadinessTally))
        if t.hires or t.waiting_reviews
    }
    stored_days = {t.key: t.n for t in session.scalars(sa.select(ReadinessDayTally)) if t.n}
    assert stored == counted
    assert stored_days == counted_days
    return stored, stored_days


def _check(run: Run) -> None:
    session = db.session
    session.expire_all()
    tallies_recounted(session)
    cat = catalog()
    hire = session.get(User, run.hire.id)
    assert hire is not None
    run.hire = hire
    kept = session.get(KeptReadiness, hire.id)
    assert kept is not None
    stale = hire.id in stale_ids(session, cat, False)
    expected = current_fingerprints(cat, False).get(hire.track or "", "missing")
    # Stale exactly when the row was judged against other content than today's.
    assert stale == (kept.fingerprint != expected)
    if stale:
        rebuild(session, run.now)
        session.commit()
        session.expire_all()
        kept = session.get(KeptReadiness, hire.id)
        assert kept is not None
        assert hire.id not in stale_ids(session, cat, False)
    fresh = evaluate_hires(session, cat, [hire.id], run.now, count_weekends=False)[0]
    stored = {c: getattr(kept, c) for c in fresh if c != "refreshed_at"}
    assert stored == {c: v for c, v in fresh.items() if c != "refreshed_at"}
    track = cat.track_of(hire)
    if track is not None:
        items = Items(courses=cat.courses, quizzes=cat.quizzes, roleplays=cat.roleplays)
        again = read_kept(
            kept.status,
            kept.progress,
            kept.steps,
            kept.reasons,
            kept.ready_since,
            kept.pauses,
            track,
            cat,
        ).readiness
        assert again == evaluate(track, items, facts_for(session, hire))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    events=st.lists(st.sampled_from(EVENTS), min_size=1, max_size=14), seed=st.integers(0, 10**6)
)
def test_the_kept_row_always_equals_a_fresh_evaluation(app, events, seed):
    rng = random.Random(seed)
    with app.app_context(), write_intent():
        original = store().reload()
        try:
            cast = factories.make_team(db.session, track=rng.choice(sorted(original.tracks)))
            db.session.commit()
            run = Run(cast, rng, utcnow())
            _check(run)
            for event in events:
                _apply(run, event)
                _check(run)
        finally:
            store().reload()


def test_the_rebuild_brings_10000_hires_current(app):
    with app.app_context(), write_intent():
        cat = catalog()
        mentor = factories.make_user(db.session, "mentor")
        db.session.commit()
        roles = sorted(cat.tracks)
        # Bulk-inserted (no refresh): the rebuild finds them all missing.
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": f"bulk{n:05d}@example.test",
                    "name": f"Bulk {n:05d}",
                    "role": "hire",
                    "password_hash": "x",
                    "track": roles[n % len(roles)],
                    "mentor_id": mentor.id,
                    "started_on": date(2026, 11, 1) - timedelta(days=n % 60),
                }
                for n in range(10_000)
            ],
        )
        db.session.commit()
        assert len(stale_ids(db.session, cat, False)) == 10_000
        assert rebuild(db.session, utcnow()) == 10_000
        assert stale_ids(db.session, cat, False) == []
        count = db.session.scalar(sa.select(sa.func.count()).select_from(KeptReadiness))
        assert count == 10_000
        statuses = set(db.session.scalars(sa.select(KeptReadiness.status).distinct()))
        assert statuses == {"not_started"}
        # A new version of a track's quiz makes that track's hires stale, and only them.
        role = roles[0]
        quiz_step = next(s for s in cat.tracks[role].steps if s.kind == "quiz")
        _swap_catalog_item(quiz_step.slug)
        changed = catalog()
        affected = {
            r for r, t in changed.tracks.items() if any(s.slug == quiz_step.slug for s in t.steps)
        }
        stale = stale_ids(db.session, changed, False)
        expected = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.track.in_(affected))
        )
        assert len(stale) == expected > 0
        assert rebuild(db.session, utcnow()) == expected
        assert stale_ids(db.session, changed, False) == []
        db.session.commit()
        # The tallies followed every row, and counting them again finds the same.
        kept_counts = tallies_recounted(db.session)
        assert sum(h for h, _w in kept_counts[0].values()) == 10_000
        assert tallies.recount(db.session.connection()) == 10_000
        db.session.commit()
        assert tallies_recounted(db.session) == kept_counts
        store().reload()


def _swap_catalog_item(quiz_slug: str) -> None:
    cat = catalog()
    quiz = cat.quizzes[quiz_slug]
    kept = store()
    kept._catalog = replace(
        cat, quizzes={**cat.quizzes, quiz_slug: replace(quiz, content_hash="a-new-version")}
    )
    kept._checked_at = time.monotonic()
