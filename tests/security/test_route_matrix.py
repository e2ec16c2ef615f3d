"""The route x role x object matrix: what every route answers to everyone, for GET and POST.

HOW TO ADD A ROUTE: add one line to ``MATRIX`` below, ``("METHOD", "endpoint"): "cells",``.
A route of ``app.url_map`` without a line fails ``test_every_route_has_a_row`` with the line
it observed, ready to paste: check every cell against the policy before pasting it.

Cells are the outcome for each role, in the order of ``world.ROLES``:

    anon  hire  hire2  mentor  manager  mentor_b  manager_b  admin

(``hire`` and ``hire2`` are hires of team A, whose mentor and manager are ``mentor`` and
``manager``; ``mentor_b`` and ``manager_b`` look after team B's hire; ``admin`` is an admin).
A route that takes an object id (``<int:...>`` or ``<token>``) has two outcomes per role,
``own/other``: on the object of team A's ``hire``, and on the object of team B's hire.
Codes:

    L  302 to the login page     2  200            3  302 elsewhere (done, or shown elsewhere)
    F  403                       N  404            U  401          B  400
    C  409                       V  422

Every request carries the role's valid CSRF token (POSTs send nothing else), so what answers is
the permission check, not the CSRF check (``test_csrf.py`` covers that). Each route runs in
a freshly seeded world (seeded again whenever the route before it wrote anything); its cells
that refuse run first, then the others in column order, so a refusal is never explained away
by what an allowed cell changed before it.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

import pytest

from tests.security.world import (
    CASE,
    ITEM,
    OWNERS,
    QUIZ,
    ROLES,
    World,
    client_of,
)
from trainhub import create_app
from trainhub.access import BUILTIN_PUBLIC

# Path arguments that are not objects of a person: a real value everyone may name.
SLUGS = {
    "course_slug": "prospecting",
    "lesson_slug": "target-audience-and-ideal-client",
    "quiz_slug": QUIZ,
    "case_slug": CASE,
    "item_key": ITEM,
    "role": "lead-generation",  # a track
    # A shipped file of the prospecting course's assets/ (the case has none of that name: its
    # rows show the permission passing, then 404).
    "filename": "cold-call-flow.svg",
}

# fmt: off
MATRIX: dict[tuple[str, str], str] = {
    # (method, endpoint):                   anon hire hire2 ment mana ment_b mana_b admin
    ("GET", "home.index"):                    "L   2   2   2   2   2   2   2",
    ("GET", "account.settings"):              "L   2   2   2   2   2   2   2",
    ("GET", "assets.course_file"):            "L   2   2   2   2   2   2   2",
    ("GET", "assets.case_file"):              "L   N   N   N   N   N   N   N",
    ("GET", "assets.preview_course_file"):    "L   F   F   2   2   2   2   2",
    ("GET", "assets.preview_case_file"):      "L   F   F   N   N   N   N   N",
    ("POST", "account.save"):                 "L   V   V   V   V   V   V   V",
    ("POST", "account.create_calendar"):      "L   2   2   2   2   2   2   2",
    ("POST", "account.revoke_calendar"):      "L   3   3   3   3   3   3   3",
    ("GET", "admin.content"):                 "L   F   F   F   F   F   F   2",
    ("GET", "admin.people"):                  "L   F   F   F   F   F   F   2",
    ("GET", "admin.edit_person"):             "L/L F/F F/F F/F F/F F/F F/F 2/2",
    ("POST", "admin.edit_person"):            "L/L F/F F/F F/F F/F F/F F/F V/V",
    ("GET", "admin.new_person"):              "L   F   F   F   F   F   F   2",
    ("POST", "admin.new_person"):             "L   F   F   F   F   F   F   V",
    ("GET", "api.openapi"):                   "2   2   2   2   2   2   2   2",
    ("GET", "api.readiness"):                 "U   U   U   U   U   U   U   U",
    ("GET", "audit.log"):                     "L   F   F   F   F   F   F   2",
    ("GET", "calendar.feed"):                 "2/2 2/2 2/2 2/2 2/2 2/2 2/2 2/2",
    ("GET", "courses.index"):                 "L   2   2   2   2   2   2   2",
    ("GET", "courses.course"):                "L   2   2   2   2   2   2   2",
    ("GET", "courses.lesson"):                "L   2   2   2   2   2   2   2",
    ("POST", "courses.complete"):             "L   3   3   F   F   F   F   F",
    ("GET", "passwords.change"):              "L   2   2   2   2   2   2   2",
    ("POST", "passwords.change"):             "L   V   V   V   V   V   V   V",
    ("GET", "passwords.forgot"):              "2   2   2   2   2   2   2   2",
    ("POST", "passwords.forgot"):             "V   V   V   V   V   V   V   V",
    # The world holds no password link: every token is unknown (tests/web covers links).
    ("GET", "passwords.choose"):              "N/N N/N N/N N/N N/N N/N N/N N/N",
    ("POST", "passwords.choose"):             "N/N N/N N/N N/N N/N N/N N/N N/N",
    ("POST", "admin.send_password_link"):     "L/L F/F F/F F/F F/F F/F F/F 3/3",
    ("GET", "preview.index"):                 "L   F   F   2   2   2   2   2",
    ("GET", "preview.lesson"):                "L   F   F   2   2   2   2   2",
    ("GET", "preview.quiz"):                  "L   F   F   2   2   2   2   2",
    ("GET", "preview.roleplay"):              "L   F   F   2   2   2   2   2",
    ("GET", "preview.track"):                 "L   F   F   2   2   2   2   2",
    ("GET", "preview.version"):               "L   F   F   2   2   2   2   2",
    ("GET", "home.healthz"):                  "2   2   2   2   2   2   2   2",
    ("POST", "i18n.set_language"):            "B   B   B   B   B   B   B   B",
    ("GET", "auth.login"):                    "2   3   3   3   3   3   3   3",
    ("POST", "auth.login"):                   "2   3   3   3   3   3   3   3",
    ("POST", "auth.logout"):                  "L   L   L   L   L   L   L   L",
    ("GET", "notifications.index"):           "L   2   2   2   2   2   2   2",
    ("POST", "notifications.mark_read"):      "L/L 3/F F/F F/F F/F F/F F/F F/F",
    ("POST", "notifications.mark_all_read"):  "L   B   B   B   B   B   B   B",
    ("GET", "notifications.settings"):        "L   2   2   2   2   2   2   2",
    ("POST", "notifications.settings"):       "L   V   V   V   V   V   V   V",
    ("GET", "quizzes.index"):                 "L   2   2   2   2   2   2   2",
    ("GET", "quizzes.take"):                  "L   2   2   2   2   2   2   2",
    ("POST", "quizzes.start"):                "L   3   3   F   F   F   F   F",
    ("GET", "quizzes.stats"):                 "L   F   F   F   F   F   F   2",
    ("GET", "quizzes.attempt"):               "L/L 2/F F/F 2/F 2/F F/2 F/2 2/2",
    ("POST", "quizzes.answer"):               "L/L 3/N N/N F/F F/F F/F F/F F/F",
    ("GET", "quizzes.grade"):                 "L/L F/F F/F 3/F F/F F/3 F/F 3/3",
    ("POST", "quizzes.grade"):                "L/L F/F F/F 3/F F/F F/3 F/F 3/3",
    ("GET", "quizzes.grading"):               "L   F   F   2   F   2   F   2",
    ("GET", "home.readyz"):                   "2   2   2   2   2   2   2   2",
    ("GET", "reviews.queue"):                 "L   F   F   2   F   2   F   2",
    ("GET", "reviews.review"):                "L/L F/F F/F 2/F F/F F/2 F/F 2/2",
    ("POST", "reviews.review"):               "L/L F/F F/F V/F F/F F/V F/F V/V",
    ("POST", "reviews.claim"):                "L/L F/F F/F 3/F F/F F/3 F/F 3/3",
    ("POST", "reviews.reassign"):             "L/L F/F F/F F/F 3/F F/F F/3 3/3",
    ("POST", "reviews.release"):              "L/L F/F F/F 3/F F/F F/3 F/F 3/3",
    ("GET", "signoffs.hire"):                 "L/L F/F F/F 2/F 2/F F/2 F/2 2/2",
    ("POST", "signoffs.sign_off"):            "L/L F/F F/F V/F V/F F/V F/V V/V",
    ("POST", "signoffs.revoke"):              "L/L F/F F/F V/F V/F F/V F/V V/V",
    ("GET", "roleplays.index"):               "L   2   2   2   2   2   2   2",
    ("GET", "roleplays.case"):                "L   2   2   2   2   2   2   2",
    ("POST", "roleplays.answer"):             "L   V   V   F   F   F   F   F",
    ("GET", "roleplays.attachment"):          "L/L 2/F F/F 2/F 2/F F/2 F/2 2/2",
    ("GET", "signoff_requests.ask"):          "L   2   2   F   F   F   F   F",
    ("POST", "signoff_requests.ask"):         "L   V   V   F   F   F   F   F",
    ("POST", "signoff_requests.approve"):     "L/L F/F F/F V/F V/F F/V F/V V/V",
    ("POST", "signoff_requests.decline"):     "L/L F/F F/F V/F V/F F/V F/V V/V",
    ("GET", "signoff_requests.evidence"):     "L/L 2/F F/F 2/F 2/F F/2 F/2 2/2",
    ("GET", "team.dashboard"):                "L   F   F   F   2   F   2   2",
    ("GET", "team.hire"):                     "L/L F/F F/F 2/F 2/F F/2 F/2 2/2",
    # The world's hires are not cleared for clients: no certificate yet (404), which the
    # hire may open for themselves once cleared (tests/web/test_experience_pages.py).
    ("GET", "team.certificate"):              "L/L N/F F/F N/F N/F F/N F/N N/N",
    ("GET", "search.results"):                "L   2   2   2   2   2   2   2",
    ("POST", "team.clear"):                   "L/L F/F F/F F/F 3/F F/F F/3 3/3",
    ("POST", "team.pause"):                   "L/L F/F F/F F/F V/F F/F F/V V/V",
    ("POST", "team.resume"):                  "L/L F/F F/F F/F V/F F/F F/V V/V",
    ("POST", "team.move_start_date"):         "L/L F/F F/F F/F V/F F/F F/V V/V",
    ("GET", "team.export_csv"):               "L   F   F   F   2   F   2   2",
    ("GET", "team.pool"):                     "L   F   F   F   2   F   2   F",
    ("POST", "team.pool"):                    "L   F   F   F   3   F   3   F",
}
# fmt: on

CODES = {"L": 302, "2": 200, "3": 302, "F": 403, "N": 404, "U": 401, "B": 400, "C": 409, "V": 422}
DENIALS = {"L", "F", "N", "U"}
_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _rules() -> list[tuple[str, str, str]]:
    """(method, endpoint, rule) for every route but Flask's own, read from a throwaway app."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp}/x.db", "INSTANCE_PATH": tmp,
             "SECRET_KEY": "collect-" + "k" * 40}
        )  # fmt: skip
        found = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint in BUILTIN_PUBLIC:
                continue
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                found.append((method, rule.endpoint, rule.rule))
    return sorted(found)


