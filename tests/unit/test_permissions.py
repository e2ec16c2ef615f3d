"""The access predicates, over plain objects (no Flask, no database)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from trainhub import permissions as p


@dataclass
class Person:
    id: int
    role: str
    mentor_id: int | None = None
    manager_id: int | None = None


ADMIN = Person(1, "admin")
MANAGER = Person(2, "manager")
OTHER_MANAGER = Person(3, "manager")
MENTOR = Person(4, "mentor")
OTHER_MENTOR = Person(5, "mentor")
HIRE = Person(6, "hire", mentor_id=4, manager_id=2)
OTHER_HIRE = Person(7, "hire", mentor_id=5, manager_id=3)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [(ADMIN, True), (MANAGER, True), (OTHER_MANAGER, False), (MENTOR, True),
     (OTHER_MENTOR, False), (HIRE, True), (OTHER_HIRE, False)],
)  # fmt: skip
def test_who_sees_a_hire(user, allowed):
    assert p.can_view_hire(user, HIRE) is allowed
    assert p.can_view_attachment(user, HIRE) is allowed


@pytest.mark.parametrize(
    ("user", "review", "sign_off", "clear"),
    [(ADMIN, True, True, True), (MANAGER, False, True, True), (OTHER_MANAGER, False, False, False),
     (MENTOR, True, True, False), (OTHER_MENTOR, False, False, False),
     (HIRE, False, False, False), (OTHER_HIRE, False, False, False)],
)  # fmt: skip
def test_who_acts_on_a_hires_work(user, review, sign_off, clear):
    assert p.can_review_work_of(user, HIRE) is review
    assert p.can_sign_off(user, HIRE) is sign_off
    assert p.can_clear_for_clients(user, HIRE) is clear


@pytest.mark.parametrize(
    ("user", "allowed"),
    [(ADMIN, True), (MANAGER, True), (OTHER_MANAGER, False), (MENTOR, False),
     (OTHER_MENTOR, False), (HIRE, False), (OTHER_HIRE, False)],
)  # fmt: skip
def test_who_moves_pauses_or_resumes_a_hires_schedule(user, allowed):
    assert p.can_schedule_hire(user, HIRE) is allowed


def test_nobody_reviews_or_signs_off_their_own_work():
    admin_as_hire = Person(9, "admin", mentor_id=9, manager_id=9)
    assert not p.can_review_work_of(admin_as_hire, admin_as_hire)
    assert not p.can_sign_off(admin_as_hire, admin_as_hire)
    assert not p.can_clear_for_clients(admin_as_hire, admin_as_hire)
    assert not p.can_schedule_hire(admin_as_hire, admin_as_hire)


def test_role_gates():
    assert [p.can_view_team(u) for u in (ADMIN, MANAGER, MENTOR, HIRE)] == [
        True, True, False, False,
    ]  # fmt: skip
    assert [p.can_review(u) for u in (ADMIN, MANAGER, MENTOR, HIRE)] == [
        True, False, True, False,
    ]  # fmt: skip
    assert [p.can_submit_work(u) for u in (ADMIN, MANAGER, MENTOR, HIRE)] == [
        False, False, False, True,
    ]  # fmt: skip
    assert [p.can_manage_people(u) for u in (ADMIN, MANAGER, MENTOR, HIRE)] == [
        True, False, False, False,
    ]  # fmt: skip
