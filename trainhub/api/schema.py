"""The readiness document the API serves, and its OpenAPI description.

The shape is a contract with HR and CRM integrations (see DESIGN.md): change it only by
adding fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..readiness.results import STATUSES
from ..schedule.rules import ScheduleState
from ..team.service import HireRow

STEP_KINDS = ["course", "quiz", "roleplay", "signoff"]
SCHEDULE_STATES: list[ScheduleState] = ["not_scheduled", "paused", "scheduled"]


def _stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def hire_document(row: HireRow) -> dict[str, Any]:
    readiness = row.readiness
    return {
        "email": row.email,
        "name": row.name,
        "track": row.track,
        "mentor": row.mentor_email,
        "started_on": row.started_on.isoformat() if row.started_on else None,
        "progress": round(readiness.progress, 4),
        "status": readiness.status,
        "ready_since": _stamp(readiness.ready_since),
        "steps": [
            {
                "kind": s.kind,
                "slug": s.slug,
                "done": s.done,
                "detail": s.detail,
                "due_on": due.due_on.isoformat() if due and due.due_on else None,
                "overdue_days": due.overdue_days if due else 0,
                "outdated": s.outdated,
                "redo": s.redo,
            }
            for s, due in row.steps_with_due()
        ],
        "reasons": list(readiness.reasons),
        "schedule_state": row.schedule_state,
    }


def readiness_document(rows: Iterable[HireRow], now: datetime) -> dict[str, Any]:
    return {"generated_at": _stamp(now), "hires": [hire_document(r) for r in rows]}


_ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "TrainHub API",
        "version": "1.0.0",
        "description": (
            "Readiness of new sales hires for HR and CRM integrations. Authenticate with "
            "`Authorization: Bearer <token>`; an administrator creates tokens with "
            "`trainhub api-token create EMAIL` (the token is printed once) and revokes them "
            "with `trainhub api-token revoke`. A token acts with its owner's permissions: a "
            "manager's token sees the manager's own hires, a mentor's token the hires they "
            "mentor, an admin's token every hire; a hire's token is refused with 403. "
            "Deactivated hires are left out."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": _ERROR,
            "Step": {
                "type": "object",
                "required": ["kind", "slug", "done", "detail"],
                "properties": {
                    "kind": {"type": "string", "enum": STEP_KINDS},
                    "slug": {"type": "string"},
                    "done": {"type": "boolean"},
                    "detail": {"type": "string", "examples": ["passed 85% (pass 80%)"]},
                    "due_on": {
                        "type": ["string", "null"],
                        "format": "date",
                        "description": (
                            "The day the step is due, in the company's time zone; null "
                            "for a hire without a start date, or after an open pause."
                        ),
                    },
                    "overdue_days": {
                        "type": "integer",
                        "minimum": 0,
                        "description": "Days a step not done is past its due date; 0 otherwise.",
                    },
                    "outdated": {
                        "type": "boolean",
                        "description": (
                            "Done before its content changed in a way the hire would notice "
                            "(still done; the mentor or manager decides)."
                        ),
                    },
                    "redo": {
                        "type": "boolean",
                        "description": (
                            "The mentor or manager asked the hire to redo it after a change: "
                            "not done until redone."
                        ),
                    },
                },
            },
            "Hire": {
                "type": "object",
                "required": [
                    "email",
                    "name",
                    "track",
                    "mentor",
                    "started_on",
                    "progress",
                    "status",
                    "ready_since",
                    "steps",
                    "reasons",
                ],
                "properties": {
                    "email": {"type": "string", "format": "email"},
                    "name": {"type": "string"},
                    "track": {"type": ["string", "null"], "examples": ["account-manager"]},
                    "mentor": {"type": ["string", "null"], "format": "email"},
                    "started_on": {"type": ["string", "null"], "format": "date"},
                    "progress": {"type": "number", "minimum": 0, "maximum": 1},
                    "status": {"type": "string", "enum": list(STATUSES)},
                    "ready_since": {"type": ["string", "null"], "format": "date-time"},
                    "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}},
                    "reasons": {
                        "type": "array",
                        "items": {"type": "string"},
                        "examples": [["quiz kpi-basics: best 60%, needs 80%"]],
                    },
                    "schedule_state": {
                        "type": "string",
                        "enum": SCHEDULE_STATES,
                        "description": (
                            "not_scheduled: no start date, so nothing is due; paused: on "
                            "leave today, due dates move back; scheduled: due dates run."
                        ),
                    },
                },
            },
            "Readiness": {
                "type": "object",
                "required": ["generated_at", "hires"],
                "properties": {
                    "generated_at": {"type": "string", "format": "date-time"},
                    "hires": {"type": "array", "items": {"$ref": "#/components/schemas/Hire"}},
                    "next": {
                        "type": ["string", "null"],
                        "description": (
                            "The URL of the next page (the same limit, a cursor after this "
                            "page's last hire); null on the last page."
                        ),
                    },
                },
            },
        },
    },
    "paths": {
        "/readiness": {
            "get": {
                "operationId": "getReadiness",
                "summary": "Readiness of every hire the token's owner looks after",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 1000,
                            "default": 100,
                        },
                        "description": "Hires per page.",
                    },
                    {
                        "name": "cursor",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": (
                            "Where the page starts: the cursor in the previous page's `next`. "
                            "Without one, the first page."
                        ),
                    },
                ],
                "responses": {
                    "200": {
                        "description": (
                            "A page of active hires, sorted by name; follow `next` for the rest."
                        ),
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Readiness"}
                            }
                        },
                    },
                    "400": {
                        "description": "A limit out of range, or a cursor this API did not give.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                    "401": {
                        "description": "Missing, wrong or revoked token.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                    "403": {
                        "description": "The token belongs to a hire.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "responses": {"200": {"description": "The OpenAPI 3.1 document."}},
            }
        },
    },
}
