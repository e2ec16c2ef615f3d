"""stale decisions: a mentor's "redo it" or "minor change" for a hire's step

One row per hire, item and content version. No existing row is changed: learner records keep
the hashes they stored, and the app compares them with both the item's version by content and
its file's hash (``catalog.versions.same_version``).

Revision ID: c4a9e2f7d1b3
Revises: 5ca1ed0b1e55
Create Date: 2026-12-02 07:00:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "c4a9e2f7d1b3"
down_revision = "5ca1ed0b1e55"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stale_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item", sa.String(length=201), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("redone_at", sa.DateTime(), nullable=True),
        sa.Column("redone_version", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "kind IN ('lesson', 'quiz', 'roleplay')", name=op.f("ck_stale_decisions_kind_known")
        ),
        sa.CheckConstraint(
            "verdict IN ('redo', 'minor')", name=op.f("ck_stale_decisions_verdict_known")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_stale_decisions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stale_decisions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stale_decisions")),
        sa.UniqueConstraint(
            "user_id",
            "kind",
            "item",
            "version",
            name=op.f("uq_stale_decisions_user_id_kind_item_version"),
        ),
    )
    with op.batch_alter_table("stale_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stale_decisions_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("stale_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stale_decisions_user_id"))
    op.drop_table("stale_decisions")
