"""Every route declares who may use it, and the declaration holds for every role.

The matrix below is written from the policy names in trainhub/permissions.py. A new route
with a new policy fails here until someone says which roles it admits.
"""

from __future__ import annotations

import re

import pytest

from trainhub.access import BUILTIN_PUBLIC, policy_of

ROLES = ("hire", "mentor", "manager", "admin")
ALLOWED: dict[str, set[str]] = {
    "is_signed_in": set(ROLES),
    "is_staff": {"mentor", "manager", "admin"},
    "is_hire": {"hire"},
    "can_submit_work": {"hire"},
    "can_request_signoff": {"hire"},
    "can_manage_review_pool": {"manager"},
    "can_review": {"mentor", "admin"},
    "can_view_team": {"manager", "admin"},
    "can_manage_people": {"admin"},
    "can_manage_content": {"admin"},
    "can_view_quiz_stats": {"admin"},
    "can_preview_content": {"mentor", "manager", "admin"},
}
# Routes that authenticate by something other than the session cookie.
TOKEN_POLICIES = {"api_token"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in BUILTIN_PUBLIC:
            continue
        yield rule, app.view_functions[rule.endpoint]


def _url(rule) -> str:
    # Fill path arguments with values that exist for nobody: the policy must answer first.
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "999999" if m.group(1) == "int" else "x",
                  rule.rule)  # fmt: skip


def test_every_route_declares_a_policy(app):
    missing = [rule.rule for rule, view in _routes(app) if policy_of(view) is None]
    assert missing == []


def test_every_policy_is_in_the_matrix(app):
    known = set(ALLOWED) | TOKEN_POLICIES | {"public"}
    unknown = {policy_of(view) for _rule, view in _routes(app)} - known
    assert unknown == set(), "say in ALLOWED which roles these policies admit"


def test_anonymous_visitors_are_sent_to_the_login_page(app, client):
    for rule, view in _routes(app):
        policy = policy_of(view)
        if policy in {"public"} | TOKEN_POLICIES or "GET" not in rule.methods:
            continue
        response = client.get(_url(rule))
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/login"), rule.rule


def test_anonymous_posts_are_refused(app, client):
    token = client.csrf_token()
    for rule, view in _routes(app):
        if "POST" not in rule.methods or policy_of(view) in {"public"} | TOKEN_POLICIES:
            continue
        response = client.post(_url(rule), data={"csrf_token": token})
        assert response.status_code in (302, 401), rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_403_where_its_policy_says_no(app, client, login_as, role):
    login_as(role)
    token = client.csrf_token("/")
    for rule, view in _routes(app):
        policy = policy_of(view)
        if policy not in ALLOWED or rule.endpoint == "auth.logout":  # would end the session
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        url = _url(rule)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        if role in ALLOWED[policy]:
            assert response.status_code != 403 and response.status_code < 500, (rule.rule, role)
        else:
            assert response.status_code == 403, (rule.rule, role, response.status_code)


def test_public_endpoints(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    assert client.get("/login").status_code == 200
