"""The claim, reassignment and sign-off-request predicates (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from trainhub.permissions import (
    can_claim_review,
    can_decide_signoff_request,
    can_manage_review_pool,
    can_override_claim,
    can_reassign_review,
    can_request_signoff,
)


@dataclass
class P:
    id: int
    role: str
    mentor_id: int | None = None
    manager_id: int | None = None


MENTOR, POOLED, OTHER = P(1, "mentor"), P(2, "mentor"), P(3, "mentor")
MANAGER, OTHER_MANAGER, ADMIN = P(4, "manager"), P(5, "manager"), P(6, "admin")
HIRE = P(10, "hire", mentor_id=1, manager_id=4)


def test_who_may_claim_a_hires_answer():
    pool = frozenset({POOLED.id})
    assert can_claim_review(MENTOR, HIRE, pool)
    assert can_claim_review(POOLED, HIRE, pool)
    assert can_claim_review(ADMIN, HIRE, pool)
    assert not can_claim_review(OTHER, HIRE, pool)
    assert not can_claim_review(MANAGER, HIRE, {MANAGER.id})  # a pool holds mentors only
    assert not can_claim_review(HIRE, HIRE, {HIRE.id})


def test_who_may_reassign_and_override():
    assert can_reassign_review(MANAGER, HIRE) and can_reassign_review(ADMIN, HIRE)
    assert not can_reassign_review(OTHER_MANAGER, HIRE)
    assert not can_reassign_review(MENTOR, HIRE)
    assert can_override_claim(ADMIN) and not can_override_claim(MENTOR)
    assert can_manage_review_pool(MANAGER) and not can_manage_review_pool(ADMIN)


def test_who_may_ask_for_and_decide_a_signoff():
    assert can_request_signoff(HIRE) and not can_request_signoff(MENTOR)
    assert can_decide_signoff_request(MENTOR, HIRE)
    assert can_decide_signoff_request(MANAGER, HIRE)
    assert not can_decide_signoff_request(OTHER, HIRE)
    assert not can_decide_signoff_request(HIRE, HIRE)
