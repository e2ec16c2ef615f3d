"""The rules for a new password (pure): 12 characters at least, not on the shipped list of
the 10,000 most common passwords, not one's e-mail."""

from __future__ import annotations

from trainhub.auth.policy import (
    COMMON_PASSWORDS,
    MIN_PASSWORD_LENGTH,
    Problem,
    common_passwords,
    password_problem,
)


def test_the_shipped_list_is_ten_thousand_lower_case_passwords_with_its_licence():
    assert len(common_passwords()) == 10_000
    assert all(p == p.lower() for p in common_passwords())
    note = (COMMON_PASSWORDS.parent / "README.md").read_text(encoding="utf-8")
    assert "MIT" in note and "public domain" in note


def test_length():
    assert MIN_PASSWORD_LENGTH == 12
    assert password_problem("lemon-cake1") is Problem.TOO_SHORT  # 11: was enough before
    assert password_problem("lemon-cake12") is None
    assert password_problem("x" * 501) is Problem.TOO_LONG


def test_common_passwords_are_refused_whatever_their_case():
    for password in ("1qaz2wsx3edc", "1QAZ2WSX3EDC", "qwerty123456", "123456789abc"):
        assert password_problem(password) is Problem.COMMON, password


def test_ones_own_address_is_refused():
    assert password_problem("ivan.petrenko", "Ivan.Petrenko@corp.test") is Problem.IS_EMAIL
    assert (
        password_problem("ivan.petrenko@corp.test", "ivan.petrenko@corp.test") is Problem.IS_EMAIL
    )
    assert password_problem("ivan.petrenko", "olga@corp.test") is None


def test_the_demo_password_stays_valid():
    # DESIGN.md's contract: every demo account signs in with demo-password.
    assert password_problem("demo-password", "admin@demo.local") is None
