"""What a new password must be: long enough, and not one of the 10,000 most common.

Pure functions: the forms turn a problem into a message in the person's language, the
service and the CLI into English. The list ships with the code (``data/``, its licence
beside it) and is read once per process.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 500
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


class Problem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    IS_EMAIL = "is_email"


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def password_problem(password: str, email: str | None = None) -> Problem | None:
    """Why ``password`` may not be chosen (by the person whose e-mail is given), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return Problem.TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return Problem.TOO_LONG
    folded = password.strip().lower()
    # A twelve-character entry of the list is still guessed first; so is one's own address.
    if folded in common_passwords():
        return Problem.COMMON
    if email and folded in {email.strip().lower(), email.strip().lower().partition("@")[0]}:
        return Problem.IS_EMAIL
    return None


ENGLISH = {
    Problem.TOO_SHORT: f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
    Problem.TOO_LONG: f"the password may have at most {MAX_PASSWORD_LENGTH} characters",
    Problem.COMMON: "this password is one of the most common ones: choose another",
    Problem.IS_EMAIL: "the password may not be your e-mail address",
}
