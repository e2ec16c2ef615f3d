"""Who may do what: pure predicates over users and the people their objects belong to.

Views call these; they never decide access on their own. Each takes the acting user first.
Objects are checked through their owner (a submission through its hire), so the rule for
"whose things may I see" lives in one function: ``can_view_hire``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol


class Person(Protocol):
    id: int
    role: str
    mentor_id: int | None
    manager_id: int | None


def is_signed_in(user: Person) -> bool:
    return getattr(user, "id", None) is not None


def is_hire(user: Person) -> bool:
    return user.role == "hire"


def is_mentor(user: Person) -> bool:
    return user.role == "mentor"


def is_manager(user: Person) -> bool:
    return user.role == "manager"


def is_admin(user: Person) -> bool:
    return user.role == "admin"


def is_staff(user: Person) -> bool:
    """Mentors, managers and admins: the people who look after hires."""
    return user.role in {"mentor", "manager", "admin"}


def can_view_team(user: Person) -> bool:
    return user.role in {"manager", "admin"}


def can_review(user: Person) -> bool:
    """Reaching the review queue at all (which hires' work is in it is scoped by query)."""
    return user.role in {"mentor", "admin"}


def can_manage_people(user: Person) -> bool:
    return user.role == "admin"


def can_manage_content(user: Person) -> bool:
    return user.role == "admin"


def can_preview_content(user: Person) -> bool:
    """Lessons, quizzes with their keys and cases with mentor notes, before hires see them."""
    return is_staff(user)


def can_view_quiz_stats(user: Person) -> bool:
    """Question statistics are for the people who write the quizzes: the admins."""
    return user.role == "admin"


def is_mentor_of(user: Person, hire: Person) -> bool:
    return user.role == "mentor" and hire.mentor_id == user.id


def is_manager_of(user: Person, hire: Person) -> bool:
    return user.role == "manager" and hire.manager_id == user.id


def can_view_hire(user: Person, hire: Person) -> bool:
    """The hire, their mentor, their manager, and admins see a hire's record."""
    return (
        user.id == hire.id
        or is_mentor_of(user, hire)
        or is_manager_of(user, hire)
        or is_admin(user)
    )


def can_review_work_of(user: Person, hire: Person) -> bool:
    """Review a hire's role-play answers or grade their essays: their mentor, or an admin.

    Nobody reviews their own work, whatever their role.
    """
    if user.id == hire.id:
        return False
    return is_mentor_of(user, hire) or is_admin(user)


def can_claim_review(user: Person, hire: Person, pool: Collection[int] = ()) -> bool:
    """Claim (and so review) a hire's waiting answer: their mentor, a mentor of their
    manager's review pool (``pool``: its mentors' ids), or an admin. Never one's own."""
    if user.id == hire.id:
        return False
    return is_mentor_of(user, hire) or is_admin(user) or (is_mentor(user) and user.id in pool)


def can_override_claim(user: Person) -> bool:
    """Decide or take an answer another mentor has claimed: admins (it is audited)."""
    return is_admin(user)


def can_reassign_review(user: Person, hire: Person) -> bool:
    """Hand a hire's waiting answer to another mentor: the hire's manager, or an admin."""
    if user.id == hire.id:
        return False
    return is_manager_of(user, hire) or is_admin(user)


def can_manage_review_pool(user: Person) -> bool:
    """Name the mentors who cover one's hires' answers: managers (their own pool)."""
    return user.role == "manager"


def can_request_signoff(user: Person) -> bool:
    """Ask a mentor to sign off a practical step of one's own track: hires."""
    return user.role == "hire"


def can_decide_signoff_request(user: Person, hire: Person) -> bool:
    """Approve or decline a hire's sign-off request: whoever may sign the step off."""
    return can_sign_off(user, hire)


def can_sign_off(user: Person, hire: Person) -> bool:
    """Sign off (or revoke) a practical item: the hire's mentor, manager, or an admin."""
    if user.id == hire.id:
        return False
    return is_mentor_of(user, hire) or is_manager_of(user, hire) or is_admin(user)


def can_decide_content_change(user: Person, hire: Person) -> bool:
    """Ask a hire to redo a step whose content changed, or mark the change as minor for
    them: the hire's mentor, manager, or an admin. Never about one's own work."""
    if user.id == hire.id:
        return False
    return is_mentor_of(user, hire) or is_manager_of(user, hire) or is_admin(user)


def can_clear_for_clients(user: Person, hire: Person) -> bool:
    if user.id == hire.id:
        return False
    return is_manager_of(user, hire) or is_admin(user)


def can_schedule_hire(user: Person, hire: Person) -> bool:
    """Move a hire's start date, pause or resume their onboarding: their manager, or an
    admin. Nobody reschedules themselves."""
    if user.id == hire.id:
        return False
    return is_manager_of(user, hire) or is_admin(user)


def can_view_attachment(user: Person, hire: Person) -> bool:
    return can_view_hire(user, hire)


def can_submit_work(user: Person) -> bool:
    """Take quizzes and answer cases: hires. Staff may read content but not build a record."""
    return user.role == "hire"


def can_read_team_api(user: Person) -> bool:
    """Read the readiness API with a token: the owner's own scope (a mentor's hires, a
    manager's hires, everyone for an admin). A hire's token is refused."""
    return user.role in {"mentor", "manager", "admin"}


def can_read_notification(user: Person, recipient_id: int) -> bool:
    """A notice is its recipient's alone: nobody else reads or marks it, admins included."""
    return user.id == recipient_id


# Every predicate is a template global too (templating.register): a page asks the question a
# route asks, in the same words, instead of restating which roles may.
PREDICATES: dict[str, Callable[..., bool]] = {
    name: value
    for name, value in dict(globals()).items()
    if name.startswith(("is_", "can_")) and callable(value)
}