RULES = _rules()


def takes_object(rule: str) -> bool:
    return any(name not in SLUGS for _conv, name in _ARG.findall(rule))


def _url(rule: str, world: World, owner: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in SLUGS:
            return SLUGS[name]
        return str(world.objects[name][owner])

    return _ARG.sub(fill, rule)


def _code(response: Any) -> str:
    status = response.status_code
    if status == 302:
        where = response.headers.get("Location", "")
        return "L" if where.startswith("/login") else "3"
    for letter, code in CODES.items():
        if code == status and letter not in {"L", "3"}:
            return letter
    return str(status)


def parse_cells(line: str, with_objects: bool) -> dict[tuple[str, str], str]:
    words = line.split()
    assert len(words) == len(ROLES), f"{len(words)} cells for {len(ROLES)} roles: {line!r}"
    cells = {}
    for role, word in zip(ROLES, words, strict=True):
        parts = word.split("/")
        owners = OWNERS if with_objects else ("-",)
        assert len(parts) == len(owners), f"{role}: {word!r} (expected {'/'.join(owners)})"
        for owner, code in zip(owners, parts, strict=True):
            cells[(role, owner)] = code
    return cells


def format_cells(cells: dict[tuple[str, str], str], with_objects: bool) -> str:
    owners = OWNERS if with_objects else ("-",)
    words = ["/".join(cells[(role, owner)] for owner in owners) for role in ROLES]
    return " ".join(w.ljust(3) for w in words).rstrip()


def observe(world: World, method: str, rule: str, expected: dict | None) -> dict:
    world.reset_if_written()
    with_objects = takes_object(rule)
    cells = [(role, owner) for role in ROLES for owner in (OWNERS if with_objects else ("-",))]
    if expected is not None:  # refusals first: see the module's docstring
        cells.sort(key=lambda cell: expected.get(cell) not in DENIALS)
    seen = {}
    for role, owner in cells:
        client = client_of(world, role)
        url = _url(rule, world, owner if owner != "-" else "own")
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": world.tokens[role]})
        seen[(role, owner)] = _code(response)
        response.close()  # a download holds its file open until then
    return seen


def test_every_route_has_a_row() -> None:
    missing = [(m, e, r) for m, e, r in RULES if (m, e) not in MATRIX]
    assert not missing, (
        "routes without a row in tests/security/test_route_matrix.py MATRIX (add one line per "
        "route, see the module's docstring; run the suite to see what each cell answers): "
        + ", ".join(f"{m} {r} ({e})" for m, e, r in missing)
    )


def test_every_row_names_a_route() -> None:
    stale = set(MATRIX) - {(m, e) for m, e, _r in RULES}
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize(
    ("method", "endpoint", "rule"), RULES, ids=[f"{m} {e}" for m, e, _ in RULES]
)
def test_route(world: World, method: str, endpoint: str, rule: str) -> None:
    with_objects = takes_object(rule)
    line = MATRIX.get((method, endpoint))
    expected = parse_cells(line, with_objects) if line is not None else None
    seen = observe(world, method, rule, expected)
    observed = format_cells(seen, with_objects)
    if os.environ.get("TRAINHUB_MATRIX_OBSERVED"):  # a file to collect rows from, by hand
        with open(os.environ["TRAINHUB_MATRIX_OBSERVED"], "a", encoding="utf-8") as out:
            out.write(f'    ("{method}", "{endpoint}"): "{observed}",  # {rule} {world.backend}\n')
    assert line is not None, f'no row; observed:\n    ("{method}", "{endpoint}"): "{observed}",'
    wrong = {cell: (want, seen[cell]) for cell, want in expected.items() if seen[cell] != want}
    assert not wrong, (
        f"{method} {rule}: (role, object): (expected, got) {wrong}\n"
        f'    observed: ("{method}", "{endpoint}"): "{observed}",'
    )
