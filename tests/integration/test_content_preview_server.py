"""``trainhub content preview``: an author's own server over a content folder, signed in as
author, following saved files; the author's real database is never touched."""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _instance_files() -> dict[str, int]:
    folder = REPO / "instance"
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} if folder.is_dir() else {}


class Browser:
    """Just enough of a browser: cookies and redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode()


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Browser, Path, dict[str, int]]]:
    root = tmp_path / "content-root"
    for folder in ("content", "quizzes", "roleplays"):
        shutil.copytree(REPO / folder, root / folder)
    before = _instance_files()
    port = _free_port()
    env = dict(os.environ)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trainhub.cli",
            "content",
            "preview",
            "--root",
            str(root),
            "--port",
            str(port),
        ],  # fmt: skip
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        # A real server starting: wait for its port (bounded), as a browser would retry.
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    pytest.fail(f"the preview server did not start:\n{output}")
                time.sleep(0.2)
        yield browser, root, before
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_the_preview_opens_signed_in_and_follows_a_saved_file(preview):
    browser, root, before = preview
    status, url, page = browser.get("/")
    assert status == 200 and url.endswith("/preview/")
    assert "Preview content" in page
    status, _url, quiz = browser.get("/preview/quizzes/kpi-basics")
    assert status == 200 and "Answer key" in quiz
    version = json.loads(browser.get("/preview/version")[2])["version"]
    lesson = sorted((root / "content/courses/sales-department-foundations").glob("01-*.md"))[0]
    text = lesson.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    lesson.write_text(text.replace(title, "title: Welcome, saved just now", 1), encoding="utf-8")
    # The server checks the files every half second: wait for it (bounded), as the page does.
    deadline = time.monotonic() + 20
    while json.loads(browser.get("/preview/version")[2])["version"] == version:
        assert time.monotonic() < deadline, "the preview did not notice the saved file"
        time.sleep(0.25)
    slug = lesson.stem.split("-", 1)[1]
    page = browser.get(f"/preview/courses/sales-department-foundations/{slug}")[2]
    assert "Welcome, saved just now" in page
    # The preview's database lives in a temporary folder: the instance folder is untouched.
    assert _instance_files() == before
