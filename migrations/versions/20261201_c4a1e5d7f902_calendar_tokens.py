"""calendar tokens

Each person may have a private calendar feed URL; only the SHA-256 of its secret is kept.
A table is added; no row is rewritten.

Revision ID: c4a1e5d7f902
Revises: edcde43a7673 (re-chained after main on merge; written on 009b009c2b49)
Create Date: 2026-12-01 22:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = "c4a1e5d7f902"
down_revision = "edcde43a7673"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_calendar_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_tokens_token_hash")),
    )
    with op.batch_alter_table("calendar_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_tokens_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("calendar_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_tokens_user_id"))
    op.drop_table("calendar_tokens")
