"""CSRF on every POST route of ``app.url_map`` (session replay: test_session_replay.py).

For each POST route the request is made by a role the route admits (read from the route
matrix), so a 400 here is the CSRF check and nothing else; the same request with the role's
own token is what the matrix shows answering (not 400).
"""

from __future__ import annotations

import pytest

from tests.security.test_route_matrix import DENIALS, MATRIX, RULES, _url, parse_cells, takes_object
from tests.security.world import ROLES, World, client_of

POSTS = [(endpoint, rule) for method, endpoint, rule in RULES if method == "POST"]


def _admitted(endpoint: str, rule: str) -> tuple[str, str]:
    """A (role, object) the matrix says this POST route lets through."""
    line = MATRIX[("POST", endpoint)]
    cells = parse_cells(line, takes_object(rule))
    for (role, owner), code in cells.items():
        if code not in DENIALS and code != "B":
            return role, owner if owner != "-" else "own"
    # Routes whose every cell needs fields (a 400 without them): any signed-in role.
    return "hire", "own"


@pytest.mark.parametrize(("endpoint", "rule"), POSTS, ids=[e for e, _r in POSTS])
def test_a_post_without_a_valid_csrf_token_is_refused(world: World, endpoint: str, rule: str):
    world.reset_if_written()
    role, owner = _admitted(endpoint, rule)
    url = _url(rule, world, owner)
    client = client_of(world, role)
    other = next(r for r in ROLES if r != role)
    forged = {
        "no token": {},
        "an empty token": {"csrf_token": ""},
        "another session's token": {"csrf_token": world.tokens[other]},
        "a token with its signature cut": {"csrf_token": world.tokens[role].rsplit(".", 1)[0]},
    }
    for what, data in forged.items():
        response = client.post(url, data=data)
        assert response.status_code == 400, (endpoint, role, what, response.status_code)
    # Nothing was written by any of them (the CSRF check runs before the view).
    assert not world.dirty, f"{endpoint}: a refused POST wrote to the database"
