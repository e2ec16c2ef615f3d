"""Every message the readiness rules make has a code, so a kept row can store it as data."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

import trainhub
from trainhub.messages import N_
from trainhub.readiness import codes

SOURCES = ("readiness/rules.py", "readiness/kept.py")


def _msgids() -> set[str]:
    found = set()
    for name in SOURCES:
        tree = ast.parse((Path(trainhub.__file__).parent / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                first = node.args[0]
                assert isinstance(first, ast.Constant)
                found.add(first.value)
    return found


def test_every_rules_message_has_a_code() -> None:
    missing = _msgids() - set(codes.MESSAGES.values())
    assert missing == set()


def test_a_text_round_trips_through_its_code_with_its_values() -> None:
    text = N_("signed off by %(who)s on %(day)s", who="Maria", day=date(2026, 12, 1))
    data = codes.encode(text)
    assert data == {
        "code": "signoff_done",
        "values": {"who": "Maria", "day": {"date": "2026-12-01"}},
    }
    again = codes.decode(data)
    assert again == text and again.msgid == text.msgid and dict(again.params) == dict(text.params)


def test_plain_text_has_no_code() -> None:
    with pytest.raises(codes.UnknownMessage):
        codes.encode("rendered English")
