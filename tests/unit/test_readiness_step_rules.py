"""The step judges' registry: one judge per kind of step, and the missing-item result."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from trainhub.catalog.tracks import STEP_KINDS, TrackStep
from trainhub.readiness.facts import AttemptFact, HireFacts, SignOffFact, SubmissionFact
from trainhub.readiness.rules import STEP_RULES, Items, UnknownStepKind, evaluate_step

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_every_kind_a_track_can_hold_has_exactly_one_judge():
    assert set(STEP_RULES) == set(STEP_KINDS)


@pytest.mark.parametrize("kind", STEP_KINDS)
def test_each_kind_is_judged_by_its_own_rule(kind):
    # The old if-chain judged any kind it did not name as a sign-off.
    step = TrackStep(kind, "gone", 1, title="A title")
    result = evaluate_step(step, Items(), HireFacts(), "t1")
    assert (result.kind, result.slug, result.done) == (kind, "gone", False)


def test_a_kind_without_a_judge_is_refused_not_judged_as_another():
    step = TrackStep("video", "intro", 1)  # type: ignore[arg-type]
    with pytest.raises(UnknownStepKind, match="'video'"):
        evaluate_step(step, Items(), HireFacts())


# Facts that would count if the item were there: a missing item stays missing whatever the
# hire did against it before it went.
DONE_BEFORE = HireFacts(
    attempts={"gone": (AttemptFact(1, "graded", 100.0, "q0", T0),)},
    submissions={"gone": (SubmissionFact(1, "approved", "r0", T0, 4.0, T0, "Maria"),)},
)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("course", "course gone: not in the catalog"),
        ("quiz", "quiz gone: not in the catalog"),
        ("roleplay", "case gone: not in the catalog"),
    ],
)
def test_an_item_missing_from_the_catalog(kind, reason):
    step = TrackStep(kind, "gone", 1, pass_mark=50 if kind == "quiz" else None)
    result = evaluate_step(step, Items(), DONE_BEFORE)
    assert (result.kind, result.slug, result.title) == (kind, "gone", "gone")
    assert not result.done and result.progress == 0.0
    assert not result.waiting_on_mentor and result.done_at is None and not result.outdated
    assert result.detail == "missing from the catalog"
    assert result.reason == reason
    # Shown translated later: the ids are the literal ones the catalogs hold.
    assert result.detail.msgid == "missing from the catalog"
    assert result.reason.msgid == reason.replace("gone", "%(slug)s")


def test_a_signoff_has_no_catalog_item_to_miss():
    step = TrackStep("signoff", "shadowing", 1, title="Shadowed five calls")
    waiting = evaluate_step(step, Items(), HireFacts(), "t1")
    assert waiting.detail == "not signed off" and waiting.title == "Shadowed five calls"
    signed = HireFacts(signoffs={"shadowing": SignOffFact("Maria", T0, "t1")})
    assert evaluate_step(step, Items(), signed, "t1").done
