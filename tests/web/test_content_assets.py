"""Images and files from ``assets/`` folders, as the browser gets them: at the URL the page's
relative link leads to, with the right type and cache headers, an SVG that cannot run code,
only for signed-in people (staff for the preview's), and nothing outside the folder."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.conftest import sign_in
from tests.factories import make_user

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
)
LESSON_URL = "/courses/basics/welcome"
CASE_TEXT = """\
---
title: The first call
roles: [all]
persona:
  name: Iryna Bondar
  role: Office manager
situation: You call a company that fits [the profile](../content/courses/basics/01-welcome.md).
objectives:
  - Book a meeting (see [the call flow](assets/first-call/flow.pdf))
rubric:
  - key: opening
    title: Opening
    weight: 1
    levels: {1: Generic., 2: Some reason., 3: A reason for this company., 4: A short ask.}
passing_score: 3
mentor_notes: Look for the reason for the call.
---
Read [the welcome lesson](../content/courses/basics/01-welcome.md) first, and keep
[the call flow](assets/first-call/flow.pdf) at hand.

![Who picks up](assets/first-call/who.svg)
"""


def _write(root: Path, rel: str, data: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content-root"
    _write(root, "content/courses/basics/course.yaml", "title: Basics\nroles: [all]\n")
    _write(
        root,
        "content/courses/basics/01-welcome.md",
        "---\ntitle: Welcome\nminutes: 3\n---\n![The funnel](assets/funnel.png)\n\n"
        "![A chart](assets/charts/chart.svg)\n",
    )
    _write(root, "content/courses/basics/assets/funnel.png", PNG)
    _write(root, "content/courses/basics/assets/charts/chart.svg", SVG)
    # In the folder, but never served: a hidden file and a type off the list.
    _write(root, "content/courses/basics/assets/.secret.png", PNG)
    _write(root, "content/courses/basics/assets/notes.docx", b"PK\x03\x04")
    _write(root, "roleplays/first-call.md", CASE_TEXT)
    _write(root, "roleplays/assets/first-call/flow.pdf", b"%PDF-1.4\n%%EOF\n")
    _write(root, "roleplays/assets/first-call/who.svg", SVG)
    _write(root, "quizzes/secret.yaml", "title: Secret\nroles: [all]\npass_mark: 1\n")
    return root


@pytest.fixture
def app_config(app_config, content_root):
    return {**app_config, "CONTENT_ROOT": str(content_root)}


def _get(client, url: str, **kwargs):
    """A file's response, read and closed (a file is streamed until then)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def _sources(page: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', page)


