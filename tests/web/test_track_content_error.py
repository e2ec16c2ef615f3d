"""A track with an error in one step is served without that step, and says so: the hire
does not read "You have no onboarding track yet", and the admin's content page names it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import factories
from trainhub.extensions import db

REPO = Path(__file__).resolve().parents[2]
TRACK = "content/tracks/lead-generation.yaml"


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content-root"
    for folder in ("content", "quizzes", "roleplays"):
        shutil.copytree(REPO / folder, root / folder)
    path = root / TRACK
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    min_score: 3.0", "    min_score: 5", 1), encoding="utf-8")
    return root


@pytest.fixture
def app_config(app_config, content_root):
    return {**app_config, "CONTENT_ROOT": str(content_root)}


def test_the_hire_keeps_the_track_and_is_told_it_has_a_content_error(client, login_as):
    login_as("hire")  # follows lead-generation
    page = client.get("/").get_data(as_text=True)
    assert "You have no onboarding track yet" not in page
    assert "Lead-generation specialist" in page
    assert 'data-testid="track-content-error"' in page
    assert "This track has a content error" in page and "The admin has been told." in page


def test_a_track_without_errors_says_nothing(client, login_as):
    login_as("hire", track="account-manager")
    page = client.get("/").get_data(as_text=True)
    assert "track-content-error" not in page


def test_the_admin_content_page_names_the_track_and_the_line(client, login_as, content_root):
    login_as("admin")
    page = client.get("/admin/content").get_data(as_text=True)
    assert "The track “Lead-generation specialist” is served without the steps" in page
    rows = (content_root / TRACK).read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(rows, 1) if "min_score: 5" in row)
    assert f"{TRACK}:{line}" in page
    assert "step 9 (roleplay warm-lead-handover): &#39;min_score&#39; must be between 1 and 4" in (
        page
    )


def test_the_manager_sees_the_content_error_on_the_hires_page(app, client, login_as):
    with app.app_context():
        team = factories.make_team(db.session)
        db.session.commit()
        manager, hire_id = team["manager"], team["hire"].id
    login_as(manager)
    page = client.get(f"/team/{hire_id}").get_data(as_text=True)
    assert "Lead-generation specialist" in page
    assert 'data-testid="track-content-error"' in page
    assert "This track has a content error; the admin has been told." in page
