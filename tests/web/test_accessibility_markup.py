"""Issue 14, finding 10, in the markup itself (fast; the browser test runs axe-core on it)."""

from __future__ import annotations

import re

from tests import factories
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo.data import load_demo
from trainhub.extensions import db


def _pages(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.get_data(as_text=True)


def test_no_field_says_aria_describedby_none_and_no_header_is_empty(app, client, login_as):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())
    login_as("admin")
    urls = ["/admin/people/", "/admin/people/new", "/reviews/", "/quizzes/grading",
            "/quizzes/kpi-basics", "/account/", "/notifications/settings"]  # fmt: skip
    for url, html in _pages(client, urls):
        assert 'aria-describedby="None"' not in html, url
        assert not re.search(r"<th[^>]*>\s*</th>", html), url


def test_a_field_with_an_error_points_at_it(client, login_as):
    login_as("admin")
    html = client.post_form("/admin/people/new", {"email": ""}, token_from="/admin/people/new")
    text = html.get_data(as_text=True)
    described = re.findall(r'aria-describedby="([^"]+)"', text)
    assert described and all(f'id="{target}"' in text for target in described)


def test_radio_and_checkbox_groups_are_fieldsets_with_a_legend(app, client, login_as):
    login_as("hire")
    client.post_form("/quizzes/kpi-basics/start", token_from="/quizzes/kpi-basics")
    html = client.get("/quizzes/kpi-basics").get_data(as_text=True)
    attempt = re.search(r'href="(/quizzes/attempts/\d+)"', html).group(1)
    page = client.get(attempt).get_data(as_text=True)
    for group in re.findall(r'<fieldset class="field field-group.*?</fieldset>', page, re.S):
        assert "<legend>" in group
    inputs = re.findall(r'<input[^>]*name="q\d+"[^>]*type="(?:radio|checkbox)"[^>]*>', page)
    groups = "".join(re.findall(r'<fieldset class="field field-group.*?</fieldset>', page, re.S))
    assert inputs and all(i in groups for i in inputs)


def test_every_page_has_a_favicon_a_named_breadcrumb_and_the_banner_in_a_landmark(
    app, client, login_as
):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())
        hire = factories.make_user(db.session, "hire")
        db.session.commit()
    login_as(hire)
    html = client.get("/courses/sales-department-foundations/kpis").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"?]+)', html).group(1)
    response = client.get(icon)
    response.close()
    assert response.status_code == 200
    assert re.search(r'<nav class="crumbs" aria-label="[^"]+">', html)
    assert re.search(r'<aside class="demo-banner" aria-label="[^"]+">Demo data', html)


def test_the_team_table_sorts_by_its_column_headers(app, client, login_as):
    with app.app_context():
        team = factories.make_team(db.session, hires=2)
        db.session.commit()
    login_as(team["manager"])
    html = client.get("/team/?sort=progress&order=desc").get_data(as_text=True)
    assert 'data-testid="team-table"' in html
    assert re.search(r'<th aria-sort="descending"><a ', html)
    assert not re.search(r"<a [^>]*aria-sort", html)
