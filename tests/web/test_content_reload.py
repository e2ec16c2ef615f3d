"""Content changes are picked up without a restart; a broken file never becomes a 500."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LESSON = "content/courses/sales-department-foundations/01-the-sales-conveyor.md"
URL = "/courses/sales-department-foundations/the-sales-conveyor"


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content-root"
    for folder in ("content", "quizzes", "roleplays"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def app_config(app_config, content_root):
    return {**app_config, "CONTENT_ROOT": str(content_root)}


def _touch_later(path: Path) -> None:
    # Make sure the modification time moves even on file systems with coarse timestamps.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_an_edited_lesson_is_served_without_a_restart(client, login_as, content_root):
    login_as("hire")
    assert "Brand-new paragraph" not in client.get(URL).get_data(as_text=True)
    path = content_root / LESSON
    path.write_text(path.read_text() + "\n\nBrand-new paragraph about pipelines.\n")
    _touch_later(path)
    assert "Brand-new paragraph about pipelines." in client.get(URL).get_data(as_text=True)


def test_a_broken_file_is_listed_for_the_admin_and_the_rest_is_served(
    client, login_as, content_root
):
    path = content_root / LESSON
    path.write_text("---\ntitle: [unclosed\nminutes: 3\n---\nBody\n")
    _touch_later(path)
    login_as("admin")
    assert client.get(URL).status_code == 404  # the broken lesson is left out ...
    other = "/courses/sales-department-foundations/kpis"
    assert client.get(other).status_code == 200  # ... and the rest is served
    page = client.get("/admin/content").get_data(as_text=True)
    assert f"{LESSON}:2" in page
    assert client.get("/").status_code == 200
