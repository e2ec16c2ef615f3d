"""/readyz tells the truth (finding 4): the database at the code's schema, an uploads folder
that is writable and the shared one (the mark written at db upgrade), on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.home.health import MARK_FILE, mark_uploads


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "UPLOAD_FOLDER": str(tmp_path / "uploads")}


def _mark(app, folder: Path) -> None:
    with app.app_context(), db.engine.begin() as conn:
        mark_uploads(conn, folder)


def test_ready_when_everything_holds(app, client):
    _mark(app, Path(app.config["UPLOAD_FOLDER"]))
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ok"}


def test_an_unwritable_uploads_folder_is_not_ready(app, client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    # Root can write into any folder, so the folder sits under a plain file instead.
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "is not writable" in response.get_json()["problems"][0]


def test_a_host_on_an_unshared_uploads_folder_is_not_ready(app, client, tmp_path):
    shared = tmp_path / "shared"
    _mark(app, shared)
    assert (shared / MARK_FILE).is_file()
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "local-disk")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "is not the shared one" in response.get_json()["problems"][0]
    app.config["UPLOAD_FOLDER"] = str(shared)
    assert client.get("/readyz").status_code == 200


def test_an_upgrade_does_not_mark_a_folder_that_holds_someone_elses_files(app, tmp_path):
    shared, local = tmp_path / "shared", tmp_path / "local"
    _mark(app, shared)
    local.mkdir()
    (local / "0123abcd").write_bytes(b"an attachment")
    _mark(app, local)  # db upgrade run on the wrong host
    assert not (local / MARK_FILE).exists()


def test_a_database_behind_the_code_is_not_ready(app, client):
    with app.app_context(), db.engine.begin() as conn:
        head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'c4a1e7d2b9f0'"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "older than the code: run trainhub db upgrade" in response.get_json()["problems"][0]
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'f00dfeed0000'"))
        # A newer release migrated it (a rolling deploy): this host keeps serving.
        assert client.get("/readyz").status_code == 200
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :h"), {"h": head})
