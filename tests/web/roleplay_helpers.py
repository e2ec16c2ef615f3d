"""Shared arrangements for the role-play and review web tests."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import sign_in

CASE = "gatekeeper-cold-call"
CASE_URL = f"/roleplays/{CASE}"
# The gatekeeper case's rubric keys, in file order.
CRITERIA = ("opening", "gatekeeper-replies", "honesty", "next-step")


def team(db_session: Session, hires: int = 1) -> dict[str, Any]:
    cast = factories.make_team(db_session, hires=hires)
    db_session.commit()
    return cast


def answer(client: Any, text: str, submit: bool = True, **extra: Any) -> Any:
    data = {"text": text, ("submit" if submit else "save"): "1", **extra}
    return client.post_form(CASE_URL, data, token_from=CASE_URL)


def review_data(levels: int | dict[str, int], decision: str, comment: str = "See notes.") -> dict:
    per = levels if isinstance(levels, dict) else {key: levels for key in CRITERIA}
    data: dict[str, Any] = {"decision": decision, "comment": comment}
    for key in CRITERIA:
        data[f"level-{key}"] = str(per[key])
        data[f"comment-{key}"] = f"comment on {key}"
    return data


def decide(client: Any, submission_id: int, levels: Any, decision: str, **kw: Any) -> Any:
    url = f"/reviews/{submission_id}"
    return client.post_form(url, review_data(levels, decision, **kw), token_from=url)


def as_user(client: Any, email: str) -> None:
    """Sign out whoever is signed in, then sign in as ``email``."""
    if client.get("/").status_code == 200:
        client.post_form("/logout", token_from="/")
    sign_in(client, email)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "plan.pdf", data: bytes = PDF) -> tuple[Any, str]:
    return (io.BytesIO(data), name)
