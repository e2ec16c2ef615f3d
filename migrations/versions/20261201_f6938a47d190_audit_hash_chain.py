"""audit hash chain

Every audit event gets the hash of its content and of the event before it, and one row holds
the newest hash (writers lock it, so the chain never forks). The events recorded before this
revision are chained here, in id order, with the same canonical form the app uses
(``trainhub.audit.chain``; it must never change, or old chains would stop verifying). No
event's content is changed: only the two hash columns are filled.

Revision ID: f6938a47d190
Revises: 009b009c2b49
Create Date: 2026-12-01 22:40:00
"""

import sqlalchemy as sa
from alembic import op

from trainhub.audit.chain import GENESIS, ChainRow, event_hash

revision = "f6938a47d190"
down_revision = "009b009c2b49"
branch_labels = None
depends_on = None

BATCH = 2000


def _chain_existing() -> str:
    bind = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("actor_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("subject_id", sa.Integer),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.String),
        sa.column("data", sa.JSON),
        sa.column("created_at", sa.DateTime),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    previous, after = GENESIS, 0
    while True:
        rows = bind.execute(
            sa.select(*[c for c in events.c if c.name not in ("prev_hash", "hash")])
            .where(events.c.id > after)
            .order_by(events.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return previous
        for row in rows:
            digest = event_hash(ChainRow(*row, prev_hash=previous, hash=None), previous)
            bind.execute(
                events.update().where(events.c.id == row.id).values(prev_hash=previous, hash=digest)
            )
            previous = digest
        after = rows[-1].id


def upgrade():
    op.create_table(
        "audit_heads",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_heads")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    head = _chain_existing()
    # An empty log needs no head row yet: the first event creates it (audit.service).
    if head != GENESIS:
        op.bulk_insert(
            sa.table("audit_heads", sa.column("id", sa.Integer), sa.column("hash", sa.String)),
            [{"id": 1, "hash": head}],
        )


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    op.drop_table("audit_heads")