def test_a_lesson_image_is_served_at_the_url_its_page_gives_with_cache_headers(client, login_as):
    login_as("hire")
    page = client.get(LESSON_URL).get_data(as_text=True)
    assert _sources(page, "src")[:2] == ["assets/funnel.png", "assets/charts/chart.svg"]
    url = urljoin(LESSON_URL, "assets/funnel.png")
    assert url == "/courses/basics/assets/funnel.png"
    response = _get(client, url)
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Kept by the browser, asked again each time (the file changes with a deploy), and by
    # no shared cache (it is for signed-in people).
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Last-Modified"]
    etag = response.headers["ETag"]
    again = _get(client, url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = _get(client, url, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert since.status_code == 304


def test_an_image_changed_by_a_deploy_is_a_new_etag(client, login_as, content_root):
    login_as("hire")
    url = "/courses/basics/assets/funnel.png"
    first = _get(client, url).headers["ETag"]
    path = content_root / "content/courses/basics/assets/funnel.png"
    path.write_bytes(PNG + b"\0")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    response = _get(client, url, headers={"If-None-Match": first})
    assert response.status_code == 200 and response.headers["ETag"] != first


def test_an_svg_is_served_with_a_policy_that_runs_nothing(client, login_as):
    login_as("hire")
    response = _get(client, "/courses/basics/assets/charts/chart.svg")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_case_page_links_its_files_and_lessons_to_urls_that_answer(client, login_as):
    """Finding 7: a case's link to a lesson led the hire to a 404."""
    login_as("hire")
    page = client.get("/roleplays/first-call").get_data(as_text=True)
    links = [h for h in _sources(page, "href") if "basics" in h or "assets" in h]
    # The situation and an objective (front matter), then the scenario: each link works.
    assert links == ["/courses/basics/welcome", "/roleplays/assets/first-call/flow.pdf"] * 2
    assert '<a href="/courses/basics/welcome" rel="noopener noreferrer">the profile</a>' in page
    assert "[the profile]" not in page
    assert "/roleplays/assets/first-call/who.svg" in _sources(page, "src")
    assert _get(client, "/courses/basics/welcome").status_code == 200
    pdf = _get(client, "/roleplays/assets/first-call/flow.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    svg = _get(client, "/roleplays/assets/first-call/who.svg")
    assert svg.status_code == 200 and "sandbox" in svg.headers["Content-Security-Policy"]


FILES = (
    "/courses/basics/assets/funnel.png",
    "/roleplays/assets/first-call/flow.pdf",
    "/preview/courses/basics/assets/funnel.png",
    "/preview/roleplays/assets/first-call/flow.pdf",
)


def test_a_visitor_is_sent_to_the_login_page_for_every_file(client):
    for url in FILES:
        response = _get(client, url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", ["hire", "mentor", "manager", "admin"])
def test_everyone_signed_in_reads_the_files_and_staff_the_previews(client, db_session, role):
    sign_in(client, make_user(db_session, role).email)
    for url in FILES:
        expected = 403 if role == "hire" and url.startswith("/preview/") else 200
        response = _get(client, url)
        assert response.status_code == expected, url


def test_a_hire_of_another_track_reads_a_courses_files_as_its_pages(
    client, db_session, content_root
):
    """Courses are not closed to other tracks (the course list shows them as "other
    courses"), so neither are their files: the file answers as the lesson page does."""
    _write(content_root, "content/courses/closing/course.yaml", "title: Closing\nroles: [closer]\n")
    _write(
        content_root,
        "content/courses/closing/01-offer.md",
        "---\ntitle: The offer\nminutes: 2\n---\n![Offer](assets/offer.png)\n",
    )
    _write(content_root, "content/courses/closing/assets/offer.png", PNG)
    sign_in(client, make_user(db_session, "hire", track="lead-generation").email)
    assert client.get("/courses/closing/offer").status_code == 200
    assert _get(client, "/courses/closing/assets/offer.png").data == PNG


def test_a_preview_lesson_image_resolves_to_the_preview_route(client, db_session):
    sign_in(client, make_user(db_session, "mentor").email)
    preview = "/preview/courses/basics/welcome"
    page = client.get(preview).get_data(as_text=True)
    assert "assets/funnel.png" in _sources(page, "src")
    url = urljoin(preview, "assets/funnel.png")
    assert url == "/preview/courses/basics/assets/funnel.png"
    assert _get(client, url).data == PNG


@pytest.mark.parametrize(
    "url",
    [
        "/courses/basics/assets/../course.yaml",
        "/courses/basics/assets/..%2fcourse.yaml",
        "/courses/basics/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/quizzes/secret.yaml",
        "/courses/basics/assets/charts/../../01-welcome.md",
        "/courses/basics/assets//etc/passwd",
        "/courses/basics/assets/.secret.png",
        "/courses/basics/assets/notes.docx",
        "/courses/basics/assets/missing.png",
        "/courses/nothing/assets/funnel.png",
        "/roleplays/assets/first-call/../../first-call.md",
        "/roleplays/assets/no-such-case/flow.pdf",
        "/roleplays/assets/first-call/%2e%2e/%2e%2e/%2e%2e/quizzes/secret.yaml",
    ],
)
def test_nothing_outside_an_assets_folder_or_off_the_list_is_served(client, login_as, url):
    login_as("admin")
    # (A doubled slash is first merged by the router: a redirect, then the same 404.)
    response = _get(client, url, follow_redirects=True)
    assert response.status_code == 404, url
    assert b"pass_mark" not in response.data and b"title:" not in response.data


def test_a_link_out_of_the_folder_is_not_followed(client, login_as, content_root, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    (content_root / "content/courses/basics/assets/escape.png").symlink_to(outside)
    login_as("hire")
    assert _get(client, "/courses/basics/assets/escape.png").status_code == 404
