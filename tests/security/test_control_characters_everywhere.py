"""NUL and other control characters in every text field of every form (finding 4), on SQLite
and PostgreSQL: a message next to the field, never a 500, and nothing stored.

Forms are found as a person finds them: every role, anonymous included, opens every page the
route matrix lets it open, and each POST form there is sent once per text field with a control
character in that field (the other fields as the page filled them). Afterwards no row of any
table holds a control character.
"""

from __future__ import annotations

import html
import re
from typing import Any

import sqlalchemy as sa

from tests.security.crawl import TEXT_KINDS, forms_of
from tests.security.test_xss_corpus import _pages
from tests.security.world import World, client_of
from trainhub.extensions import db

MESSAGE = "Remove the invisible control character"
CONTROLS = ["\x00", "\x1b[2J", "\x08", "\x7f", "\x85"]
NO_TEXT = ("/logout", "/language")
STORED_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _stored_controls(world: World) -> list[str]:
    found = []
    with world.app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    text = value if isinstance(value, str) else repr(value)
                    if isinstance(value, str | dict | list) and STORED_CONTROL.search(text):
                        found.append(f"{table.name}.{column}")
        db.session.remove()
    return found


def test_every_text_field_refuses_control_characters(world: World) -> None:
    world.reset()
    pages = [("anon", "-", "/login"), *_pages(world)]
    refused: dict[str, int] = {}
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, (role, _owner, url) in enumerate(pages):
        client = client_of(world, role)
        response = client.get(url)
        page = response.get_data(as_text=True)
        # Closed at once: a streamed answer (the CSV) keeps its request context pushed until
        # it is closed, and the next request would then see that one's signed-in person.
        response.close()
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        for form in forms_of(page, url):
            if (role, form.action) in seen or form.action.startswith(NO_TEXT):
                continue
            seen.add((role, form.action))
            fields = [f for f in form.fields if f.kind in TEXT_KINDS | {"email", "password"}]
            for index, field in enumerate(fields):
                control = CONTROLS[(number + index) % len(CONTROLS)]
                data: dict[str, Any] = form.data({}, None)
                data[field.name] = f"Hello{control} there"
                sent = client.post(form.action, data=data)
                body = html.unescape(sent.get_data(as_text=True))
                sent.close()
                where = f"{role} {form.action} {field.name} {control!r}: {sent.status_code}"
                if sent.status_code not in (200, 422) or MESSAGE not in body:
                    problems.append(where)
                    continue
                # Next to the field: inside the element that describes this field's error.
                if f'id="{field.name}-error"' not in body and field.name not in body:
                    problems.append(f"{where} (message not next to the field)")
                refused[f"{form.action.split('/')[1]}:{field.name}"] = 1
    assert problems == []
    assert len(refused) >= 15, sorted(refused)
    assert _stored_controls(world) == []
    print(f"\ncontrol characters: {len(refused)} fields refused them on {len(seen)} forms")
