"""The audit log's hash chain: each event's hash covers its content and the previous hash.

Pure functions over plain values, so ``record_event``, ``verify_chain`` and the migration that
chained the rows written before it all hash the same bytes. Editing, inserting, deleting or
reordering a stored event breaks the chain at that event. What a chain cannot prove by itself:
someone who can write to the database can recompute every hash after their edit, and deleting
the newest events leaves a shorter, valid chain. Record the head hash elsewhere from time to
time (``trainhub audit verify`` prints it) to anchor what existed then.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# The hash "before" the first event: 64 zeros, so every event has a predecessor hash.
GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainRow:
    """What is hashed of one event, as stored."""

    id: int
    actor_id: int | None
    action: str
    subject_id: int | None
    object_type: str | None
    object_id: str | None
    data: Mapping[str, Any] | None
    created_at: datetime
    prev_hash: str | None
    hash: str | None


def _time(value: datetime) -> str:
    # Naive times are stored UTC (SQLite returns them so); the text must not depend on it.
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row: ChainRow, prev_hash: str) -> bytes:
    """The bytes an event's hash covers: sorted-key JSON, no spaces, UTF-8, times in UTC."""
    # The id is left out: it is the database's to assign (after the hash is known), and the
    # chain's links already fix every event's place.
    content = {
        "actor_id": row.actor_id,
        "action": row.action,
        "subject_id": row.subject_id,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "data": row.data or {},
        "created_at": _time(row.created_at),
        "prev_hash": prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(row: ChainRow, prev_hash: str) -> str:
    return hashlib.sha256(canonical(row, prev_hash)).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """The result of walking the chain: ``broken_at`` is the first event that does not fit
    (None when the chain holds), with why; ``head`` is the last event's hash."""

    checked: int
    broken_at: int | None
    problem: str | None
    head: str

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def verify_rows(rows: Iterable[ChainRow]) -> Verdict:
    """Walk events in id order and stop at the first that does not fit the chain."""
    previous = GENESIS
    checked = 0
    for row in rows:
        checked += 1
        if row.prev_hash != previous:
            # The event before it was edited, deleted, or this one was inserted or moved.
            return Verdict(checked, row.id, "does not follow the event before it", previous)
        if row.hash != event_hash(row, previous):
            return Verdict(checked, row.id, "was changed after it was recorded", previous)
        previous = row.hash
    return Verdict(checked, None, None, previous)
